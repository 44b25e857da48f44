// Planning one filter of a stack for the fast paths: which algorithm runs (direct 2-D, integer direct, separable
// or low-rank 1-D passes, FFT tiles), the border tables as runs, and the finishing parameters. Plans are plain
// data (typed arrays and numbers), so they can be posted to worker threads. Pure: no node:* imports.
import { indexTable, kernelAnchor, outputSize } from '../border'
import { ALPHA_SUM_TOLERANCE, midGrey } from '../convolve'
import { maxValue } from '../image'
import { flipKernel, kernelSum } from '../kernel'
import type { ResolvedFilter } from '../stack'
import type { BitDepth, Channels } from '../types'
import { FinishMode, SampleKind } from './backend'
import {
  ALPHA_ERROR_GAIN,
  directEstimate,
  fftEstimate,
  fftPrecision,
  fixedEstimate,
  FLOAT_MAX_ERROR,
  integerEstimate,
  separableEstimate,
  type ErrorScale,
  type Estimate,
  type Precision
} from './cost-model'
import { decompose } from './decompose'
import { FIXED_MAX_ERROR, FIXED_MAX_RMS, fixedSplit, type FixedSplit } from './fixed-point'

export type { Precision } from './cost-model'
// The limits the planner holds the fixed-point path to, with the rest of its public face.
export { FIXED_MAX_ERROR, FIXED_MAX_RMS } from './fixed-point'

/** The algorithms a filter can run with. */
export type FastMethod = 'direct' | 'direct-i16' | 'separable' | 'separable-i16' | 'fft'

/** All methods, for tests and benchmarks that force each one. */
export const FAST_METHODS: readonly FastMethod[] = ['direct', 'direct-i16', 'separable', 'separable-i16', 'fft']

/** Sample kind codes (see SampleKind): 0 u8, 1 u16, 2 f32. */
export type KindCode = 0 | 1 | 2

/** What a filter reads. */
export interface SourceShape {
  readonly width: number
  readonly height: number
  readonly channels: Channels
  /** Range of the samples (0..255 or 0..65535), also for f32 intermediates. */
  readonly depth: BitDepth
  readonly kind: KindCode
}

/** What a filter writes: f32 between filters, integers of `depth` after the last one. */
export interface TargetShape {
  readonly kind: KindCode
  readonly depth: BitDepth
}

/** The pass of a filter: everything at once, or for `stretch` first the unmapped values, then the mapping. */
export type FilterStage = 'final' | 'raw' | 'map'

/** Options for {@link planFilter}. */
export interface PlanOptions {
  /** Run this method even if another looks faster (tests, benchmarks). @default chosen by cost */
  readonly method?: FastMethod
  /** FFT tile size as log2 (benchmarks); must exceed the kernel. @default chosen by cost */
  readonly tileLog2?: number
  /** @default 'final' */
  readonly stage?: FilterStage
  /**
   * The source's alpha is at its maximum everywhere (the caller checked). Under any border but `zero` it stays
   * so, colour needs no premultiplying, and the filter runs as if there were no alpha. @default false
   */
  readonly opaqueAlpha?: boolean
  /** Stage 'map' only: the precision its stage 'raw' ran with. @default by depth */
  readonly precision?: Precision
  /** The whole output's colour range before mapping, for stage 'map'. @default 0..0 */
  readonly low?: number
  readonly high?: number
  /**
   * What later steps multiply this filter's errors by (the stretch mapping, the gain of later filters): error
   * estimates are scaled by it, so paths are chosen (or made f64) to keep the final result within a level. @default 1
   */
  readonly gain?: number
}

/** Taps of a direct 2-D pass: non-zero weights with their kernel row and sample offset, in row-major order. */
export interface TapList {
  readonly rows: Int32Array
  /** Offset within the padded row, in samples. */
  readonly offsets: Int32Array
  readonly weights: Float64Array
  readonly weightsI16: Int16Array
}

/** One 1-D pass pair of a separable plan (zero weights dropped). */
export interface TermPlan {
  /** Kernel rows (ring offsets) and weights of the vertical pass. */
  readonly columnRows: Int32Array
  readonly columnWeights: Float64Array
  /** Sample offsets (in samples) and weights of the horizontal pass. */
  readonly rowOffsets: Int32Array
  readonly rowWeights: Float64Array
}

