// Runs in the renderer. What the app tells the user about itself: busy with what, the last failure and information
// notices.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { errorMessage } from '../model/error-message'
import { isAbortError } from '../services/client'

/** The status store: busy state for the status line, the error banner and the notice banner. */
export const useStatusStore = defineStore('status', () => {
  /** Opening a file or exporting. */
  const busy = ref(false)
  /** What the app is busy with, for the status line ("Opening chelsea.png…"). */
  const busyLabel = ref('')
  /** The last failure as one line for the banner; null when dismissed. */
  const error = ref<string | null>(null)
  /** Information about the open image or the last action (e.g. "only the first frame is used"), dismissible. */
  const notice = ref<string | null>(null)

  /** Records a failure for the banner (cancellations are not failures and are ignored). */
  function reportError(err: unknown): void {
    if (isAbortError(err)) return
    error.value = errorMessage(err)
  }

  /** Hides the error banner. */
  function dismissError(): void {
    error.value = null
  }

  /** Shows a notice (null hides it). */
  function setNotice(text: string | null): void {
    notice.value = text
  }

  /** Hides the notice. */
  function dismissNotice(): void {
    notice.value = null
  }

  /** Runs `work` with the busy state and `label` shown; they clear however it ends. */
  async function whileBusy<T>(label: string, work: () => Promise<T>): Promise<T> {
    busy.value = true
    busyLabel.value = label
    try {
      return await work()
    } finally {
      busy.value = false
      busyLabel.value = ''
    }
  }

  return { busy, busyLabel, error, notice, reportError, dismissError, setNotice, dismissNotice, whileBusy }
})
