// Runs in Node (CLI): `kernel-studio inspect`, the arithmetic of one output pixel, or with --frequency the kernel's
// frequency response, as a table or JSON.
import { Argument, Command, Option } from 'commander'
import { frequencyResponse } from '../engine/frequency'
import type { FrequencyResponse } from '../engine/frequency'
import { toFloat } from '../engine/image'
import { inspectPixel } from '../engine/inspect'
import { inspectLayer, type LayerInspection } from '../engine/inspect-layer'
import type { InspectChannel, InspectResult } from '../engine/inspect'
import { applyStack, resolveFilter } from '../engine/stack'
import { EngineError } from '../engine/errors'
import { decodeImage } from '../io/decode-image'
import type { ImageMeta } from '../io/decode-image'
import { CliError, printNote } from './errors'
import { addConvolveOptions, addFilterSourceOptions, buildCommandLineFilters } from './filter-args'
import type { FilterFlags, FilterSource } from './filter-args'
import { runHistogram } from './inspect-histogram'
import { formatLayer } from './inspect-layer'
import { readInspectStack } from './inspect-stack'
import { formatNumber, gridLines, numberGrid, sideBySide } from './text-grid'

/** Options of `inspect` after commander parsed them. */
interface InspectOptions extends FilterFlags {
  /** Given unless --frequency (commander requires it otherwise). */
  readonly at?: string
  readonly frequency?: boolean
  readonly histogram?: boolean
  readonly recipe?: string
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

function requireOneSource(sources: readonly FilterSource[]): void {
  if (sources.length !== 1) {
    throw new CliError(
      sources.length === 0
        ? 'inspect needs a filter: give one --kernel, --kernel-file or --preset'
        : `inspect takes exactly one --kernel, --kernel-file or --preset, got ${sources.length}`
    )
  }
}

async function runInspect(input: string, at: string, options: InspectOptions, sources: readonly FilterSource[]): Promise<void> {
  const position = parseAt(at)
  const { spec, before } = await readInspectStack(options.recipe, sources, options)
  const filter = resolveFilter(spec)
  const { image, meta } = await decodeImage(input, { name: input })
  meta.notes.forEach(printNote)
  let result: InspectResult
  let layer: LayerInspection | null = null
  try {
    // With a recipe, the pixel explained is the last filter's, on the image the filters before it made.
    const entering = before.length === 0 ? toFloat(image) : applyStack(toFloat(image), before)
    if (filter.effects) {
      layer = inspectLayer(entering, filter, filter.effects, position)
      result = layer.kernel
    } else {
      result = inspectPixel(entering, filter.kernel, position, filter.options)
    }
  } catch (err) {
    if (err instanceof EngineError) throw new CliError(`--at ${at.trim()}: ${err.message}`)
    throw err
  }
  if (options.json) {
    const info = { path: input, width: meta.width, height: meta.height, channels: meta.channels, depth: meta.depth, format: meta.format }
    const extra = { ...(before.length > 0 ? { filtersBefore: before.length } : {}), ...(layer ? { layer: { ...layer, kernel: undefined } } : {}) }
    process.stdout.write(`${JSON.stringify({ input: info, filter: { label: filter.label, ...spec }, ...result, ...extra }, null, 2)}\n`)
  } else {
    const label = before.length === 0 ? filter.label : `${filter.label} (after the ${before.length} filter${before.length === 1 ? '' : 's'} before it)`
    const text = formatInspect(result, input, meta, label)
    process.stdout.write(layer ? `${text}\n${formatLayer(layer).join('\n')}\n` : text)
  }
}

/** Rings of the radial profile the text table shows: DC, then every 1/16 cycle per pixel up to Nyquist. */
const TABLE_RINGS = 16

/** The frequency response as aligned text: DC and Nyquist gains, then the radial profile at 9 radii. */
export function formatFrequency(response: FrequencyResponse, label: string, flip: boolean, offset: number): string {
  const { size, nyquist, profile } = response
  const step = size / TABLE_RINGS
  const rows = profile
    .filter((_, ring) => ring % step === 0)
    .map((bin) => [
      formatNumber(bin.radius),
      bin.radius === 0 ? '-' : formatNumber(1 / bin.radius),
      formatNumber(bin.mean),
      formatNumber(bin.min),
      formatNumber(bin.max)
    ])
  const lines = [
    `filter: ${label}; kernel ${flip ? 'flipped 180 degrees (true convolution: the response is conjugated, its magnitude is the same)' : 'as written'}`,
    `frequency response: magnitude of the kernel's DFT on a ${size}x${size} grid, divisor included; frequencies in cycles per pixel`,
    `DC gain (weights' sum / divisor): ${formatNumber(response.dcGain)}`,
    `gain at Nyquist (0.5): horizontal ${formatNumber(nyquist.horizontal)}, vertical ${formatNumber(nyquist.vertical)}, diagonal ${formatNumber(nyquist.diagonal)}`
  ]
  if (offset !== 0) lines.push(`offset ${formatNumber(offset)} is not in the response: it adds a constant whatever the input`)
  lines.push(
    '',
    'radial profile (gain over each ring of frequencies at that distance from DC):',
    ...gridLines([['cycles/pixel', 'period (px)', 'mean', 'min', 'max'], ...rows]).map((l) => `  ${l}`)
  )
  return `${lines.join('\n')}\n`
}

// Flags that change the image or the pixel shown but not the kernel's response.
const IMAGE_ONLY_FLAGS: readonly [keyof InspectOptions, string][] = [
  ['mode', '--mode'],
  ['border', '--border'],
  ['signed', '--signed'],
  ['keepAlpha', '--keep-alpha'],
  ['blend', '--blend'],
  ['channels', '--channels'],
  ['light', '--light']
]

async function runFrequency(input: string | undefined, options: InspectOptions, sources: readonly FilterSource[]): Promise<void> {
  if (input !== undefined) throw new CliError(`--frequency describes the kernel alone: drop the image ${input}`)
  if (options.at !== undefined) throw new CliError('--frequency describes the whole kernel, not one pixel: drop --at')
  if (options.recipe !== undefined) throw new CliError('--frequency describes one kernel, not a recipe: drop --recipe')
  if (options.histogram) throw new CliError('--frequency and --histogram are two different views: give one of them')
  requireOneSource(sources)
  for (const [key, flag] of IMAGE_ONLY_FLAGS) {
    if (options[key] !== undefined) printNote(`${flag} does not change the frequency response (it acts on images, not on the kernel)`)
  }
  const [spec] = await buildCommandLineFilters(sources, options)
  const filter = resolveFilter(spec)
  const flip = filter.options.flip ?? false
  const response = frequencyResponse(filter.kernel, { flip })
  if (options.json) {
    const { size, frequencies, dcGain, nyquist, profile, magnitude } = response
    const rows = Array.from({ length: size }, (_, ky) => Array.from(magnitude.subarray(ky * size, (ky + 1) * size)))
    const json = { filter: { label: filter.label, ...spec }, flip, divisor: filter.kernel.divisor, offset: filter.kernel.offset, size, frequencies, dcGain, nyquist, profile, magnitude: rows }
    process.stdout.write(`${JSON.stringify(json)}\n`)
  } else {
    process.stdout.write(formatFrequency(response, filter.label, flip, filter.kernel.offset))
  }
}

/**
 * Registers `kernel-studio inspect INPUT (--kernel TEXT | --kernel-file FILE | --preset SPEC) --at ROW,COL` and
 * `kernel-studio inspect (--kernel TEXT | --kernel-file FILE | --preset SPEC) --frequency`.
 */
export function registerInspect(program: Command): void {
  const input = new Argument('<input>', 'image to read (not with --frequency)')
  const at = new Option('--at <row,col>', 'output pixel, 0-based, in the chosen --mode (e.g. 0,0)').makeOptionMandatory()
  const command = program
    .command('inspect')
    .description('show how one output pixel is computed: patch x kernel = products, sum, divisor, offset, result; or a kernel\'s frequency response')
    .usage('[options] <input> --at <row,col> | [options] --frequency')
    .addArgument(input)
  const sources = addFilterSourceOptions(command, false)
  command.addOption(at)
  addConvolveOptions(command)
  command
    .option('--frequency', 'show the kernel\'s frequency response (DC and Nyquist gains, radial profile) instead of a pixel; takes no image')
    .option('--histogram', 'count the image\'s levels per channel and luminance, clipped shadows and highlights; with filters (--recipe, --kernel...), before and after them')
    .option('--recipe <file>', 'a recipe: its filters run first; the pixel shown is the last filter\'s')
    .option('--json', 'print everything as JSON')
    .addHelpText(
      'after',
      `
Give exactly one of --kernel, --kernel-file or --preset, or a --recipe (then the last filter is explained).

Example (the 5x5 example of the teaching texts; the top-left window sums to 12):
  kernel-studio inspect grid.png --kernel "0 1 2; 2 2 0; 0 1 2" --mode valid --at 0,0

Example (a box blur passes a third of the finest detail, a gaussian almost none):
  kernel-studio inspect --preset box-blur --frequency`
    )
    // Commander checks required arguments and options before the action runs, so --frequency relaxes them as soon as
    // it is parsed; without it the messages stay commander's own.
    .on('option:frequency', () => {
      input.required = false
      at.mandatory = false
    })
    .on('option:histogram', () => {
      at.mandatory = false
    })
    .action(async (file: string | undefined, options: InspectOptions) =>
      options.frequency
        ? runFrequency(file, options, sources)
        : options.histogram
          ? runHistogram(file as string, options, sources)
          : runInspect(file as string, options.at as string, options, sources)
    )
}
