// Runs in the renderer (pure). Turns what the user drags on the canvas into the engine's mask shapes (fractions of
// the image's width and height) and edits a layer's mask as a value: the stack store keeps each result as one undo
// step.
import type { BrushShape, LayerMask, MaskShape } from '../../engine/mask'

/** What a drag on the canvas draws. */
export type MaskTool = 'rect' | 'ellipse' | 'gradient' | 'brush' | 'erase'

/** A point in fractions of the image's width (x) and height (y). */
export interface FracPoint {
  readonly x: number
  readonly y: number
}

/** Brush settings: radius as a fraction of the image's shorter side, hardness 0..1. */
export interface BrushSettings {
  readonly radius: number
  readonly hardness: number
}

/** Fractions are rounded to this many decimals: a 1/100000 step is finer than a pixel of a 12 MP photo. */
const DECIMALS = 5

function round(value: number): number {
  const f = 10 ** DECIMALS
  return Math.round(value * f) / f
}

/**
 * The shape a drag from `a` to `b` draws: rect and ellipse fill the box the two points span, a gradient runs
 * from 0 at `a` to 1 at `b`. Null for brush tools (they collect points) and for a box with no area.
 */
export function dragShape(tool: MaskTool, a: FracPoint, b: FracPoint): MaskShape | null {
  const left = Math.min(a.x, b.x)
  const top = Math.min(a.y, b.y)
  const width = Math.abs(b.x - a.x)
  const height = Math.abs(b.y - a.y)
  switch (tool) {
    case 'rect':
      return width > 0 && height > 0 ? { type: 'rect', x: round(left), y: round(top), width: round(width), height: round(height) } : null
    case 'ellipse':
      return width > 0 && height > 0
        ? { type: 'ellipse', cx: round(left + width / 2), cy: round(top + height / 2), rx: round(width / 2), ry: round(height / 2) }
        : null
    case 'gradient':
      return width > 0 || height > 0 ? { type: 'gradient', x0: round(a.x), y0: round(a.y), x1: round(b.x), y1: round(b.y) } : null
    default:
      return null
  }
}

/**
 * A brush stroke through `points`; `erase` strokes take paint away. Points closer than a quarter of the radius to
 * the previous kept one are dropped: the stroke's segments cover the gap, and the recipe stays small.
 */
export function brushStroke(points: readonly FracPoint[], brush: BrushSettings, erase: boolean, aspect: number): BrushShape | null {
  if (points.length === 0 || !(brush.radius > 0)) return null
  // Distances in units of the shorter side: x fractions are scaled by width / shorter, y by height / shorter.
  const sx = aspect >= 1 ? aspect : 1
  const sy = aspect >= 1 ? 1 : 1 / aspect
  const kept: [number, number][] = []
  let last: FracPoint | null = null
  points.forEach((p, i) => {
    const far = !last || Math.hypot((p.x - last.x) * sx, (p.y - last.y) * sy) >= brush.radius / 4
    if (far || i === points.length - 1) {
      if (!last || p.x !== last.x || p.y !== last.y) kept.push([round(p.x), round(p.y)])
      last = p
    }
  })
  return {
    type: 'brush',
    points: kept,
    radius: round(brush.radius),
    hardness: round(Math.min(1, Math.max(0, brush.hardness))),
    ...(erase ? { erase: true } : {})
  }
}

/**
 * The mask with `shape` added. Erasing a layer that has no mask starts from a full-image rect: without a mask
 * the layer acts everywhere, so the eraser takes away from everywhere.
 */
export function addShape(mask: LayerMask | undefined, shape: MaskShape): LayerMask {
  const erasing = shape.type === 'brush' && shape.erase === true
  const base: LayerMask = mask ?? { shapes: erasing ? [{ type: 'rect', x: 0, y: 0, width: 1, height: 1 }] : [] }
  return { ...base, shapes: [...base.shapes, shape] }
}

/** The mask without its last shape, or undefined (no mask: the layer acts everywhere) when none is left. */
export function removeLastShape(mask: LayerMask | undefined): LayerMask | undefined {
  if (!mask || mask.shapes.length <= 1) return undefined
  return { ...mask, shapes: mask.shapes.slice(0, -1) }
}

/** The mask with its feather (fraction of the shorter side, 0 removes it) and invert flag set. */
export function withOptions(mask: LayerMask, options: { feather?: number; invert?: boolean }): LayerMask {
  const feather = options.feather ?? mask.feather ?? 0
  const invert = options.invert ?? mask.invert ?? false
  const out: { shapes: readonly MaskShape[]; feather?: number; invert?: boolean } = { shapes: mask.shapes }
  if (feather > 0) out.feather = round(Math.min(1, feather))
  if (invert) out.invert = true
  return out
}

/** Image position (fractions) under a viewer point, given the image's top-left `pan` and `zoom` (CSS pixels). */
export function viewerToFraction(
  point: { x: number; y: number },
  pan: { x: number; y: number },
  zoom: number,
  size: { width: number; height: number }
): FracPoint {
  return { x: (point.x - pan.x) / zoom / size.width, y: (point.y - pan.y) / zoom / size.height }
}

/** A short description of a shape for the mask's shape list. */
export function describeShape(shape: MaskShape): string {
  const pct = (v: number): string => `${Math.round(v * 100)}%`
  switch (shape.type) {
    case 'rect':
      return `Rectangle ${pct(shape.width)} × ${pct(shape.height)}`
    case 'ellipse':
      return `Ellipse ${pct(shape.rx * 2)} × ${pct(shape.ry * 2)}`
    case 'gradient':
      return 'Gradient'
    case 'brush':
      return `${shape.erase ? 'Eraser' : 'Brush'} stroke, ${shape.points.length} point${shape.points.length === 1 ? '' : 's'}`
    case 'tones':
      return `Tones ${pct(shape.from)}–${pct(shape.to)}`
  }
}
