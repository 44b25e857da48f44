// Runs in the renderer. Drawing the document on the viewer canvas: raster -> drawable conversion (cached, large
// rasters converted off the main thread), placement, before/after split, highlight and pixel markers.
import type { Raster } from '../../../contract/api'
import type { PixelPos, PixelRect, Point, Size } from '../../stores/view'

/** A raster plus what it covers: `size` is the full-resolution size it stands for. */
export interface DrawLayer {
  readonly raster: Raster
  /** Raster pixels per full-resolution pixel (1 = every pixel). */
  readonly scale: number
  /** Full-resolution size of what the raster shows (the filter result; valid/full modes change it). */
  readonly size: Size
  /** The part of that result the raster shows (a zoomed-in view's region); absent: all of it. */
  readonly region?: { readonly x: number; readonly y: number; readonly width: number; readonly height: number }
}

/** Everything one frame depends on. */
export interface ViewFrame {
  readonly dpr: number
  readonly zoom: number
  readonly pan: Point
  /** Source image size (full resolution). */
  readonly image: Size
  /** The filtered image. */
  readonly after: DrawLayer | null
  /** The unfiltered image, shown left of the split. */
  readonly before: DrawLayer | null
  /** A sharper region of the filtered image, drawn over `after` (zoomed in). */
  readonly afterDetail?: DrawLayer | null
  /** A sharper region of the unfiltered image, drawn over `before`. */
  readonly beforeDetail?: DrawLayer | null
  /** Split position 0..1 across the canvas, or null. */
  readonly split: number | null
  readonly highlight: PixelRect | null
  readonly pinned: PixelPos | null
  readonly hover: PixelPos | null
  /** Draw a checkerboard under transparent pixels. */
  readonly alpha: boolean
  /** Theme colours: checkerboard squares, marker accent. */
  readonly colors: { readonly checkA: string; readonly checkB: string; readonly accent: string }
}

