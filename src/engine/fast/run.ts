// A filter stack on the fast paths: plans each filter, runs its bands on an executor (worker threads sharing
// memory, or in-process) and keeps f32 between filters, so nothing is decoded twice or rounded to 8 bits midway.
// Pure: no node:* imports; the executor brings the threads.
import { checkImage } from '../convolve'
import { AbortError } from '../errors'
import { maxValue, toFloat, toInt } from '../image'
import { resolveStack, type ResolvedFilter } from '../stack'
import type { BitDepth, FilterSpec, FloatImage, IntImage } from '../types'
import { SampleKind, type Kernels } from './backend'
import { bandAlignment, BandRunner, fusable, inPlaceable, rawBytes, savedRows, type BandIO, type FileReader } from './band'
import { FLOAT_MAX_ERROR } from './cost-model'
import { planFilter, type FastMethod, type FilterPlan, type SourceShape, type TargetShape } from './plan'
import { runLayer } from './layer-run'
import { rowBands, runRowTask, type RowTask } from './row-tasks'

/** The part of an AbortSignal the fast paths poll. */
export interface AbortLike {
  readonly aborted: boolean
}

/** Runs all bands of a plan; resolves with the combined range of unmapped values (stage 'raw'). */
export interface Executor {
  /** How many bands can run at once (sizes the band split). */
  readonly threads: number
  /**
   * A buffer the executor's threads can all see (SharedArrayBuffer for worker threads). `scratch` buffers come
   * back through {@link Executor.release} and may be reused: fresh memory costs a page fault per 4 KiB on first
   * touch, 20-40 ms per 36 MB on the reference machine. The others are handed to the caller. Contents are
   * undefined: every band writes all of its rows.
   */
  allocate(bytes: number, scratch: boolean): ArrayBufferLike
  /** Returns a scratch buffer for reuse; its contents are undefined when it comes back. */
  release(buffer: ArrayBufferLike): void
  /** True when the threads can read source rows from an open file (BandIO.srcFile). @default false */
  readonly readsFiles?: boolean
  /**
   * True when the executor's threads can read and write `buffer` in place (any buffer on the calling thread,
   * a SharedArrayBuffer for worker threads); other images are copied into {@link Executor.allocate}d memory.
   */
  shares(buffer: ArrayBufferLike): boolean
  /** Rejects with an AbortError once `signal` aborts (after every thread has stopped touching the buffers). */
  run(
    plan: FilterPlan,
    io: BandIO,
    bands: readonly (readonly [number, number])[],
    signal: AbortLike | undefined,
    onBand: () => void
  ): Promise<{ low: number; high: number }>
  /**
   * Runs the bands of a row task (row-tasks.ts) on the executor's threads; rejects with an AbortError once
   * `signal` aborts (after every thread has stopped touching the buffers).
   */
  runRows(task: RowTask, bands: readonly (readonly [number, number])[], signal: AbortLike | undefined): Promise<void>
}

