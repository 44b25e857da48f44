// Shared by the engine pool (main side) and its worker threads: the messages they exchange.
import type { BandIO } from '../engine/fast/band'
import type { FilterPlan } from '../engine/fast/plan'
import type { RowTask } from '../engine/fast/row-tasks'

/** workerData of an engine worker: the compiled kernels module, or null for the TypeScript kernels. */
export interface WorkerData {
  readonly module: WebAssembly.Module | null
}

/** What every request carries: the job, its bands and their shared counter. */
interface PoolJob {
  readonly job: number
  /** Band b is output rows [bands[2b], bands[2b + 1]). */
  readonly bands: Int32Array
  /** Int32 [next band to take, cancelled flag], shared by every worker of the job. */
  readonly control: SharedArrayBuffer
}

/** Main -> worker: run the bands of one planned filter, or of a row task. */
export type PoolRequest =
  | (PoolJob & { readonly type: 'plan'; readonly plan: FilterPlan; readonly io: BandIO })
  | (PoolJob & { readonly type: 'rows'; readonly task: RowTask })

/** Worker -> main. */
export type PoolReply =
  | { readonly type: 'ready'; readonly backend: 'wasm' | 'ts' }
  /** `count` more bands finished. */
  | { readonly type: 'band'; readonly job: number; readonly count: number }
  /**
   * The worker took its last band (`count` finished since its last report); low/high: see BandResult;
   * `memory`: bytes of its kernel memory (it never shrinks, so the pool replaces workers that grew large).
   */
  | {
      readonly type: 'done'
      readonly job: number
      readonly low: number
      readonly high: number
      readonly count: number
      readonly memory: number
    }
  | { readonly type: 'error'; readonly job: number; readonly message: string }
