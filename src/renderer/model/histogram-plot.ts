// Runs in the renderer (pure). Drawing data for the histogram panel: SVG paths of a channel's counts, and the
// clipping shares as text. The counts themselves come from the engine host (engine/histogram.ts).
import type { ChannelHistogram, Histogram } from '../../engine/histogram'

/**
 * The closed area path of `counts` in a `width` x `height` box, bin i at x = i * width / bins. Heights are the
 * square root of the count over that of the tallest bin of `scaleTo`, so small counts stay visible next to a
 * spike, and channels drawn together share one scale.
 */
export function areaPath(counts: readonly number[], scaleTo: number, width: number, height: number): string {
  const top = Math.sqrt(Math.max(1, scaleTo))
  const step = width / counts.length
  const parts = [`M0 ${height}`]
  counts.forEach((c, i) => {
    const y = height - (Math.sqrt(c) / top) * height
    const yy = Math.round(y * 100) / 100
    parts.push(`L${Math.round(i * step * 100) / 100} ${yy}`, `L${Math.round((i + 1) * step * 100) / 100} ${yy}`)
  })
  parts.push(`L${width} ${height}Z`)
  return parts.join(' ')
}

/** The tallest bin over `channels`. */
export function tallest(channels: readonly ChannelHistogram[]): number {
  return channels.reduce((m, c) => Math.max(m, ...c.counts), 0)
}

/** `n` as a share of the histogram's pixels, e.g. "1.25 %" (two decimals, "0 %" for none). */
export function share(histogram: Histogram, n: number): string {
  if (histogram.pixels === 0 || n === 0) return '0 %'
  return `${(Math.round((n / histogram.pixels) * 10000) / 100).toString()} %`
}
