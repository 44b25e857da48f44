// Test helper: a synthetic RGB photo with edges and gradients, so every kernel changes many pixels differently.

/** A disc of bright blue drawn into the texture: its centre and radius in pixels. */
export interface Disc {
  readonly cx: number
  readonly cy: number
  readonly r: number
}

/** Raw 8-bit RGB samples (row-major, 3 per pixel) of a `width` x `height` texture with `disc` in its blue channel. */
export function texturePixels(width: number, height: number, disc: Disc): Buffer {
  const data = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3
      data[i] = (x * 5 + y * 3) & 255
      data[i + 1] = ((x ^ y) * 7) & 255
      data[i + 2] = (x - disc.cx) ** 2 + (y - disc.cy) ** 2 < disc.r * disc.r ? 240 : (x * y) % 97
    }
  }
  return data
}
