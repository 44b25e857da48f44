// Runs in Node (CLI): `kernel-studio batch`, one look applied to many files (src/batch does the work; this file
// parses the flags and prints: the progress bar, JSON events, the report file and the summary).
import { closeSync, openSync, writeSync } from 'node:fs'
import { Command, Option } from 'commander'
import { firstLine } from '../contract/errors'
import type { OutputFormatId } from '../contract/formats'
import { reportLine, type BatchEvent, type BatchFileEvent, type BatchSummary } from '../batch/events'
import { DEFAULT_NAME_TEMPLATE } from '../batch/names'
import { planBatch, type ExistingPolicy } from '../batch/plan'
import { defaultJobs, runBatch } from '../batch/run-batch'
import { parseShard, shardFromEnv, type Shard } from '../batch/shard'
import { warmEngine } from '../runtime/run-stack'
import { CliError, EXIT_FAILURE, PROGRAM } from './errors'
import { parseDepth, parseQuality } from './export-args'
import { addConvolveOptions, addFilterSourceOptions, readFilterStack } from './filter-args'
import type { FilterFlags, FilterSource } from './filter-args'

/** Options of `batch` after commander parsed them. */
interface BatchOptions extends FilterFlags {
  readonly outDir: string
  readonly recipe?: string
  readonly name: string
  readonly format?: string
  readonly quality?: string
  readonly depth?: string
  readonly jobs?: string
  readonly skipExisting?: boolean
  readonly force?: boolean
  readonly shard?: string
  readonly report?: string
  readonly progress: 'bar' | 'json' | 'none'
}

const FORMATS: Record<string, OutputFormatId> = { png: 'png', jpg: 'jpeg', jpeg: 'jpeg', tif: 'tiff', tiff: 'tiff', webp: 'webp', avif: 'avif' }

/** Exit codes of a run stopped by a signal, as shells report them (128 + the signal number). */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const

function parseJobs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN
  if (!(value >= 1 && value <= 64)) throw new CliError(`--jobs must be a whole number from 1 to 64, got "${text}"`)
  return value
}

function existingPolicy(options: BatchOptions): ExistingPolicy {
  if (options.force && options.skipExisting) throw new CliError('--force and --skip-existing contradict each other: choose one')
  return options.force ? 'overwrite' : options.skipExisting ? 'skip' : 'refuse'
}

function shardOption(text: string | undefined): Shard | undefined {
  if (text === undefined) return undefined
  return text.trim() === 'auto' ? shardFromEnv(process.env) : parseShard(text)
}

