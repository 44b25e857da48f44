// Runs in the engine host: which part of the source a region of a stack's result depends on, so the stack can run
// on a crop of the source and still give exactly the pixels the whole-image run gives there.
import { kernelAnchor, outputSize } from '../engine/border'
import type { ResolvedFilter } from '../engine/stack'
import type { Border } from '../engine/types'

/** A rectangle of pixels: `x`, `y` of its top-left pixel, its `width` and `height`. */
export interface PixelBox {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/** How to render a region: run the stack on `crop` of the source, then take `width` x `height` at `offset`. */
export interface RegionPlan {
  /** The part of the source to run the stack on. */
  readonly crop: PixelBox
  /** Top-left of the region inside the crop's result. */
  readonly offset: { readonly x: number; readonly y: number }
}

/** One filter along one axis: kernel length, anchor (see kernelAnchor), border, and its input's length. */
interface AxisStage {
  readonly length: number
  readonly anchor: number
  readonly border: Border
  readonly input: number
}

/** Half-open span [start, end) of one axis. */
interface Span {
  readonly start: number
  readonly end: number
}

/**
 * The source span one axis of a result span depends on. Walks the stack backwards: output o of a filter reads
 * input o - anchor ... o - anchor + length - 1. Reads beyond the input's ends are border-resolved, so the span
 * then reaches that end (and keeps reaching it through the earlier filters, whose outputs at the edge read past it
 * too): the crop shares that edge with the source and resolves those reads the same way. It also covers what the
 * border resolves them to (reflect: mirrored pixels near the edge, or everything when it folds; wrap: the far side).
 * A crop's result is then a translated copy of the whole result wherever all its reads are inside the crop.
 */
function sourceSpan(stages: readonly AxisStage[], result: Span): Span {
  let { start, end } = result
  for (let k = stages.length - 1; k >= 0; k--) {
    const { length, anchor, border, input } = stages[k]
    const from = start - anchor
    const to = end - anchor + length - 1
    let nextStart = Math.max(0, from)
    let nextEnd = Math.min(input, to)
    let whole = false
    if (from < 0) {
      const reach = -from
      if (border === 'wrap' || (border === 'reflect' && reach >= input)) whole = true
      else if (border === 'reflect') nextEnd = Math.max(nextEnd, reach + 1)
    }
    if (to > input) {
      const reach = to - input
      if (border === 'wrap' || (border === 'reflect' && reach >= input)) whole = true
      else if (border === 'reflect') nextStart = Math.min(nextStart, input - 1 - reach)
    }
    if (whole) {
      nextStart = 0
      nextEnd = input
    }
    start = nextStart
    end = nextEnd
  }
  return { start, end }
}

/**
 * Plans the render of `region` (in the coordinates of the stack's result: valid/full output modes make it smaller
 * or larger than the source) of the stack `active` (its enabled filters, as resolveStack gives them) on a
 * `width` x `height` source. Returns null when the stack is not local (a `stretch` filter maps by the whole image's
 * range, unless `stretchKnown` says the caller has those ranges; a mask is placed in fractions of the whole image):
 * then only the whole-image result is exact.
 */
export function planRegion(
  active: readonly ResolvedFilter[],
  width: number,
  height: number,
  region: PixelBox,
  stretchKnown = false
): RegionPlan | null {
  const rows: AxisStage[] = []
  const cols: AxisStage[] = []
  let size = { width, height }
  for (const { kernel, options, effects } of active) {
    if ((options.signed === 'stretch' && !stretchKnown) || effects?.mask) return null
    // Flipping turns the kernel around but keeps its size, so the geometry is the same.
    const anchor = kernelAnchor(kernel, options.mode)
    rows.push({ length: kernel.height, anchor: anchor.y, border: options.border, input: size.height })
    cols.push({ length: kernel.width, anchor: anchor.x, border: options.border, input: size.width })
    size = outputSize(size.height, size.width, kernel, options.mode)
  }
  const y = sourceSpan(rows, { start: region.y, end: region.y + region.height })
  const x = sourceSpan(cols, { start: region.x, end: region.x + region.width })
  return {
    crop: { x: x.start, y: y.start, width: x.end - x.start, height: y.end - y.start },
    // Every filter keeps the crop's origin where it was (output o reads from o - anchor in both), so the region
    // sits at the same distance from the crop's origin in the result.
    offset: { x: region.x - x.start, y: region.y - y.start }
  }
}