/** Options for {@link runFastStack}. */
export interface FastStackOptions {
  readonly signal?: AbortLike
  readonly onProgress?: (fraction: number) => void
  /** @default the image's depth */
  readonly depth?: BitDepth
  /** Force one method for every filter (tests, benchmarks). @default chosen per filter by cost */
  readonly method?: FastMethod
  /** Force the FFT tile size (log2) where FFT runs (benchmarks). @default chosen per filter by cost */
  readonly tileLog2?: number
  /** Receives each filter's plan (diagnostics, benchmarks). */
  readonly onPlan?: (plan: FilterPlan) => void
  /**
   * Run consecutive row filters fused, band by band, without the f32 image between them (see {@link fuses});
   * false runs every filter over the whole image in turn (the same bytes, for tests). @default true
   */
  readonly fuse?: boolean
  /**
   * The result may be written over the input's samples, which the caller gives up: done where the whole stack
   * runs as one fused group of row filters keeping the image's size and sample type, on memory the executor
   * shares (the result is then a view of the input's memory), and otherwise ignored. Saves the result's memory
   * and its first-touch page faults (a batch). The input is left partly overwritten if the run fails.
   * @default false
   */
  readonly inPlace?: boolean
  /**
   * Storage for the result, used when it fits (see {@link usableInto}); else the result gets new memory. A
   * function is called only when the result needs memory (not when it is written in place).
   */
  readonly into?: IntImage['data'] | (() => IntImage['data'] | undefined)
  /**
   * The input's samples are not in its data yet but in this open file (see {@link SourceFile}). With `inPlace`,
   * on an executor that reads files, a stack that runs as one fused group of row filters reads its rows from the
   * file and writes the result into the input's memory; any other run calls `load` first and reads the data.
   */
  readonly sourceFile?: SourceFile
  /**
   * Receives, for each `stretch` filter without layer effects, the whole output's range of values before the
   * mapping, exactly as its mapping used it; `index` counts the enabled filters. Explain maps one pixel with it.
   */
  readonly onStretchRange?: (index: number, range: { readonly low: number; readonly high: number }) => void
  /**
   * The stack's enabled filters as resolveStack resolved them, when the caller has them already (the engine host
   * resolves each request's stack once): they are used instead of resolving `filters` again. @default resolved here
   */
  readonly active?: readonly ResolvedFilter[]
}

/**
 * An image's samples still in an open file (a decode's spool file), laid out as its data would be from byte
 * `offset`; `load` reads them into the data.
 */
export interface SourceFile {
  readonly fd: number
  readonly offset: number
  load(): Promise<void>
}

/** A run of bytes in a buffer. */
interface Span {
  readonly buffer: ArrayBufferLike
  readonly offset: number
}

/**
 * True when `into` can hold a result of `length` samples at `depth` bits on `executor` without touching the
 * input: exactly that long, of the depth's array type, writable in place by the executor's threads, and not
 * overlapping `input` (a filter reads neighbouring rows after writing a row).
 */
export function usableInto(
  into: IntImage['data'] | undefined,
  length: number,
  depth: BitDepth,
  input: IntImage['data'],
  executor: Executor
): into is IntImage['data'] {
  if (!into || into.length !== length || (depth === 16) !== into instanceof Uint16Array) return false
  if (!executor.shares(into.buffer)) return false
  if (into.buffer !== input.buffer) return true
  const apart =
    into.byteOffset + into.byteLength <= input.byteOffset || input.byteOffset + input.byteLength <= into.byteOffset
  return apart
}

/**
 * Splits a plan's output rows into about `threads * 6` bands on its alignment. FFT strips stay whole and start at
 * multiples of the strip height whatever the split, and every other row is computed on its own, so the band
 * boundaries (and which thread takes which band) never change a result.
 */
export function splitBands(plan: FilterPlan, threads: number): [number, number][] {
  const align = bandAlignment(plan)
  const units = Math.ceil(plan.outHeight / align)
  const count = Math.max(1, Math.min(units, threads * 6))
  const bands: [number, number][] = []
  for (let b = 0; b < count; b++) {
    const r0 = Math.floor((b * units) / count) * align
    const r1 = Math.min(plan.outHeight, Math.floor(((b + 1) * units) / count) * align)
    if (r1 > r0) bands.push([r0, r1])
  }
  return bands
}

/**
 * Applies the enabled `filters` to `image` like applyStack + toInt, on the fast paths, via `executor`.
 * Results match the reference within one level after rounding (the planner keeps every float path's estimated
 * error under FLOAT_MAX_ERROR); exactly for integer kernels on 8-bit images and for f64 direct plans. The same
 * bytes whatever the executor's thread count or kernel set.
 */
