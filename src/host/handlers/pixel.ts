// Runs in the engine host: `pixel`, the status bar's readout of exact sample values of the source or the result.
import { EngineError } from '../../engine/errors'
import type { OpenDocument } from '../document'
import type { PixelRequest } from '../protocol'
import { hostStack, resultSize } from '../stack'

/** Edge of the blocks a pixel readout computes: moving the cursor nearby reads the same block again. */
const PIXEL_BLOCK = 64

/** The samples at (row, col) of the source, or of the full-resolution result of `req.filters`. */
export async function pixel(doc: OpenDocument, req: PixelRequest, signal: AbortSignal): Promise<{ values: number[] }> {
  const stack = req.filters ? hostStack(req.filters) : null
  const size = stack ? resultSize(stack, doc.image.width, doc.image.height) : doc.image
  const { row, col } = req
  if (row >= size.height || col >= size.width) {
    throw new EngineError(`pixel (row ${String(row)}, col ${String(col)}) is outside the ${size.width}x${size.height} image`)
  }
  let image = doc.image
  let at = (row * image.width + col) * image.channels
  if (stack) {
    // Exact, without rendering the whole image: the block of the result around the pixel.
    const x = col - (col % PIXEL_BLOCK)
    const y = row - (row % PIXEL_BLOCK)
    const box = { x, y, width: Math.min(PIXEL_BLOCK, size.width - x), height: Math.min(PIXEL_BLOCK, size.height - y) }
    image = await doc.region(stack, box, signal, 'blocks')
    at = ((row - y) * image.width + (col - x)) * image.channels
  }
  return { values: Array.from(image.data.subarray(at, at + image.channels)) }
}
