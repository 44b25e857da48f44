// The area-average (box) downscale the viewer shows images with: each target pixel is the mean of the source area
// it covers, source pixels cut by its edges counting by the fraction inside. One function for the whole image and
// for any window of it, on one thread or in row bands on the engine's pool, so the host's exact previews, the
// unfiltered "before" side and the tests that check them all resample alike. Pure: no node:*, DOM or Vue.
import type { BitDepth, IntImage } from './types'

/** A rectangle of pixels: `x`, `y` of its top-left pixel, its `width` and `height`. */
export interface DownscaleBox {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/**
 * A window of an image shrunk to a grid: the `full`-sized image area-averaged to `grid` (never larger), and of
 * that only the target pixels in `window`. Windows of one grid tile it exactly: neighbouring ones meet without seams.
 */
export interface DownscaleGrid {
  readonly full: { readonly width: number; readonly height: number }
  readonly grid: { readonly width: number; readonly height: number }
  readonly window: DownscaleBox
}

/**
 * Everything the row loop needs, as plain numbers (it is posted to worker threads as it is): the source pixels
 * given are the `srcWidth` x `srcHeight` block at (`srcX`, `srcY`) of the full image; the result is `window` of
 * the grid.
 */
export interface DownscaleJob {
  readonly channels: number
  readonly depth: BitDepth
  readonly srcX: number
  readonly srcY: number
  readonly srcWidth: number
  readonly srcHeight: number
  readonly fullWidth: number
  readonly fullHeight: number
  readonly gridWidth: number
  readonly gridHeight: number
  readonly window: DownscaleBox
}

/** The pixels of the full image that `g.window` reads (every source pixel any of its target pixels overlaps). */
export function downscaleSource(g: DownscaleGrid): DownscaleBox {
  const { full, grid, window: w } = g
  if (grid.width > full.width || grid.height > full.height) throw new RangeError('downscale cannot enlarge')
  if (w.width < 1 || w.height < 1 || w.x < 0 || w.y < 0 || w.x + w.width > grid.width || w.y + w.height > grid.height) {
    throw new RangeError(`window ${w.width}x${w.height} at ${w.x},${w.y} is outside the ${grid.width}x${grid.height} grid`)
  }
  // Target pixel t covers [t * full, (t + 1) * full) in units where a source pixel is `grid` long.
  const x0 = Math.floor((w.x * full.width) / grid.width)
  const y0 = Math.floor((w.y * full.height) / grid.height)
  const x1 = Math.ceil(((w.x + w.width) * full.width) / grid.width)
  const y1 = Math.ceil(((w.y + w.height) * full.height) / grid.height)
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
}

/** The job that downscales `g.window` from `source`, which holds the full image's pixels from `origin` on. */
export function downscaleJob(source: IntImage, origin: { readonly x: number; readonly y: number }, g: DownscaleGrid): DownscaleJob {
  const need = downscaleSource(g)
  if (need.x < origin.x || need.y < origin.y || need.x + need.width > origin.x + source.width || need.y + need.height > origin.y + source.height) {
    throw new RangeError(
      `the window reads ${need.width}x${need.height} at ${need.x},${need.y}; the ${source.width}x${source.height} source at ${origin.x},${origin.y} does not hold it`
    )
  }
  return {
    channels: source.channels,
    depth: source.depth,
    srcX: origin.x,
    srcY: origin.y,
    srcWidth: source.width,
    srcHeight: source.height,
    fullWidth: g.full.width,
    fullHeight: g.full.height,
    gridWidth: g.grid.width,
    gridHeight: g.grid.height,
    window: g.window
  }
}

/**
 * Computes rows [`r0`, `r1`) of the job's window into `dst` (the whole window's samples, row-major) from `src`
 * (the job's source block). Sums are exact (whole-number weights: lengths in units of 1/grid of a source pixel),
 * so any split into row bands gives the same result. The whole source pixels inside a target pixel are just
 * added; each source row is summed across once per band and weighted into the one or two target rows it meets.
 */
export function downscaleRows(job: DownscaleJob, src: ArrayLike<number>, dst: { [i: number]: number }, r0: number, r1: number): void {
  const { channels: ch, srcX, srcY, srcWidth, fullWidth: fw, fullHeight: fh, gridWidth: gw, gridHeight: gh, window: win } = job
  const width = win.width
  // Per target column (grid column win.x + t): the source column cut by its left edge and the part inside, the
  // whole columns [start, end), and the column cut by its right edge and the part inside (0: none). Local columns.
  const left = new Int32Array(width)
  const leftPart = new Int32Array(width)
  const start = new Int32Array(width)
  const end = new Int32Array(width)
  const rightPart = new Int32Array(width)
  for (let t = 0; t < width; t++) {
    const a = (win.x + t) * fw
    const b = a + fw
    const first = Math.floor(a / gw)
    const cut = a % gw
    left[t] = first - srcX
    leftPart[t] = cut === 0 ? 0 : gw - cut
    start[t] = (cut === 0 ? first : first + 1) - srcX
    end[t] = Math.floor(b / gw) - srcX
    rightPart[t] = b % gw
  }
  const rowLength = width * ch
  const inverse = 1 / (fw * fh)
  const y0 = win.y + r0
  const y1 = win.y + r1
  // Source rows meeting grid rows [y0, y1); source row j covers [j * gh, (j + 1) * gh).
  const j0 = Math.floor((y0 * fh) / gh)
  const j1 = Math.ceil((y1 * fh) / gh)
  let current = new Float64Array(rowLength)
  let next = new Float64Array(rowLength)
  let target = Math.floor((j0 * gh) / fh)
  const finish = (): void => {
    if (target < y0 || target >= y1) return
    const base = (target - win.y) * rowLength
    for (let k = 0; k < rowLength; k++) dst[base + k] = Math.floor(current[k] * inverse + 0.5)
  }
  const advance = (): void => {
    finish()
    const done = current
    current = next
    next = done
    next.fill(0)
    target++
  }
  for (let j = j0; j < j1; j++) {
    const first = Math.floor((j * gh) / fh)
    while (target < first) advance()
    // The part of source row j in target row `first`, the rest in the next (a source row is never longer than a target row).
    const a = Math.min((j + 1) * gh, (first + 1) * fh) - j * gh
    const b = gh - a
    const row = (j - srcY) * srcWidth * ch
    for (let t = 0, o = 0; t < width; t++, o += ch) {
      const l = row + left[t] * ch
      const lp = leftPart[t]
      const e = row + end[t] * ch
      const rp = rightPart[t]
      if (ch === 3) {
        let r = 0
        let g = 0
        let bl = 0
        for (let s = row + start[t] * 3; s < e; s += 3) {
          r += src[s]
          g += src[s + 1]
          bl += src[s + 2]
        }
        r *= gw
        g *= gw
        bl *= gw
        if (lp !== 0) {
          r += src[l] * lp
          g += src[l + 1] * lp
          bl += src[l + 2] * lp
        }
        if (rp !== 0) {
          r += src[e] * rp
          g += src[e + 1] * rp
          bl += src[e + 2] * rp
        }
        current[o] += r * a
        current[o + 1] += g * a
        current[o + 2] += bl * a
        if (b !== 0) {
          next[o] += r * b
          next[o + 1] += g * b
          next[o + 2] += bl * b
        }
      } else {
        for (let c = 0; c < ch; c++) {
          let v = 0
          for (let s = row + start[t] * ch + c; s < e; s += ch) v += src[s]
          v *= gw
          if (lp !== 0) v += src[l + c] * lp
          if (rp !== 0) v += src[e + c] * rp
          current[o + c] += v * a
          if (b !== 0) next[o + c] += v * b
        }
      }
    }
  }
  while (target < y1) advance()
}

/**
 * {@link downscaleRows} on raw buffers, as a row task runs it on a worker thread (engine/fast/row-tasks.ts): `src`
 * holds the job's source block from byte `srcOffset` on, `dst` the window from its start.
 */
export function downscaleBufferRows(job: DownscaleJob, src: ArrayBufferLike, srcOffset: number, dst: ArrayBufferLike, r0: number, r1: number): void {
  const n = job.srcWidth * job.srcHeight * job.channels
  const wide = job.depth === 16
  downscaleRows(job, wide ? new Uint16Array(src, srcOffset, n) : new Uint8Array(src, srcOffset, n), wide ? new Uint16Array(dst) : new Uint8Array(dst), r0, r1)
}

/** New storage for the job's window (its depth's array type). */
export function downscaleTarget(job: DownscaleJob): Uint8Array | Uint16Array {
  const n = job.window.width * job.window.height * job.channels
  return job.depth === 16 ? new Uint16Array(n) : new Uint8Array(n)
}

/** `g.window` of `source` (the full image's pixels from `origin` on) area-averaged to the grid, on this thread. */
export function downscaleWindow(source: IntImage, origin: { readonly x: number; readonly y: number }, g: DownscaleGrid): IntImage {
  const job = downscaleJob(source, origin, g)
  const out = downscaleTarget(job)
  downscaleRows(job, source.data, out, 0, g.window.height)
  return { width: g.window.width, height: g.window.height, channels: source.channels, depth: source.depth, data: out }
}

/**
 * `image` area-averaged to exactly `width` x `height` (never larger), rounded to the nearest level; same channels
 * and depth. Returns `image` itself when the size is unchanged.
 */
export function downscale(image: IntImage, width: number, height: number): IntImage {
  if (width === image.width && height === image.height) return image
  const full = { width: image.width, height: image.height }
  return downscaleWindow(image, { x: 0, y: 0 }, { full, grid: { width, height }, window: { x: 0, y: 0, width, height } })
}
