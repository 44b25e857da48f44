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

/** Whole-image ranges of a stack's `stretch` filters, by index among its enabled filters. */
type StretchRanges = ReadonlyMap<number, { readonly low: number; readonly high: number }>

/**
 * Explains output (row, col) of `filter` applied after `prefix` from just the part of its input the kernel window
 * reads (plus what the border rules fold in), computed from just the source pixels that part depends on: the
 * same answer as on the whole image, without a whole-image float run. Stretch filters map by `ranges`, the whole
 * image's (measured on the fast paths). Null when that is not possible (a mask, a stretch filter without its range
 * or in a layer with effects) or the position is outside the output (the whole-image path says so).
 */
function inspectLocally(
  doc: OpenDocument,
  prefix: HostStack,
  filter: HostStack,
  position: { row: number; col: number },
  signal: AbortSignal,
  ranges?: StretchRanges
): InspectResult | null {
  const { row, col } = position
  const { kernel, options } = filter.active[0]
  if (options.signed === 'stretch' && !ranges?.has(prefix.active.length)) return null
  // A layer with effects measures its range on its own input: not from a part of the image.
  if (prefix.active.some((f, i) => f.options.signed === 'stretch' && (f.effects || !ranges?.has(i)))) return null
  const input = resultSize(prefix, doc.image.width, doc.image.height)
  const out = outputSize(input.height, input.width, kernel, options.mode)
  if (row >= out.height || col >= out.width) return null
  // What the one output pixel reads of the filter's input, then what that part reads of the source.
  const window = planRegion(filter.active, input.width, input.height, { x: col, y: row, width: 1, height: 1 }, true)
  const part = window && planRegion(prefix.active, doc.image.width, doc.image.height, window.crop, true)
  if (!window || !part) return null
  const { crop, offset } = part
  const source = toFloat(cropImage(doc.image, crop.x, crop.y, crop.width, crop.height))
  const done = applyResolved(source, prefix.active, { signal, stretchRanges: ranges })
  const box = window.crop
  const res = inspectPixel(cropFloat(done, { ...offset, width: box.width, height: box.height }), kernel, { row: row - box.y, col: col - box.x }, options, ranges?.get(prefix.active.length))
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

/**
 * The window, products and sum at one output pixel of filter `req.index` (the API has checked the index). The
 * whole-image ranges of stretch filters up to it come from the run an export makes (worker threads, cancellable),
 * so the explained value is the exported one; the pixel itself is then worked out from a small window.
 */
export async function inspect(doc: OpenDocument, req: InspectRequest, signal: AbortSignal): Promise<InspectResult> {
  // Explained even when disabled in the stack: the user asked about this filter.
  const filters = req.filters.map((f, i) => (i === req.index ? { ...f, enabled: true } : f))
  const prefix = hostStack(filters.slice(0, req.index))
  const filter = hostStack([filters[req.index]])
  const { kernel, options } = filter.active[0]
  const position = { row: req.row, col: req.col }
  const stack = hostStack(filters)
  const stretched = stack.active.slice(0, prefix.active.length + 1).some((f) => f.options.signed === 'stretch')
  const ranges = stretched ? await doc.stretchRanges(stack, signal) : undefined
  signal.throwIfAborted()
  const local = inspectLocally(doc, prefix, filter, position, signal, ranges)
  return local ?? inspectPixel(doc.floatResult(prefix, signal), kernel, position, options, ranges?.get(prefix.active.length))
}
