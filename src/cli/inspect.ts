// Runs in Node (CLI): `kernel-studio inspect`, the arithmetic of one output pixel as a table or JSON.
import { Command } from 'commander'
import { toFloat } from '../engine/image'
import { inspectPixel } from '../engine/inspect'
import type { InspectChannel, InspectResult } from '../engine/inspect'
import { resolveFilter } from '../engine/stack'
import { EngineError } from '../engine/errors'
import { decodeImage } from '../io/decode-image'
import type { ImageMeta } from '../io/decode-image'
import { CliError, printNote } from './errors'
import { addConvolveOptions, addFilterSourceOptions, buildCommandLineFilters } from './filter-args'
import type { FilterFlags, FilterSource } from './filter-args'
import { formatNumber, numberGrid, sideBySide } from './text-grid'

/** Options of `inspect` after commander parsed them. */
interface InspectOptions extends FilterFlags {
  readonly at: string
  readonly json?: boolean
}

/** Parses `--at ROW,COL` (0-based whole numbers). */
export function parseAt(text: string): { row: number; col: number } {
  const match = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(text)
  if (!match) throw new CliError(`--at must be ROW,COL with 0-based whole numbers, e.g. 0,0; got "${text}"`)
  return { row: Number(match[1]), col: Number(match[2]) }
}

function channelLines(channel: InspectChannel, result: InspectResult, max: number): string[] {
  const patch = numberGrid(channel.patch)
  const kernel = numberGrid(result.kernel)
  const products = numberGrid(channel.products)
  const lines = [
    `${channel.name}:`,
    ...sideBySide([patch, kernel, products], ['x', '='], ['patch', 'kernel', 'products']).map((l) => `  ${l}`),
    ''
  ]
  const steps: [string, string][] = [['sum', formatNumber(channel.sum)]]
  if (channel.name === 'alpha' && channel.fromCentre) {
    steps.push(['alpha under the kernel centre', formatNumber(channel.withOffset)])
  } else {
    steps.push([`/ ${formatNumber(result.divisor)}`, formatNumber(channel.divided)])
    if (channel.unpremultiplied !== undefined) steps.push(['/ output alpha (unpremultiply)', formatNumber(channel.unpremultiplied)])
    if (channel.name !== 'alpha') steps.push([`+ ${formatNumber(result.offset)}`, formatNumber(channel.withOffset)])
  }
  const mapping =
    channel.name === 'alpha'
      ? `clamp to 0..${max}`
      : result.signed === 'stretch' && result.range
        ? `stretch ${formatNumber(result.range.low)}..${formatNumber(result.range.high)} to 0..${max}`
        : result.signed === 'shift'
          ? `shift (add mid-grey), clamp to 0..${max}`
          : result.signed === 'abs'
            ? `abs, clamp to 0..${max}`
            : `clamp to 0..${max}`
  steps.push([mapping, formatNumber(channel.mapped)])
  const width = Math.max('value (rounded)'.length, ...steps.map(([label]) => label.length))
  for (const [label, value] of steps) lines.push(`  ${label.padEnd(width)} = ${value}`)
  lines.push(`  ${'value (rounded)'.padEnd(width)} = ${channel.value}`)
  return lines
}

/** The inspect result as aligned text: a header, then patch x kernel = products and the sums per channel. */
export function formatInspect(result: InspectResult, input: string, meta: ImageMeta, label: string): string {
  const max = meta.depth === 16 ? 65535 : 255
  const rowsRead = result.sourceRows.map((r) => (r === null ? '-' : String(r))).join(' ')
  const colsRead = result.sourceCols.map((c) => (c === null ? '-' : String(c))).join(' ')
  const lines = [
    `${input}: ${meta.width}x${meta.height}, ${meta.channels} channel${meta.channels === 1 ? '' : 's'}, ${meta.depth}-bit`,
    `filter: ${label}`,
    `pixel row ${result.row}, column ${result.col} of the ${result.outputWidth}x${result.outputHeight} '${result.mode}' output; ` +
      `border ${result.border}; kernel ${result.flip ? 'flipped 180 degrees (true convolution)' : 'as written'}; signed ${result.signed}`,
    `window: top-left at input row ${result.windowTop}, column ${result.windowLeft}; reads rows ${rowsRead}, columns ${colsRead}` +
      (result.sourceRows.includes(null) || result.sourceCols.includes(null) ? ' (- = zero border)' : ''),
    ''
  ]
  for (const channel of result.channels) lines.push(...channelLines(channel, result, max), '')
  if (result.note) lines.push(result.note)
  return `${lines.join('\n').trimEnd()}\n`
}

async function runInspect(input: string, options: InspectOptions, sources: readonly FilterSource[]): Promise<void> {
  if (sources.length !== 1) {
    throw new CliError(
      sources.length === 0
        ? 'inspect needs a filter: give one --kernel, --kernel-file or --preset'
        : `inspect takes exactly one --kernel, --kernel-file or --preset, got ${sources.length}`
    )
  }
  const position = parseAt(options.at)
  const [spec] = await buildCommandLineFilters(sources, options)
  const filter = resolveFilter(spec)
  const { image, meta } = await decodeImage(input, { name: input })
  meta.notes.forEach(printNote)
  let result: InspectResult
  try {
    result = inspectPixel(toFloat(image), filter.kernel, position, filter.options)
  } catch (err) {
    if (err instanceof EngineError) throw new CliError(`--at ${options.at.trim()}: ${err.message}`)
    throw err
  }
  if (options.json) {
    const info = { path: input, width: meta.width, height: meta.height, channels: meta.channels, depth: meta.depth, format: meta.format }
    process.stdout.write(`${JSON.stringify({ input: info, filter: { label: filter.label, ...spec }, ...result }, null, 2)}\n`)
  } else {
    process.stdout.write(formatInspect(result, input, meta, filter.label))
  }
}

/** Registers `kernel-studio inspect INPUT (--kernel TEXT | --kernel-file FILE | --preset SPEC) --at ROW,COL`. */
export function registerInspect(program: Command): void {
  const command = program
    .command('inspect')
    .description('show how one output pixel is computed: patch x kernel = products, sum, divisor, offset, result')
    .argument('<input>', 'image to read')
  const sources = addFilterSourceOptions(command, false)
  command.requiredOption('--at <row,col>', 'output pixel, 0-based, in the chosen --mode (e.g. 0,0)')
  addConvolveOptions(command)
  command
    .option('--json', 'print everything as JSON')
    .addHelpText(
      'after',
      `
Give exactly one of --kernel, --kernel-file or --preset.

Example (the 5x5 example of the teaching texts; the top-left window sums to 12):
  kernel-studio inspect grid.png --kernel "0 1 2; 2 2 0; 0 1 2" --mode valid --at 0,0`
    )
    .action(async (input: string, options: InspectOptions) => runInspect(input, options, sources))
}
