// Runs in the renderer (pure, unit-tested in Node): which part of the result the preview pipeline asks for, and
// on which grid, for a given zoom and pan.
import type { PreviewGrid, PreviewRegion } from '../../contract/api'
import { displayGrid, layerRect } from './canvas-layout'
import type { Point, Size } from './view-geometry'

/** Regions snap outwards to this grid (result pixels), so small pans reuse the region already shown. */
export const REGION_GRID = 64

/** Scales are compared with some slack: a preview 2% short of the ideal is not worth another round trip. */
export function sharpEnough(have: number, want: number): boolean {
  return have >= Math.min(1, want) * 0.98
}

/** True when `outer` contains all of `inner`. */
export function covers(outer: PreviewRegion, inner: PreviewRegion): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  )
}

/**
 * The part of a `result`-sized image (centred on the `image`-sized source, as the viewer shows valid/full output)
 * inside a `viewport` at `zoom` and `pan` (CSS pixels), in whole result pixels; null when none of it is visible.
 */
export function visibleRegion(image: Size, result: Size, viewport: Size, zoom: number, pan: { x: number; y: number }): PreviewRegion | null {
  const ox = (image.width - result.width) / 2
  const oy = (image.height - result.height) / 2
  const x0 = Math.max(0, Math.floor(-pan.x / zoom - ox))
  const y0 = Math.max(0, Math.floor(-pan.y / zoom - oy))
  const x1 = Math.min(result.width, Math.ceil((viewport.width - pan.x) / zoom - ox))
  const y1 = Math.min(result.height, Math.ceil((viewport.height - pan.y) / zoom - oy))
  if (x1 <= x0 || y1 <= y0) return null
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
}

/**
 * The region to ask for when `visible` is on screen: a margin of a quarter of the view on every side (so a short
 * pan needs nothing new), snapped outwards to {@link REGION_GRID} and clipped to the result. Without `margin`
 * (an edit: what is on screen comes first, a pan asks again), only the snapping.
 */
export function wantedRegion(visible: PreviewRegion, result: Size, margin = true): PreviewRegion {
  const mx = margin ? Math.max(REGION_GRID, Math.round(visible.width / 4)) : 0
  const my = margin ? Math.max(REGION_GRID, Math.round(visible.height / 4)) : 0
  const snapDown = (v: number): number => Math.max(0, Math.floor(v / REGION_GRID) * REGION_GRID)
  const x0 = snapDown(visible.x - mx)
  const y0 = snapDown(visible.y - my)
  const x1 = Math.min(result.width, Math.ceil((visible.x + visible.width + mx) / REGION_GRID) * REGION_GRID)
  const y1 = Math.min(result.height, Math.ceil((visible.y + visible.height + my) / REGION_GRID) * REGION_GRID)
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
}

/** True when `have` is a window of exactly `shown.grid` holding all of `shown.window`. */
export function gridCovers(have: PreviewGrid | undefined, shown: { grid: Size; window: PreviewRegion }): boolean {
  return !!have && have.width === shown.grid.width && have.height === shown.grid.height && covers(have.window, shown.window)
}

/**
 * Below 100 % (`zoom` x `dpr` under 1): the grid a `result`-sized image (centred on the `image`-sized source) is
 * shown on, and the window of it on the canvas of a `viewport` (CSS pixels) at `pan`, in grid pixels, placed
 * exactly as the viewer draws it (see layerRect); null at 100 % and beyond, or when none of it is visible.
 */
export function visibleWindow(
  image: Size,
  result: Size,
  viewport: Size,
  zoom: number,
  pan: Point,
  dpr: number
): { grid: Size; window: PreviewRegion } | null {
  const s = zoom * dpr
  if (s >= 1) return null
  const grid = displayGrid(result, s)
  const origin = layerRect({ dpr, zoom, pan, image }, { size: result, grid: { ...grid, window: { x: 0, y: 0, width: grid.width, height: grid.height } } })
  const x0 = Math.max(0, -origin.x)
  const y0 = Math.max(0, -origin.y)
  const x1 = Math.min(grid.width, Math.round(viewport.width * dpr) - origin.x)
  const y1 = Math.min(grid.height, Math.round(viewport.height * dpr) - origin.y)
  if (x1 <= x0 || y1 <= y0) return null
  return { grid, window: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } }
}
