// Runs in the engine host: fitted sizes, crops and display-ready 8-bit RGBA rasters (the area-average downscale
// itself is src/engine/downscale.ts).
import type { Raster } from '../contract/api'
import type { FloatImage, IntImage } from '../engine/types'

/** Size of `width` x `height` scaled down (never up) to fit `maxWidth` x `maxHeight`, at least 1x1. */
export function fitSize(width: number, height: number, maxWidth: number, maxHeight: number): { width: number; height: number } {
  const scale = Math.min(1, maxWidth / width, maxHeight / height)
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
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