export async function runFastStack(
  image: IntImage,
  filters: readonly FilterSpec[],
  executor: Executor,
  options: FastStackOptions = {}
): Promise<IntImage> {
  const { signal, onProgress } = options
  if (signal?.aborted) throw new AbortError()
  checkImage(image as unknown as FloatImage)
  const depth = options.depth ?? image.depth
  const active = options.active ?? resolveStack(filters)
  // Source rows read from the file by the first group (see FastStackOptions.sourceFile); loaded here where the
  // data is read whole (alpha's opacity test, no filter) or the result cannot go into the input's memory.
  let file = options.sourceFile
  const load = async (): Promise<void> => {
    const loading = file
    file = undefined
    await loading?.load()
  }
  const alpha = image.channels === 2 || image.channels === 4
  if (!options.inPlace || !executor.readsFiles || !executor.shares(image.data.buffer) || active.length === 0 || alpha) await load()
  if (active.length === 0) {
    const copy = toInt(toFloat(image), depth)
    onProgress?.(1)
    return copy
  }
  const channels = image.channels
  // Scratch buffers in use; each goes back to the executor as soon as no later step reads it, so a long stack
  // on a big image alternates between two intermediates instead of holding one per filter.
  const scratch = new Set<ArrayBufferLike>()
  const take = (bytes: number): ArrayBufferLike => {
    const buffer = executor.allocate(bytes, true)
    scratch.add(buffer)
    return buffer
  }
  const done = (buffer: ArrayBufferLike): void => {
    if (scratch.delete(buffer)) executor.release(buffer)
  }
  // The input is read in place where the threads can see it (a SharedArrayBuffer for workers); else copied once.
  let src: Span
  if (executor.shares(image.data.buffer)) src = { buffer: image.data.buffer, offset: image.data.byteOffset }
  else {
    src = { buffer: take(image.data.byteLength), offset: 0 }
    new Uint8Array(src.buffer).set(new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength))
  }
  let shape: SourceShape = {
    width: image.width,
    height: image.height,
    channels,
    depth: image.depth,
    kind: image.depth === 16 ? SampleKind.U16 : SampleKind.U8
  }
  // An opaque image stays opaque under every border but `zero`: its filters then skip all alpha work.
  let opaque = (channels === 2 || channels === 4) && isOpaque(image)
  // What each filter's error is multiplied by further down the stack: every later filter's gain.
  const later = downstreamGains(active)
  const steps = active.reduce((n, f) => n + (f.options.signed === 'stretch' ? 2 : 1), 0)
  let step = 0
  // Runs a plan, with the filters fused in front of it (io.before): one step of progress each.
  const runPlan = async (plan: FilterPlan, io: BandIO): Promise<{ low: number; high: number }> => {
    const fused = io.before ?? []
    for (const before of fused) options.onPlan?.(before)
    options.onPlan?.(plan)
    const bands = splitBands(plan, executor.threads)
    const count = fused.length + 1
    let done = 0
    const result = await executor.run(plan, io, bands, signal, () => {
      done++
      onProgress?.((step + (count * done) / bands.length) / steps)
    })
    step += count
    return result
  }

  try {
    for (let i = 0; i < active.length; i++) {
      if (signal?.aborted) throw new AbortError()
      const filter = active[i]
      const targetOf = (index: number): TargetShape =>
        index === active.length - 1
          ? { kind: depth === 16 ? SampleKind.U16 : SampleKind.U8, depth }
          : { kind: SampleKind.F32, depth: image.depth }
      const target = targetOf(i)
      const { method, tileLog2 } = options
      // The last filter writes straight into the result (the caller's `into` where it fits): no copy, and
      // first-touch page faults of new memory are spread over the threads. (`i` moves past fused filters.)
      const output = (plan: FilterPlan): Span => {
        const last = i === active.length - 1
        const samples = plan.outWidth * plan.outHeight * channels
        const into = last && typeof options.into === 'function' ? options.into() : options.into
        if (last && typeof into !== 'function' && usableInto(into, samples, depth, image.data, executor)) return { buffer: into.buffer, offset: into.byteOffset }
        const bytes = samples * [1, 2, 4][plan.dstKind]
        return { buffer: last ? executor.allocate(bytes, false) : take(bytes), offset: 0 }
      }
      const io = (dst: Span, raw?: ArrayBufferLike, before?: readonly FilterPlan[]): BandIO => ({
        src: src.buffer,
        srcOffset: src.offset,
        dst: dst.buffer,
        dstOffset: dst.offset,
        raw,
        before
      })
      let plan: FilterPlan
      let dst: Span
      if (filter.effects || filter.options.signed === 'stretch') await load()
      if (filter.effects) {
        // Channels, light, blend or mask: the kernel runs on its own input, then a composite (layer-run.ts).
        const runRows = (task: RowTask, rows: number): Promise<void> => executor.runRows(task, rowBands(rows, executor.threads), signal)
        const layerStep = { filter, effects: filter.effects, shape, src, target, opaque, method, tileLog2, signal, take, done, runPlan, runRows, output }
        const stepBefore = step
        const layer = await runLayer(layerStep)
        // A fused layer (layer-fused.ts) runs row tasks, not a plan: its step and plan are reported here.
        if (step === stepBefore) {
          options.onPlan?.(layer.plan)
          step++
          onProgress?.(step / steps)
        }
        plan = layer.plan
        dst = layer.dst
      } else if (filter.options.signed === 'stretch') {
        let rawPlan = planFilter(shape, filter, target, { method, tileLog2, stage: 'raw', opaqueAlpha: opaque, gain: later[i] })
        let raw = take(rawPlan.outWidth * rawPlan.outHeight * channels * rawBytes(rawPlan))
        let range = await runPlan(rawPlan, io({ buffer: raw, offset: 0 }))
        // The mapping multiplies errors by max / (high - low), known only now: where that takes the estimate past
        // the limit, the values are computed again with a plan chosen for it (f64 where f32 cannot keep it).
        const stretch = range.high > range.low ? maxValue(image.depth) / (range.high - range.low) : 1
        if (rawPlan.error * stretch > FLOAT_MAX_ERROR) {
          const gain = later[i] * stretch
          const again = (forced: FastMethod | undefined): FilterPlan =>
            planFilter(shape, filter, target, { method: forced, tileLog2, stage: 'raw', opaqueAlpha: opaque, gain })
          // A forced method (tests, benchmarks) that cannot keep the stretched error in bounds gives way.
          let precise: FilterPlan
          try {
            precise = again(method)
          } catch {
            precise = again(undefined)
          }
          if (precise.precision !== rawPlan.precision || precise.method !== rawPlan.method || precise.logN !== rawPlan.logN) {
            done(raw)
            rawPlan = precise
            raw = take(rawPlan.outWidth * rawPlan.outHeight * channels * rawBytes(rawPlan))
            range = await runPlan(rawPlan, io({ buffer: raw, offset: 0 }))
          }
        }
        options.onStretchRange?.(i, range)
        plan = planFilter(shape, filter, target, {
          stage: 'map',
          low: range.low,
          high: range.high,
          opaqueAlpha: opaque,
          precision: rawPlan.precision
        })
        dst = output(plan)
        await runPlan(plan, io(dst, raw))
        done(raw)
      } else {
        plan = planFilter(shape, filter, target, { method, tileLog2, opaqueAlpha: opaque, gain: later[i] })
        // The filters after it that can take its rows as they are made (BandIO.before): no f32 image between them.
        const before: FilterPlan[] = []
        while (options.fuse !== false && i + 1 < active.length) {
          const nextFilter = active[i + 1]
          if (nextFilter.effects || nextFilter.options.signed === 'stretch') break
          const nextShape: SourceShape = { width: plan.outWidth, height: plan.outHeight, channels, depth: image.depth, kind: SampleKind.F32 }
          const next = planFilter(nextShape, nextFilter, targetOf(i + 1), { method, tileLog2, opaqueAlpha: plan.fillAlpha, gain: later[i + 1] })
          if (!fuses(plan, next, before.length > 0, executor.threads)) break
          before.push(plan)
          plan = next
          i++
        }
        const group = [...before, plan]
        const fused = before.length > 0 ? before : undefined
        const whole = i === active.length - 1 && src.buffer === image.data.buffer && inPlaceable(group)
        if (file && whole) {
          // Rows from the file into the input's memory, which holds nothing yet: no row is read after it is written.
          dst = src
          const from = { fd: file.fd, offset: file.offset }
          file = undefined
          await runPlan(plan, { ...io(dst, undefined, fused), srcFile: from })
        } else if (options.inPlace && whole) {
          // Over the input itself: the rows two bands (or a border) read are read from a copy taken first.
          dst = src
          const rowBytes = image.data.byteLength / image.height
          const rows = savedRows(splitBands(plan, executor.threads), plan.outHeight, group.reduce((n, p) => n + p.kh - 1, 0))
          const copy = take(Math.max(1, rows.length * rowBytes))
          const index = new Int32Array(image.height).fill(-1)
          const from = new Uint8Array(src.buffer, src.offset, image.data.byteLength)
          const to = new Uint8Array(copy)
          rows.forEach((r, k) => {
            index[r] = k
            to.set(from.subarray(r * rowBytes, (r + 1) * rowBytes), k * rowBytes)
          })
          await runPlan(plan, { ...io(dst, undefined, fused), saved: { rows: copy, index } })
          done(copy)
        } else {
          await load()
          dst = output(plan)
          await runPlan(plan, io(dst, undefined, fused))
        }
      }
      opaque = plan.fillAlpha
      done(src.buffer)
      src = dst
      shape = { width: plan.outWidth, height: plan.outHeight, channels, depth: image.depth, kind: SampleKind.F32 }
    }
  } finally {
    for (const buffer of scratch) executor.release(buffer)
    scratch.clear()
  }
  const length = shape.width * shape.height * channels
  const data = depth === 16 ? new Uint16Array(src.buffer, src.offset, length) : new Uint8Array(src.buffer, src.offset, length)
  return { width: shape.width, height: shape.height, channels, depth, data }
}

