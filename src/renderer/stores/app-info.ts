// Runs in the renderer. What the app learned about where it runs: the shell, its version, the bundled samples and
// the recent files.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ApiMap, SampleInfo } from '../../contract/api'

/** The app-info store, filled once at startup from `app:info`. */
export const useAppInfoStore = defineStore('app-info', () => {
  /** Where the UI runs; null until the app has asked. */
  const shell = ref<'electron' | 'serve' | null>(null)
  /** Product version. */
  const version = ref('')
  /** Bundled sample photos. */
  const samples = ref<readonly SampleInfo[]>([])
  /** Recently opened files (Electron). */
  const recent = ref<readonly string[]>([])

  /** Records the answer of `app:info`. */
  function set(about: ApiMap['app:info']['res']): void {
    shell.value = about.shell
    version.value = about.version
    samples.value = about.samples
    recent.value = about.recent
  }

  return { shell, version, samples, recent, set }
})