const seconds = (ms: number): string => {
  const s = Math.round(ms / 1000)
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

/** The terminal's progress bar on stderr: files done/total, megapixels per second, time left. */
class ProgressBar {
  private shown = false

  constructor(private readonly stream: NodeJS.WriteStream) {}

  draw(event: BatchFileEvent, failed: number): void {
    const width = 24
    const filled = event.total === 0 ? width : Math.round((event.done / event.total) * width)
    const eta = event.etaMs === undefined ? '' : `  ${seconds(event.etaMs)} left`
    const failures = failed > 0 ? `  ${failed} failed` : ''
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${event.done}/${event.total} files  ${event.megapixelsPerSecond.toFixed(1)} MP/s${eta}${failures}`
    this.stream.write(`\r\x1b[2K${line.slice(0, Math.max(20, (this.stream.columns || 100) - 1))}`)
    this.shown = true
  }

  /** Prints a line above the bar (the bar is redrawn by the next event). */
  line(text: string): void {
    this.clear()
    this.stream.write(`${text}\n`)
  }

  /** Removes the bar. */
  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K')
    this.shown = false
  }
}

function summaryLines(summary: BatchSummary): string[] {
  const time = summary.elapsedMs >= 10_000 ? seconds(summary.elapsedMs) : `${(summary.elapsedMs / 1000).toFixed(1)} s`
  const head =
    `${summary.cancelled ? 'stopped' : 'done'}: ${summary.written} written, ${summary.skipped} skipped, ${summary.failed} failed ` +
    `of ${summary.total} in ${time} (${summary.megapixelsPerSecond.toFixed(1)} MP/s)`
  const failed = summary.failures.map((f) => `failed: ${f.input} [${f.code}] ${f.message}`)
  return [head, ...failed]
}

async function runBatchCommand(inputs: string[], options: BatchOptions, sources: readonly FilterSource[]): Promise<void> {
  // Every flag is checked before a file is read.
  const quality = parseQuality(options.quality)
  const depth = parseDepth(options.depth)
  const jobs = parseJobs(options.jobs) ?? defaultJobs()
  const existing = existingPolicy(options)
  const shard = shardOption(options.shard)
  const format = options.format === undefined ? undefined : FORMATS[options.format]
  const filters = await readFilterStack(options.recipe, sources, options)
  const plan = await planBatch({ inputs, outDir: options.outDir, name: options.name, format, quality, depth, shard, existing })

  let report: number | undefined
  if (options.report !== undefined) {
    try {
      // Appended to, so a resumed run adds its lines to those of the run it resumes.
      report = openSync(options.report, 'a')
    } catch (err) {
      throw new CliError(`cannot write the report ${options.report}: ${firstLine((err as Error).message)}`, 'unwritable')
    }
  }

  const controller = new AbortController()
  let stoppedBy: keyof typeof SIGNAL_EXIT | undefined
  const onSignal = (signal: keyof typeof SIGNAL_EXIT): void => {
    // A second signal does not wait: process.exit runs the atomic writer's exit hook, which removes its temp files.
    if (stoppedBy) process.exit(SIGNAL_EXIT[signal])
    stoppedBy = signal
    controller.abort()
  }
  const listeners = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const listener = (): void => onSignal(signal)
    process.on(signal, listener)
    return [signal, listener] as const
  })

  const bar = options.progress === 'bar' && process.stderr.isTTY ? new ProgressBar(process.stderr) : undefined
  const say = (text: string): void => (bar ? bar.line(text) : void process.stderr.write(`${text}\n`))
  let failed = 0
  const onEvent = (event: BatchEvent): void => {
    if (options.progress === 'json') process.stdout.write(`${JSON.stringify(event)}\n`)
    if (event.type !== 'file') return
    if (report !== undefined) {
      try {
        writeSync(report, reportLine(event))
      } catch (err) {
        // Thrown out of the event callback, this stops the run: a batch whose report is lost is not worth going on with.
        throw new CliError(`cannot write the report ${options.report}: ${firstLine((err as Error).message)}`, 'unwritable')
      }
    }
    if (event.status === 'failed') {
      failed++
      if (options.progress !== 'json') say(`${PROGRAM}: failed: ${event.input} [${event.code}] ${event.message}`)
    }
    // As apply prints them: what the user should know about a written file (flattened alpha, first GIF frame...).
    if (options.progress !== 'json') for (const note of event.notes ?? []) say(`note: ${event.input}: ${note}`)
    bar?.draw(event, failed)
  }

  warmEngine()
  let summary: BatchSummary
  try {
    summary = await runBatch(plan, { filters, jobs, signal: controller.signal, onEvent })
  } finally {
    for (const [signal, listener] of listeners) process.off(signal, listener)
    if (report !== undefined) closeSync(report)
    bar?.clear()
  }
  const [head, ...failures] = summaryLines(summary)
  // With --progress json, stdout carries only the events: the summary for people goes to stderr.
  ;(options.progress === 'json' ? process.stderr : process.stdout).write(`${head}\n`)
  for (const line of failures) process.stderr.write(`${line}\n`)
  if (stoppedBy) process.exitCode = SIGNAL_EXIT[stoppedBy]
  else if (summary.failed > 0) process.exitCode = EXIT_FAILURE
}

/** Registers `kernel-studio batch INPUT... -d OUTDIR [filters and options]`. */
export function registerBatch(program: Command): void {
  const command = program
    .command('batch')
    .description('apply filters (presets, kernels, a recipe) to many images: files, folders and glob patterns')
    .argument('<inputs...>', 'images, folders (searched recursively for images) and glob patterns such as "shoot/**/*.jpg"')
    .requiredOption('-d, --out-dir <folder>', 'folder to write into (created if missing)')
  const sources = addFilterSourceOptions(command, true)
  command.option('--recipe <file>', 'recipe file (kernel-studio/stack JSON); its filters run first')
  addConvolveOptions(command)
  command
    .option('--name <template>', 'output name under the folder: {name} {ext} {dir} {index} {index:N}', DEFAULT_NAME_TEMPLATE)
    .addOption(new Option('--format <format>', 'output format (default: each input\'s own)').choices(Object.keys(FORMATS)))
    .option('--quality <q>', 'quality 1..100 for JPEG, WebP, AVIF (default 90, AVIF 60)')
    .option('--depth <bits>', 'bits per sample, 8 or 16 (16 for PNG and TIFF only; default: the input\'s where the format allows, else 8)')
    .option('--jobs <n>', `photos in flight at once (default ${defaultJobs()} here: one more than the cores, 2 to 8); memory grows with it`)
    .option('--skip-existing', 'skip files whose output exists (resumes an interrupted run)')
    .option('--force', 'overwrite existing output files')
    .option('--shard <k/n|auto>', 'process only shard K of N (1-based), split by a hash of each path; "auto" reads a Kubernetes Indexed Job or Slurm array')
    .option('--report <file>', 'append one JSON line per file: input, output, status, ms, code, error')
    .addOption(new Option('--progress <kind>', 'progress: bar (on a terminal), json (one event per line on stdout), none').choices(['bar', 'json', 'none']).default('bar'))
    .addHelpText(
      'after',
      `
Order: the recipe's filters run first, then --preset/--kernel/--kernel-file in the order given, as with apply.
A file that cannot be read or written is reported and the batch goes on; the exit code is then 1.
Nothing is overwritten without --force. After an interruption, run the same command with --skip-existing.

Examples:
  kernel-studio batch shoot/ -d out/ --recipe look.json --format jpg --quality 90
  kernel-studio batch "shoot/**/*.png" -d out/ --preset sharpen --name "{dir}/{name}-sharp.{ext}"
  kernel-studio batch shoot/ -d out/ --recipe look.json --shard 3/8 --report shard-3.jsonl
  kernel-studio batch shoot/ -d out/ --recipe look.json --shard auto --skip-existing   # one task of a cluster job`
    )
    .action(async (inputs: string[], options: BatchOptions) => runBatchCommand(inputs, options, sources))
}