/**
 * True when `second` runs fused behind `first` (BandIO.before): {@link fusable}, and the rows of `first` that
 * neighbouring bands both compute (kh - 1 of `second` per band boundary) stay under an eighth of its rows, so
 * the saved f32 image (written, read back, copied in and out of kernel memory) outweighs the recomputation.
 */
export function fuses(first: FilterPlan, second: FilterPlan, fedFirst: boolean, threads: number): boolean {
  if (!fusable(first, second, fedFirst)) return false
  const bands = splitBands(second, threads).length
  return (second.kh - 1) * bands * 8 <= first.outHeight
}

/**
 * For each filter, the factor later filters multiply its errors by: the product of their gains (absolute weights
 * over |divisor|, blended by opacity with the unchanged input). A blur before a high-gain edge kernel thus runs
 * precisely enough that the edge kernel does not blow its rounding up past a level.
 */
export function downstreamGains(filters: readonly ResolvedFilter[]): number[] {
  const gains = new Array<number>(filters.length).fill(1)
  for (let i = filters.length - 2; i >= 0; i--) {
    const next = filters[i + 1]
    let total = 0
    for (const w of next.kernel.weights) total += Math.abs(w)
    const own = total / Math.abs(next.kernel.divisor)
    gains[i] = gains[i + 1] * Math.max(1, next.opacity * own + (1 - next.opacity))
  }
  return gains
}

