// Runs anywhere: the events a batch run reports, one typed stream for every consumer (the CLI's bar, its
// `--progress json` lines and `--report` file, the app's batch dialog).
import type { ErrorCode } from '../contract/errors'
import type { Shard } from './shard'

/** How one file ended. */
export type BatchFileStatus = 'done' | 'skipped' | 'failed'

/** The run starts: how many files this process will go through. */
export interface BatchStartEvent {
  readonly type: 'start'
  /** Files of this run (this shard's, when sharded). */
  readonly total: number
  /** Files found in all the inputs, before sharding. */
  readonly inputs: number
  /** Files whose output exists already and are skipped (`--skip-existing`). */
  readonly existing: number
  /** The shard this process runs, when sharded. */
  readonly shard?: Shard
  /** Photos in flight at most. */
  readonly jobs: number
}

/** One file finished (written, skipped or failed), with the run's progress so far. */
export interface BatchFileEvent {
  readonly type: 'file'
  /** The file's 1-based position among all inputs (the `{index}` of its name). */
  readonly index: number
  readonly input: string
  readonly output: string
  readonly status: BatchFileStatus
  /** Time spent on this file (decode, filters, encode, write), ms. */
  readonly ms: number
  /** Size of the written image; 0 when not written. */
  readonly width: number
  readonly height: number
  /** Why it failed. */
  readonly code?: ErrorCode
  /** One line for people, naming the file. */
  readonly message?: string
  /** Things worth knowing about a written file (only the first GIF frame, profile not kept...). */
  readonly notes?: readonly string[]
  /** Files finished so far, this one included (skipped and failed ones too). */
  readonly done: number
  readonly total: number
  /** Time since the start, ms. */
  readonly elapsedMs: number
  /** Megapixels written per second since the start. */
  readonly megapixelsPerSecond: number
  /** Estimated time left, ms, from the files processed so far; absent until one has been. */
  readonly etaMs?: number
}

/** One failed file, as the summary lists it. */
export interface BatchFailure {
  readonly input: string
  readonly output: string
  readonly code: ErrorCode
  readonly message: string
}

/** The run ended: every file finished, or it was cancelled. */
export interface BatchEndEvent {
  readonly type: 'end'
  readonly total: number
  readonly written: number
  readonly skipped: number
  readonly failed: number
  /** True when the signal stopped the run before every file finished. */
  readonly cancelled: boolean
  readonly elapsedMs: number
  readonly megapixelsPerSecond: number
  /** Every failed file, in input order. */
  readonly failures: readonly BatchFailure[]
}

/** Anything a batch run reports. */
export type BatchEvent = BatchStartEvent | BatchFileEvent | BatchEndEvent

/** What a batch run returns: its end event. */
export type BatchSummary = BatchEndEvent

/**
 * The `--report` line of a finished file: JSON with input, output, status, ms and, for failures, the error code
 * and message. One line per file, so a report cut short by a kill is still readable up to its last full line.
 */
export function reportLine(event: BatchFileEvent): string {
  const line: Record<string, unknown> = {
    input: event.input,
    output: event.output,
    status: event.status,
    ms: Math.round(event.ms)
  }
  if (event.status === 'done') {
    line.width = event.width
    line.height = event.height
  }
  if (event.code !== undefined) line.code = event.code
  if (event.message !== undefined) line.error = event.message
  return `${JSON.stringify(line)}\n`
}
