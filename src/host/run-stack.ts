// Runs in Node (CLI, engine host, serve mode): the one entry point that applies a filter stack to a decoded image.
// It picks the fastest correct path by itself: WebAssembly SIMD kernels (TypeScript kernels where the module is
// missing), separable / low-rank / FFT / integer plans per filter, bands across worker threads for large images.
import type { Kernels } from '../engine/fast/backend'
import type { FastMethod, FilterPlan } from '../engine/fast/plan'
import { InlineExecutor, runFastStack, type Executor } from '../engine/fast/run'
import type { BitDepth, FilterSpec, IntImage } from '../engine/types'
import { defaultThreads, EnginePool } from './pool'
import { instantiateKernels, moduleFor, workerScriptPath, type BackendChoice } from './pool-assets'

/** Options for {@link runStack}. */
export interface RunStackOptions {
  /** Aborts the run; the promise then rejects with an AbortError. */
  readonly signal?: AbortSignal
  /** Called with the finished fraction, 0..1. */
  readonly onProgress?: (fraction: number) => void
  /** Output bit depth. @default the input's depth */
  readonly depth?: BitDepth
  /** Overrides the automatic choices; for tests and benchmarks only. @default automatic */
  readonly engine?: EngineOptions
}

/** Forced choices of {@link runStack} (every field defaults to the automatic choice). */
export interface EngineOptions {
  /** Run every filter with this method. @default the cheapest by the cost model */
  readonly method?: FastMethod
  /** Kernel set. @default 'auto' (WebAssembly SIMD if it loads) */
  readonly backend?: BackendChoice
  /** Worker threads; 0 runs on the calling thread. @default in-process below INLINE_SAMPLES, else one per core */
  readonly threads?: number
  /** Receives every filter's plan. */
  readonly onPlan?: (plan: FilterPlan) => void
}

/** Images with fewer samples than this run on the calling thread: a worker round trip would cost more. */
export const INLINE_SAMPLES = 1 << 16

const inline = new Map<string, InlineExecutor>()
const pools = new Map<string, EnginePool>()

function inlineExecutor(backend: BackendChoice): InlineExecutor {
  let executor = inline.get(backend)
  if (!executor) {
    const kernels: Kernels = instantiateKernels(moduleFor(backend))
    executor = new InlineExecutor(kernels)
    inline.set(backend, executor)
  }
  return executor
}

function pool(backend: BackendChoice, threads: number, script: string): EnginePool {
  const key = `${backend}/${threads}`
  let found = pools.get(key)
  if (!found) {
    found = new EnginePool({ threads, script, module: moduleFor(backend) })
    pools.set(key, found)
  }
  return found
}

/** The executor a run of `samples` output samples gets. */
function executorFor(samples: number, engine: EngineOptions): Executor {
  const backend = engine.backend ?? 'auto'
  const script = workerScriptPath()
  const threads = engine.threads ?? (samples < INLINE_SAMPLES ? 0 : defaultThreads())
  if (threads === 0) return inlineExecutor(backend)
  if (!script) {
    if (engine.threads !== undefined) throw new Error('out/node/engine-worker.js is not built (npm run build:node)')
    return inlineExecutor(backend)
  }
  return pool(backend, threads, script)
}

/**
 * Starts the worker threads and loads the kernels ahead of the first run, so the first preview does not pay
 * for them. Optional: runStack does the same on demand.
 */
export function warmEngine(): void {
  const script = workerScriptPath()
  if (script) pool('auto', defaultThreads(), script).warm()
  else inlineExecutor('auto')
}

/**
 * Applies `filters` to `image` and returns the rounded, clamped result: the same as the reference
 * `toInt(applyStack(toFloat(image), filters), depth)` within one level (exact for integer kernels on 8-bit
 * images), computed on the fastest path available. Floats are kept between filters.
 */
export async function runStack(
  image: IntImage,
  filters: readonly FilterSpec[],
  options: RunStackOptions = {}
): Promise<IntImage> {
  options.signal?.throwIfAborted()
  const engine = options.engine ?? {}
  const executor = executorFor(image.width * image.height * image.channels, engine)
  return runFastStack(image, filters, executor, {
    signal: options.signal,
    onProgress: options.onProgress,
    depth: options.depth,
    method: engine.method,
    onPlan: engine.onPlan
  })
}
