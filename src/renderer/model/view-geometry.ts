// Runs in the renderer (pure, unit-tested in Node): the viewer's geometry: points and sizes, zoom levels, fitting,
// panning limits and the pixel under a point.

/** A point in CSS pixels of the viewer (pan offsets, cursor positions). */
export interface Point {
  readonly x: number
  readonly y: number
}

/** A width and height in pixels. */
export interface Size {
  readonly width: number
  readonly height: number
}

/** A pixel of the full-resolution source image. */
export interface PixelPos {
  readonly row: number
  readonly col: number
}

/** A rectangle in source pixel coordinates. */
export interface PixelRect {
  readonly top: number
  readonly left: number
  readonly width: number
  readonly height: number
}

/** Smallest zoom (1 screen pixel shows 64 x 64 image pixels). */
export const MIN_ZOOM = 1 / 64
/** Largest zoom (one image pixel covers 64 x 64 screen pixels: enough to read single pixels of a 7x7 image). */
export const MAX_ZOOM = 64
/** Zoom levels the zoom-in / zoom-out commands step through. */
export const ZOOM_STEPS: readonly number[] = [
  1 / 64, 1 / 48, 1 / 32, 1 / 24, 1 / 16, 1 / 12, 1 / 8, 1 / 6, 1 / 4, 1 / 3, 1 / 2, 2 / 3, 1, 1.5, 2, 3, 4, 6, 8, 12, 16,
  24, 32, 48, 64
]
/** Empty space kept around the image when fitting it to the window, in CSS pixels. */
export const FIT_MARGIN = 16

/** `zoom` limited to {@link MIN_ZOOM}..{@link MAX_ZOOM}. */
export function clampZoom(zoom: number): number {
  if (!Number.isFinite(zoom)) return 1
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom))
}

/**
 * The zoom that shows the whole image in the viewport. Images that would be enlarged are shown at 100% when they
 * fit less than twice over, else at a whole-number zoom, so enlarged pixels stay crisp squares.
 */
export function fitZoom(image: Size, viewport: Size, margin: number = FIT_MARGIN): number {
  if (image.width <= 0 || image.height <= 0) return 1
  const w = Math.max(1, viewport.width - 2 * margin)
  const h = Math.max(1, viewport.height - 2 * margin)
  const s = Math.min(w / image.width, h / image.height)
  if (s >= 2) return clampZoom(Math.floor(s))
  if (s >= 1) return 1
  return clampZoom(s)
}

/** The next zoom step above (`direction` 1) or below (-1) `zoom`. */
export function stepZoom(zoom: number, direction: 1 | -1): number {
  const eps = 1e-6
  if (direction > 0) return ZOOM_STEPS.find((z) => z > zoom + eps) ?? MAX_ZOOM
  for (let i = ZOOM_STEPS.length - 1; i >= 0; i--) if (ZOOM_STEPS[i] < zoom - eps) return ZOOM_STEPS[i]
  return MIN_ZOOM
}

/** Pan that centres the image in the viewport at `zoom` (whole CSS pixels, so 100% lands on the pixel grid). */
export function centredPan(image: Size, viewport: Size, zoom: number): Point {
  return {
    x: Math.round((viewport.width - image.width * zoom) / 2),
    y: Math.round((viewport.height - image.height * zoom) / 2)
  }
}

/** Pan after changing zoom so that the image point under `anchor` (viewer CSS pixels) stays under it. */
export function zoomAroundPan(pan: Point, zoom: number, nextZoom: number, anchor: Point): Point {
  const ix = (anchor.x - pan.x) / zoom
  const iy = (anchor.y - pan.y) / zoom
  return { x: anchor.x - ix * nextZoom, y: anchor.y - iy * nextZoom }
}

/**
 * Pan limited so at least `keep` CSS pixels of the image (or all of it, if smaller) stay inside the viewport:
 * the image can never be lost off-screen.
 */
export function clampPan(pan: Point, image: Size, viewport: Size, zoom: number, keep = 48): Point {
  const w = image.width * zoom
  const h = image.height * zoom
  const kx = Math.min(keep, w)
  const ky = Math.min(keep, h)
  return {
    x: Math.min(viewport.width - kx, Math.max(kx - w, pan.x)),
    y: Math.min(viewport.height - ky, Math.max(ky - h, pan.y))
  }
}

/** The source pixel under a viewer point, or null outside the image. */
export function pixelAt(point: Point, pan: Point, zoom: number, image: Size): PixelPos | null {
  const col = Math.floor((point.x - pan.x) / zoom)
  const row = Math.floor((point.y - pan.y) / zoom)
  if (col < 0 || row < 0 || col >= image.width || row >= image.height) return null
  return { row, col }
}

/**
 * How far to move the image (CSS pixels) so pixel `pos` is in view: nothing when its centre is already inside the
 * viewport, else enough to put it in the viewport's centre (whole pixels).
 */
export function panToReveal(pos: PixelPos, pan: Point, zoom: number, viewport: Size): Point {
  const x = pan.x + (pos.col + 0.5) * zoom
  const y = pan.y + (pos.row + 0.5) * zoom
  if (x >= 0 && x <= viewport.width && y >= 0 && y <= viewport.height) return { x: 0, y: 0 }
  return { x: Math.round(viewport.width / 2 - x), y: Math.round(viewport.height / 2 - y) }
}

/** Zoom as the percentage users read: `100%`, `33.3%`, `6400%`. */
export function formatZoom(zoom: number): string {
  const pct = zoom * 100
  const digits = pct >= 10 ? 0 : 1
  return `${Number(pct.toFixed(digits))}%`
}