/** A planned filter stage; plain data for postMessage. */
export interface FilterPlan {
  /** 'map' only applies the stretch mapping to unmapped values (stage 'map'). */
  readonly method: FastMethod | 'map'
  readonly stage: FilterStage
  readonly precision: Precision
  /** Estimated largest error of the result before rounding, in levels, `gain` included (0 for 'map'). */
  readonly error: number
  readonly channels: Channels
  readonly srcKind: KindCode
  readonly srcWidth: number
  readonly srcHeight: number
  readonly dstKind: KindCode
  readonly outWidth: number
  readonly outHeight: number
  /** Output samples scale to the target depth (toInt's rescaling). */
  readonly scale: number
  readonly max: number
  readonly kh: number
  readonly kw: number
  readonly centreY: number
  readonly centreX: number
  /** Source row of padded row p (-1: zeros), for p in 0 .. outHeight + kh - 2. */
  readonly rows: Int32Array
  /** Padded-row runs as (dstPixel, srcPixel or -1, count) triples. */
  readonly segs: Int32Array
  /** Alpha handled as the reference does (premultiplied colour); false without alpha and for `fillAlpha`. */
  readonly hasAlpha: boolean
  readonly alphaConvolved: boolean
  /** Opaque source kept opaque: computed as if without alpha, then alpha set to its maximum. */
  readonly fillAlpha: boolean
  readonly divisor: number
  readonly offset: number
  readonly finishMode: number
  readonly p1: number
  readonly p2: number
  /** 1: no blend; otherwise the result is blended over the aligned input. */
  readonly opacity: number
  readonly taps: TapList | null
  /** i16 direct path only: finish in integers (divisor 1, integer offset, clamp/abs/shift, u8 out). */
  readonly intFinish: boolean
  readonly terms: readonly TermPlan[]
  /** 'separable-i16' only: the fixed-point form of the kernel. */
  readonly fixed: FixedSplit | null
  /** FFT: log2 of the tile size, and the kernel weights (as applied, row-major) for its spectrum. */
  readonly logN: number
  readonly weights: Float64Array
  /** Estimated ns per output sample of each applicable method (diagnostics, benchmarks). */
  readonly costs: Readonly<Partial<Record<FastMethod, number>>>
  /** The methods that can run this filter within FLOAT_MAX_ERROR of a level (forcing another one throws). */
  readonly applicable: readonly FastMethod[]
}

