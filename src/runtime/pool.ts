// Runs in Node (CLI, engine host, serve mode): a pool of engine worker threads that split a filter's output rows
// into bands and compute them in SharedArrayBuffers, one thread per core.
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { AbortError } from '../engine/errors'
import type { BandIO } from '../engine/fast/band'
import type { FilterPlan } from '../engine/fast/plan'
import { ScratchBuffers, type AbortLike, type Executor } from '../engine/fast/run'
import type { RowTask } from '../engine/fast/row-tasks'
import type { PoolReply, PoolRequest, WorkerData } from './pool-protocol'

/** Options for {@link EnginePool}. */
export interface PoolOptions {
  /** Worker threads. @default defaultThreads() */
  readonly threads?: number
  /** The built worker script (out/node/engine-worker.js). */
  readonly script: string
  /** Compiled kernels.wasm, or null for the TypeScript kernels. */
  readonly module: WebAssembly.Module | null
}

/** Threads to use: KERNEL_STUDIO_THREADS if set, else one per core (at most 16). */
export function defaultThreads(): number {
  const fromEnv = Number(process.env.KERNEL_STUDIO_THREADS)
  if (Number.isInteger(fromEnv) && fromEnv >= 1) return Math.min(fromEnv, 64)
  return Math.max(1, Math.min(availableParallelism(), 16))
}

/** How long scratch buffers are kept after the last run. */
const SPARE_MS = 30_000

/** A worker whose kernel memory grew past this (huge FFT tiles on a huge image) is replaced once idle. */
const WORKER_MEMORY_LIMIT = 256 * 1024 * 1024

interface Job {
  readonly workers: Set<Worker>
  readonly flags: Int32Array
  readonly onBand: () => void
  readonly signal: AbortLike | undefined
  low: number
  high: number
  error: Error | null
  settle(): void
}

/**
 * Worker threads running filter bands. Idle workers are unref'd, so an idle pool never keeps the process alive;
 * a worker that dies fails the runs it was part of and is replaced on the next run.
 */
export class EnginePool implements Executor {
  readonly threads: number
  /** The workers read source rows from files (src/runtime/file-reader.ts). */
  readonly readsFiles = true
  private readonly workers: (Worker | null)[]
  private readonly jobs = new Map<number, Job>()
  private nextJob = 1
  private closed = false
  private readonly spare = new ScratchBuffers<SharedArrayBuffer>((bytes) => new SharedArrayBuffer(bytes))
  private spareTimer: NodeJS.Timeout | null = null
  private readonly oversized = new Set<Worker>()

  constructor(private readonly options: PoolOptions) {
    this.threads = options.threads ?? defaultThreads()
    this.workers = new Array<Worker | null>(this.threads).fill(null)
  }

  /** Starts any missing workers now (saves their start-up time on the first run). */
  warm(): void {
    for (let i = 0; i < this.threads; i++) this.worker(i)
  }

  /** A SharedArrayBuffer the workers can see; scratch ones are reused (see Executor.allocate). */
  allocate(bytes: number, scratch: boolean): SharedArrayBuffer {
    return scratch ? this.spare.take(bytes) : new SharedArrayBuffer(bytes)
  }

  /** Keeps a scratch buffer for the next run of the same size (for SPARE_MS). */
  release(buffer: ArrayBufferLike): void {
    this.spare.give(buffer as SharedArrayBuffer)
    // Kept buffers only pay off while the user keeps editing: drop them after a quiet spell.
    if (this.spareTimer) clearTimeout(this.spareTimer)
    this.spareTimer = setTimeout(() => this.spare.clear(), SPARE_MS)
    this.spareTimer.unref()
  }

  /** SharedArrayBuffers only: the workers read and write them in place (a plain buffer would be copied). */
  shares(buffer: ArrayBufferLike): boolean {
    return buffer instanceof SharedArrayBuffer
  }

  /**
   * Posts the plan to up to `threads` workers, which take bands from a shared counter until none are left.
   * Resolves when every worker is done; an abort sets the shared cancel flag (workers poll it between rows) and
   * rejects with an AbortError once they have all stopped, so the caller may reuse the buffers at once.
   */
  run(
    plan: FilterPlan,
    io: BandIO,
    bands: readonly (readonly [number, number])[],
    signal: AbortLike | undefined,
    onBand: () => void
  ): Promise<{ low: number; high: number }> {
    return this.dispatch((job) => ({ ...job, type: 'plan', plan, io }), bands, signal, onBand)
  }

