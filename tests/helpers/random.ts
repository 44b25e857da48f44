// Test helper: seeded pseudo-random numbers, images and kernels, so a failing case can be replayed exactly.
import type { BitDepth, Channels, FloatImage, IntImage } from '../../src/engine/types'

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Every channel layout (grey, grey+alpha, RGB, RGBA) at both bit depths. */
export const LAYOUTS: readonly (readonly [Channels, BitDepth])[] = [
  [1, 8],
  [2, 8],
  [3, 8],
  [4, 8],
  [1, 16],
  [2, 16],
  [3, 16],
  [4, 16]
]

/** A random integer-valued image; with alpha, some pixels fully transparent and some opaque. */
export function randomImage(random: () => number, width: number, height: number, channels: Channels, depth: BitDepth): FloatImage {
  const max = depth === 16 ? 65535 : 255
  const data = new Float32Array(width * height * channels)
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(random() * (max + 1))
  if (channels === 2 || channels === 4) {
    for (let p = channels - 1; p < data.length; p += channels) {
      const pick = random()
      if (pick < 0.2) data[p] = 0
      else if (pick < 0.5) data[p] = max
    }
  }
  return { width, height, channels, depth, data }
}

/** {@link randomImage} as a decoded (integer) image. */
export function randomIntImage(random: () => number, width: number, height: number, channels: Channels, depth: BitDepth): IntImage {
  const float = randomImage(random, width, height, channels, depth)
  return { ...float, data: depth === 16 ? Uint16Array.from(float.data) : Uint8Array.from(float.data) }
}

/** A random kernel of integer weights -3..3 (never all zero). */
export function randomRows(random: () => number, height: number, width: number): number[][] {
  const rows: number[][] = []
  for (let r = 0; r < height; r++) {
    const row: number[] = []
    for (let c = 0; c < width; c++) row.push(Math.floor(random() * 7) - 3)
    rows.push(row)
  }
  if (!rows.some((row) => row.some((v) => v !== 0))) rows[0][0] = 1
  return rows
}
