// Runs in the engine host: proxies (area-average downscales) and display-ready 8-bit RGBA rasters.
import type { Raster } from '../contract/api'
import type { FloatImage, IntImage } from '../engine/types'

/** Size of `width` x `height` scaled down (never up) to fit `maxWidth` x `maxHeight`, at least 1x1. */
export function fitSize(width: number, height: number, maxWidth: number, maxHeight: number): { width: number; height: number } {
  const scale = Math.min(1, maxWidth / width, maxHeight / height)
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}

/**
 * Per source row of `from` rows shrunk to `to`: the first target row it overlaps and its overlap with that row and
 * with the next one. Lengths are in units of 1/`to` source pixel (a source pixel is `to` long, a target pixel
 * `from` long), so every overlap is a whole number and the sums stay exact.
 */
function rowWeights(from: number, to: number): { index: Int32Array; first: Float64Array; second: Float64Array } {
  const index = new Int32Array(from)
  const first = new Float64Array(from)
  const second = new Float64Array(from)
  for (let j = 0; j < from; j++) {
    const t = Math.floor((j * to) / from)
    const overlap = Math.min((j + 1) * to, (t + 1) * from) - j * to
    index[j] = t
    first[j] = overlap
    second[j] = to - overlap
  }
  return { index, first, second }
}

/**
 * Per target column of `from` columns shrunk to `to` (same units as {@link rowWeights}): the source column cut by
 * its left edge and the part of it inside, the whole columns inside [`start`, `end`), and the column cut by its
 * right edge and the part inside (0 when the edge falls between columns).
 */
function columnSpans(from: number, to: number): { left: Int32Array; leftPart: Int32Array; start: Int32Array; end: Int32Array; rightPart: Int32Array } {
  const left = new Int32Array(to)
  const leftPart = new Int32Array(to)
  const start = new Int32Array(to)
  const end = new Int32Array(to)
  const rightPart = new Int32Array(to)
  for (let t = 0; t < to; t++) {
    const a = t * from
    const b = (t + 1) * from
    const first = Math.floor(a / to)
    const cut = a % to
    left[t] = first
    leftPart[t] = cut === 0 ? 0 : to - cut
    start[t] = cut === 0 ? first : first + 1
    end[t] = Math.floor(b / to)
    rightPart[t] = b % to
  }
  return { left, leftPart, start, end, rightPart }
}

/**
 * Area-average (box) downscale to exactly `width` x `height`: each target pixel is the mean of the source area it
 * covers, source pixels cut by its edges counting by the fraction inside, rounded to the nearest level. Both
 * sides of the viewer (the source and the exact filtered preview) go through this one function, so they are
 * resampled alike. Sums are exact (whole-number weights). One pass over the source, row by row: the whole source
 * pixels inside a target pixel are just added, so a 12 MP photo shrinks in under 100 ms of one core.
 * Same channels and depth; returns `image` itself when the size is unchanged.
 */
export function downscale(image: IntImage, width: number, height: number): IntImage {
  if (width === image.width && height === image.height) return image
  if (width > image.width || height > image.height) throw new RangeError('downscale cannot enlarge')
  const ch = image.channels
  const src = image.data
  const w = image.width
  const h = image.height
  const rows = rowWeights(h, height)
  const { left, leftPart, start, end, rightPart } = columnSpans(w, width)
  const rowLength = width * ch
  // Each source row is summed across (in units of 1/width of a column) and weighted into the target row it falls
  // in and the next one (units of 1/height of a row).
  let current = new Float64Array(rowLength)
  let next = new Float64Array(rowLength)
  const out = image.depth === 16 ? new Uint16Array(width * height * ch) : new Uint8Array(width * height * ch)
  const inverse = 1 / (w * h)
  let target = 0
  const finish = (): void => {
    const base = target * rowLength
    for (let k = 0; k < rowLength; k++) out[base + k] = Math.floor(current[k] * inverse + 0.5)
  }
  for (let y = 0; y < h; y++) {
    while (target < rows.index[y]) {
      finish()
      const done = current
      current = next
      next = done
      next.fill(0)
      target++
    }
    const a = rows.first[y]
    const b = rows.second[y]
    const row = y * w * ch
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
        r *= width
        g *= width
        bl *= width
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
          v *= width
          if (lp !== 0) v += src[l + c] * lp
          if (rp !== 0) v += src[e + c] * rp
          current[o + c] += v * a
          if (b !== 0) next[o + c] += v * b
        }
      }
    }
  }
  finish()
  return { width, height, channels: image.channels, depth: image.depth, data: out }
}

/** Display-ready straight-alpha RGBA, 8 bits per sample (16-bit samples are rounded to 8). */
export function toRaster(image: IntImage): Raster {
  const n = image.width * image.height
  const rgba = new Uint8Array(n * 4)
  const src = image.data
  const ch = image.channels
  // 65535 / 255 = 257 exactly, so this rounds to the nearest 8-bit value.
  const to8 = image.depth === 16 ? (v: number) => ((v + 128) / 257) | 0 : (v: number) => v
  if (image.depth === 8 && ch === 4) {
    rgba.set(src)
  } else {
    for (let p = 0, s = 0, d = 0; p < n; p++, s += ch, d += 4) {
      if (ch >= 3) {
        rgba[d] = to8(src[s])
        rgba[d + 1] = to8(src[s + 1])
        rgba[d + 2] = to8(src[s + 2])
        rgba[d + 3] = ch === 4 ? to8(src[s + 3]) : 255
      } else {
        const g = to8(src[s])
        rgba[d] = g
        rgba[d + 1] = g
        rgba[d + 2] = g
        rgba[d + 3] = ch === 2 ? to8(src[s + 1]) : 255
      }
    }
  }
  return { width: image.width, height: image.height, rgba }
}

/** A copy of the `width` x `height` block of `image` at (`x`, `y`) (which must lie inside it); `image` itself when whole. */
export function cropImage(image: IntImage, x: number, y: number, width: number, height: number): IntImage {
  if (x === 0 && y === 0 && width === image.width && height === image.height) return image
  if (x < 0 || y < 0 || width < 1 || height < 1 || x + width > image.width || y + height > image.height) {
    throw new RangeError(`crop ${width}x${height} at ${x},${y} is outside the ${image.width}x${image.height} image`)
  }
  const ch = image.channels
  const out = image.depth === 16 ? new Uint16Array(width * height * ch) : new Uint8Array(width * height * ch)
  const rowLength = width * ch
  for (let r = 0; r < height; r++) {
    const from = ((y + r) * image.width + x) * ch
    out.set(image.data.subarray(from, from + rowLength), r * rowLength)
  }
  return { width, height, channels: image.channels, depth: image.depth, data: out }
}

/** The `box` part of a float image (which must contain it): what an explained pixel's window reads. */
export function cropFloat(image: FloatImage, box: { x: number; y: number; width: number; height: number }): FloatImage {
  const ch = image.channels
  const data = new Float32Array(box.width * box.height * ch)
  for (let r = 0; r < box.height; r++) {
    const from = ((box.y + r) * image.width + box.x) * ch
    data.set(image.data.subarray(from, from + box.width * ch), r * box.width * ch)
  }
  return { width: box.width, height: box.height, channels: image.channels, depth: image.depth, data }
}
