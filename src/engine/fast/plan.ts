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
import { decompose } from './decompose'

/** The algorithms a filter can run with. */
export type FastMethod = 'direct' | 'direct-i16' | 'separable' | 'separable-i16' | 'fft'

/** All methods, for tests and benchmarks that force each one. */
export const FAST_METHODS: readonly FastMethod[] = ['direct', 'direct-i16', 'separable', 'separable-i16', 'fft']

/**
 * A rank-1 kernel in fixed point for 8-bit images (method 'separable-i16'): u8 rows times i16 column weights
 * summed in i32, rounded to an i16 row with `frac` fractional bits (less `rowBias`), then i16 times i16 row
 * weights summed in i32 and shifted down to bytes. Taps go in pairs (an odd count gets a zero-weight partner).
 */
export interface FixedSplit {
  /** The column is symmetric: columnRows holds (row, mirror row) per folded tap, -1 for a zero row. */
  readonly symmetric: boolean
  /** Kernel rows (ring offsets) of the vertical pass, an even count (of pairs of rows when symmetric). */
  readonly columnRows: Int32Array
  /** Column weights as i16 pairs packed in i32 words (first tap in the low half). */
  readonly columnWeights: Int32Array
  readonly bias1: number
  readonly shift1: number
  /**
   * Sample offsets of the horizontal pass, an even count; with `rowFolded`, 4 per folded pair (a, a', b, b')
   * and 3 for the last step (a, a', centre).
   */
  readonly rowOffsets: Int32Array
  /** i16 pairs packed in i32 words, one per pair (folded: per folded pair, then the last step's). */
  readonly rowWeights: Int32Array
  /**
   * The row is symmetric and folded: mirrored taps of the i16 row (7 fractional bits at most, so two fit in
   * i16) are summed first and share a weight, half the multiplies.
   */
  readonly rowFolded: boolean
  readonly bias2: number
  readonly shift2: number
  /** Proven largest error before the final rounding, in levels (under 1: never more than 1 level off). */
  readonly bound: number
  /** Estimated root-mean-square error on uniformly random 8-bit input, in levels. */
  readonly rms: number
}

/**
 * The largest proven error (levels, before rounding) the fixed-point path may have. Under 1 level already keeps
 * every sample within one level of the reference; the tighter limit also bounds how far correlated inputs
 * (flat areas, borders replicated across a wide kernel) can push the rounding errors together, where the rms
 * estimate below, made for independent samples, says too little (a 63x63 box on a small image: 0.07).
 */
export const FIXED_MAX_ERROR = 0.05
/**
 * The largest estimated rms error (uniformly random input) it may have. The share of samples that round
 * differently from the reference is about 0.7 times the rms: under 0.06% even on noise, in line with the f32
 * paths, and far less on photos.
 */
export const FIXED_MAX_RMS = 8e-4

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

/**
 * Arithmetic of a plan: f32 (SIMD 4 wide), or f64 (2 wide) for 16-bit images, where f32 sums of values up to 65535
 * would round differently from the reference now and then, and wherever the f32 error estimate is too large.
 */
export type Precision = 'f32' | 'f64'

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
  /** The methods that can run this filter exactly (forcing another one throws). */
  readonly applicable: readonly FastMethod[]
}

// Measured on the reference machine (2-core Zen 4, Node 20, one thread, wasm backend): ns per multiply-add in
// the f32 and i16 weighted-sum loops, per padded sample, per finished sample, and per FFT tile pair by size.
const NS_MAC_F32 = 0.072
const NS_MAC_I16 = 0.04
const NS_PAD = 0.13
const NS_FINISH = 0.4
// The fixed-point separable path: per tap pair of either pass (one dot product of 8 multiplies covers 4
// samples, plus the interleaving), measured on a 12 MP photo beside the f32 passes; its per-row overhead is
// taken as the f32 path's.
const NS_PAIR_FIXED = 0.06
// FFT tile pairs, gathering and scattering included, as measured on a 12 MP photo (larger tiles lose to cache
// misses on the strips and spectra beyond what their transform size alone suggests).
const NS_FFT_TILE: Readonly<Record<number, number>> = {
  16: 1800,
  32: 6000,
  64: 26000,
  128: 130000,
  256: 620000,
  512: 3000000,
  1024: 14000000
}
// The same for the f64 FFT (plain TypeScript, fft64.ts: 20-27x the f32 SIMD tiles), per tile pair through the
// transform, plus a tenth for gathering and scattering.
const NS_FFT64_TILE: Readonly<Record<number, number>> = {
  16: 35000,
  32: 130000,
  64: 570000,
  128: 3800000,
  256: 13700000,
  512: 90000000,
  1024: 410000000
}