/** Plans one filter for a source of `source` shape writing `target`; `filter` comes from resolveFilter. */
export function planFilter(
  source: SourceShape,
  filter: ResolvedFilter,
  target: TargetShape,
  options: PlanOptions = {}
): FilterPlan {
  const stage = options.stage ?? 'final'
  const { options: conv } = filter
  const kernel = conv.flip ? flipKernel(filter.kernel) : filter.kernel
  const kh = kernel.height
  const kw = kernel.width
  const size = outputSize(source.height, source.width, kernel, conv.mode)
  const anchor = kernelAnchor(kernel, conv.mode)
  const rows = indexTable(size.height, kh, anchor.y, source.height, conv.border)
  const cols = indexTable(size.width, kw, anchor.x, source.width, conv.border)
  const channels = source.channels
  const alphaChannel = channels === 2 || channels === 4
  const fillAlpha = alphaChannel && options.opaqueAlpha === true && conv.border !== 'zero'
  const hasAlpha = alphaChannel && !fillAlpha
  const max = maxValue(source.depth)
  const divisor = kernel.divisor
  const alphaConvolved =
    hasAlpha && !conv.keepAlpha && Math.abs(kernelSum(kernel) / divisor - 1) <= ALPHA_SUM_TOLERANCE
  const finishMode =
    (stage === 'raw'
      ? FinishMode.Raw
      : { clamp: FinishMode.Clamp, abs: FinishMode.Abs, shift: FinishMode.Shift, stretch: FinishMode.Stretch }[conv.signed]) +
    (hasAlpha ? FinishMode.Transparent : 0)
  const p1 = conv.signed === 'shift' ? midGrey(max) : (options.low ?? 0)
  const p2 = options.high ?? 0
  const scale = target.depth === source.depth ? 1 : maxValue(target.depth) / max
  const opacity = stage === 'raw' ? 1 : filter.opacity
  const weights = Float64Array.from(kernel.weights)

  const base = {
    stage,
    channels,
    srcKind: source.kind,
    srcWidth: source.width,
    srcHeight: source.height,
    dstKind: stage === 'raw' ? SampleKind.F32 : target.kind,
    outWidth: size.width,
    outHeight: size.height,
    scale,
    max,
    kh,
    kw,
    centreY: (kh - 1) / 2,
    centreX: (kw - 1) / 2,
    rows,
    segs: runs(cols),
    hasAlpha,
    alphaConvolved,
    fillAlpha,
    divisor,
    offset: kernel.offset,
    finishMode,
    p1,
    p2,
    opacity,
    weights
  }
  const wide: Precision = source.depth === 16 ? 'f64' : 'f32'
  if (stage === 'map') {
    const precision = options.precision ?? wide
    return { ...base, method: 'map', precision, error: 0, taps: null, intFinish: false, terms: [], fixed: null, logN: 0, costs: {}, applicable: [] }
  }

  // Integer path: 8-bit source, integer weights, i16 sums cannot overflow.
  let absSum = 0
  let integral = true
  for (const w of kernel.weights) {
    absSum += Math.abs(w)
    if (!Number.isInteger(w)) integral = false
  }
  const i16Ok = source.kind === SampleKind.U8 && !hasAlpha && integral && absSum * 255 <= 32767 && opacity === 1
  const intFinish =
    i16Ok &&
    stage === 'final' &&
    divisor === 1 &&
    Number.isInteger(kernel.offset) &&
    (finishMode === FinishMode.Clamp || finishMode === FinishMode.Abs || finishMode === FinishMode.Shift) &&
    target.kind === SampleKind.U8 &&
    scale === 1 &&
    absSum * 255 + Math.abs(kernel.offset) + 128 <= 32767

  const nnz = kernel.weights.filter((w) => w !== 0).length
  const paddedRatio = (size.width + kw - 1) / size.width
  // Error estimates (levels, before rounding) scale with the largest sample, the kernel's gain and what later
  // steps multiply the error by: the caller's `gain`, and for colour under alpha the un-premultiplying (up to 32x
  // at alpha 8/255, below which the reference itself is unstable).
  const gain = (max / Math.abs(divisor)) * (options.gain ?? 1) * (hasAlpha ? ALPHA_ERROR_GAIN : 1)
  const errorScale: ErrorScale = { levels: gain * absSum, gain, deep: source.depth === 16 }
  const estimates: Partial<Record<FastMethod, Estimate>> = {}
  estimates.direct = directEstimate(nnz, paddedRatio, errorScale)
  if (i16Ok) estimates['direct-i16'] = integerEstimate(nnz, paddedRatio, intFinish, errorScale)

  const split = decompose(weights, kh, kw)
  const rank = chooseRank(split.tail, gain, source.depth === 16 ? 1e-6 : 0.002)
  if (rank <= split.terms.length) {
    estimates.separable = separableEstimate(split.terms.slice(0, rank), split.tail[rank] ?? 0, paddedRatio, errorScale)
  }
  // Fixed point: 8-bit in and out, rank 1, nothing but an offset and clamp or shift after the sums, and only
  // where the quantisation is proven within one level and rarely changes a rounding.
  let fixed: FixedSplit | null = null
  if (
    rank === 1 &&
    split.terms.length >= 1 &&
    source.kind === SampleKind.U8 &&
    !hasAlpha &&
    opacity === 1 &&
    stage === 'final' &&
    target.kind === SampleKind.U8 &&
    scale === 1 &&
    max === 255 &&
    (options.gain ?? 1) === 1 &&
    (finishMode === FinishMode.Clamp || finishMode === FinishMode.Shift)
  ) {
    const constant = kernel.offset + (finishMode === FinishMode.Shift ? p1 : 0)
    const tailLevels = (split.tail[1] ?? 0) * (max / Math.abs(divisor))
    const found = fixedSplit(split.terms[0].column, split.terms[0].row, divisor, constant, tailLevels, channels)
    if (found && found.bound <= FIXED_MAX_ERROR && found.rms <= FIXED_MAX_RMS) {
      fixed = found
      estimates['separable-i16'] = fixedEstimate(found, paddedRatio)
    }
  }
  const jobsPerTile = channels - ((hasAlpha && !alphaConvolved) || fillAlpha ? 1 : 0)
  const fft = fftEstimate(kh, kw, size.height, size.width, channels, jobsPerTile, paddedRatio, errorScale)
  if (fft) estimates.fft = fft

  // A path whose error even in f64 would pass the limit is not offered (direct f64 always is: it is exact).
  const costs: Partial<Record<FastMethod, number>> = {}
  for (const m of FAST_METHODS) {
    const estimate = estimates[m]
    if (estimate && estimate.error <= FLOAT_MAX_ERROR) costs[m] = estimate.cost
  }
  const applicable = FAST_METHODS.filter((m) => costs[m] !== undefined)
  let method: FastMethod = options.method ?? 'direct'
  if (options.method === undefined) {
    for (const m of applicable) if ((costs[m] as number) < (costs[method] as number)) method = m
  } else if (!applicable.includes(method)) {
    throw new Error(
      method === 'direct-i16'
        ? 'the integer path needs an 8-bit source without alpha, integer weights and no opacity blend'
        : method === 'separable-i16'
          ? 'the fixed-point path needs a separable kernel on an 8-bit image without alpha or blend, 8-bit out, within its error bound'
          : `method ${method} cannot run this ${kw}x${kh} kernel within ${FLOAT_MAX_ERROR} of a level`
    )
  }
  let logN = method === 'fft' && fft ? fft.logN : 0
  let { precision, error } = estimates[method] as Estimate
  if (method === 'fft' && options.tileLog2 !== undefined) {
    if ((1 << options.tileLog2) <= Math.max(kh, kw)) throw new Error(`FFT tiles of ${1 << options.tileLog2} do not fit a ${kw}x${kh} kernel`)
    logN = options.tileLog2
  }
  if (method === 'fft' && (!fft || logN !== fft.logN)) ({ precision, error } = fftPrecision(logN, errorScale.levels))
  const terms: TermPlan[] = []
  if (method === 'separable') {
    const r = Math.min(rank, split.terms.length)
    for (let t = 0; t < r; t++) terms.push(termPlan(split.terms[t].column, split.terms[t].row, channels))
  }
  return {
    ...base,
    method,
    precision,
    error,
    taps: method === 'direct' || method === 'direct-i16' ? tapList(kernel.weights, kh, kw, channels) : null,
    intFinish: method === 'direct-i16' && intFinish,
    terms,
    fixed: method === 'separable-i16' ? fixed : null,
    logN,
    costs,
    applicable
  }
}

