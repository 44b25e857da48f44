// Runs in the engine host: `inspect`, "explain this pixel" for one filter of the stack, from just the part of the
// image its answer depends on where that is possible.
import { outputSize } from '../../engine/border'
import { toFloat } from '../../engine/image'
import { inspectPixel, type InspectResult } from '../../engine/inspect'
import { applyResolved } from '../../engine/stack'
import type { OpenDocument } from '../document'
import type { InspectRequest } from '../protocol'
import { cropFloat, cropImage } from '../raster'
import { planRegion } from '../region'
import { hostStack, resultSize, type HostStack } from '../stack'

/**
 * Explains output (row, col) of `filter` applied after `prefix` from just the part of its input the kernel window
 * reads (plus what the border rules fold in), computed from just the source pixels that part depends on: the
 * same answer as on the whole image, without a whole-image float run. Null when that is not possible (a stretch
 * filter needs the whole image's range) or the position is outside the output (the whole-image path says so).
 */
function inspectLocally(doc: OpenDocument, prefix: HostStack, filter: HostStack, row: number, col: number, signal: AbortSignal): InspectResult | null {
  const { kernel, options } = filter.active[0]
  if (options.signed === 'stretch') return null
  const input = resultSize(prefix, doc.image.width, doc.image.height)
  const out = outputSize(input.height, input.width, kernel, options.mode)
  if (row >= out.height || col >= out.width) return null
  // What the one output pixel reads of the filter's input, then what that part reads of the source.
  const window = planRegion(filter.active, input.width, input.height, { x: col, y: row, width: 1, height: 1 })
  const part = window && planRegion(prefix.active, doc.image.width, doc.image.height, window.crop)
  if (!window || !part) return null
  const { crop, offset } = part
  const source = toFloat(cropImage(doc.image, crop.x, crop.y, crop.width, crop.height))
  const done = applyResolved(source, prefix.active, { signal })
  const box = window.crop
  const res = inspectPixel(cropFloat(done, { ...offset, width: box.width, height: box.height }), kernel, { row: row - box.y, col: col - box.x }, options)
  // Back to the coordinates of the whole image.
  const shift = (v: number | null, by: number): number | null => (v === null ? null : v + by)
  return {
    ...res,
    row,
    col,
    outputHeight: out.height,
    outputWidth: out.width,
    windowTop: res.windowTop + box.y,
    windowLeft: res.windowLeft + box.x,
    sourceRows: res.sourceRows.map((v) => shift(v, box.y)),
    sourceCols: res.sourceCols.map((v) => shift(v, box.x))
  }
}

/** The window, products and sum at one output pixel of filter `req.index` (the API has checked the index). */
export function inspect(doc: OpenDocument, req: InspectRequest, signal: AbortSignal): InspectResult {
  const prefix = hostStack(req.filters.slice(0, req.index))
  // Explained even when disabled in the stack: the user asked about this filter.
  const filter = hostStack([{ ...req.filters[req.index], enabled: true }])
  const local = inspectLocally(doc, prefix, filter, req.row, req.col, signal)
  const { kernel, options } = filter.active[0]
  return local ?? inspectPixel(doc.floatResult(prefix, signal), kernel, { row: req.row, col: req.col }, options)
}