/** Unit roundoff of f32 and f64: the largest relative error of one rounding. */
const F32_EPSILON = 2 ** -24
const F64_EPSILON = 2 ** -53
/**
 * The largest estimated error (levels, before rounding) a float path may have; above it the planner takes f64.
 * Well under 1 level, so every sample stays within one level of the reference, and the share of samples that
 * round differently stays small.
 */
export const FLOAT_MAX_ERROR = 0.1
/** How much un-premultiplying may enlarge an error in colour: max / alpha at alpha 8/255. */
const ALPHA_ERROR_GAIN = 32

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
  const n = size.width * channels
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
  const rowCommon = NS_PAD * paddedRatio + NS_FINISH
  // Error estimates (levels, before rounding) scale with the largest sample, the kernel's gain and what later
  // steps multiply the error by: the caller's `gain`, and for colour under alpha the un-premultiplying (up to 32x
  // at alpha 8/255, below which the reference itself is unstable).
  const levels = max * (absSum / Math.abs(divisor)) * (options.gain ?? 1) * (hasAlpha ? ALPHA_ERROR_GAIN : 1)
  const costs: Partial<Record<FastMethod, number>> = {}
  const errors: Partial<Record<FastMethod, number>> = {}
  const precisions: Partial<Record<FastMethod, Precision>> = {}
  // f32 where its estimated error stays under FLOAT_MAX_ERROR, else f64 at twice the cost (2 lanes per SIMD op).
  // 16-bit images always take f64: summed in the reference's order, direct plans then match it exactly.
  const pick = (m: 'direct' | 'separable', cost: number, f32: number, f64: number): void => {
    const narrow = source.depth === 8 && f32 <= FLOAT_MAX_ERROR
    precisions[m] = narrow ? 'f32' : 'f64'
    errors[m] = narrow ? f32 : f64
    costs[m] = narrow ? cost : cost * 2
  }
  // Direct: f32 sums drift like a random walk over the taps; f64 sums in the reference's order are exact.
  pick('direct', nnz * NS_MAC_F32 + rowCommon, F32_EPSILON * (Math.sqrt(nnz) + 2) * levels, 0)
  if (i16Ok) {
    costs['direct-i16'] = nnz * NS_MAC_I16 + NS_PAD * 0.5 * paddedRatio + (intFinish ? 0.07 : NS_FINISH + 0.1)
    // Integer sums are exact; only the f32 finish (divisor, offset, mapping) rounds.
    errors['direct-i16'] = intFinish ? 0 : 2 * F32_EPSILON * levels
    precisions['direct-i16'] = 'f32'
  }

  const split = decompose(weights, kh, kw)
  const gain = (max / Math.abs(divisor)) * (options.gain ?? 1) * (hasAlpha ? ALPHA_ERROR_GAIN : 1)
  const rank = chooseRank(split.tail, gain, source.depth === 16 ? 1e-6 : 0.002)
  if (rank <= split.terms.length) {
    let macs = 0
    let termGain = 0
    let taps = 0
    for (let t = 0; t < rank; t++) {
      const { column, row } = split.terms[t]
      macs += countNonZero(column) * paddedRatio + countNonZero(row)
      termGain += absTotal(column) * absTotal(row)
      taps = Math.max(taps, Math.sqrt(countNonZero(column)) + Math.sqrt(countNonZero(row)) + 1)
    }
    // Each pass rounds its sums (the vertical one into a stored row); dropped terms add what they leave out.
    const rounding = taps * gain * termGain
    const tail = (split.tail[rank] ?? 0) * gain
    pick('separable', macs * NS_MAC_F32 + rowCommon, F32_EPSILON * rounding + tail, F64_EPSILON * rounding + tail)
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
      // A folded pair (4 rows) costs about 1.5 plain ones.
      const pairs = found.symmetric ? (found.columnRows.length / 4) * 1.5 : found.columnRows.length / 2
      // A folded row step (4 taps read) costs about 1.4 plain pairs.
      const rowPairs = found.rowFolded ? found.rowWeights.length * 1.4 : found.rowOffsets.length / 2
      costs['separable-i16'] = (pairs * paddedRatio + rowPairs) * NS_PAIR_FIXED + rowCommon
      errors['separable-i16'] = found.bound
      precisions['separable-i16'] = 'f32'
    }
  }
  const jobsPerTile = channels - ((hasAlpha && !alphaConvolved) || fillAlpha ? 1 : 0)
  const fft = chooseTile(kh, kw, size.height, size.width, jobsPerTile, levels)
  if (fft) {
    const padding = NS_PAD * paddedRatio * ((1 << fft.logN) / ((1 << fft.logN) - kh + 1)) * (fft.precision === 'f64' ? 2 : 1)
    costs.fft = fft.ns / (n * size.height) + NS_FINISH + padding
    errors.fft = fft.error
    precisions.fft = fft.precision
  }

  // A path whose error even in f64 would pass the limit is not offered (direct f64 always is: it is exact).
  for (const m of FAST_METHODS) if ((errors[m] ?? 0) > FLOAT_MAX_ERROR && m !== 'separable-i16') delete costs[m]
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
  let logN = method === 'fft' ? (fft ?? forcedTile(kh, kw)).logN : 0
  let precision = precisions[method] ?? (source.depth === 16 ? 'f64' : 'f32')
  let error = errors[method] ?? 0
  if (method === 'fft' && options.tileLog2 !== undefined) {
    if ((1 << options.tileLog2) <= Math.max(kh, kw)) throw new Error(`FFT tiles of ${1 << options.tileLog2} do not fit a ${kw}x${kh} kernel`)
    logN = options.tileLog2
  }
  if (method === 'fft' && (!fft || logN !== fft.logN)) ({ precision, error } = fftPrecision(logN, levels))
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
 * The fixed-point form of the rank-1 kernel column x row / divisor, plus `constant` (the offset and the shift
 * mode's mid-grey), with its proven error bound and estimated rms error; `tailLevels` is what the dropped
 * terms can add. Null when no quantisation fits i16 weights and i32 sums. The column is scaled to an absolute
 * sum of 1 (the row takes the rest), so the i16 row spans 8 bits of range and keeps 8 fractional bits.
 */
export function fixedSplit(
  column: ArrayLike<number>,
  row: ArrayLike<number>,
  divisor: number,
  constant: number,
  tailLevels: number,
  channels: number
): FixedSplit | null {
  let colIndex: number[] = []
  const rowIndex: number[] = []
  for (let i = 0; i < column.length; i++) if (column[i] !== 0) colIndex.push(i)
  for (let j = 0; j < row.length; j++) if (row[j] !== 0) rowIndex.push(j)
  let colAbs = 0
  for (const i of colIndex) colAbs += Math.abs(column[i])
  if (colIndex.length === 0 || rowIndex.length === 0 || !Number.isFinite(colAbs)) return null
  // A symmetric column (every gaussian) folds: mirrored rows are summed as u8 and share one weight, quantised
  // symmetrically (the whole column is kept, so indices are kernel rows).
  const kh = column.length
  let colMax = 0
  for (let i = 0; i < kh; i++) colMax = Math.max(colMax, Math.abs(column[i]))
  let symmetric = kh % 2 === 1 && kh > 1
  for (let i = 0; symmetric && i < kh; i++) if (Math.abs(column[i] - column[kh - 1 - i]) > 1e-12 * colMax) symmetric = false
  if (symmetric) colIndex = Array.from({ length: kh }, (_, i) => i)
  const c = colIndex.map((i) => column[i] / colAbs)
  const quantiseColumn = (scale: number): number[] => (symmetric ? quantiseSymmetric(c, scale) : quantise(c, scale))
  const r = rowIndex.map((j) => (row[j] * colAbs) / divisor)
  const maxC = Math.max(...c.map(Math.abs))
  const maxR = Math.max(...r.map(Math.abs))
  if (!(maxR > 0) || !Number.isFinite(maxR)) return null
  const I32_MAX = 2 ** 31 - 1

  // Vertical pass: the most fractional bits the i16 weights allow.
  let a = Math.min(30, Math.floor(Math.log2(32767 / maxC)))
  let cq = quantiseColumn(2 ** a)
  while (a > 0 && cq.some((v) => Math.abs(v) > 32767)) cq = quantiseColumn(2 ** --a)
  let accLo = 0
  let accHi = 0
  for (const v of cq) if (v < 0) accLo += 255 * v
  for (const v of cq) if (v > 0) accHi += 255 * v
  const sum = (values: number[]): number => values.reduce((s, v) => s + v, 0)
  const pos = (values: number[]): number => sum(values.filter((v) => v > 0))
  const neg = (values: number[]): number => -sum(values.filter((v) => v < 0))
  const dc = cq.map((v, i) => v / 2 ** a - c[i])
  const cApplied = cq.map((v) => v / 2 ** a)
  const e1 = 255 * Math.max(pos(dc), neg(dc))
  const maxAbsV = 255 * Math.max(pos(cApplied), neg(cApplied))
  const varX = (255 * 255) / 12
  const varV = varX * sum(cApplied.map((v) => v * v))
  const meanV = 127.5 * sum(cApplied)

  // The i16 row's fractional bits f and the row weights' b share the 32 bits of the final sums: more of f
  // suits sharp rows, more of b long flat ones. Each f that fits is tried; the lowest estimated error wins.
  // `fold`: mirrored row values are summed in i16 first, so the row keeps at most 7 fractional bits and half
  // the i16 range (two then fit).
  type Candidate = Omit<FixedSplit, 'symmetric' | 'columnRows' | 'columnWeights' | 'rowOffsets' | 'rowWeights' | 'rowFolded'> & {
    rq: number[]
  }
  const search = (r: number[], quantiseRow: (scale: number) => number[], fold: boolean): Candidate | null => {
    const rAbs = sum(r.map(Math.abs))
    const r2 = sum(r.map((v) => v * v))
    const maxR = Math.max(...r.map(Math.abs))
    const span = fold ? 32767 : 65535
    let best: Candidate | null = null
    for (let f = Math.min(a, fold ? 7 : 8); f >= Math.max(0, a - 15); f--) {
      // acc + bias1 then spans [-2^15, 2^15) << shift1, inside i32 for shift1 <= 15.
      const shift1 = a - f
      const half = shift1 > 0 ? 2 ** (shift1 - 1) : 0
      const vlo = Math.floor((accLo + half) / 2 ** shift1)
      const vhi = Math.floor((accHi + half) / 2 ** shift1)
      if (vhi - vlo > span) continue
      const rowBias = vlo + (span + 1) / 2
      // Horizontal pass: the most fractional bits for which the true totals stay inside i32.
      let b = Math.min(30 - f, Math.floor(Math.log2(32767 / maxR)))
      let rq: number[] = []
      let k = 0
      for (; b >= 0; b--) {
        rq = quantiseRow(2 ** b)
        if (rq.some((v) => Math.abs(v) > 32767)) continue
        k = Math.round((constant + 0.5 - 128) * 2 ** (b + f))
        let lo = k
        let hi = k
        for (const w of rq) {
          lo += Math.min(w * vlo, w * vhi)
          hi += Math.max(w * vlo, w * vhi)
        }
        if (lo >= -(2 ** 31) && hi <= I32_MAX) break
      }
      if (b < 0) continue
      const shift2 = b + f
      // Error bound (levels): column weight rounding over inputs in 0..255, row weight rounding over the row's
      // values, the i16 row's rounding, the constant's rounding and dropped terms.
      const dr = rq.map((v, j) => v / 2 ** b - r[j])
      const rqAbs = sum(rq.map((v) => Math.abs(v) / 2 ** b))
      // Column weights that are all multiples of 2^shift1 (a single tap: a pure horizontal kernel) make the
      // i16 row exact.
      const rowExact = cq.every((v) => v % 2 ** shift1 === 0)
      const rowRounding = rowExact ? 0 : 2 ** -(f + 1)
      const bound = rAbs * e1 + sum(dr.map(Math.abs)) * maxAbsV + rqAbs * rowRounding + 2 ** -(shift2 + 1) + tailLevels
      // Estimated rms on uniform random input (variance 255^2 / 12, mean 127.5), the weight errors' bias counted.
      const var1 = varX * sum(dc.map((v) => v * v)) + (127.5 * sum(dc)) ** 2 + (rowExact ? 0 : 2 ** (-2 * f) / 12)
      const var2 = varV * sum(dr.map((v) => v * v)) + (meanV * sum(dr)) ** 2
      const rms = Math.sqrt(r2 * var1 + var2 + 2 ** (-2 * shift2) / 12) + tailLevels
      if (best && best.rms <= rms) continue
      const rqSum = sum(rq)
      best = { bias1: (half - rowBias * 2 ** shift1) | 0, shift1, bias2: (rowBias * rqSum + k) | 0, shift2, bound, rms, rq }
    }
    return best
  }

  // A symmetric row of 5 taps or more (every gaussian) folds where the 7-bit row still keeps within the limits.
  const kw = row.length
  let rowMax = 0
  for (let j = 0; j < kw; j++) rowMax = Math.max(rowMax, Math.abs(row[j]))
  let rowFolded = kw >= 5 && kw % 2 === 1
  for (let j = 0; rowFolded && j < kw; j++) if (Math.abs(row[j] - row[kw - 1 - j]) > 1e-12 * rowMax) rowFolded = false
  let best: Candidate | null = null
  if (rowFolded) {
    const full = Array.from(row, (v) => (v * colAbs) / divisor)
    const folded = search(full, (scale) => quantiseSymmetric(full, scale), true)
    if (folded && folded.bound <= FIXED_MAX_ERROR && folded.rms <= FIXED_MAX_RMS) best = folded
    else rowFolded = false
  }
  best ??= search(r, (scale) => quantise(r, scale), false)
  if (!best) return null

  // Pairs: an odd tap count gets a zero-weight partner reading the same row.
  const pairUp = (taps: number[], weights: number[]): { taps: Int32Array; words: Int32Array } => {
    const t = [...taps]
    const w = [...weights]
    if (t.length % 2) {
      t.push(t[t.length - 1])
      w.push(0)
    }
    const words = new Int32Array(t.length / 2)
    for (let p = 0; p < words.length; p++) words[p] = (w[2 * p] & 0xffff) | (w[2 * p + 1] << 16)
    return { taps: Int32Array.from(t), words }
  }
  const col = symmetric ? foldedPairs(cq) : pairUp(colIndex, cq)
  const rw = rowFolded
    ? foldedRow(best.rq, channels)
    : pairUp(
        rowIndex.map((j) => j * channels),
        best.rq
      )
  const { rq: _rq, ...rest } = best
  return { ...rest, symmetric, columnRows: col.taps, columnWeights: col.words, rowOffsets: rw.taps, rowWeights: rw.words, rowFolded }
}

/**
 * The folded horizontal pass of a symmetric quantised row (odd length): mirrored taps (j, kw - 1 - j) share
 * rq[j]; pairs of them make one dot product each (offsets a, a', b, b'), and the last step pairs the centre
 * with the folded tap left over, or with nothing (weight 0, offsets at the centre).
 */
function foldedRow(rq: readonly number[], channels: number): { taps: Int32Array; words: Int32Array } {
  const kw = rq.length
  const mid = (kw - 1) / 2
  const taps: number[] = []
  const words: number[] = []
  const word = (w0: number, w1: number): number => (w0 & 0xffff) | (w1 << 16)
  let j = 0
  for (; j + 1 < mid; j += 2) {
    taps.push(j * channels, (kw - 1 - j) * channels, (j + 1) * channels, (kw - 2 - j) * channels)
    words.push(word(rq[j], rq[j + 1]))
  }
  if (j < mid) {
    taps.push(j * channels, (kw - 1 - j) * channels, mid * channels)
    words.push(word(rq[j], rq[mid]))
  } else {
    taps.push(mid * channels, mid * channels, mid * channels)
    words.push(word(0, rq[mid]))
  }
  return { taps: Int32Array.from(taps), words: Int32Array.from(words) }
}

/**
 * Folded taps of a symmetric quantised column: (row, mirror row) with one weight, the centre row with mirror -1
 * (a zero row), zero weights dropped, paired for the dot products (an odd count gets a zero-weight partner).
 */
function foldedPairs(cq: readonly number[]): { taps: Int32Array; words: Int32Array } {
  const mid = (cq.length - 1) / 2
  const taps: number[] = []
  const weights: number[] = []
  for (let i = 0; i < mid; i++) {
    if (cq[i] === 0) continue
    taps.push(i, cq.length - 1 - i)
    weights.push(cq[i])
  }
  if (cq[mid] !== 0 || weights.length === 0) {
    taps.push(mid, -1)
    weights.push(cq[mid])
  }
  if (weights.length % 2) {
    taps.push(-1, -1)
    weights.push(0)
  }
  const words = new Int32Array(weights.length / 2)
  for (let p = 0; p < words.length; p++) words[p] = (weights[2 * p] & 0xffff) | (weights[2 * p + 1] << 16)
  return { taps: Int32Array.from(taps), words }
}

/**
 * {@link quantise} for a symmetric odd-length column, keeping it symmetric: mirrored entries move together by
 * one each (the sum by two), the centre alone by one.
 */
function quantiseSymmetric(values: readonly number[], scale: number): number[] {
  const n = values.length
  const mid = (n - 1) / 2
  const half = values.slice(0, mid + 1).map((v, i) => (i === mid ? v : (v + values[n - 1 - i]) / 2))
  const q = half.map((v) => Math.round(v * scale))
  const total = (): number => q.reduce((s, v, i) => s + (i === mid ? v : 2 * v), 0)
  let diff = Math.round(values.reduce((s, v) => s + v * scale, 0)) - total()
  while (Math.abs(diff) >= 2 && mid > 0) {
    const step = Math.sign(diff)
    let best = 0
    for (let i = 1; i < mid; i++) {
      if (Math.abs(q[i] + step - half[i] * scale) < Math.abs(q[best] + step - half[best] * scale)) best = i
    }
    q[best] += step
    diff -= 2 * step
  }
  q[mid] += diff
  return Array.from({ length: n }, (_, i) => q[Math.min(i, n - 1 - i)])
}

/**
 * `values` times `scale` rounded to integers whose sum is the rounded scaled sum (the entries closest to
 * rounding the other way move): a flat input then sees no weight error at all.
 */
function quantise(values: readonly number[], scale: number): number[] {
  const q = values.map((v) => Math.round(v * scale))
  let diff = Math.round(values.reduce((s, v) => s + v * scale, 0)) - q.reduce((s, v) => s + v, 0)
  const order = values.map((_, i) => i)
  while (diff !== 0) {
    const step = Math.sign(diff)
    // The entry whose rounding error moves least by a step of `step`.
    order.sort((i, j) => Math.abs(q[i] + step - values[i] * scale) - Math.abs(q[j] + step - values[j] * scale))
    q[order[0]] += step
    diff -= step
  }
  return q
}

/**
 * Fewest terms whose dropped rest moves no output by more than `levels` (`gain` = range / |divisor|): far below
 * the float noise, so a kernel that is low-rank up to rounding (a gaussian) is split, and a full-rank one is not.
 */
function chooseRank(tail: readonly number[], gain: number, levels: number): number {
  for (let r = 0; r < tail.length; r++) if (tail[r] * gain <= levels) return r
  return tail.length
}

function countNonZero(values: Float64Array): number {
  let n = 0
  for (const v of values) if (v !== 0) n++
  return n
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
 * The precision of an FFT of 2^logN tiles and its estimated error: f32 where that stays under FLOAT_MAX_ERROR,
 * else f64. A transform's error grows with the log of its size and with the largest values it holds: about
 * eps x log2(N^2) x the largest window sum (`levels`); measured maxima on noise stay under a third of that.
 */
export function fftPrecision(logN: number, levels: number): { precision: Precision; error: number } {
  const f32 = F32_EPSILON * 2 * logN * levels
  return f32 <= FLOAT_MAX_ERROR ? { precision: 'f32', error: f32 } : { precision: 'f64', error: F64_EPSILON * 2 * logN * levels }
}

/**
 * The tile size (and precision, see fftPrecision) with the lowest estimated total time, or null when the kernel
 * is too large for any.
 */
function chooseTile(
  kh: number,
  kw: number,
  outHeight: number,
  outWidth: number,
  jobsPerTile: number,
  levels: number
): { logN: number; ns: number; precision: Precision; error: number } | null {
  let best: { logN: number; ns: number; precision: Precision; error: number } | null = null
  for (let logN = 4; logN <= 10; logN++) {
    const size = 1 << logN
    if (size < 2 * Math.max(kh, kw) && size < 512) continue
    if (size - Math.max(kh, kw) + 1 < 1) continue
    const tilesY = Math.ceil(outHeight / (size - kh + 1))
    const tilesX = Math.ceil(outWidth / (size - kw + 1))
    const pairs = tilesY * Math.ceil((tilesX * jobsPerTile) / 2)
    const { precision, error } = fftPrecision(logN, levels)
    const ns = pairs * (precision === 'f32' ? NS_FFT_TILE : NS_FFT64_TILE)[size]
    if (!best || ns < best.ns) best = { logN, ns, precision, error }
  }
  return best
}

/** Sum of absolute values. */
function absTotal(values: ArrayLike<number>): number {
  let total = 0
  for (let i = 0; i < values.length; i++) total += Math.abs(values[i])
  return total
}

/** The smallest tile that fits the kernel (forced FFT on a tiny image or kernel). */
function forcedTile(kh: number, kw: number): { logN: number } {
  let logN = 2
  while ((1 << logN) < Math.max(kh, kw) + 1) logN++
  return { logN }
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
