// Fast paths: one stack layer with effects (channels, light, blend, mask). Its filter input is made first (Y, one
// channel, linear light), the kernel runs on the planned fast path like any filter, then the composite blends the
// result into the layer's output; Y or one channel of an 8-bit photo takes these three steps in one pass per band
// where it can (layer-fused.ts). Called by runFastStack for filters whose `effects` are set.
import { indexTable, kernelAnchor } from '../border'
import { AbortError } from '../errors'
import { flipKernel } from '../kernel'
import type { LayerEffects } from '../layer'
import { maskUsesTones, planMask, type LuminanceRow } from '../mask'
import type { ResolvedFilter } from '../stack'
import { maxValue } from '../image'
import { LUMA_B, LUMA_G, LUMA_R } from '../light'
import { SampleKind } from './backend'
import type { BandIO } from './band'
import type { LayerCompositeJob } from './layer-composite'
import { fusesLayer } from './layer-fused'
import { layerInputChannels, layerInputJob, samplesView, type LayerInputJob } from './layer-input'
import { isRgb8Composite, kernelBlendCode } from './layer-rgb8'
import { sharedMaskRows } from './mask-rows'
import { planFilter, type FastMethod, type FilterPlan, type SourceShape, type TargetShape } from './plan'
import type { RowTask } from './row-tasks'
import type { AbortLike } from './run'

/** A run of bytes in a buffer. */
export interface LayerSpan {
  readonly buffer: ArrayBufferLike
  readonly offset: number
}

/** What runFastStack hands a layer with effects. */
export interface LayerStep {
  readonly filter: ResolvedFilter
  readonly effects: LayerEffects
  /** The image entering the layer and where its samples are. */
  readonly shape: SourceShape
  readonly src: LayerSpan
  /** What the layer writes: f32 between filters, integers after the last. */
  readonly target: TargetShape
  /** The source's alpha is at its maximum everywhere (see PlanOptions.opaqueAlpha). */
  readonly opaque: boolean
  readonly method?: FastMethod
  readonly tileLog2?: number
  readonly signal?: AbortLike
  /**
   * false: a layer that layer-fused.ts could run in one pass makes its input, runs its kernel and composites one
   * after another (tests compare the two). @default true
   */
  readonly fuse?: boolean
  /** A scratch buffer of `bytes` the executor's threads can see; give it back with `done`. */
  take(bytes: number): ArrayBufferLike
  done(buffer: ArrayBufferLike): void
  /** Runs a planned filter's bands (progress counted by the caller). */
  runPlan(plan: FilterPlan, io: BandIO): Promise<{ low: number; high: number }>
  /** Runs rows [0, rows) of a row task in bands on the executor's threads. */
  runRows(task: RowTask, rows: number): Promise<void>
  /** Where a result of plan's output size and destination kind goes. */
  output(plan: FilterPlan): LayerSpan
}

/** The kernel's plan on the filter input (its output size and alpha handling are the layer's) and the result. */
export interface LayerResult {
  readonly plan: FilterPlan
  readonly dst: LayerSpan
}

/** Input row / column under the kernel centre of each output row / column (-1 for a zero border). */
function alignedIndex(outSize: number, kernelSize: number, anchor: number, inSize: number, border: ResolvedFilter['options']['border']): Int32Array {
  const table = indexTable(outSize, kernelSize, anchor, inSize, border)
  const centre = (kernelSize - 1) / 2
  return Int32Array.from({ length: outSize }, (_, i) => table[i + centre])
}

/** The luminance rows of the aligned input, for a tones mask that is feathered (made once, before compositing). */
function alignedLuminance(step: LayerStep, rows: Int32Array, cols: Int32Array): LuminanceRow {
  const { width, height, channels, depth, kind } = step.shape
  const src = samplesView(step.src.buffer, step.src.offset, kind, width * height * channels)
  const inv = 1 / maxValue(depth)
  return (y, out) => {
    const sr = rows[y]
    for (let x = 0; x < cols.length; x++) {
      const sc = cols[x]
      if (sr < 0 || sc < 0) {
        out[x] = 0
        continue
      }
      const p = (sr * width + sc) * channels
      out[x] = (channels >= 3 ? LUMA_R * src[p] + LUMA_G * src[p + 1] + LUMA_B * src[p + 2] : src[p]) * inv
    }
  }
}

