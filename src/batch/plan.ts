// Runs in Node: a batch's list of jobs (input -> output) worked out before any pixel is read, so a bad template,
// two inputs with one output name or outputs that already exist stop the run before it writes anything.
import { stat } from 'node:fs/promises'
import { basename, extname, join, resolve } from 'node:path'
import { CodedError, errorCode, firstLine, type ErrorCode } from '../contract/errors'
import { checkExportSettings, outputFormat, type OutputFormat, type OutputFormatId } from '../contract/formats'
import type { BitDepth } from '../engine/types'
import { formatFromPath } from '../io/formats'
import { expandInputs, type BatchInput } from './inputs'
import { DEFAULT_NAME_TEMPLATE, parseNameTemplate, renderName } from './names'
import { shardOf, type Shard } from './shard'

/** What to do with an output file that exists already. */
export type ExistingPolicy = 'refuse' | 'skip' | 'overwrite'

/** What a batch is asked to do (the CLI's flags, the app's dialog). */
export interface BatchRequest {
  /** Files, folders (walked recursively) and glob patterns. */
  readonly inputs: readonly string[]
  /** The output folder; created if missing, with the folders names ask for. */
  readonly outDir: string
  /** Output name template. @default DEFAULT_NAME_TEMPLATE */
  readonly name?: string
  /** Output format. @default each input's own (its extension) */
  readonly format?: OutputFormatId
  /** 1..100 for lossy formats. @default the format's */
  readonly quality?: number
  /** 8 or 16. @default the input's where the format stores it, else 8 */
  readonly depth?: BitDepth
  /** Run only this shard's files. @default every file */
  readonly shard?: Shard
  /** Existing outputs: refuse the run (nothing is overwritten), skip them (resume), or overwrite them. @default 'refuse' */
  readonly existing?: ExistingPolicy
}

/** One file's job. */
export interface BatchJob {
  /** 1-based position among all inputs (before sharding). */
  readonly index: number
  readonly input: BatchInput
  /** The file to write. */
  readonly output: string
  /** Its format; undefined when the name gives none Kernel Studio writes (then `problem` says why). */
  readonly format?: OutputFormat
  /** Its output exists and the run skips it. */
  readonly skip: boolean
  /** Why this file cannot be done, found before the run (it is reported as failed, the others go on). */
  readonly problem?: { readonly code: ErrorCode; readonly message: string }
}

/** A batch ready to run. */
export interface BatchPlan {
  readonly request: BatchRequest
  /** This run's jobs (this shard's), in input order. */
  readonly jobs: readonly BatchJob[]
  /** Files found in all the inputs, before sharding. */
  readonly inputs: number
}

/** Folders that compare names without case: two names differing only in case are one file there. */
const FOLD_CASE = process.platform === 'darwin' || process.platform === 'win32'
const sameFileKey = (path: string): string => (FOLD_CASE ? resolve(path).toLowerCase() : resolve(path))

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return false
    throw err
  }
}

/** Runs `task` over `items`, `width` at a time, keeping the results in order. */
async function mapLimited<T, R>(items: readonly T[], width: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await task(items[i])
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane))
  return results
}

/**
 * Works out a batch: expands the inputs (not reading an output folder inside an input folder), names every output, checks
 * the format and export settings, refuses two inputs with the same output (or an output that is another
 * input), keeps this shard's files and looks for outputs that exist. Throws a coded error with one line for
 * anything that concerns the whole run; a problem of one file (an extension nothing writes, settings its format
 * cannot take) goes into its job instead, and the run reports it and goes on.
 */