  /** Runs a row task's bands on the workers as {@link run} runs a plan's (the cancel flag is polled between bands). */
  async runRows(task: RowTask, bands: readonly (readonly [number, number])[], signal: AbortLike | undefined): Promise<void> {
    await this.dispatch((job) => ({ ...job, type: 'rows', task }), bands, signal, () => {})
  }

  private dispatch(
    request: (job: { job: number; bands: Int32Array; control: SharedArrayBuffer }) => PoolRequest,
    bands: readonly (readonly [number, number])[],
    signal: AbortLike | undefined,
    onBand: () => void
  ): Promise<{ low: number; high: number }> {
    if (this.closed) return Promise.reject(new Error('the engine pool is closed'))
    if (signal?.aborted) return Promise.reject(new AbortError())
    return new Promise((resolve, reject) => {
      const id = this.nextJob++
      const control = new SharedArrayBuffer(8)
      const flags = new Int32Array(control)
      const flat = new Int32Array(bands.length * 2)
      bands.forEach(([r0, r1], b) => {
        flat[2 * b] = r0
        flat[2 * b + 1] = r1
      })
      const count = Math.max(1, Math.min(this.threads, bands.length))
      const workers = new Set<Worker>()
      for (let i = 0; i < count; i++) workers.add(this.worker(i))
      const cancel = (): void => {
        Atomics.store(flags, 1, 1)
      }
      const events = signal as Partial<AbortSignal> | undefined
      events?.addEventListener?.('abort', cancel, { once: true })
      const job: Job = {
        workers,
        flags,
        onBand,
        signal,
        low: Infinity,
        high: -Infinity,
        error: null,
        settle: () => {
          events?.removeEventListener?.('abort', cancel)
          this.jobs.delete(id)
          this.unrefIdle()
          if (job.error) reject(job.error)
          else if (Atomics.load(flags, 1) !== 0 || signal?.aborted) reject(new AbortError())
          else resolve({ low: job.low, high: job.high })
        }
      }
      this.jobs.set(id, job)
      const message = request({ job: id, bands: flat, control })
      for (const worker of workers) {
        worker.ref()
        worker.postMessage(message)
      }
    })
  }

  /** Terminates every worker; later runs reject. */
  async close(): Promise<void> {
    this.closed = true
    await Promise.all(this.workers.map((w) => w?.terminate()))
    this.workers.fill(null)
  }

  private worker(index: number): Worker {
    const existing = this.workers[index]
    if (existing) return existing
    const data: WorkerData = { module: this.options.module }
    const worker = new Worker(this.options.script, { workerData: data })
    worker.on('message', (reply: PoolReply) => this.onReply(worker, reply))
    worker.on('error', (error) => this.onGone(worker, error))
    worker.on('exit', (code) => this.onGone(worker, new Error(`an engine worker stopped (exit code ${code})`)))
    // After the listeners: adding a 'message' listener refs the worker's port again, so an unused warm worker
    // would keep the process alive.
    worker.unref()
    this.workers[index] = worker
    return worker
  }

  private onReply(worker: Worker, reply: PoolReply): void {
    if (reply.type === 'ready') return
    const job = this.jobs.get(reply.job)
    if (!job) return
    if (reply.type === 'band') {
      if (job.signal?.aborted) Atomics.store(job.flags, 1, 1)
      for (let i = 0; i < reply.count; i++) job.onBand()
      return
    }
    if (reply.type === 'error') job.error ??= new Error(`engine worker failed: ${reply.message}`)
    else {
      for (let i = 0; i < reply.count; i++) job.onBand()
      job.low = Math.min(job.low, reply.low)
      job.high = Math.max(job.high, reply.high)
      if (reply.memory > WORKER_MEMORY_LIMIT) this.oversized.add(worker)
    }
    this.leave(job, worker)
  }

  private onGone(worker: Worker, error: Error): void {
    const index = this.workers.indexOf(worker)
    if (index < 0) return
    this.workers[index] = null
    for (const job of [...this.jobs.values()]) {
      if (!job.workers.has(worker)) continue
      job.error ??= error
      Atomics.store(job.flags, 1, 1)
      this.leave(job, worker)
    }
  }

  private leave(job: Job, worker: Worker): void {
    if (!job.workers.delete(worker)) return
    if (job.workers.size === 0) job.settle()
  }

  private unrefIdle(): void {
    const busy = new Set<Worker>()
    for (const job of this.jobs.values()) for (const w of job.workers) busy.add(w)
    for (const w of this.workers) {
      if (!w || busy.has(w)) continue
      w.unref()
      if (this.oversized.delete(w)) {
        // Its memory cannot shrink: let it go; the next run starts a fresh one in its slot.
        this.workers[this.workers.indexOf(w)] = null
        void w.terminate()
      }
    }
  }
}