/** True when every alpha sample of an image with alpha is at its maximum. */
export function isOpaque(image: IntImage): boolean {
  const { data, channels } = image
  const max = image.depth === 16 ? 65535 : 255
  for (let i = channels - 1; i < data.length; i += channels) if (data[i] !== max) return false
  return true
}

/** Runs bands one after another on the calling thread (small images, or where no worker can start). */
export class InlineExecutor implements Executor {
  readonly threads = 1
  private readonly runner: BandRunner

  /** True when constructed with a FileReader (BandIO.srcFile). */
  readonly readsFiles: boolean

  /**
   * `rowKernels`: a second instance of the kernel set, for row tasks (see runRowTask), as runStack passes; with the
   * bands' own instance, a plan run again after a row task would find its kept scratch overwritten. `readFile`:
   * how source rows are read from a file (BandIO.srcFile); without it, runFastStack loads such images first.
   */
  constructor(
    kernels: Kernels,
    private readonly rowKernels: Kernels = kernels,
    readFile?: FileReader
  ) {
    this.runner = new BandRunner(kernels, readFile)
    this.readsFiles = readFile !== undefined
  }

  private readonly spare = new ScratchBuffers<ArrayBuffer>((bytes) => new ArrayBuffer(bytes))

  /** A plain ArrayBuffer (one thread); scratch ones are reused. */
  allocate(bytes: number, scratch: boolean): ArrayBufferLike {
    return scratch ? this.spare.take(bytes) : new ArrayBuffer(bytes)
  }

