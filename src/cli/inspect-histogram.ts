// Runs in Node (CLI): `kernel-studio inspect INPUT --histogram [--recipe R]`: the histogram of the image, and of
// the result of the recipe (and command-line filters) when given, as a table or JSON.
import { computeHistogram, type Histogram } from '../engine/histogram'
import { decodeImage } from '../io/decode-image'
import { runStack } from '../runtime/run-stack'
import { CliError, printNote } from './errors'
import type { FilterFlags, FilterSource } from './filter-args'
import { inspectFilters } from './inspect-stack'
import { formatNumber, gridLines } from './text-grid'

/** Options of `inspect --histogram`. */
export interface HistogramOptions extends FilterFlags {
  readonly at?: string
  readonly recipe?: string
  readonly json?: boolean
}

/** Rows of the text table: the 256 bins summed in groups of 16 levels. */
const TABLE_ROWS = 16

function table(histogram: Histogram): string[] {
  const group = histogram.bins / TABLE_ROWS
  const levels = (histogram.max + 1) / TABLE_ROWS
  const header = ['levels', ...histogram.channels.map((c) => c.name)]
  const rows = Array.from({ length: TABLE_ROWS }, (_, r) => [
    `${r * levels}-${(r + 1) * levels - 1}`,
    ...histogram.channels.map((c) => String(c.counts.slice(r * group, (r + 1) * group).reduce((a, b) => a + b, 0)))
  ])
  const summary = [
    // Two decimals in every column, as the app's histogram panel shows them (--json has them in full).
    ['mean', ...histogram.channels.map((c) => c.mean.toFixed(2))],
    ['at 0', ...histogram.channels.map((c) => String(c.shadows))],
    [`at ${histogram.max}`, ...histogram.channels.map((c) => String(c.highlights))]
  ]
  return gridLines([header, ...rows, ...summary]).map((line) => `  ${line}`)
}

function describe(title: string, histogram: Histogram): string[] {
  const share = (n: number): string => (histogram.pixels === 0 ? '0' : formatNumber(Math.round((n / histogram.pixels) * 10000) / 100))
  return [
    `${title}: ${histogram.pixels} pixels; clipped shadows (a colour channel at 0) ${histogram.clippedShadows} (${share(histogram.clippedShadows)} %), ` +
      `clipped highlights (at ${histogram.max}) ${histogram.clippedHighlights} (${share(histogram.clippedHighlights)} %)`,
    ...table(histogram)
  ]
}

/** The histograms as text: before, and after the filters when there are any. */
export function formatHistograms(before: Histogram, after: Histogram | null, label: string): string {
  const lines = [...describe('before', before)]
  if (after) lines.push('', ...describe(`after ${label}`, after))
  return `${lines.join('\n')}\n`
}

/** Runs `inspect INPUT --histogram`. */
export async function runHistogram(input: string, options: HistogramOptions, sources: readonly FilterSource[]): Promise<void> {
  if (options.at !== undefined) throw new CliError('--histogram counts the whole image, not one pixel: drop --at')
  const filters = await inspectFilters(options.recipe, sources, options)
  const { image, meta } = await decodeImage(input, { name: input })
  meta.notes.forEach(printNote)
  const before = computeHistogram(image)
  const after = filters.length === 0 ? null : computeHistogram(await runStack(image, filters))
  if (options.json) {
    const info = { path: input, width: meta.width, height: meta.height, channels: meta.channels, depth: meta.depth, format: meta.format }
    process.stdout.write(`${JSON.stringify({ input: info, filters, before, ...(after ? { after } : {}) })}\n`)
  } else {
    const label = `${filters.length} filter${filters.length === 1 ? '' : 's'}${options.recipe ? ` (${options.recipe})` : ''}`
    process.stdout.write(formatHistograms(before, after, label))
  }
}
