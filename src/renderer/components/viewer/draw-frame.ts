// Runs in the renderer. Drawing one frame on the viewer canvas: checkerboard, the filtered image, the original left
// of the before/after split, the sharp regions over the proxies, and the highlight and pixel markers.
import { imageRect, layerRect, type DrawLayer, type ViewFrame } from '../../model/canvas-layout'
import type { RasterDrawable } from './raster-cache'

let checker: { key: string; pattern: CanvasPattern | null } | null = null

function checkerPattern(ctx: CanvasRenderingContext2D, frame: ViewFrame): CanvasPattern | null {
  const cell = Math.max(4, Math.round(8 * frame.dpr))
  const key = `${cell}|${frame.colors.checkA}|${frame.colors.checkB}`
  if (checker?.key === key) return checker.pattern
  const tile = document.createElement('canvas')
  tile.width = tile.height = cell * 2
  const t = tile.getContext('2d')
  if (t) {
    t.fillStyle = frame.colors.checkA
    t.fillRect(0, 0, cell * 2, cell * 2)
    t.fillStyle = frame.colors.checkB
    t.fillRect(0, 0, cell, cell)
    t.fillRect(cell, cell, cell, cell)
  }
  checker = { key, pattern: ctx.createPattern(tile, 'repeat') }
  return checker.pattern
}

/**
 * Draws `layer`; returns true when what it drew is exact: an exact raster copied one pixel per device pixel, or
 * full-resolution pixels enlarged without smoothing (100 % and beyond). Anything resampled here is approximate.
 */
function drawLayer(ctx: CanvasRenderingContext2D, frame: ViewFrame, layer: DrawLayer, source: RasterDrawable): boolean {
  let r = layerRect(frame, layer)
  // A raster made for this zoom (one raster pixel per device pixel, give or take the rounding of its size) is
  // copied as it is: it is already the area average of the result the host computed, and resampling it again
  // would blur it against the "before" side.
  const native = Math.abs(r.width - source.width) <= 1 && Math.abs(r.height - source.height) <= 1
  if (native) r = { x: Math.round(r.x), y: Math.round(r.y), width: source.width, height: source.height }
  const perRasterPixel = native ? 1 : (frame.zoom * frame.dpr) / layer.scale
  // Exact pixels when every raster pixel covers at least one device pixel of a full-resolution raster;
  // smooth resampling for reductions and for enlarged proxies (which are a stand-in for more detail).
  const smooth = !native && (perRasterPixel < 1 || layer.scale < 1)
  ctx.imageSmoothingEnabled = smooth
  // Enlarging a proxy (zoomed in, before its region arrives) looks the same bilinear and costs far less than
  // bicubic over the whole viewer on the main thread.
  if (smooth) ctx.imageSmoothingQuality = perRasterPixel > 1 ? 'low' : perRasterPixel < 0.5 ? 'medium' : 'high'
  const sx = r.width / source.width
  const sy = r.height / source.height
  for (const t of source.tiles) {
    // Tile edges are rounded, not their sizes, so neighbouring tiles meet without gaps or overlaps.
    const x0 = Math.round(r.x + t.x * sx)
    const y0 = Math.round(r.y + t.y * sy)
    const x1 = Math.round(r.x + (t.x + t.width) * sx)
    const y1 = Math.round(r.y + (t.y + t.height) * sy)
    if (x1 <= 0 || y1 <= 0 || x0 >= ctx.canvas.width || y0 >= ctx.canvas.height) continue
    ctx.drawImage(t.canvas, 0, 0, t.width, t.height, x0, y0, x1 - x0, y1 - y0)
  }
  return layer.exact !== false && !smooth && (native || layer.scale >= 1)
}

function outline(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, dpr: number, colour: string): void {
  const lw = Math.max(1, Math.round(dpr))
  ctx.lineWidth = lw * 3
  ctx.strokeStyle = 'rgba(0,0,0,0.55)'
  ctx.strokeRect(x - lw, y - lw, w + 2 * lw, h + 2 * lw)
  ctx.lineWidth = lw
  ctx.strokeStyle = colour
  ctx.strokeRect(x - lw / 2, y - lw / 2, w + lw, h + lw)
}

