// Runs in the renderer (pure). Drawing data for the histogram panel: SVG paths of a channel's counts, and the
// clipping shares as text. The counts themselves come from the engine host (engine/histogram.ts).
import type { ChannelHistogram, Histogram } from '../../engine/histogram'

/**
 * The closed area path of `counts` in a `width` x `height` box, bin i at x = i * width / bins. Heights are the
 * square root of the count over that of `scaleTo` (a bin above it stops at the top), so small counts stay visible
 * next to a spike, and channels drawn together share one scale.
 */
export function areaPath(counts: readonly number[], scaleTo: number, width: number, height: number): string {
  const top = Math.sqrt(Math.max(1, scaleTo))
  const step = width / counts.length
  const parts = [`M0 ${height}`]
  counts.forEach((c, i) => {
    const y = Math.max(0, height - (Math.sqrt(c) / top) * height)
    const yy = Math.round(y * 100) / 100
    parts.push(`L${Math.round(i * step * 100) / 100} ${yy}`, `L${Math.round((i + 1) * step * 100) / 100} ${yy}`)
  })
  parts.push(`L${width} ${height}Z`)
  return parts.join(' ')
}

/**
 * The height the plot scales to: the tallest bin over `channels` between the first and the last. The end bins
 * hold the clipped pixels, which the panel counts in numbers; scaled to them, a photo with black or white areas
 * would draw everything else as a line along the bottom (they stop at the top instead, as in other editors). The
 * tallest of all bins when the ones between are empty.
 */
export function tallest(channels: readonly ChannelHistogram[]): number {
  const inner = channels.reduce((m, c) => Math.max(m, ...c.counts.slice(1, -1)), 0)
  return inner > 0 ? inner : channels.reduce((m, c) => Math.max(m, ...c.counts), 0)
}

/** `n` as a share of the histogram's pixels, e.g. "1.25 %" (two decimals, "0 %" for none). */
export function share(histogram: Histogram, n: number): string {
  if (histogram.pixels === 0 || n === 0) return '0 %'
  return `${(Math.round((n / histogram.pixels) * 10000) / 100).toString()} %`
}
