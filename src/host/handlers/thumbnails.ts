// Runs in the engine host: `thumbnails`, one small preview per filter for the preset gallery's cards.
import type { Raster } from '../../contract/api'
import type { OpenDocument } from '../document'
import { yieldToEventLoop } from '../event-loop'
import type { ThumbnailsRequest } from '../protocol'
import { fitSize, toRaster } from '../raster'
import { hostStack } from '../stack'

/** Each filter applied alone to a proxy fitting `size` x `size`; null for a filter that cannot run. */
export async function thumbnails(doc: OpenDocument, req: ThumbnailsRequest, signal: AbortSignal): Promise<(Raster | null)[]> {
  const fit = fitSize(doc.image.width, doc.image.height, req.size, req.size)
  const proxy = doc.proxy(fit.width, fit.height)
  const out: (Raster | null)[] = []
  for (const spec of req.filters) {
    // Between cards, let a newer request (the user moved on) abort this batch.
    await yieldToEventLoop()
    signal.throwIfAborted()
    try {
      // Not cached: the gallery asks once per image, and a dozen cards would push out the previews.
      out.push(toRaster(await doc.result(proxy, hostStack([{ ...spec, enabled: true }]), signal, false)))
    } catch (err) {
      if (signal.aborted) throw err
      out.push(null)
    }
  }
  return out
}
