// Histograms of an image: counts per level range for each colour channel and the luminance, and how many samples
// sit at the ends of the range (clipped shadows and highlights). Fully transparent pixels are left out.
import { maxValue } from './image'
import { luminance } from './light'
import type { IntImage } from './types'

/** Counts of one channel. */
export interface ChannelHistogram {
  /** `grey`, `red`, `green`, `blue` or `luminance`. */
  readonly name: string
  /** Samples per bin; bin i holds the levels i x max+1/bins up to the next bin. */
  readonly counts: number[]
  /** Samples at 0 (clipped shadows). For the luminance: pixels whose every colour channel is 0. */
  readonly shadows: number
  /** Samples at the maximum (clipped highlights). For the luminance: pixels whose every colour channel is at it. */
  readonly highlights: number
  readonly mean: number
}

/** The histogram of an image. */
export interface Histogram {
  readonly bins: number
  /** Largest level, 255 or 65535. */
  readonly max: number
  /** Pixels counted (fully transparent ones are not). */
  readonly pixels: number
  /** Pixels with at least one colour channel at 0 / at the maximum. */
  readonly clippedShadows: number
  readonly clippedHighlights: number
  /** One per colour channel, then `luminance` for colour images (BT.709 on the stored values). */
  readonly channels: ChannelHistogram[]
}

/** Counts `image` into `bins` bins per channel (default 256: one per level of an 8-bit image). */
export function computeHistogram(image: IntImage, bins = 256): Histogram {
  const { channels, data } = image
  const max = maxValue(image.depth)
  const alpha = channels === 2 || channels === 4
  const colours = alpha ? channels - 1 : channels
  const rows = colours >= 3 ? colours + 1 : colours
  const counts = Array.from({ length: rows }, () => new Float64Array(bins))
  const shadows = new Float64Array(rows)
  const highlights = new Float64Array(rows)
  const sums = new Float64Array(rows)
  const scale = bins / (max + 1)
  let pixels = 0
  let clippedShadows = 0
  let clippedHighlights = 0
  for (let p = 0; p < data.length; p += channels) {
    if (alpha && data[p + channels - 1] === 0) continue
    pixels++
    let anyLow = false
    let anyHigh = false
    let allLow = true
    let allHigh = true
    for (let c = 0; c < colours; c++) {
      const v = data[p + c]
      counts[c][Math.floor(v * scale)]++
      sums[c] += v
      if (v === 0) {
        shadows[c]++
        anyLow = true
      } else allLow = false
      if (v === max) {
        highlights[c]++
        anyHigh = true
      } else allHigh = false
    }
    if (anyLow) clippedShadows++
    if (anyHigh) clippedHighlights++
    if (colours >= 3) {
      const y = luminance(data[p], data[p + 1], data[p + 2])
      counts[colours][Math.min(bins - 1, Math.floor(y * scale))]++
      sums[colours] += y
      if (allLow) shadows[colours]++
      if (allHigh) highlights[colours]++
    }
  }
  const names = colours >= 3 ? ['red', 'green', 'blue', 'luminance'] : ['grey']
  return {
    bins,
    max,
    pixels,
    clippedShadows,
    clippedHighlights,
    channels: names.map((name, i) => ({
      name,
      counts: Array.from(counts[i]),
      shadows: shadows[i],
      highlights: highlights[i],
      mean: pixels === 0 ? 0 : sums[i] / pixels
    }))
  }
}
