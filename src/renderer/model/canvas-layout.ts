// Runs in the renderer (pure, unit-tested in Node): what one frame of the viewer canvas shows, and where the image
// and each raster land on it in device pixels.
import type { PreviewGrid, Raster } from '../../contract/api'
import type { PixelPos, PixelRect, Point, Size } from './view-geometry'

/** A raster plus what it covers: `size` is the full-resolution size it stands for. */
export interface DrawLayer {
  readonly raster: Raster
  /** Raster pixels per full-resolution pixel (1 = every pixel). */
  readonly scale: number
  /** Full-resolution size of what the raster shows (the filter result; valid/full modes change it). */
  readonly size: Size
  /** The part of that result the raster shows (a zoomed-in view's region); absent: all of it. */
  readonly region?: { readonly x: number; readonly y: number; readonly width: number; readonly height: number }
  /** A window of the result shrunk to this grid (one raster pixel per grid pixel): placed by the grid, not `region`. */
  readonly grid?: PreviewGrid
  /** False for an approximate frame (computed on a reduced copy). @default true */
  readonly exact?: boolean
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

/**
 * The grid a `size` result is shown on at `s` device pixels per result pixel (below 1): the whole result
 * area-averaged to this many device pixels, each drawn as one. Its origin is the layer's (see {@link layerRect}).
 */
export function displayGrid(size: Size, s: number): Size {
  return { width: Math.max(1, Math.min(size.width, Math.round(size.width * s))), height: Math.max(1, Math.min(size.height, Math.round(size.height * s))) }
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
 * Where a layer lands: results smaller or larger than the source (valid/full output) are centred on it, a region
 * sits where it is in the result, and a grid window on the device pixels of its grid.
 */
export function layerRect(frame: Pick<ViewFrame, 'dpr' | 'zoom' | 'pan' | 'image'>, layer: Pick<DrawLayer, 'size' | 'region' | 'grid'>): DeviceRect {
  const base = imageRect(frame)
  const s = frame.zoom * frame.dpr
  const ox = ((frame.image.width - layer.size.width) / 2) * s
  const oy = ((frame.image.height - layer.size.height) / 2) * s
  const x = base.x + Math.round(ox)
  const y = base.y + Math.round(oy)
  const g = layer.grid
  if (g) {
    const shown = displayGrid(layer.size, s)
    // The zoom's own grid: grid pixel (i, j) is device pixel (x + i, y + j) exactly.
    if (s < 1 && shown.width === g.width && shown.height === g.height) return { x: x + g.window.x, y: y + g.window.y, width: g.window.width, height: g.window.height }
    // Another zoom's grid stands in (scaled) until this zoom's arrives.
    const kx = (layer.size.width / g.width) * s
    const ky = (layer.size.height / g.height) * s
    return { x: x + g.window.x * kx, y: y + g.window.y * ky, width: g.window.width * kx, height: g.window.height * ky }
  }
  const r = layer.region
  if (!r) return { x, y, width: layer.size.width * s, height: layer.size.height * s }
  return { x: x + r.x * s, y: y + r.y * s, width: r.width * s, height: r.height * s }
}
