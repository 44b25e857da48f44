// Runs in Node (CLI): `kernel-studio learn`, the kernel that maps a BEFORE image to an AFTER image, as kernel text
// (and a residual map of where the fit fails).
import { realpath } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import { Command } from 'commander'
import { colourChannelNames, defaultMaxWindows, learnKernel, MAX_LEARN_SIZE, residualMap, residualPicture, roundLearnt } from '../engine/learn'
import type { LearnImage, LearnResult, ResidualMap } from '../engine/learn'
import type { IntImage, Kernel } from '../engine/types'
import { decodeImage } from '../io/decode-image'
import type { ImageMeta } from '../io/decode-image'
import { encodeImage } from '../io/encode-image'
import { formatFromPath } from '../io/formats'
import { checkOutputPath, writeFileAtomic } from '../io/write-file-atomic'
import { CliError, printNote } from './errors'

/** Options of `learn` after commander parsed them. */
interface LearnOptions {
  readonly size: string
  readonly perChannel?: boolean
  readonly maxWindows?: string
  readonly output?: string
  readonly residual?: string
  readonly force?: boolean
  readonly json?: boolean
}

/** Parses `--size K`: an odd whole number from 1 to MAX_LEARN_SIZE. */
export function parseLearnSize(text: string): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN
  if (!(value >= 1 && value <= MAX_LEARN_SIZE && value % 2 === 1)) {
    throw new CliError(`--size must be an odd whole number from 1 to ${MAX_LEARN_SIZE}, got "${text}"`)
  }
  return value
}

/** Parses `--max-windows N|all`. */
function parseMaxWindows(text: string | undefined, size: number): number {
  if (text === undefined) return defaultMaxWindows(size)
  if (text.trim() === 'all') return Number.MAX_SAFE_INTEGER
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN
  if (!(value >= 1)) throw new CliError(`--max-windows must be a whole number >= 1 or "all", got "${text}"`)
  return value
}

/** A weight as kernel text, rounded as {@link roundLearnt} does (--json has the exact values). */
export function formatWeight(value: number): string {
  return String(roundLearnt(value))
}

function kernelLines(kernel: Kernel): string[] {
  const lines: string[] = []
  for (let r = 0; r < kernel.height; r++) {
    lines.push(kernel.weights.slice(r * kernel.width, (r + 1) * kernel.width).map(formatWeight).join(' '))
  }
  return lines
}

/** The kernel in the `--kernel` syntax on one line: `a b c; d e f; g h i`. */
export function learntKernelText(kernel: Kernel): string {
  return kernelLines(kernel).join('; ')
}

/** `kernel.txt` for a shared kernel; `kernel.red.txt`, `kernel.green.txt`... one per channel. */
function outputPaths(output: string, channels: readonly string[] | null): string[] {
  if (channels === null) return [output]
  const ext = extname(output)
  const stem = output.slice(0, output.length - ext.length)
  return channels.map((channel) => `${stem}.${channel}${ext}`)
}

/** Checks every output can be written and none names an input or another output. */
async function checkOutputs(inputs: readonly string[], outputs: readonly { flag: string; path: string }[], force?: boolean): Promise<void> {
  await checkDistinct(inputs, outputs)
  for (const { path } of outputs) await checkOutputPath(path, { force })
}

async function canonical(path: string): Promise<string> {
  return realpath(path).catch(() => resolve(path))
}

/** Refuses outputs that name an input image or each other: one wrong name must never replace a photo. */
async function checkDistinct(inputs: readonly string[], outputs: readonly { flag: string; path: string }[]): Promise<void> {
  const seen = new Map<string, string>()
  for (const input of inputs) seen.set(await canonical(input), `the input image ${input}`)
  for (const { flag, path } of outputs) {
    const key = await canonical(path)
    const clash = seen.get(key)
    if (clash !== undefined) throw new CliError(`${flag} ${path} is ${clash}: choose another name`)
    seen.set(key, `also the ${flag} file`)
  }
}

function hasTranslucentPixels(image: IntImage): boolean {
  if (image.channels !== 2 && image.channels !== 4) return false
  const max = image.depth === 16 ? 65535 : 255
  for (let i = image.channels - 1; i < image.data.length; i += image.channels) if (image.data[i] !== max) return true
  return false
}

