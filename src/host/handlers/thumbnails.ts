// Runs in the engine host: `thumbnails`, one small preview per filter for the preset gallery's cards, each the
// filter's full-resolution result area-averaged to the card (what the export looks like at that size), kept by the
// document for the next time the gallery asks.
import type { Raster } from '../../contract/api'
import type { IntImage } from '../../engine/types'
import type { OpenDocument } from '../document'
import { yieldToEventLoop } from '../event-loop'
import type { ThumbnailsRequest } from '../protocol'
import { toRaster } from '../raster'
import { hostStack } from '../stack'

/** Each filter applied alone to the whole image, shrunk to fit `size` x `size`; null for a filter that cannot run. */
export async function thumbnails(doc: OpenDocument, req: ThumbnailsRequest, signal: AbortSignal): Promise<(Raster | null)[]> {
  const out: (Raster | null)[] = []
  // The cards' full-resolution results share one buffer (each is read before the next run), so a dozen cards fault
  // in new memory once.
  let into: IntImage['data'] | undefined
  for (const spec of req.filters) {
    // Between cards, let a newer request (the user moved on) abort this batch.
    await yieldToEventLoop()
    signal.throwIfAborted()
    try {
      const { image, result } = await doc.thumbnail(hostStack([{ ...spec, enabled: true }]), req.size, signal, into)
      if (result) into = result.data
      out.push(toRaster(image))
    } catch (err) {
      if (signal.aborted) throw err
      out.push(null)
    }
  }
  return out
}