/** Runs one layer with effects; see src/engine/layer.ts for what it computes. */
export async function runLayer(step: LayerStep): Promise<LayerResult> {
  const { filter, effects, shape, src } = step
  const { channels, depth } = shape
  const job = layerInputJob(shape.width, shape.height, channels, depth, shape.kind, effects.channels, effects.light === 'linear')
  const inputChannels = layerInputChannels(channels, job.select)
  // The kernel runs on the source itself unless it needs Y, one channel or linear light.
  const made = job.select !== 'rgb' || job.linear
  const inputShape: SourceShape = made ? { width: shape.width, height: shape.height, channels: inputChannels, depth, kind: SampleKind.F32 } : shape

  // The kernel at full strength into f32: opacity and mask come in the composite.
  const kernelFilter: ResolvedFilter = { ...filter, opacity: 1 }
  const f32: TargetShape = { kind: SampleKind.F32, depth }
  const planOptions = { tileLog2: step.tileLog2, opaqueAlpha: step.opaque }
  let plan = planFilter(inputShape, kernelFilter, f32, planOptions)
  // A forced method (tests, benchmarks) is used where it applies to this input.
  if (step.method && step.method !== plan.method && plan.applicable.includes(step.method)) {
    plan = planFilter(inputShape, kernelFilter, f32, { ...planOptions, method: step.method })
  }

  // The composite's job depends only on the output's size (the same for a stretch's mapping plan below).
  const { composite, grid } = compositeJob(step, plan, job, inputChannels)
  // Y or one channel of an 8-bit photo: made, filtered and composited in one pass per band (layer-fused.ts).
  if (step.fuse !== false && filter.options.signed !== 'stretch' && fusesLayer(plan, composite)) {
    const dst = step.output({ ...plan, dstKind: step.target.kind })
    const io = { src: src.buffer, srcOffset: src.offset, dst: dst.buffer, dstOffset: dst.offset }
    await step.runRows({ kind: 'layer-fused', job: { plan, composite }, io }, plan.outHeight)
    if (grid) step.done(grid)
    return { plan, dst }
  }

  let input: LayerSpan = src
  let inputBuffer: ArrayBufferLike | null = null
  if (made) {
    inputBuffer = step.take(shape.width * shape.height * inputChannels * 4)
    await step.runRows({ kind: 'layer-input', job, src: src.buffer, srcOffset: src.offset, dst: inputBuffer }, shape.height)
    input = { buffer: inputBuffer, offset: 0 }
  }
  if (step.signal?.aborted) throw new AbortError()

  const filtered = step.take(plan.outWidth * plan.outHeight * inputChannels * 4)
  const io = (dst: ArrayBufferLike, raw?: ArrayBufferLike): BandIO => ({ src: input.buffer, srcOffset: input.offset, dst, dstOffset: 0, raw })
  if (filter.options.signed === 'stretch') {
    const method = plan.method === 'map' ? undefined : plan.method
    const rawPlan = planFilter(inputShape, kernelFilter, f32, { ...planOptions, method, stage: 'raw' })
    const raw = step.take(rawPlan.outWidth * rawPlan.outHeight * inputChannels * (rawPlan.precision === 'f64' ? 8 : 4))
    const range = await step.runPlan(rawPlan, io(raw))
    plan = planFilter(inputShape, kernelFilter, f32, {
      stage: 'map',
      low: range.low,
      high: range.high,
      opaqueAlpha: step.opaque,
      precision: rawPlan.precision
    })
    await step.runPlan(plan, io(filtered, raw))
    step.done(raw)
  } else {
    await step.runPlan(plan, io(filtered))
  }
  if (inputBuffer) step.done(inputBuffer)
  if (step.signal?.aborted) throw new AbortError()

  const dst = step.output({ ...plan, dstKind: step.target.kind })
  const compositeIO = { src: src.buffer, srcOffset: src.offset, filtered, dst: dst.buffer, dstOffset: dst.offset }
  await step.runRows({ kind: 'layer-composite', job: composite, io: compositeIO }, plan.outHeight)
  step.done(filtered)
  if (grid) step.done(grid)
  return { plan, dst }
}

/**
 * The composite of a layer whose kernel runs `plan` (its output size) on the input `job` makes; a feathered
 * mask's grid goes to the threads in a scratch buffer of the step (`grid`, to give back after the run).
 */
function compositeJob(step: LayerStep, plan: FilterPlan, job: LayerInputJob, inputChannels: number): { composite: LayerCompositeJob; grid: ArrayBufferLike | null } {
  const { filter, effects, shape } = step
  const { channels, depth } = shape
  const kernel = filter.options.flip ? flipKernel(filter.kernel) : filter.kernel
  const anchor = kernelAnchor(kernel, filter.options.mode)
  const alignedRows = alignedIndex(plan.outHeight, kernel.height, anchor.y, shape.height, filter.options.border)
  const alignedCols = alignedIndex(plan.outWidth, kernel.width, anchor.x, shape.width, filter.options.border)
  let mask = effects.mask
    ? planMask(
        effects.mask,
        plan.outWidth,
        plan.outHeight,
        maskUsesTones(effects.mask) ? alignedLuminance(step, alignedRows, alignedCols) : null
      )
    : null
  // A feathered grid goes to the threads in shared memory, instead of a copy posted to each of them.
  let grid: ArrayBufferLike | null = null
  if (mask?.coarse) {
    const values = mask.coarse.values
    grid = step.take(values.byteLength)
    const shared = new Float32Array(grid, 0, values.length)
    shared.set(values)
    mask = { ...mask, coarse: { ...mask.coarse, values: shared } }
  }
  const composite: LayerCompositeJob = {
    outWidth: plan.outWidth,
    outHeight: plan.outHeight,
    channels,
    depth,
    srcKind: shape.kind,
    srcWidth: shape.width,
    srcHeight: shape.height,
    alignedRows,
    alignedCols,
    select: job.select,
    linear: job.linear,
    blend: effects.blend,
    opacity: filter.opacity,
    filteredChannels: inputChannels,
    mask,
    maskRows: null,
    dstKind: step.target.kind,
    scale: step.target.depth === depth ? 1 : maxValue(step.target.depth) / maxValue(depth)
  }
  // A mask the kernels composite with (8-bit RGB) keeps its rows between runs, shared by the threads.
  if (mask && isRgb8Composite(composite) && kernelBlendCode(effects.blend) >= 0) {
    return { composite: { ...composite, maskRows: sharedMaskRows(mask) }, grid }
  }
  return { composite, grid }
}
