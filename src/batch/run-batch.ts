// Runs in Node (the CLI; the engine host can call it too): a batch run, one file after another through decode,
// filters and encode, several photos in flight so that the stages of different photos overlap.
import { mkdir } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { basename, dirname } from 'node:path'
import { CodedError, errorCode, firstLine } from '../contract/errors'
import { checkExportSettings } from '../contract/formats'
import type { FilterSpec } from '../engine/types'
import { decodeImage, type DecodedImage } from '../io/decode-image'
import { sweepSpool, type PendingSamples } from '../io/decode-spool'
import { encodeImage } from '../io/encode-image'
import { sweepStaleTemps } from '../io/write-file-atomic'
import { runStack } from '../runtime/run-stack'
import type { BatchEvent, BatchFailure, BatchFileEvent, BatchFileStatus, BatchSummary } from './events'
import { PhotoBuffers, type PhotoSamples } from './photo-buffers'
import type { BatchJob, BatchPlan } from './plan'

/** Options for {@link runBatch}. */
export interface RunBatchOptions {
  /** The filter stack applied to every file (recipe-shaped, already validated). */
  readonly filters: readonly FilterSpec[]
  /** Photos in flight at most (decoding, waiting, filtering, encoding or writing). @default defaultJobs() */
  readonly jobs?: number
  /** Stops the run: no new file starts, filters stop within a row, nothing half-written is left. */
  readonly signal?: AbortSignal
  /** Receives every event, in order. */
  readonly onEvent?: (event: BatchEvent) => void
}

/**
 * Photos in flight by default: one more than the cores, 2 to 8. JPEG and PNG codecs run one thread per photo
 * while the filters of one photo at a time use every core; with a photo per core, a core idles whenever a photo
 * waits for the filter stage, and the extra one fills those gaps (3 instead of 2 made batches of 12 and 48 photos
 * 3% and 5% faster on a 2-core VM). Memory grows with this number, not with the number of files.
 */
export function defaultJobs(): number {
  return Math.max(2, Math.min(availableParallelism() + 1, 8))
}

/** Runs one task at a time, in the order they arrive. */
class Turnstile {
  private tail: Promise<unknown> = Promise.resolve()

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task)
    this.tail = result.catch(() => undefined)
    return result
  }
}

/** How one job ended inside the run. */
type Outcome =
  | { readonly status: 'done'; readonly width: number; readonly height: number; readonly notes: readonly string[] }
  | { readonly status: 'skipped' }
  | { readonly status: 'failed'; readonly failure: BatchFailure }
  | { readonly status: 'cancelled' }

/**
 * Runs a planned batch: every job's input decoded, filtered and encoded, and written atomically (a temp file in
 * the target folder, renamed into place; an existing file is replaced only under the plan's `overwrite`). At
 * most `jobs` photos are in memory at once, and one at a time is in the filter stage, which uses every core
 * through the engine's worker threads while other photos decode and encode on sharp's threads. A file that
 * fails (corrupt, unreadable, too large, unsupported, unwritable) is reported with its code and the run goes
 * on. Never throws for a file's sake; resolves with the summary, also sent as the last event. An `onEvent` that
 * throws stops the run like the signal, and runBatch then rejects with that error once no file is in flight.
 */