/** A rectangle in device pixels. */
export interface DeviceRect {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/** Where the source image lands on the canvas, in device pixels (origin snapped to whole pixels). */
export function imageRect(frame: Pick<ViewFrame, 'dpr' | 'zoom' | 'pan' | 'image'>): DeviceRect {
  const s = frame.zoom * frame.dpr
  return {
    x: Math.round(frame.pan.x * frame.dpr),
    y: Math.round(frame.pan.y * frame.dpr),
    width: frame.image.width * s,
    height: frame.image.height * s
  }
}

/**
 * Where a layer lands: results smaller or larger than the source (valid/full output) are centred on it, and a
 * region sits where it is in the result.
 */
export function layerRect(frame: Pick<ViewFrame, 'dpr' | 'zoom' | 'pan' | 'image'>, layer: Pick<DrawLayer, 'size' | 'region'>): DeviceRect {
  const base = imageRect(frame)
  const s = frame.zoom * frame.dpr
  const ox = ((frame.image.width - layer.size.width) / 2) * s
  const oy = ((frame.image.height - layer.size.height) / 2) * s
  const x = base.x + Math.round(ox)
  const y = base.y + Math.round(oy)
  const r = layer.region
  if (!r) return { x, y, width: layer.size.width * s, height: layer.size.height * s }
  return { x: x + r.x * s, y: y + r.y * s, width: r.width * s, height: r.height * s }
}

/** An ImageData viewing the raster's bytes (no copy). */
export function rasterImageData(raster: Raster): ImageData {
  // Rasters never live in SharedArrayBuffers; the cast only narrows ArrayBufferLike for the DOM typings.
  const bytes = new Uint8ClampedArray(raster.rgba.buffer as ArrayBuffer, raster.rgba.byteOffset, raster.width * raster.height * 4)
  return new ImageData(bytes, raster.width, raster.height)
}

/** Rasters up to this many pixels are converted at once (a window-sized proxy takes a few milliseconds). */
const SYNC_PIXELS = 1_500_000
/** Edge of the tiles big rasters are converted in, one slice of work at a time. */
const TILE = 512
/** Main-thread time spent converting tiles before yielding to input and painting. */
const SLICE_MS = 10

/** One converted piece of a raster: a canvas holding raster pixels (x, y, width, height). */
export interface RasterTile {
  readonly canvas: HTMLCanvasElement
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/** A raster ready to draw: one tile for small rasters, a grid of tiles for big ones. */
export interface RasterDrawable {
  readonly width: number
  readonly height: number
  readonly tiles: readonly RasterTile[]
}

function tileOf(raster: Raster, x: number, y: number, width: number, height: number): RasterTile {
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const ctx = canvas.getContext('2d')
  if (x === 0 && y === 0 && width === raster.width && height === raster.height) {
    ctx?.putImageData(rasterImageData(raster), 0, 0)
  } else {
    const rows = new Uint8ClampedArray(width * height * 4)
    const src = raster.rgba
    for (let r = 0; r < height; r++) {
      const from = ((y + r) * raster.width + x) * 4
      rows.set(src.subarray(from, from + width * 4), r * width * 4)
    }
    ctx?.putImageData(new ImageData(rows, width, height), 0, 0)
  }
  return { canvas, x, y, width, height }
}

/**
 * Converts rasters to drawables, once each. Small ones at once; big ones (a full-resolution 24 MP result)
 * tile by tile in short slices, so the UI never freezes; `onReady` is called when such a conversion finishes.
 * Returns null while a raster is still being converted.
 */
export function createRasterCache(onReady: () => void): (raster: Raster) => RasterDrawable | null {
  const cache = new WeakMap<Raster, RasterDrawable | 'pending'>()
  return (raster) => {
    const hit = cache.get(raster)
    if (hit === 'pending') return null
    if (hit) return hit
    if (raster.width * raster.height <= SYNC_PIXELS) {
      const drawable = { width: raster.width, height: raster.height, tiles: [tileOf(raster, 0, 0, raster.width, raster.height)] }
      cache.set(raster, drawable)
      return drawable
    }
    cache.set(raster, 'pending')
    const todo: [number, number][] = []
    for (let y = 0; y < raster.height; y += TILE) for (let x = 0; x < raster.width; x += TILE) todo.push([x, y])
    const tiles: RasterTile[] = []
    const step = (): void => {
      const until = performance.now() + SLICE_MS
      while (todo.length > 0 && performance.now() < until) {
        const [x, y] = todo.shift() as [number, number]
        tiles.push(tileOf(raster, x, y, Math.min(TILE, raster.width - x), Math.min(TILE, raster.height - y)))
      }
      if (todo.length > 0) {
        setTimeout(step, 0)
        return
      }
      cache.set(raster, { width: raster.width, height: raster.height, tiles })
      onReady()
    }
    setTimeout(step, 0)
    return null
  }
}

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

function drawLayer(ctx: CanvasRenderingContext2D, frame: ViewFrame, layer: DrawLayer, source: RasterDrawable): void {
  const r = layerRect(frame, layer)
  const perRasterPixel = (frame.zoom * frame.dpr) / layer.scale
  // Exact pixels when every raster pixel covers at least one device pixel of a full-resolution raster;
  // smooth resampling for reductions and for enlarged proxies (which are a stand-in for more detail).
  const smooth = perRasterPixel < 1 || layer.scale < 1
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
 */
export function drawFrame(
  ctx: CanvasRenderingContext2D,
  frame: ViewFrame,
  sourceFor: (layer: DrawLayer) => RasterDrawable | null
): void {
  const { width: cw, height: ch } = ctx.canvas
  ctx.setTransform(1, 0, 0, 1, 0, 0)
  ctx.clearRect(0, 0, cw, ch)
  if (frame.image.width <= 0) return
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
   * Draws a proxy and the region over it, within canvas columns from..to. A region still being converted is not
   * drawn yet (the proxy stands in); a region covering all that is visible makes the proxy unnecessary.
   */
  const side = (base: DrawLayer, baseSource: RasterDrawable, detail: DrawLayer | null | undefined, from: number, to: number): void => {
    const detailSource = detail ? sourceFor(detail) : null
    const area = layerRect(frame, base)
    const left = Math.max(from, area.x)
    const top = Math.max(0, area.y)
    const right = Math.min(to, area.x + area.width)
    const bottom = Math.min(ch, area.y + area.height)
    const d = detail && detailSource ? layerRect(frame, detail) : null
    const covered = !!d && d.x <= left && d.y <= top && d.x + d.width >= right && d.y + d.height >= bottom
    if (!covered) drawLayer(ctx, frame, base, baseSource)
    if (detail && detailSource) drawLayer(ctx, frame, detail, detailSource)
  }

  if (splitX === null || !frame.before || !before) {
    if (frame.after && after) side(frame.after, after, frame.afterDetail, 0, cw)
    else if (frame.before && before) side(frame.before, before, frame.beforeDetail, 0, cw)
  } else {
    ctx.save()
    ctx.beginPath()
    ctx.rect(0, 0, splitX, ch)
    ctx.clip()
    side(frame.before, before, frame.beforeDetail, 0, splitX)
    ctx.restore()
    if (frame.after && after) {
      ctx.save()
      ctx.beginPath()
      ctx.rect(splitX, 0, cw - splitX, ch)
      ctx.clip()
      side(frame.after, after, frame.afterDetail, splitX, cw)
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
}