export async function planBatch(request: BatchRequest): Promise<BatchPlan> {
  const outDir = request.outDir
  try {
    if (!(await stat(outDir)).isDirectory()) throw new CodedError(`cannot write to ${outDir}: it is not a folder`, 'unwritable')
  } catch (err) {
    if (err instanceof CodedError) throw err
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new CodedError(`cannot write to ${outDir}: ${firstLine((err as Error).message)}`, 'unwritable')
  }
  const template = parseNameTemplate(request.name ?? DEFAULT_NAME_TEMPLATE)
  const wanted = request.format === undefined ? undefined : outputFormat(request.format)
  if (wanted) checkExportSettings(wanted, { quality: request.quality, depth: request.depth })
  // Without {ext}, or with --format, the extension comes from the template or the flag: any problem is theirs.
  const fixedExtension = wanted !== undefined || !template.parts.some((p) => 'field' in p && p.field === 'ext')

  const inputs = await expandInputs(request.inputs, { exclude: [outDir] })
  const inputKeys = new Map(inputs.map((input, i) => [sameFileKey(input.path), i]))
  const owners = new Map<string, { readonly input: BatchInput; readonly fields: { readonly name: string; readonly dir: string } }>()
  const jobs: BatchJob[] = []
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]
    const file = basename(input.relative)
    const ext = extname(file)
    const dir = input.relative.slice(0, input.relative.length - file.length).replace(/\/$/, '')
    const fields = { name: ext === '' ? file : file.slice(0, -ext.length), ext: wanted ? wanted.extensions[0].slice(1) : ext.slice(1), dir, index: i + 1 }
    const name = renderName(template, fields)
    const output = join(outDir, name)
    let format: OutputFormat | undefined
    let problem: BatchJob['problem']
    try {
      if (name === '') throw new CodedError(`--name "${template.source}" gives an empty name for ${input.path}`, 'bad-options')
      format = formatFromPath(output)
      if (wanted && format.id !== wanted.id) {
        throw new CodedError(`--name "${template.source}" gives ${name}, not a ${wanted.label} name as --format asks`, 'bad-options')
      }
      if (!wanted) checkExportSettings(format, { quality: request.quality, depth: request.depth })
    } catch (err) {
      if (fixedExtension) throw err
      problem = { code: errorCode(err), message: firstLine((err as Error).message) }
    }
    const key = sameFileKey(output)
    const first = owners.get(key)
    if (first) {
      // The fields that tell these two files apart and that the template leaves out ({index} always does).
      const uses = (field: string): boolean => template.parts.some((p) => 'field' in p && p.field === field)
      const hints = [
        ...(first.fields.name !== fields.name && !uses('name') ? ['{name}'] : []),
        ...(first.fields.dir !== fields.dir && !uses('dir') ? ['{dir}/'] : []),
        '{index}'
      ]
      const hint = hints.length > 1 ? `${hints.slice(0, -1).join(', ')} or ${hints.at(-1)}` : hints[0]
      throw new CodedError(`${first.input.path} and ${input.path} would both be written to ${output} (put ${hint} in --name)`, 'bad-options')
    }
    owners.set(key, { input, fields })
    const reads = inputKeys.get(key)
    if (reads !== undefined && reads !== i) {
      throw new CodedError(`${output} would be written by one file and read as another input (${inputs[reads].path})`, 'bad-options')
    }
    jobs.push({ index: i + 1, input, output, format, skip: false, problem })
  }

  const shard = request.shard
  const mine = shard ? jobs.filter((job) => shardOf(job.input.relative, shard.count) === shard.index) : jobs
  const policy = request.existing ?? 'refuse'
  if (policy === 'overwrite') return { request, jobs: mine, inputs: inputs.length }
  const found = await mapLimited(mine, 32, (job) => exists(job.output))
  const existing = mine.filter((_, i) => found[i])
  if (policy === 'refuse' && existing.length > 0) {
    const count = existing.length === 1 ? '1 output exists' : `${existing.length} outputs exist`
    throw new CodedError(`${count} already, e.g. ${existing[0].output}; --skip-existing resumes a run`, 'exists')
  }
  return { request, jobs: mine.map((job, i) => (found[i] ? { ...job, skip: true } : job)), inputs: inputs.length }
}
