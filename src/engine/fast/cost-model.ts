// The fast paths' cost model: how long each method takes per output sample (measured on the reference machine)
// and how large its error may get before rounding, in levels. The planner (plan.ts) picks the cheapest method
// whose error stays under FLOAT_MAX_ERROR (f32 where it can, f64 where it must). Pure: no node:* imports.
import type { FixedSplit } from './fixed-point'

/** Arithmetic of a plan: f32 (SIMD 4 wide) or f64 (2 wide). */
export type Precision = 'f32' | 'f64'

/** What one method would cost and how far from the reference it may be. */
export interface Estimate {
  /** Estimated ns per output sample. */
  readonly cost: number
  /** Estimated largest error before rounding, in levels. */
  readonly error: number
  readonly precision: Precision
}

/**
 * What the error estimates scale with. `levels` is the largest window sum a float path holds, in output levels:
 * the largest sample times the kernel's absolute weights over |divisor|, times whatever later steps multiply an
 * error by (see PlanOptions.gain and ALPHA_ERROR_GAIN); `gain` is the same without the weights.
 */
export interface ErrorScale {
  readonly levels: number
  readonly gain: number
  /** 16-bit sources always take f64 (summed in the reference's order). */
  readonly deep: boolean
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
// The same for the f64 tiles (fft64, f64x2: 5 to 26 times the f32 tiles, measured against them in one run).
const NS_FFT64_TILE: Readonly<Record<number, number>> = {
  16: 24000,
  32: 146000,
  64: 680000,
  128: 3300000,
  256: 6100000,
  512: 24000000,
  1024: 68000000
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
export const ALPHA_ERROR_GAIN = 32

/** Per-row work every row method shares: padding the source row (wider by the kernel) and finishing. */
function rowCost(paddedRatio: number): number {
  return NS_PAD * paddedRatio + NS_FINISH
}

/** f32 where its error stays under FLOAT_MAX_ERROR (and the source is 8-bit), else f64 at twice the cost. */
function floatEstimate(cost: number, f32: number, f64: number, scale: ErrorScale): Estimate {
  return !scale.deep && f32 <= FLOAT_MAX_ERROR ? { cost, error: f32, precision: 'f32' } : { cost: cost * 2, error: f64, precision: 'f64' }
}

/**
 * Direct 2-D sums over `taps` non-zero weights: f32 sums drift like a random walk over the taps; f64 sums in the
 * reference's order are exact.
 */
export function directEstimate(taps: number, paddedRatio: number, scale: ErrorScale): Estimate {
  return floatEstimate(taps * NS_MAC_F32 + rowCost(paddedRatio), F32_EPSILON * (Math.sqrt(taps) + 2) * scale.levels, 0, scale)
}

/** Integer sums of u8 samples (exact); only an f32 finish (divisor, offset, mapping) rounds, unless `intFinish`. */
export function integerEstimate(taps: number, paddedRatio: number, intFinish: boolean, scale: ErrorScale): Estimate {
  return {
    cost: taps * NS_MAC_I16 + NS_PAD * 0.5 * paddedRatio + (intFinish ? 0.07 : NS_FINISH + 0.1),
    error: intFinish ? 0 : 2 * F32_EPSILON * scale.levels,
    precision: 'f32'
  }
}

/**
 * Column x row terms in 1-D passes: each pass rounds its sums (the vertical one into a stored row), and the
 * dropped terms add what they leave out (`tail`, the largest weight they change).
 */
export function separableEstimate(
  terms: readonly { readonly column: ArrayLike<number>; readonly row: ArrayLike<number> }[],
  tail: number,
  paddedRatio: number,
  scale: ErrorScale
): Estimate {
  let macs = 0
  let termGain = 0
  let taps = 0
  for (const { column, row } of terms) {
    const c = countNonZero(column)
    const r = countNonZero(row)
    macs += c * paddedRatio + r
    termGain += absTotal(column) * absTotal(row)
    taps = Math.max(taps, Math.sqrt(c) + Math.sqrt(r) + 1)
  }
  const rounding = taps * scale.gain * termGain
  const dropped = tail * scale.gain
  return floatEstimate(macs * NS_MAC_F32 + rowCost(paddedRatio), F32_EPSILON * rounding + dropped, F64_EPSILON * rounding + dropped, scale)
}

/** The fixed-point passes of a quantised kernel; its error is the quantiser's proven bound. */
export function fixedEstimate(fixed: FixedSplit, paddedRatio: number): Estimate {
  // A folded pair (4 rows) costs about 1.5 plain ones; a folded row step (4 taps read) about 1.4 plain pairs.
  const pairs = fixed.symmetric ? (fixed.columnRows.length / 4) * 1.5 : fixed.columnRows.length / 2
  const rowPairs = fixed.rowFolded ? fixed.rowWeights.length * 1.4 : fixed.rowOffsets.length / 2
  return { cost: (pairs * paddedRatio + rowPairs) * NS_PAIR_FIXED + rowCost(paddedRatio), error: fixed.bound, precision: 'f32' }
}

/**
 * Overlap-save FFT tiles for a kh x kw kernel on an outHeight x outWidth output of `channels` samples per pixel,
 * `jobsPerTile` of them transformed (two per complex transform): the cheapest tile size, or null when the kernel
 * is too large for any.
 */
export function fftEstimate(
  kh: number,
  kw: number,
  outHeight: number,
  outWidth: number,
  channels: number,
  jobsPerTile: number,
  paddedRatio: number,
  scale: ErrorScale
): (Estimate & { readonly logN: number }) | null {
  const tile = chooseTile(kh, kw, outHeight, outWidth, jobsPerTile, scale.levels)
  if (!tile) return null
  const size = 1 << tile.logN
  const padding = NS_PAD * paddedRatio * (size / (size - kh + 1)) * (tile.precision === 'f64' ? 2 : 1)
  return { cost: tile.ns / (outWidth * channels * outHeight) + NS_FINISH + padding, error: tile.error, precision: tile.precision, logN: tile.logN }
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

function countNonZero(values: ArrayLike<number>): number {
  let n = 0
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) n++
  return n
}
