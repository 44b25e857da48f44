// Runs in a worker thread of the engine pool (src/runtime/pool.ts): takes bands of a planned filter or of a row task
// from a shared counter and computes them into shared memory until none are left or the run is cancelled.
import { parentPort, workerData } from 'node:worker_threads'
import { BandRunner, type BandResult } from '../engine/fast/band'
import { runRowTask } from '../engine/fast/row-tasks'
import { readFileRows } from './file-reader'
import { instantiateKernels } from './pool-assets'
import type { PoolReply, PoolRequest, WorkerData } from './pool-protocol'

/** Shortest time between two progress reports of a worker. */
const REPORT_MS = 8

const port = parentPort
if (!port) throw new Error('engine-worker.ts runs only as a worker thread')

const { module } = workerData as WorkerData
const runner = new BandRunner(instantiateKernels(module), readFileRows)
// Row tasks get their own instance: the runner keeps a plan's scratch in its kernels' memory between bands.
const rowKernels = instantiateKernels(module)
port.postMessage({ type: 'ready', backend: runner.kernels.name } satisfies PoolReply)

/** What a row task's band reports: no range, never cut short (bands are small; the flag is polled between them). */
const ROWS_DONE: BandResult = { low: Infinity, high: -Infinity, aborted: false }

port.on('message', (request: PoolRequest) => {
  const { job, bands, control } = request
  const flags = new Int32Array(control)
  const stop = (): boolean => Atomics.load(flags, 1) !== 0
  const band =
    request.type === 'plan'
      ? (r0: number, r1: number): BandResult => runner.run(request.plan, request.io, r0, r1, stop)
      : (r0: number, r1: number): BandResult => {
          runRowTask(request.task, r0, r1, rowKernels)
          return ROWS_DONE
        }
  let low = Infinity
  let high = -Infinity
  // Band reports drive progress and let the main side poll its signal; batch them to one per few ms.
  let unreported = 0
  let reported = performance.now()
  try {
    for (;;) {
      if (stop()) break
      const b = Atomics.add(flags, 0, 1)
      if (b >= bands.length / 2) break
      const result = band(bands[2 * b], bands[2 * b + 1])
      if (result.aborted) break
      low = Math.min(low, result.low)
      high = Math.max(high, result.high)
      unreported++
      if (performance.now() - reported >= REPORT_MS) {
        port.postMessage({ type: 'band', job, count: unreported } satisfies PoolReply)
        unreported = 0
        reported = performance.now()
      }
    }
    const memory = runner.kernels.buffer().byteLength
    port.postMessage({ type: 'done', job, low, high, count: unreported, memory } satisfies PoolReply)
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
    port.postMessage({ type: 'error', job, message } satisfies PoolReply)
  }
})