function channelLabel(result: LearnResult): string {
  if (result.colourChannels === 1) return 'grey'
  return result.perChannel ? 'one per colour channel' : 'shared by the red, green and blue channels'
}

function samplingLine(result: LearnResult): string {
  const { sample } = result
  const windows = sample
    ? `${result.windows} of the ${result.validWindows} valid windows (${sample.tiles} tiles of ${sample.width}x${sample.height} spread over the image)`
    : `every valid window (${result.windows})`
  const channels = result.colourChannels === 1 ? '' : ` x ${result.colourChannels} channels`
  const clipped = result.clippedSamples > 0 ? `; ${result.clippedSamples} samples where AFTER is clipped left out` : ''
  return `fitted: ${windows}${channels}${clipped}`
}

function levels(result: LearnResult): string {
  return `levels (of ${result.depth === 16 ? 65535 : 255})`
}

function fileHeader(before: string, after: string, result: LearnResult, channel: string, kernel: Kernel, rms: number): string {
  return [
    `# learnt by kernel-studio learn from ${before} (before) and ${after} (after): ${result.size}x${result.size}, ${channel}`,
    `# offset ${formatWeight(kernel.offset)} is not part of this syntax: apply with --offset ${formatWeight(kernel.offset)}`,
    `# rms residual ${rms.toFixed(3)} ${levels(result)} over the fitted samples`
  ].join('\n')
}

function describeImage(path: string, meta: ImageMeta): Record<string, unknown> {
  return { path, width: meta.width, height: meta.height, channels: meta.channels, depth: meta.depth, format: meta.format }
}

async function runLearn(beforePath: string, afterPath: string, options: LearnOptions): Promise<void> {
  // Cheap checks first, so a typo never costs a decode, and nothing is written on any error.
  const size = parseLearnSize(options.size)
  const maxWindows = parseMaxWindows(options.maxWindows, size)
  if (options.residual !== undefined) formatFromPath(options.residual)
  const inputs = [beforePath, afterPath]
  const residual = options.residual === undefined ? [] : [{ flag: '--residual', path: options.residual }]
  // Per-channel file names depend on the channels, known once the images are decoded.
  const shared = options.output !== undefined && !options.perChannel ? [{ flag: '-o', path: options.output }] : []
  await checkOutputs(inputs, [...shared, ...residual], options.force)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143))
  }

  const [before, after] = await Promise.all([decodeImage(beforePath, { name: beforePath }), decodeImage(afterPath, { name: afterPath })])
  before.meta.notes.forEach(printNote)
  after.meta.notes.forEach(printNote)
  const kernelFiles =
    options.output === undefined ? [] : outputPaths(options.output, options.perChannel ? colourChannelNames(before.image.channels) : null)
  if (options.perChannel) await checkOutputs(inputs, [...kernelFiles.map((path) => ({ flag: '-o', path })), ...residual], options.force)
  if (hasTranslucentPixels(before.image) || hasTranslucentPixels(after.image)) {
    printNote('alpha is ignored: the kernel is learnt from the colour channels')
  }
  if (before.image.depth !== after.image.depth) {
    printNote(`AFTER is ${after.image.depth}-bit and BEFORE ${before.image.depth}-bit: AFTER is rescaled to BEFORE's levels`)
  }
  const beforeImage: LearnImage = before.image
  const afterImage: LearnImage = after.image
  const result = learnKernel(beforeImage, afterImage, { size, perChannel: options.perChannel ?? false, maxWindows })

  const written: string[] = []
  for (let i = 0; i < kernelFiles.length; i++) {
    const { channel, kernel, rms } = result.kernels[i]
    const label = channel === 'all' ? channelLabel(result) : `${channel} channel`
    const text = `${fileHeader(beforePath, afterPath, result, label, kernel, rms)}\n${kernelLines(kernel).join(';\n')}\n`
    await writeFileAtomic(kernelFiles[i], new TextEncoder().encode(text), { force: options.force, guard: true })
    written.push(kernelFiles[i])
  }
  let map: ResidualMap | undefined
  let white = 0
  if (options.residual !== undefined) {
    map = residualMap(beforeImage, afterImage, result)
    const picture = residualPicture(map)
    white = picture.white
    const image: IntImage = { width: picture.width, height: picture.height, channels: 1, depth: 8, data: picture.data }
    await encodeImage(image, options.residual, { force: options.force, guard: true })
  }

  if (options.json) {
    const json = {
      before: describeImage(beforePath, before.meta),
      after: describeImage(afterPath, after.meta),
      size: result.size,
      perChannel: result.perChannel,
      depth: result.depth,
      windows: result.windows,
      validWindows: result.validWindows,
      sampled: result.windows < result.validWindows,
      colourChannels: result.colourChannels,
      clippedSamples: result.clippedSamples,
      rms: result.rms,
      kernels: result.kernels.map(({ channel, kernel, rms, poorlyDetermined }) => ({
        channel,
        text: learntKernelText(kernel),
        weights: Array.from({ length: kernel.height }, (_, r) => kernel.weights.slice(r * kernel.width, (r + 1) * kernel.width)),
        offset: kernel.offset,
        rms,
        poorlyDetermined
      })),
      written,
      residual: map && { path: options.residual, width: map.width, height: map.height, rms: map.rms, max: map.max, white }
    }
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
    return
  }
  const lines = [`learnt a ${size}x${size} kernel from ${beforePath} to ${afterPath} (${channelLabel(result)})`]
  for (const { channel, kernel, rms, poorlyDetermined } of result.kernels) {
    const prefix = channel === 'all' ? '' : `${channel}: `
    lines.push(`${prefix}kernel: ${learntKernelText(kernel)}`, `${prefix}offset: ${formatWeight(kernel.offset)}`)
    if (result.perChannel) lines.push(`${prefix}rms residual: ${rms.toFixed(3)} ${levels(result)}`)
    if (poorlyDetermined) {
      lines.push(`${prefix}note: BEFORE has too little detail in some direction: some weights rest on the ridge, not on the images`)
    }
  }
  lines.push(`rms residual: ${result.rms.toFixed(3)} ${levels(result)}`, samplingLine(result))
  for (const path of written) lines.push(`wrote ${path}`)
  if (map) {
    lines.push(
      `wrote ${options.residual}: ${map.width}x${map.height} map of |AFTER - prediction| at every valid window, ` +
        `white = ${white.toFixed(2)} levels or more (largest ${map.max.toFixed(2)}); rms ${map.rms.toFixed(3)} there, clipped samples included`
    )
  }
  if (!result.perChannel) {
    const source = written.length > 0 ? `--kernel-file ${written[0]}` : `--kernel "${learntKernelText(result.kernels[0].kernel)}"`
    lines.push(`apply it: kernel-studio apply ${beforePath} -o OUT ${source} --offset ${formatWeight(result.kernels[0].kernel.offset)}`)
  }
  process.stdout.write(`${lines.join('\n')}\n`)
}

