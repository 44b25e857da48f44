// Runs in the renderer. The open document: which image is open, where it came from, and the actions that open it
// (sample, file, path, dialog), re-open it after an engine host restart, and show something at startup.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { DocumentState, ImageInfo } from '../../contract/api'
import { firstLaunchSample, sampleIdOfPath } from '../model/samples'
import { api } from '../services/client'
import { useAppInfoStore } from './app-info'
import { useDisplayStore } from './display'
import { useStatusStore } from './status'

/** Where the open image came from, so it can be re-opened after an engine host restart. */
export type DocumentSource =
  | { readonly kind: 'sample'; readonly id: string }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'upload'; readonly file: File }

/** The document store: the open image and how it was opened. */
export const useDocumentStore = defineStore('document', () => {
  const app = useAppInfoStore()
  const display = useDisplayStore()
  const status = useStatusStore()

  /** The open image, or null. */
  const info = ref<ImageInfo | null>(null)
  /** Incremented whenever a new image is open (or re-sent after a host restart): previews start over. */
  const generation = ref(0)
  /** Where the current image came from. */
  const source = shallowRef<DocumentSource | null>(null)
  /** Id of the sample shown, if the image is a sample. */
  const sampleId = computed(() => {
    const from = source.value
    if (from?.kind === 'sample') return from.id
    const path = info.value?.path
    return path ? sampleIdOfPath(path, app.samples) : null
  })

  let unsubscribe: (() => void)[] = []

  /** Makes `next` the open document: rasters start over, notes become the notice. */
  function adopt(next: ImageInfo, from: DocumentSource | null): void {
    info.value = next
    source.value = from
    display.clear()
    status.setNotice(next.notes.length > 0 ? next.notes.join(' ') : null)
    generation.value += 1
  }

  // Opens run one after another: the host keeps the image it opened last, so the renderer must adopt the same one
  // (a file dropped while the first-launch sample is still opening used to show under the other's name).
  let opens: Promise<unknown> = Promise.resolve()
  /** Open actions asked for so far: startup (init) opens no image of its own once the user has asked for one. */
  let asked = 0

  /** Runs an open action with the busy state, after any open before it; a failure keeps the previous image. */
  function opening(label: string, run: () => Promise<ImageInfo | null>, from: DocumentSource | null): Promise<boolean> {
    asked += 1
    const done = opens.then(async () => {
      try {
        const next = await status.whileBusy(label, run)
        if (!next) return false
        adopt(next, from)
        status.dismissError()
        return true
      } catch (err) {
        status.reportError(err)
        return false
      }
    })
    opens = done
    return done
  }

  /** Opens a bundled sample. */
  function openSample(id: string): Promise<boolean> {
    const name = app.samples.find((s) => s.id === id)?.name ?? id
    return opening(`Opening ${name}…`, () => api['image:open']({ sample: id }), { kind: 'sample', id })
  }

  /** Opens a file the user picked or dropped (its bytes go to the engine host). */
  async function openFile(file: File): Promise<boolean> {
    return opening(
      `Opening ${file.name}…`,
      async () => {
        if (file.size === 0) throw new Error(`${file.name} is empty: there is no image in it`)
        const bytes = new Uint8Array(await file.arrayBuffer())
        return api['image:upload']({ name: file.name, bytes })
      },
      { kind: 'upload', file }
    )
  }

  /** Opens a file by path (Electron, recent files, serve mode's paths). */
  function openPath(path: string): Promise<boolean> {
    const name = path.split(/[\\/]/).pop() ?? path
    return opening(`Opening ${name}…`, () => api['image:open']({ path }), { kind: 'path', path })
  }

  /** Electron: shows the native open dialog (resolves false when cancelled). */
  async function openDialog(): Promise<boolean> {
    let picked: ImageInfo | null = null
    const ok = await opening(
      'Opening…',
      async () => {
        picked = await api['image:open']({})
        return picked
      },
      null
    )
    const chosen = picked as ImageInfo | null
    if (ok && chosen?.path) source.value = { kind: 'path', path: chosen.path }
    return ok
  }

  /** Re-sends the document after the engine host restarted (the stack is untouched, previews start over). */
  async function restore(): Promise<void> {
    const from = source.value
    // The API side re-opens the last image in the new host before announcing the restart; if it could not,
    // the renderer sends it again itself.
    const current = await api['image:current']({}).catch(() => null)
    if (current) {
      adopt(current, from)
      return
    }
    if (!from) return
    if (from.kind === 'sample') await openSample(from.id)
    else if (from.kind === 'path') await openPath(from.path)
    else await openFile(from.file)
  }

  /** Opens a saved document's image again from where it came; false when that is not possible (an upload). */
  async function reopen(saved: NonNullable<DocumentState['source']>): Promise<boolean> {
    if (saved.kind === 'sample') return openSample(saved.id)
    if (saved.kind === 'path') return openPath(saved.path)
    return false
  }

  /**
   * Starts the document side of the app: asks where it runs, subscribes to host events, and shows the current
   * image, else the saved document's image (`saved`, after an app restart), else the first-launch sample, so the
   * window is never empty.
   */
  async function init(saved: DocumentState['source'] = null): Promise<void> {
    for (const off of unsubscribe) off()
    unsubscribe = [
      api.on('host:restarted', () => void restore()),
      api.on('image:opened', (opened) => adopt(opened, opened.path ? { kind: 'path', path: opened.path } : null))
    ]
    try {
      const about = await api['app:info']({})
      app.set(about)
      const current = await api['image:current']({})
      if (current) {
        adopt(current, current.path ? { kind: 'path', path: current.path } : saved?.kind === 'sample' ? saved : null)
        return
      }
      // A photo opened while the app was starting (before init, or during its requests) wins over the saved
      // document and the first-launch sample; one asked for from here on opens after them.
      if (asked > 0) return
      if (saved && (await reopen(saved))) return
      const first = firstLaunchSample(about.samples)
      if (first) await openSample(first.id)
    } catch (err) {
      status.reportError(err)
    }
  }

  return { info, generation, source, sampleId, openSample, openFile, openPath, openDialog, restore, init }
})