  /** Keeps a scratch buffer for reuse. */
  release(buffer: ArrayBufferLike): void {
    this.spare.give(buffer as ArrayBuffer)
  }

  /** Every buffer: bands run on this thread. */
  shares(): boolean {
    return true
  }

  /** Runs the bands in order on this thread, polling `signal` between rows. */
  run(
    plan: FilterPlan,
    io: BandIO,
    bands: readonly (readonly [number, number])[],
    signal: AbortLike | undefined,
    onBand: () => void
  ): Promise<{ low: number; high: number }> {
    let low = Infinity
    let high = -Infinity
    for (const [r0, r1] of bands) {
      if (signal?.aborted) return Promise.reject(new AbortError())
      const result = this.runner.run(plan, io, r0, r1, () => signal?.aborted === true)
      if (result.aborted) return Promise.reject(new AbortError())
      low = Math.min(low, result.low)
      high = Math.max(high, result.high)
      onBand()
    }
    return Promise.resolve({ low, high })
  }

  /** Runs the bands in order on this thread, polling `signal` between them. */
  runRows(task: RowTask, bands: readonly (readonly [number, number])[], signal: AbortLike | undefined): Promise<void> {
    for (const [r0, r1] of bands) {
      if (signal?.aborted) return Promise.reject(new AbortError())
      runRowTask(task, r0, r1, this.rowKernels)
    }
    return Promise.resolve()
  }
}

/**
 * Reusable scratch buffers by exact size: a stack run on a photo needs the same few sizes again and again
 * (the next preview, the next edit), and fresh memory is slow on first touch. Keeps at most `limit` bytes.
 */
export class ScratchBuffers<T extends ArrayBufferLike> {
  private readonly free: T[] = []

  constructor(
    private readonly create: (bytes: number) => T,
    private readonly limit = 512 * 1024 * 1024
  ) {}

  /** A buffer of exactly `bytes` (contents undefined when reused). */
  take(bytes: number): T {
    const index = this.free.findIndex((b) => b.byteLength === bytes)
    if (index >= 0) return this.free.splice(index, 1)[0]
    return this.create(bytes)
  }

  /** Keeps `buffer` for a later take, dropping the oldest kept ones beyond the limit. */
  give(buffer: T): void {
    this.free.push(buffer)
    let total = this.free.reduce((n, b) => n + b.byteLength, 0)
    while (total > this.limit && this.free.length > 0) total -= (this.free.shift() as T).byteLength
  }

  /** Drops every kept buffer. */
  clear(): void {
    this.free.length = 0
  }
}