/** Registers `kernel-studio learn BEFORE AFTER --size K [--per-channel] [-o FILE] [--residual FILE] [--json]`. */
export function registerLearn(program: Command): void {
  program
    .command('learn')
    .description('find the K x K kernel (and offset) that turns BEFORE into AFTER, by least squares over the valid windows')
    .argument('<before>', 'the image before the filter')
    .argument('<after>', 'the same image after the filter (any tool), same size')
    .requiredOption('--size <k>', `kernel side, odd, 1 to ${MAX_LEARN_SIZE}`)
    .option('--per-channel', 'one kernel per colour channel (default: one shared by all)')
    .option('--max-windows <n>', 'fit at most N windows, or "all" (default: about 150 M / ((2K-1)^2 / 2): 1 M for 9x9, all of a 12 MP image for 3x3)')
    .option('-o, --output <file>', 'write the kernel in the --kernel syntax (with --per-channel: FILE.red.txt, FILE.green.txt, FILE.blue.txt)')
    .option('--residual <file>', 'write a map of |AFTER - prediction| (grey image; white = the worst 0.1 % of errors)')
    .option('--force', 'overwrite existing output files')
    .option('--json', 'print everything as JSON')
    .addHelpText(
      'after',
      `
The kernel is applied as the engine applies it (correlation, as written; not flipped), so
  kernel-studio apply BEFORE -o OUT --kernel-file FILE --offset OFFSET
reproduces AFTER up to the rms residual. Samples where AFTER is 0 or its maximum (clipped by the other tool) are left
out of the fit; the residual map shows them.

Example:
  kernel-studio learn photo.png blurred.png --size 9 -o blur.txt --residual where.png`
    )
    .action(async (before: string, after: string, options: LearnOptions) => runLearn(before, after, options))
}