export async function runBatch(plan: BatchPlan, options: RunBatchOptions): Promise<BatchSummary> {
  const { filters, onEvent } = options
  // The caller's signal, or a listener that failed (a report file that cannot be written): either stops the run.
  const stop = new AbortController()
  const abort = (): void => stop.abort()
  options.signal?.addEventListener('abort', abort, { once: true })
  if (options.signal?.aborted) stop.abort()
  const signal = stop.signal
  let listenerError: unknown
  const emit = (event: BatchEvent): void => {
    if (!onEvent || listenerError !== undefined) return
    try {
      onEvent(event)
    } catch (err) {
      listenerError = err
      stop.abort()
    }
  }
  const jobs = Math.max(1, Math.floor(options.jobs ?? defaultJobs()))
  const { quality, depth } = plan.request
  const force = plan.request.existing === 'overwrite'
  const total = plan.jobs.length
  const start = performance.now()
  // Skipped files take no time: the estimate runs on the files actually processed.
  const toProcess = plan.jobs.filter((job) => !job.skip).length
  emit({
    type: 'start',
    total,
    inputs: plan.inputs,
    existing: total - toProcess,
    shard: plan.request.shard,
    jobs
  })

  // Temp files of an earlier run killed outright (kill -9 between writing a temp file and renaming it) go first:
  // one read per output folder for all of this run's names, where each write would read the folder again.
  const targets = new Map<string, Set<string>>()
  for (const job of plan.jobs) {
    const folder = dirname(job.output)
    const names = targets.get(folder) ?? new Set<string>()
    targets.set(folder, names.add(basename(job.output)))
  }
  for (const [folder, names] of targets) await sweepStaleTemps(folder, names)
  // Likewise decode spool files of a batch killed while decoding, while the first photos decode: the sweep passes
  // over the spool files of running processes, this one's included.
  const sweeping = sweepSpool()

  const filterStage = new Turnstile()
  // Every photo is decoded into, and filtered into, memory of earlier photos: at most a decoded photo and a
  // result per photo in flight, so after the first few photos no new memory is touched.
  const buffers = new PhotoBuffers(2 * jobs)

  const work = async (job: BatchJob): Promise<Outcome> => {
    if (job.skip) return { status: 'skipped' }
    const failure = (code: BatchFailure['code'], message: string): Outcome => ({
      status: 'failed',
      failure: { input: job.input.path, output: job.output, code, message }
    })
    if (job.problem || !job.format) return failure(job.problem?.code ?? 'unsupported-format', job.problem?.message ?? job.output)
    const format = job.format
    // The buffers this photo holds; all go back when it is done, whatever happened.
    const held = new Set<PhotoSamples>()
    const hold = (samples: PhotoSamples): PhotoSamples => {
      held.add(samples)
      return samples
    }
    const release = (samples: PhotoSamples): void => {
      if (held.delete(samples)) buffers.give(samples)
    }
    // The decoded samples wait in their spool file, from which the filters read them row by row (runStack's
    // sourceFile); it is closed once they ran.
    let pending: PendingSamples | undefined
    const decode = async (): Promise<DecodedImage> => {
      const storage = (samples: number, bits: 8 | 16): PhotoSamples => hold(buffers.take(samples, bits))
      const decoded = await decodeImage(job.input.path, { name: job.input.path, storage, deferSamples: true })
      pending = decoded.pending
      for (const samples of held) if (samples !== decoded.image.data) release(samples)
      return decoded
    }
    try {
      let { image, meta } = await decode()
      signal.throwIfAborted()
      const outDepth = checkExportSettings(format, { quality, depth }, image.depth)
      // The result overwrites the decoded photo where the stack allows it (one group of row filters keeping the
      // size), which needs no memory; else it goes to a buffer of its own, taken only then.
      let into: PhotoSamples | undefined
      const output = (): PhotoSamples => (into = hold(buffers.take(image.width * image.height * image.channels, outDepth)))
      const result = await filterStage.run(async () => {
        try {
          return await runStack(image, filters, { signal, depth: outDepth, into: output, inPlace: true, sourceFile: pending })
        } catch (err) {
          // The engine's workers failed (later runs stay on this thread): once more from the file, as the photo
          // may be half overwritten.
          if (signal.aborted || errorCode(err) !== 'internal') throw err
          release(image.data)
          await pending?.close()
          ;({ image, meta } = await decode())
          return runStack(image, filters, { signal, depth: outDepth, into: output, sourceFile: pending })
        }
      })
      await pending?.close()
      const inPlace = result.data.buffer === image.data.buffer
      if (!inPlace) release(image.data)
      // Another size ('full' or 'valid' mode): the run allocated its result, which then serves later photos.
      const used = inPlace ? image.data : into && result.data.buffer === into.buffer ? into : hold(result.data)
      if (into && used !== into) release(into)
      signal.throwIfAborted()
      await mkdir(dirname(job.output), { recursive: true }).catch((err: NodeJS.ErrnoException) => {
        const why = err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.code === 'ENOTDIR' || err.code === 'EEXIST' ? 'a file is in the way' : firstLine(err.message)
        throw new CodedError(`cannot create the folder ${dirname(job.output)}: ${why}`, 'unwritable')
      })
      // JPEG with standard Huffman tables: the same pixels in files about 4% larger, for a fifth of the encode time
      // and no copy of the whole image's coefficients in memory (150 MB at 24 MP), which is what a batch is short of.
      // Encoded straight into the output's temp file.
      const written = await encodeImage(result, job.output, {
        format,
        quality,
        depth: outDepth,
        icc: meta.icc,
        optimiseCoding: false,
        force,
        sweep: false
      })
      release(used)
      return { status: 'done', width: result.width, height: result.height, notes: [...meta.notes, ...written.notes] }
    } catch (err) {
      if (signal.aborted) return { status: 'cancelled' }
      return failure(errorCode(err), firstLine(err instanceof Error ? err.message : String(err)))
    } finally {
      await pending?.close()
      for (const samples of held) release(samples)
    }
  }

  let done = 0
  let processed = 0
  let written = 0
  let skipped = 0
  let megapixels = 0
  const failures: { index: number; failure: BatchFailure }[] = []
  const rate = (elapsed: number): number => (elapsed > 0 ? megapixels / (elapsed / 1000) : 0)
  const report = (job: BatchJob, outcome: Exclude<Outcome, { status: 'cancelled' }>, ms: number): void => {
    done++
    let width = 0
    let height = 0
    if (outcome.status === 'done') {
      written++
      processed++
      ;({ width, height } = outcome)
      megapixels += (width * height) / 1e6
    } else if (outcome.status === 'skipped') skipped++
    else {
      processed++
      failures.push({ index: job.index, failure: outcome.failure })
    }
    const elapsedMs = performance.now() - start
    const event: BatchFileEvent = {
      type: 'file',
      index: job.index,
      input: job.input.path,
      output: job.output,
      status: outcome.status satisfies BatchFileStatus,
      ms,
      width,
      height,
      ...(outcome.status === 'failed' ? { code: outcome.failure.code, message: outcome.failure.message } : {}),
      ...(outcome.status === 'done' && outcome.notes.length > 0 ? { notes: outcome.notes } : {}),
      done,
      total,
      elapsedMs,
      megapixelsPerSecond: rate(elapsedMs),
      ...(processed > 0 ? { etaMs: (elapsedMs / processed) * (toProcess - processed) } : {})
    }
    emit(event)
  }

  let next = 0
  const lane = async (): Promise<void> => {
    while (next < plan.jobs.length && !signal.aborted) {
      const job = plan.jobs[next++]
      const t0 = performance.now()
      const outcome = await work(job)
      if (outcome.status === 'cancelled') return
      report(job, outcome, performance.now() - t0)
    }
  }
  await Promise.all(Array.from({ length: Math.min(jobs, Math.max(1, total)) }, lane))
  await sweeping

  const elapsedMs = performance.now() - start
  const summary: BatchSummary = {
    type: 'end',
    total,
    written,
    skipped,
    failed: failures.length,
    cancelled: done < total,
    elapsedMs,
    megapixelsPerSecond: rate(elapsedMs),
    failures: failures.sort((a, b) => a.index - b.index).map((f) => f.failure)
  }
  options.signal?.removeEventListener('abort', abort)
  if (listenerError !== undefined) throw listenerError
  emit(summary)
  return summary
}
