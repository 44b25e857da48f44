// Runs in the renderer. Exporting the image: the request to the API, its progress, and the download in serve mode.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ExportRequest, ExportResult } from '../../contract/api'
import { api } from '../services/client'
import { documentId } from '../services/document-id'
import { download } from '../services/download'
import { useSessionStore } from './session'
import { useStatusStore } from './status'

/** The export store: one export at a time, with its progress. */
export const useExportStore = defineStore('export', () => {
  const status = useStatusStore()
  /** Export progress 0..1 while exporting, else null. */
  const progress = ref<number | null>(null)

  /**
   * Exports. In serve mode without a path the file downloads in the browser. Resolves to the result, or null when
   * cancelled (Electron save dialog); rejects with the failure (its `code` says why), which the caller shows.
   */
  async function exportImage(req: ExportRequest): Promise<ExportResult | null> {
    // An old failure in the banner is not about this export.
    status.dismissError()
    progress.value = 0
    const off = api.on('job:progress', (p) => {
      // Serve mode tells every tab: only this tab's own export moves its bar.
      if (p.job === 'export' && progress.value !== null && (p.doc === undefined || p.doc === documentId())) progress.value = p.fraction
    })
    try {
      return await status.whileBusy(`Exporting ${req.format.toUpperCase()}…`, async () => {
        const res = await api['image:export'](req)
        if (res?.bytes) download(res.bytes, res.fileName)
        // The work is kept in a file now: leaving no longer needs asking.
        if (res) useSessionStore().markKept()
        return res
      })
    } finally {
      off()
      progress.value = null
    }
  }

  return { progress, exportImage }
})
