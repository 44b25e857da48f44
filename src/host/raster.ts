// Runs in the engine host: fitted sizes, crops, the area-average downscale (src/engine/downscale.ts) in row bands
// on the engine's threads, and display-ready 8-bit RGBA rasters.
import type { Raster } from '../contract/api'
import { downscaleJob, downscaleWindow, type DownscaleGrid } from '../engine/downscale'
import type { FloatImage, IntImage } from '../engine/types'
import { runRows } from '../runtime/run-stack'

/** Size of `width` x `height` scaled down (never up) to fit `maxWidth` x `maxHeight`, at least 1x1. */
export function fitSize(width: number, height: number, maxWidth: number, maxHeight: number): { width: number; height: number } {
  const scale = Math.min(1, maxWidth / width, maxHeight / height)
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}

/**
 * `grid.window` of `source` (the full image's pixels from `origin` on) area-averaged to the grid: in row bands on
 * the engine's worker threads when `source` is in shared memory (a stack result, the open image), else on this
 * thread. The same samples either way; the host thread stays free meanwhile.
 */
export async function downscaleInBands(
  source: IntImage,
  origin: { readonly x: number; readonly y: number },
  grid: DownscaleGrid,
  signal: AbortSignal
): Promise<IntImage> {
  if (!(source.data.buffer instanceof SharedArrayBuffer)) return downscaleWindow(source, origin, grid)
  const job = downscaleJob(source, origin, grid)
  const { width, height } = grid.window
  const wide = source.depth === 16
  const dst = new SharedArrayBuffer(width * height * source.channels * (wide ? 2 : 1))
  const task = { kind: 'downscale' as const, job, src: source.data.buffer, srcOffset: source.data.byteOffset, dst }
  await runRows(task, height, source.width * source.height * source.channels, signal)
  return { width, height, channels: source.channels, depth: source.depth, data: wide ? new Uint16Array(dst) : new Uint8Array(dst) }
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
  } else if (image.depth === 8 && ch === 3) {
    // The common case (an RGB photo's preview) without a call per sample.
    for (let s = 0, d = 0; d < rgba.length; s += 3, d += 4) {
      rgba[d] = src[s]
      rgba[d + 1] = src[s + 1]
      rgba[d + 2] = src[s + 2]
      rgba[d + 3] = 255
    }
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
