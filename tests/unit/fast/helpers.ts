// Test-only helpers for the fast paths: deterministic images and kernels, the reference result, and comparison.
import { applyStack } from '../../../src/engine/stack'
import { maxValue, toFloat, toInt } from '../../../src/engine/image'
import type { BitDepth, Channels, FilterSpec, IntImage } from '../../../src/engine/types'
import { rng } from '../../helpers/random'

export { rng }

/** A random decoded image; with alpha, a fifth of the pixels fully transparent and a third opaque. */
export function randomIntImage(seed: number, width: number, height: number, channels: Channels, depth: BitDepth = 8): IntImage {
  const random = rng(seed)
  const max = maxValue(depth)
  const data = depth === 16 ? new Uint16Array(width * height * channels) : new Uint8Array(width * height * channels)
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(random() * (max + 1))
  if (channels === 2 || channels === 4) {
    for (let p = channels - 1; p < data.length; p += channels) {
      const pick = random()
      if (pick < 0.2) data[p] = 0
      else if (pick < 0.55) data[p] = max
    }
  }
  return { width, height, channels, depth, data }
}

/** A smooth photo-like image (gradients plus a little noise), where rounding ties are common. */
export function smoothIntImage(seed: number, width: number, height: number, channels: Channels): IntImage {
  const random = rng(seed)
  const data = new Uint8Array(width * height * channels)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const v = 128 + 100 * Math.sin((x * (c + 1)) / 17 + y / 23) + 8 * (random() - 0.5)
        data[(y * width + x) * channels + c] = Math.max(0, Math.min(255, Math.round(v)))
      }
    }
  }
  return { width, height, channels, depth: 8, data }
}

/** Kernel rows of random floats in [-1, 1) scaled to sum 1 (a "random" kernel as a user might draw one). */
export function randomFloatRows(seed: number, height: number, width: number): number[][] {
  const random = rng(seed)
  const rows = Array.from({ length: height }, () => Array.from({ length: width }, () => random() * 2 - 0.7))
  const sum = rows.flat().reduce((a, b) => a + b, 0)
  return rows.map((row) => row.map((v) => v / sum))
}

/** Kernel rows of random integers in -3..3. */
export function randomIntRows(seed: number, height: number, width: number): number[][] {
  const random = rng(seed)
  const rows = Array.from({ length: height }, () => Array.from({ length: width }, () => Math.floor(random() * 7) - 3))
  rows[0][0] ||= 1
  return rows
}

/** The oracle: the plain reference stack, rounded like runStack. */
export function referenceResult(image: IntImage, filters: readonly FilterSpec[], depth: BitDepth = image.depth): IntImage {
  return toInt(applyStack(toFloat(image), filters), depth)
}

/**
 * Largest difference between two results, ignoring colour samples of pixels whose output alpha is below
 * `minAlpha` (there, un-premultiplying divides float noise by a tiny alpha). Throws on a size mismatch.
 */
export function maxDifference(actual: IntImage, expected: IntImage, minAlpha = 0): number {
  return compare(actual, expected, minAlpha).max
}

/** {@link maxDifference} plus how many samples differ at all. */
export function compare(actual: IntImage, expected: IntImage, minAlpha = 0): { max: number; differing: number } {
  if (actual.width !== expected.width || actual.height !== expected.height || actual.channels !== expected.channels) {
    throw new Error(
      `size ${actual.width}x${actual.height}x${actual.channels} != ${expected.width}x${expected.height}x${expected.channels}`
    )
  }
  if (actual.depth !== expected.depth) throw new Error(`depth ${actual.depth} != ${expected.depth}`)
  const c = actual.channels
  const alpha = c === 2 || c === 4 ? c - 1 : -1
  let worst = 0
  let differing = 0
  for (let i = 0; i < actual.data.length; i++) {
    const ch = i % c
    if (alpha >= 0 && ch !== alpha && expected.data[i - ch + alpha] < minAlpha) continue
    const d = Math.abs(actual.data[i] - expected.data[i])
    if (d > 0) differing++
    worst = Math.max(worst, d)
  }
  return { max: worst, differing }
}
