// Runs in Node (serve mode, tests) and Electron main: the app's batch exports, each in a process of its own
// (src/batch/process.ts, or Electron's utility process) so that a long batch never slows the engine host, the
// window or the previews. Turns the process's events into `batch:progress` events and cancels on request.
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import type { BatchProgress } from '../contract/api'
import { CodedError, fromWireError } from '../contract/errors'
import type { FilterSpec } from '../engine/types'
import { batchProcessEnv } from '../batch/child-env'
import type { BatchEvent } from '../batch/events'
import type { BatchRequest } from '../batch/plan'
import type { BatchCommand, BatchReply } from '../batch/protocol'
import { packageRoot } from '../io/package-paths'
import { forkNodeChild, type ChildTransport } from '../host/node-child'

/** One running batch process, whatever starts it (child_process.fork, Electron's utilityProcess). */
export type BatchTransport = ChildTransport<BatchCommand, BatchReply>

/** Starts a new batch process. */
export type BatchSpawner = () => BatchTransport

/** The built Node batch process (`npm run build:node` writes it). */
export function batchScriptPath(): string {
  return join(packageRoot(), 'out', 'node', 'batch.js')
}

/**
 * Forks the built Node batch process with structured-clone IPC and the batch's environment (batchProcessEnv); a
 * one-line error when it is not built.
 */
export function forkBatchProcess(script: string = batchScriptPath()): BatchTransport {
  return forkNodeChild<BatchCommand, BatchReply>(script, 'the batch process', batchProcessEnv(process.env))
}

/** What starting a batch answers. */
export interface BatchStarted {
  readonly run: string
  readonly total: number
  readonly existing: number
}

interface Run {
  readonly doc?: string
  readonly transport: BatchTransport
  over: boolean
  /** The last progress sent (the counts an unexpected exit reports). */
  last: BatchProgress
}

/** The batches running now, one process each; emits their progress. */
export class BatchRuns {
  private readonly runs = new Map<string, Run>()

  /**
   * @param spawn starts a batch process
   * @param emit sends a `batch:progress` event to the renderer(s)
   */
  constructor(
    private readonly spawn: BatchSpawner,
    private readonly emit: (progress: BatchProgress) => void
  ) {}

  /** True while `doc` has a batch running. */
  running(doc: string | undefined): boolean {
    return [...this.runs.values()].some((run) => run.doc === doc)
  }

  /**
   * Starts a batch in a new process. Resolves once it is planned (rejects with the plan's one-line error, e.g.
   * outputs that exist, and then nothing was written); progress events follow, the last with `end`.
   */
  start(doc: string | undefined, request: BatchRequest, filters: readonly FilterSpec[]): Promise<BatchStarted> {
    const id = randomUUID()
    const transport = this.spawn()
    const zero = { run: id, doc, done: 0, total: 0, written: 0, skipped: 0, failed: 0, elapsedMs: 0, megapixelsPerSecond: 0 }
    const run: Run = { doc, transport, over: false, last: zero }
    this.runs.set(id, run)
    return new Promise<BatchStarted>((resolve, reject) => {
      let started = false
      const finish = (): void => {
        run.over = true
        this.runs.delete(id)
        transport.kill()
      }
      const send = (progress: BatchProgress): void => {
        run.last = progress
        this.emit(progress)
      }
      transport.onMessage((reply) => {
        if (run.over) return
        if (reply.type === 'refused') {
          finish()
          reject(fromWireError(reply.error))
        } else if (reply.type === 'failed') {
          finish()
          send({ ...run.last, end: { cancelled: false, failures: [], error: reply.error.message } })
        } else if (reply.type === 'event') {
          send(this.progress(run.last, reply.event))
          if (reply.event.type === 'start') {
            started = true
            resolve({ run: id, total: reply.event.total, existing: reply.event.existing })
          } else if (reply.event.type === 'end') finish()
        }
      })
      transport.onExit((reason) => {
        if (run.over) return
        finish()
        const error = `the batch process stopped (${reason}); the files written so far are complete`
        if (started) send({ ...run.last, end: { cancelled: false, failures: [], error } })
        else reject(new CodedError(error, 'internal'))
      })
      transport.post({ type: 'start', request, filters })
    })
  }

  /** The progress event after `event`, from the one before it. */
  private progress(before: BatchProgress, event: BatchEvent): BatchProgress {
    const { run, doc } = before
    if (event.type === 'start') return { ...before, total: event.total }
    if (event.type === 'file') {
      return {
        run,
        doc,
        done: event.done,
        total: event.total,
        written: before.written + (event.status === 'done' ? 1 : 0),
        skipped: before.skipped + (event.status === 'skipped' ? 1 : 0),
        failed: before.failed + (event.status === 'failed' ? 1 : 0),
        elapsedMs: event.elapsedMs,
        megapixelsPerSecond: event.megapixelsPerSecond,
        etaMs: event.etaMs,
        file: { input: event.input, output: event.output, status: event.status, message: event.message }
      }
    }
    return {
      run,
      doc,
      done: before.done,
      total: event.total,
      written: event.written,
      skipped: event.skipped,
      failed: event.failed,
      elapsedMs: event.elapsedMs,
      megapixelsPerSecond: event.megapixelsPerSecond,
      end: { cancelled: event.cancelled, failures: event.failures }
    }
  }

  /** Asks run `id` to stop; false when it is not running. */
  cancel(id: string): boolean {
    const run = this.runs.get(id)
    if (!run || run.over) return false
    run.transport.post({ type: 'cancel' })
    return true
  }

  /** Ends every batch process (the app is closing): each stops without leaving a half-written file. */
  close(): void {
    for (const run of this.runs.values()) {
      run.over = true
      run.transport.kill()
    }
    this.runs.clear()
  }
}
