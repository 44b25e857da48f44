// Runs in the engine host: proxies (area-average downscales) and display-ready 8-bit RGBA rasters.
import type { Raster } from '../contract/api'
import type { FloatImage, IntImage } from '../engine/types'

/** Size of `width` x `height` scaled down (never up) to fit `maxWidth` x `maxHeight`, at least 1x1. */
export function fitSize(width: number, height: number, maxWidth: number, maxHeight: number): { width: number; height: number } {
  const scale = Math.min(1, maxWidth / width, maxHeight / height)
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}

/**
 * Area-average downscale to exactly `width` x `height` (each source pixel counts towards the one target pixel
 * its top-left corner falls in). Same channels and depth; returns `image` itself when the size is unchanged.
 * One pass over the source, so a 24 MP photo shrinks in well under a second.
 */
export function downscale(image: IntImage, width: number, height: number): IntImage {
  if (width === image.width && height === image.height) return image
  if (width > image.width || height > image.height) throw new RangeError('downscale cannot enlarge')
  const ch = image.channels
  const src = image.data
  const colMap = new Int32Array(image.width)
  for (let x = 0; x < image.width; x++) colMap[x] = Math.floor((x * width) / image.width) * ch
  const sums = new Float64Array(width * height * ch)
  const counts = new Uint32Array(width * height)
  for (let y = 0; y < image.height; y++) {
    const oy = Math.floor((y * height) / image.height)
    const rowBase = oy * width * ch
    const countBase = oy * width
    let s = y * image.width * ch
    for (let x = 0; x < image.width; x++) {
      const o = rowBase + colMap[x]
      for (let c = 0; c < ch; c++) sums[o + c] += src[s++]
      counts[countBase + colMap[x] / ch]++
    }
  }
  const out = image.depth === 16 ? new Uint16Array(sums.length) : new Uint8Array(sums.length)
  for (let p = 0, i = 0; p < counts.length; p++) {
    const n = counts[p]
    for (let c = 0; c < ch; c++, i++) out[i] = Math.round(sums[i] / n)
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
