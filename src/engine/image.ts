// Conversions between decoded integer images and the float working images the engine computes on.
import type { BitDepth, Channels, FloatImage, IntImage } from './types'

/** Largest sample value of a bit depth: 255 or 65535. */
export function maxValue(depth: BitDepth): number {
  return depth === 16 ? 65535 : 255
}

/** Float copy of an integer image, same range (0..255 or 0..65535). */
export function toFloat(image: IntImage): FloatImage {
  return {
    width: image.width,
    height: image.height,
    channels: image.channels,
    depth: image.depth,
    data: Float32Array.from(image.data)
  }
}

/**
 * Integer image from a float one: rounded to nearest and clamped, at `depth`
 * (rescaled when it differs from the image's own depth).
 * @param depth @default image.depth
 */
export function toInt(image: FloatImage, depth: BitDepth = image.depth): IntImage {
  const src = image.data
  const max = maxValue(depth)
  const scale = depth === image.depth ? 1 : max / maxValue(image.depth)
  const out = depth === 16 ? new Uint16Array(src.length) : new Uint8Array(src.length)
  for (let i = 0; i < src.length; i++) {
    const v = Math.round(src[i] * scale)
    out[i] = v < 0 ? 0 : v > max ? max : v
  }
  return { width: image.width, height: image.height, channels: image.channels, depth, data: out }
}

/** A zero-filled float image. */
export function createFloatImage(width: number, height: number, channels: Channels, depth: BitDepth): FloatImage {
  return { width, height, channels, depth, data: new Float32Array(width * height * channels) }
}