/**
 * Draws one frame: checkerboard (for transparency), the filtered image, the original left of the split,
 * then markers. `sourceFor` turns layers into drawables (see {@link createRasterCache}); the caller passes layers
 * that are ready (keeping the previous one while a big raster converts) so the screen never flashes empty.
 * Returns false when some of the image on screen is approximate (scaled here from another zoom, or an
 * approximate frame), so the viewer can say so.
 */
export function drawFrame(
  ctx: CanvasRenderingContext2D,
  frame: ViewFrame,
  sourceFor: (layer: DrawLayer) => RasterDrawable | null
): boolean {
  const { width: cw, height: ch } = ctx.canvas
  ctx.setTransform(1, 0, 0, 1, 0, 0)
  ctx.clearRect(0, 0, cw, ch)
  if (frame.image.width <= 0) return true
  const base = imageRect(frame)
  const splitX = frame.split === null ? null : Math.round(frame.split * cw)

  if (frame.alpha) {
    const pattern = checkerPattern(ctx, frame)
    if (pattern) {
      ctx.fillStyle = pattern
      ctx.fillRect(base.x, base.y, base.width, base.height)
    }
  }

  const after = frame.after ? sourceFor(frame.after) : null
  const before = frame.before ? sourceFor(frame.before) : null

  /**
   * Draws a proxy and the region over it, within canvas columns from..to; true when what shows is exact. A region
   * still being converted is not drawn yet (the proxy stands in); a region covering all that is visible (in whole
   * device pixels, as drawn) makes the proxy unnecessary.
   */
  const side = (base: DrawLayer, baseSource: RasterDrawable, detail: DrawLayer | null | undefined, from: number, to: number): boolean => {
    const detailSource = detail ? sourceFor(detail) : null
    const area = layerRect(frame, base)
    const left = Math.max(from, Math.round(area.x))
    const top = Math.max(0, Math.round(area.y))
    const right = Math.min(to, Math.round(area.x + area.width))
    const bottom = Math.min(ch, Math.round(area.y + area.height))
    if (right <= left || bottom <= top) return true
    const d = detail && detailSource ? layerRect(frame, detail) : null
    const covered = !!d && d.x <= left && d.y <= top && d.x + d.width >= right && d.y + d.height >= bottom
    const baseExact = covered || drawLayer(ctx, frame, base, baseSource)
    const detailExact = detail && detailSource ? drawLayer(ctx, frame, detail, detailSource) : true
    return baseExact && detailExact
  }

  let exact = true
  if (splitX === null || !frame.before || !before) {
    if (frame.after && after) exact = side(frame.after, after, frame.afterDetail, 0, cw)
    else if (frame.before && before) exact = side(frame.before, before, frame.beforeDetail, 0, cw)
  } else {
    ctx.save()
    ctx.beginPath()
    ctx.rect(0, 0, splitX, ch)
    ctx.clip()
    exact = side(frame.before, before, frame.beforeDetail, 0, splitX)
    ctx.restore()
    if (frame.after && after) {
      ctx.save()
      ctx.beginPath()
      ctx.rect(splitX, 0, cw - splitX, ch)
      ctx.clip()
      exact = side(frame.after, after, frame.afterDetail, splitX, cw) && exact
      ctx.restore()
    }
  }

  const s = frame.zoom * frame.dpr
  if (frame.highlight) {
    const h = frame.highlight
    outline(ctx, base.x + h.left * s, base.y + h.top * s, h.width * s, h.height * s, frame.dpr, frame.colors.accent)
  }
  if (frame.pinned) {
    const p = frame.pinned
    const size = Math.max(s, 6 * frame.dpr)
    const cx = base.x + (p.col + 0.5) * s
    const cy = base.y + (p.row + 0.5) * s
    outline(ctx, cx - size / 2, cy - size / 2, size, size, frame.dpr, '#ffffff')
  }
  if (frame.hover && s >= 8) {
    const p = frame.hover
    ctx.lineWidth = Math.max(1, Math.round(frame.dpr))
    ctx.strokeStyle = 'rgba(255,255,255,0.8)'
    ctx.strokeRect(base.x + p.col * s + 0.5, base.y + p.row * s + 0.5, s - 1, s - 1)
  }
  return exact
}
