// Runs in Node (CLI, engine host, serve mode): the one entry point that applies a filter stack to a decoded image.
// It picks the fastest correct path by itself: WebAssembly SIMD kernels (TypeScript kernels where the module is
// missing), separable / low-rank / FFT / integer plans per filter, bands across worker threads for large images.
import { firstLine } from '../contract/errors'
import { AbortError, EngineError } from '../engine/errors'
import type { Kernels } from '../engine/fast/backend'
import type { FastMethod, FilterPlan } from '../engine/fast/plan'
import { InlineExecutor, runFastStack, type Executor, type FastStackOptions, type SourceFile } from '../engine/fast/run'
import { rowBands, type RowTask } from '../engine/fast/row-tasks'
import type { BitDepth, FilterSpec, IntImage } from '../engine/types'
import { readFileRows } from './file-reader'
import { checkStackMemory } from './memory-budget'
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
  /**
   * Storage for the result, typically an earlier result of the same size that the caller no longer needs (a
   * preview loop, a benchmark, as OpenCV reuses `dst`): the run writes it in place instead of allocating new
   * memory, whose first touch costs a page fault per 4 KiB. Used only when it has exactly the result's length,
   * the output depth's array type, lives in a SharedArrayBuffer (as runStack's results and {@link sharedImage}
   * do) and does not overlap the input; otherwise ignored. The result's data is then a view of it. A function
   * is called only when the result needs memory (not when `inPlace` writes it over the input).
   */
  readonly into?: IntImage['data'] | (() => IntImage['data'] | undefined)
  /**
   * The result may overwrite the input's samples, which the caller gives up (see FastStackOptions.inPlace): an
   * input in shared memory (see sharedImage) whose stack runs as one group of row filters then needs no memory
   * for the result. A worker failure then rejects (the input may be overwritten already) where other runs go
   * again on this thread; later runs stay on this thread either way.
   * @default false
   */
  readonly inPlace?: boolean
  /**
   * The input's samples are still in this open file (a decode's spool, see decodeImage's `deferSamples`): with
   * `inPlace`, a stack of row filters reads its rows straight from it, with no read of the whole image first;
   * other stacks load them into the input's data first (FastStackOptions.sourceFile).
   */
  readonly sourceFile?: SourceFile
  /** Receives each `stretch` filter's whole-image range before its mapping (see FastStackOptions.onStretchRange). */
  readonly onStretchRange?: FastStackOptions['onStretchRange']
  /** `filters`' enabled filters, already resolved by resolveStack: not resolved again (FastStackOptions.active). */
  readonly active?: FastStackOptions['active']
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
  /** FFT tile size as log2, where FFT runs. @default chosen by cost */
  readonly tileLog2?: number
  /** Receives every filter's plan. */
  readonly onPlan?: (plan: FilterPlan) => void
  /** Fuse consecutive row filters band by band (FastStackOptions.fuse). @default true */
  readonly fuse?: boolean
}

/** Images with fewer samples than this run on the calling thread: a worker round trip would cost more. */
export const INLINE_SAMPLES = 1 << 16

const inline = new Map<string, InlineExecutor>()
const pools = new Map<string, EnginePool>()
let poolFailure = ''

function inlineExecutor(backend: BackendChoice): InlineExecutor {
  let executor = inline.get(backend)
  if (!executor) {
    const kernels: Kernels = instantiateKernels(moduleFor(backend))
    executor = new InlineExecutor(kernels, instantiateKernels(moduleFor(backend)), readFileRows)
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
  if (!script || (poolFailure && engine.threads === undefined)) {
    if (engine.threads !== undefined) throw new Error('out/node/engine-worker.js is not built (npm run build:node)')
    return inlineExecutor(backend)
  }
  return pool(backend, threads, script)
}

/**
 * Runs the `rows` rows of a row task (src/engine/fast/row-tasks.ts) reading `samples` samples in bands on the
 * engine's worker threads, or on this thread below INLINE_SAMPLES; rejects with an AbortError once `signal` aborts.
 * Its buffers must be SharedArrayBuffers, which the threads read and write in place.
 */
export async function runRows(task: RowTask, rows: number, samples: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted()
  const executor = executorFor(samples, {})
  await executor.runRows(task, rowBands(rows, executor.threads), signal)
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
 * `image` with its samples in a SharedArrayBuffer, which {@link runStack} reads in place instead of copying it
 * into shared memory on every run. Worth it for an image that is filtered again and again (the open document,
 * its proxies); returns `image` itself when it already is.
 */
export function sharedImage(image: IntImage): IntImage {
  if (image.data.buffer instanceof SharedArrayBuffer) return image
  const buffer = new SharedArrayBuffer(image.data.byteLength)
  const data = image.depth === 16 ? new Uint16Array(buffer) : new Uint8Array(buffer)
  data.set(image.data)
  return { ...image, data }
}

/**
 * Applies `filters` to `image` and returns the rounded, clamped result: the same as the reference
 * `toInt(applyStack(toFloat(image), filters), depth)` within one level (exact for integer kernels on 8-bit
 * images and for f64 direct plans), computed on the fastest path available, the same bytes on any thread count.
 * Floats are kept between filters. The result's data may be backed by a SharedArrayBuffer (the worker threads
 * write it in place): copy it before posting it to another process. An input in a SharedArrayBuffer (see sharedImage) is
 * read in place; the caller must not change it until the promise settles.
 */
export async function runStack(
  image: IntImage,
  filters: readonly FilterSpec[],
  options: RunStackOptions = {}
): Promise<IntImage> {
  options.signal?.throwIfAborted()
  // Refused before any allocation when it cannot fit (src/runtime/memory-budget.ts).
  checkStackMemory(image, filters, options.depth, options.active)
  const engine = options.engine ?? {}
  const executor = executorFor(image.width * image.height * image.channels, engine)
  const run = (on: Executor): Promise<IntImage> =>
    runFastStack(image, filters, on, {
      signal: options.signal,
      onProgress: options.onProgress,
      depth: options.depth,
      into: options.into,
      inPlace: options.inPlace,
      sourceFile: options.sourceFile,
      onStretchRange: options.onStretchRange,
      active: options.active,
      method: engine.method,
      tileLog2: engine.tileLog2,
      onPlan: engine.onPlan,
      fuse: engine.fuse
    })
  try {
    return await run(executor)
  } catch (error) {
    // A worker that cannot start or dies (a broken build, out of memory) must not cost the user the result:
    // the same run goes again on this thread, and later runs stay here. Forced thread counts (tests) never fall back.
    if (!(executor instanceof EnginePool) || engine.threads !== undefined) throw error
    if (error instanceof EngineError || error instanceof AbortError || (error as Error).name === 'AbortError') throw error
    poolFailure = `worker threads failed, running in-process: ${firstLine((error as Error).message)}`
    // In place, the input may be overwritten already: the caller has to start again from its source.
    if (options.inPlace) throw error
    return run(inlineExecutor(engine.backend ?? 'auto'))
  }
}
