// Runs in the renderer. Batch export: the run this window or tab started (in a process of its own, so the
// previews stay responsive), its progress from `batch:progress`, cancel, and what the Electron pickers chose.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ApiMap, BatchProgress } from '../../contract/api'
import { summaryText } from '../model/batch-summary'
import { api } from '../services/client'
import { documentId } from '../services/document-id'
import { useStatusStore } from './status'

/** What the dialog asks `batch:start` for (the filters are the stack's). */
export type BatchStartRequest = Omit<ApiMap['batch:start']['req'], 'doc'>

/** The batch store: one batch at a time per window or tab. */
export const useBatchStore = defineStore('batch', () => {
  /** The run going on or last finished. */
  const run = ref<string | null>(null)
  /** Its latest progress (the summary once `end` is set). */
  const progress = ref<BatchProgress | null>(null)
  /** Electron: what the pickers chose (shown in the dialog; main keeps the paths themselves). */
  const chosenInputs = ref<readonly string[]>([])
  const chosenOutDir = ref<string | null>(null)
  const running = computed(() => run.value !== null && !progress.value?.end)
  /** The dialog is open (else the end of a run is told in the status bar). */
  const shown = ref(false)
  /** Events of runs whose id this tab does not know yet (they may come before `batch:start` answers). */
  const early = new Map<string, BatchProgress>()

  api.on('batch:progress', (p) => {
    // Serve mode tells every tab: only this tab's own batch.
    if (p.doc !== undefined && p.doc !== documentId()) return
    if (p.run === run.value) {
      progress.value = p
      if (p.end && !shown.value) useStatusStore().setNotice(`Batch export: ${summaryText(p)}`)
    }    else if (run.value === null || progress.value?.end) early.set(p.run, p)
  })

  /** Starts a batch; rejects with the one-line reason it cannot start (nothing was written then). */
  async function start(req: BatchStartRequest): Promise<void> {
    progress.value = null
    run.value = null
    early.clear()
    const started = await api['batch:start'](req)
    run.value = started.run
    progress.value = early.get(started.run) ?? {
      run: started.run,
      done: 0,
      total: started.total,
      written: 0,
      skipped: 0,
      failed: 0,
      elapsedMs: 0,
      megapixelsPerSecond: 0
    }
    early.clear()
  }

  /** Asks the running batch to stop; its end (with `cancelled`) follows as progress. */
  async function cancel(): Promise<void> {
    if (run.value && running.value) await api['batch:cancel']({ run: run.value })
  }

  /** Electron: the system picker for the inputs or the output folder; false when the user cancelled it. */
  async function choose(what: 'files' | 'folder' | 'output'): Promise<boolean> {
    const picked = await api['batch:choose']({ what })
    if (!picked) return false
    if (what === 'output') chosenOutDir.value = picked.paths[0]
    else chosenInputs.value = picked.paths
    return true
  }

  /** Forgets a finished run's summary (a new batch is being set up). */
  function reset(): void {
    if (running.value) return
    run.value = null
    progress.value = null
  }

  return { run, progress, running, shown, chosenInputs, chosenOutDir, start, cancel, choose, reset }
})