/**
 * Fewest terms whose dropped rest moves no output by more than `levels` (`gain` = range / |divisor|): far below
 * the float noise, so a kernel that is low-rank up to rounding (a gaussian) is split, and a full-rank one is not.
 */
function chooseRank(tail: readonly number[], gain: number, levels: number): number {
  for (let r = 0; r < tail.length; r++) if (tail[r] * gain <= levels) return r
  return tail.length
}

function termPlan(column: Float64Array, row: Float64Array, channels: number): TermPlan {
  const columnRows: number[] = []
  const columnWeights: number[] = []
  column.forEach((w, i) => {
    if (w !== 0) {
      columnRows.push(i)
      columnWeights.push(w)
    }
  })
  const rowOffsets: number[] = []
  const rowWeights: number[] = []
  row.forEach((w, j) => {
    if (w !== 0) {
      rowOffsets.push(j * channels)
      rowWeights.push(w)
    }
  })
  return {
    columnRows: Int32Array.from(columnRows),
    columnWeights: Float64Array.from(columnWeights),
    rowOffsets: Int32Array.from(rowOffsets),
    rowWeights: Float64Array.from(rowWeights)
  }
}

function tapList(weights: readonly number[], kh: number, kw: number, channels: number): TapList {
  const rows: number[] = []
  const offsets: number[] = []
  const values: number[] = []
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const w = weights[i * kw + j]
      if (w === 0) continue
      rows.push(i)
      offsets.push(j * channels)
      values.push(w)
    }
  }
  const integral = values.every((w) => Number.isInteger(w) && Math.abs(w) <= 32767)
  return {
    rows: Int32Array.from(rows),
    offsets: Int32Array.from(offsets),
    weights: Float64Array.from(values),
    weightsI16: integral ? Int16Array.from(values) : new Int16Array(0)
  }
}

/**
 * Border table to runs: (dstPixel, srcPixel, count) triples where consecutive padded pixels read consecutive
 * source pixels (one bulk conversion each), or zeros (srcPixel -1).
 */
export function runs(cols: Int32Array): Int32Array {
  const out: number[] = []
  let t = 0
  while (t < cols.length) {
    const start = t
    const src = cols[t]
    t++
    if (src < 0) while (t < cols.length && cols[t] < 0) t++
    else while (t < cols.length && cols[t] === src + (t - start)) t++
    out.push(start, src, t - start)
  }
  return Int32Array.from(out)
}
