// Learning a kernel from an example: the K x K weights and offset that best map a BEFORE image to an AFTER image,
// by linear least squares over the valid windows (normal equations with a small ridge, solved in double precision).
import { EngineError } from './errors'
import { maxValue } from './image'
import type { BitDepth, Channels, Kernel } from './types'

/** Largest kernel side that can be learnt: a 25x25 kernel already has 626 unknowns. */
export const MAX_LEARN_SIZE = 25

/** Windows are gathered in square tiles of this many windows a side: a tile's samples stay in cache, and tiles are
 * what sampling picks. */
export const LEARN_TILE = 64

/**
 * Default sample budget, in window x lag products: the Gram matrix costs about one multiply-add per window for
 * each of the (2K - 1)^2 / 2 lags between two taps, so bigger kernels sample fewer windows for the same time.
 * For 9x9 (145 lags) this is about 1 M windows.
 */
export const LEARN_BUDGET = 150_000_000

/**
 * Default ridge, relative to the mean diagonal of the centred Gram matrix: small enough to leave any kernel a
 * photo determines unchanged (it shrinks by 0.1 % or more only directions with under a millionth of the average
 * energy), large enough that smooth images with next to no fine detail still give a finite answer.
 */
export const DEFAULT_RIDGE = 1e-9

/** An image as the learner reads it: interleaved samples, alpha (channels 2 and 4) last and ignored. */
export interface LearnImage {
  readonly width: number
  readonly height: number
  readonly channels: Channels
  readonly depth: BitDepth
  readonly data: ArrayLike<number>
}

/** Options of {@link learnKernel}. */
export interface LearnOptions {
  /** Kernel side K (odd, 1 to {@link MAX_LEARN_SIZE}). */
  readonly size: number
  /** One kernel per colour channel instead of one shared by all. @default false */
  readonly perChannel?: boolean
  /**
   * Most window positions to fit; past it, tiles of windows are taken on an even grid over the image.
   * @default LEARN_BUDGET divided by the number of lags: about 1 M for 9x9, 11.5 M (every window of an 11 MP image) for 3x3
   */
  readonly maxWindows?: number
  /** Ridge relative to the mean diagonal of the centred Gram matrix. @default DEFAULT_RIDGE */
  readonly ridge?: number
  /**
   * Leave out samples where AFTER is 0 or its maximum: there the other tool clipped, so the value is only a bound
   * and would pull the weights (a sharpen clipped on 1 % of a photo moves them by 0.1). @default true
   */
  readonly skipClipped?: boolean
}

/** One learnt kernel: for a colour channel, or shared by all of them. */
export interface LearnedKernel {
  /** 'all' when shared, else 'grey', 'red', 'green' or 'blue'. */
  readonly channel: string
  /** Weights as applied by the engine (correlation, not flipped), divisor 1, offset in levels of BEFORE's depth. */
  readonly kernel: Kernel
  /** Root mean square of AFTER minus the prediction over the fitted samples, in levels of BEFORE's depth. */
  readonly rms: number
  /**
   * True when some combination of weights is barely seen in BEFORE (a flat or very smooth image): the fit is
   * still the least-squares one, but those weights rest on the ridge rather than on the images.
   */
  readonly poorlyDetermined: boolean
}

/** The result of {@link learnKernel}. */
export interface LearnResult {
  readonly size: number
  readonly perChannel: boolean
  /** One entry when shared; one per colour channel with `perChannel`. */
  readonly kernels: readonly LearnedKernel[]
  /** Root mean square residual over every fitted sample (window x colour channel, unclipped), levels of BEFORE's depth. */
  readonly rms: number
  /** Window positions fitted. */
  readonly windows: number
  /** Every valid window position, (H - K + 1) x (W - K + 1): equal to `windows` unless sampled. */
  readonly validWindows: number
  /** When sampled: how many tiles of windows were fitted, and their size; null when every window was. */
  readonly sample: { readonly tiles: number; readonly height: number; readonly width: number } | null
  /** Samples (window x colour channel) left out because AFTER is clipped there (see {@link LearnOptions.skipClipped}). */
  readonly clippedSamples: number
  /** Colour channels fitted per window. */
  readonly colourChannels: number
  /** Depth of BEFORE, whose levels the offset and residuals are in. */
  readonly depth: BitDepth
}

const CHANNEL_NAMES: Record<number, readonly string[]> = { 1: ['grey'], 3: ['red', 'green', 'blue'] }

function colourCount(channels: Channels): number {
  return channels === 2 || channels === 4 ? channels - 1 : channels
}

/** The colour channels a kernel is learnt for, as {@link LearnedKernel.channel} names them with `perChannel`. */
export function colourChannelNames(channels: Channels): readonly string[] {
  return CHANNEL_NAMES[colourCount(channels)]
}

function checkImage(image: LearnImage, name: string): void {
  const { width, height, channels, depth, data } = image
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new EngineError(`${name} size ${String(width)}x${String(height)} is not a positive whole number`)
  }
  if (![1, 2, 3, 4].includes(channels)) throw new EngineError(`${name} has ${String(channels)} channels: expected 1 to 4`)
  if (depth !== 8 && depth !== 16) throw new EngineError(`${name} depth ${String(depth)} is not 8 or 16 bits`)
  if (data.length !== width * height * channels) {
    throw new EngineError(`${name} data has ${data.length} samples, expected ${width * height * channels}`)
  }
}

/** Number of lags (tap pairs up to symmetry) of a K x K kernel: the Gram matrix is built one lag at a time. */
function lagCount(size: number): number {
  return size + (size - 1) * (2 * size - 1)
}

/** Checks two images and a size can be learnt from; throws an EngineError saying what does not fit. */
function checkLearnInputs(before: LearnImage, after: LearnImage, size: number): void {
  checkImage(before, 'BEFORE')
  checkImage(after, 'AFTER')
  if (before.width !== after.width || before.height !== after.height) {
    throw new EngineError(
      `BEFORE is ${before.width}x${before.height} but AFTER is ${after.width}x${after.height}: the images must be the same size`
    )
  }
  const colours = colourCount(before.channels)
  if (colours !== colourCount(after.channels)) {
    const kind = (n: number): string => (n === 1 ? 'grey' : 'colour')
    throw new EngineError(
      `BEFORE is ${kind(colours)} but AFTER is ${kind(colourCount(after.channels))}: both must be grey or both colour`
    )
  }
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0 || size > MAX_LEARN_SIZE) {
    throw new EngineError(`kernel size ${String(size)} must be odd, from 1 to ${MAX_LEARN_SIZE}`)
  }
  if (size > before.width || size > before.height) {
    throw new EngineError(`a ${size}x${size} kernel does not fit in a ${before.width}x${before.height} image`)
  }
}

/** A rectangle of window positions (top-left corners of windows, in input coordinates). */
export interface WindowTile {
  readonly y: number
  readonly x: number
  readonly height: number
  readonly width: number
}

/**
 * The tiles of window positions to fit: every window of a `validHeight` x `validWidth` grid when it holds at most
 * `maxWindows`, else {@link LEARN_TILE}-sided tiles centred in the cells of an even grid (deterministic, so a fit
 * is reproducible): as many as fit in `maxWindows`, at least one.
 */
export function windowTiles(validHeight: number, validWidth: number, maxWindows: number): WindowTile[] {
  const tiles: WindowTile[] = []
  const t = LEARN_TILE
  if (validHeight * validWidth <= maxWindows) {
    for (let y = 0; y < validHeight; y += t) {
      for (let x = 0; x < validWidth; x += t) {
        tiles.push({ y, x, height: Math.min(t, validHeight - y), width: Math.min(t, validWidth - x) })
      }
    }
    return tiles
  }
  const th = Math.min(t, validHeight)
  const tw = Math.min(t, validWidth)
  const wanted = Math.max(1, Math.floor(maxWindows / (th * tw)))
  const rowsFit = Math.max(1, Math.floor(validHeight / th))
  const colsFit = Math.max(1, Math.floor(validWidth / tw))
  // The grid with the most tiles within the budget; of equals, the one whose cells are closest to square.
  let rows = 1
  let cols = 1
  let score = -Infinity
  for (let r = 1; r <= rowsFit; r++) {
    const c = Math.min(colsFit, Math.floor(wanted / r))
    if (c < 1) break
    const squareness = -Math.abs(Math.log((validHeight / r) / (validWidth / c)))
    const candidate = r * c * 1e3 + squareness
    if (candidate > score) [rows, cols, score] = [r, c, candidate]
  }
  const place = (cell: number, cells: number, extent: number, side: number): number =>
    Math.min(extent - side, Math.max(0, Math.round(((cell + 0.5) * extent) / cells - side / 2)))
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      tiles.push({ y: place(r, rows, validHeight, th), x: place(c, cols, validWidth, tw), height: th, width: tw })
    }
  }
  return tiles
}

/** Sums of one colour channel over the fitted windows: everything the normal equations need. */
interface Moments {
  /** Upper triangle of sum(a a^T) over windows, p x p with p = K^2 (taps row-major). */
  readonly gram: Float64Array
  /** sum(a) per tap. */
  readonly sum: Float64Array
  /** sum(a t) per tap, t the AFTER value at the window's centre. */
  readonly cross: Float64Array
  sumT: number
  sumTT: number
  /** Samples fitted. */
  count: number
  /** Samples left out because AFTER is clipped there. */
  clipped: number
}

function newMoments(p: number): Moments {
  return { gram: new Float64Array(p * p), sum: new Float64Array(p), cross: new Float64Array(p), sumT: 0, sumTT: 0, count: 0, clipped: 0 }
}

/** Work buffers for one tile, reused across tiles and channels. */
interface TileBuffers {
  /** The tile's input samples, (th + K - 1) x (tw + K - 1), shifted. */
  readonly region: Float64Array
  /** AFTER at the tile's window centres, th x tw, shifted and rescaled. */
  readonly target: Float64Array
  /** Per region row u and tap column j: a row sum of one window width starting at column j. */
  readonly rowSums: Float64Array
  /** Tile positions (y * tw + x) whose AFTER sample is clipped. */
  readonly clipped: Int32Array
  /** One window's samples. */
  readonly window: Float64Array
}

function newTileBuffers(size: number): TileBuffers {
  const side = LEARN_TILE + size - 1
  return {
    region: new Float64Array(side * side),
    target: new Float64Array(LEARN_TILE * LEARN_TILE),
    rowSums: new Float64Array(side * size),
    clipped: new Int32Array(LEARN_TILE * LEARN_TILE),
    window: new Float64Array(size * size)
  }
}

/** What every tile of one fit shares. */
interface LearnJob {
  readonly before: LearnImage
  readonly after: LearnImage
  readonly size: number
  /** Subtracted from every sample (BEFORE and rescaled AFTER). */
  readonly shift: number
  /** AFTER's levels to BEFORE's. */
  readonly afterScale: number
  readonly skipClipped: boolean
  readonly buffers: TileBuffers
}

/**
 * Adds one tile of one channel to `m`. Samples are shifted by `shift` first (the intercept absorbs it): integer
 * samples then give integer products whose sums stay exact in double precision.
 *
 * The Gram entry of taps (i, j) and (i + dy, j + dx) is the sum of the lag product P(u, v) = a(u, v) a(u + dy, v + dx)
 * over the tile-sized rectangle of rows i.. and columns j..: per region row, one dot product gives the first
 * column's row sum and each next j slides it by two products; then sums down the rows slide the same way over i.
 * That is about (2K - 1)^2 / 2 multiply-adds per window for the whole matrix, instead of K^4 / 2 for the products
 * of every window's taps.
 */
function accumulateTile(job: LearnJob, channel: number, tile: WindowTile, m: Moments): void {
  const { before, after, size, shift, afterScale, buffers } = job
  const stride = before.channels
  const afterStride = after.channels
  const th = tile.height
  const tw = tile.width
  const rows = th + size - 1
  const cols = tw + size - 1
  const { region, target, rowSums, clipped, window } = buffers
  const src = before.data
  const dst = after.data
  const clipHigh = job.skipClipped ? maxValue(after.depth) : Infinity
  const clipLow = job.skipClipped ? 0 : -Infinity
  let clippedCount = 0
  for (let u = 0; u < rows; u++) {
    let at = ((tile.y + u) * before.width + tile.x) * stride + channel
    for (let v = 0; v < cols; v++, at += stride) region[u * cols + v] = src[at] - shift
  }
  const half = (size - 1) / 2
  for (let y = 0; y < th; y++) {
    let at = ((tile.y + y + half) * after.width + tile.x + half) * afterStride + channel
    for (let x = 0; x < tw; x++, at += afterStride) {
      const raw = dst[at]
      if (raw <= clipLow || raw >= clipHigh) clipped[clippedCount++] = y * tw + x
      const t = raw * afterScale - shift
      target[y * tw + x] = t
      m.sumT += t
      m.sumTT += t * t
    }
  }
  m.count += th * tw
  const p = size * size

  // Sums down the rows of rowSums (row u, column j), for i = 0.. up to `count` tap rows: entry (i, j) is the sum of
  // rows i .. i + th - 1, slid from i to i + 1 by one subtraction and one addition.
  const slideDown = (count: number, jLow: number, jHigh: number, add: (i: number, j: number, value: number) => void): void => {
    for (let j = jLow; j <= jHigh; j++) {
      let acc = 0
      for (let u = 0; u < th; u++) acc += rowSums[u * size + j]
      add(0, j, acc)
      for (let i = 1; i < count; i++) {
        acc += rowSums[(i + th - 1) * size + j] - rowSums[(i - 1) * size + j]
        add(i, j, acc)
      }
    }
  }

  // sum(a) per tap.
  for (let u = 0; u < rows; u++) {
    const base = u * cols
    let acc = 0
    for (let v = 0; v < tw; v++) acc += region[base + v]
    rowSums[u * size] = acc
    for (let j = 1; j < size; j++) {
      acc += region[base + j + tw - 1] - region[base + j - 1]
      rowSums[u * size + j] = acc
    }
  }
  slideDown(size, 0, size - 1, (i, j, value) => (m.sum[i * size + j] += value))

  // sum(a a^T), one lag (dy >= 0; dx >= 0 when dy = 0) at a time: the upper triangle.
  for (let dy = 0; dy < size; dy++) {
    for (let dx = dy === 0 ? 0 : 1 - size; dx < size; dx++) {
      const jLow = Math.max(0, -dx)
      const jHigh = Math.min(size - 1, size - 1 - dx)
      const used = th + size - 1 - dy
      for (let u = 0; u < used; u++) {
        const base = u * cols
        const lagged = (u + dy) * cols + dx
        let acc = 0
        for (let v = jLow; v < jLow + tw; v++) acc += region[base + v] * region[lagged + v]
        rowSums[u * size + jLow] = acc
        for (let j = jLow + 1; j <= jHigh; j++) {
          acc += region[base + j + tw - 1] * region[lagged + j + tw - 1] - region[base + j - 1] * region[lagged + j - 1]
          rowSums[u * size + j] = acc
        }
      }
      slideDown(size - dy, jLow, jHigh, (i, j, value) => (m.gram[(i * size + j) * p + (i + dy) * size + j + dx] += value))
    }
  }

  // sum(a t) per tap, directly: K^2 multiply-adds per window.
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      let acc = 0
      for (let y = 0; y < th; y++) {
        const row = (y + i) * cols + j
        const trow = y * tw
        for (let x = 0; x < tw; x++) acc += region[row + x] * target[trow + x]
      }
      m.cross[i * size + j] += acc
    }
  }

  // Clipped AFTER samples say only "at least" or "at most": their windows are taken back out, one by one.
  for (let k = 0; k < clippedCount; k++) {
    const y = Math.floor(clipped[k] / tw)
    const x = clipped[k] - y * tw
    const t = target[clipped[k]]
    for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) window[i * size + j] = region[(y + i) * cols + x + j]
    for (let q = 0; q < p; q++) {
      const a = window[q]
      m.sum[q] -= a
      m.cross[q] -= a * t
      const row = q * p
      for (let r = q; r < p; r++) m.gram[row + r] -= a * window[r]
    }
    m.sumT -= t
    m.sumTT -= t * t
  }
  m.count -= clippedCount
  m.clipped += clippedCount
}

function addMoments(into: Moments, from: Moments): void {
  for (let q = 0; q < from.gram.length; q++) into.gram[q] += from.gram[q]
  for (let q = 0; q < from.sum.length; q++) {
    into.sum[q] += from.sum[q]
    into.cross[q] += from.cross[q]
  }
  into.sumT += from.sumT
  into.sumTT += from.sumTT
  into.count += from.count
  into.clipped += from.clipped
}

/** A fitted system: the weights and offset in the engine's terms, and the residual sum of squares. */
interface Solution {
  readonly weights: number[]
  readonly offset: number
  readonly squaredError: number
  readonly count: number
  readonly poorlyDetermined: boolean
}

/**
 * Solves the normal equations of one system. Centring (subtracting the means, which the offset absorbs) leaves
 * C w = c with C = sum(a a^T) - sum(a) sum(a)^T / n; the ridge adds `ridge` x mean(diag C) to the diagonal; a
 * Cholesky factorisation in double precision solves it. `shift` is what the samples were shifted by.
 */
function solveMoments(m: Moments, size: number, ridge: number, shift: number, what: string): Solution {
  const p = size * size
  const n = m.count
  const a = new Float64Array(p * p)
  const rhs = new Float64Array(p)
  let trace = 0
  for (let q = 0; q < p; q++) {
    for (let r = q; r < p; r++) {
      const value = m.gram[q * p + r] - (m.sum[q] * m.sum[r]) / n
      a[q * p + r] = value
      a[r * p + q] = value
    }
    rhs[q] = m.cross[q] - (m.sum[q] * m.sumT) / n
    trace += a[q * p + q]
  }
  // Under a millionth of a level squared per tap and window: every window holds the same values.
  if (!(trace / (p * n) > 1e-6)) {
    throw new EngineError(`${what} is flat (every window holds the same values): no kernel can be learnt from it`)
  }
  const lambda = (ridge * trace) / p
  // Cholesky of A + lambda I into the lower triangle of l.
  const l = new Float64Array(p * p)
  let smallest = Infinity
  for (let q = 0; q < p; q++) {
    for (let r = 0; r <= q; r++) {
      let acc = a[q * p + r] + (q === r ? lambda : 0)
      for (let k = 0; k < r; k++) acc -= l[q * p + k] * l[r * p + k]
      if (q === r) {
        if (!(acc > 0)) throw new EngineError(`${what}: the least-squares system is not positive definite (numerically singular)`)
        smallest = Math.min(smallest, acc)
        l[q * p + q] = Math.sqrt(acc)
      } else {
        l[q * p + r] = acc / l[r * p + r]
      }
    }
  }
  const z = new Float64Array(p)
  for (let q = 0; q < p; q++) {
    let acc = rhs[q]
    for (let k = 0; k < q; k++) acc -= l[q * p + k] * z[k]
    z[q] = acc / l[q * p + q]
  }
  const w = new Float64Array(p)
  for (let q = p - 1; q >= 0; q--) {
    let acc = z[q]
    for (let k = q + 1; k < p; k++) acc -= l[k * p + q] * w[k]
    w[q] = acc / l[q * p + q]
  }
  // Residual sum of squares from the same sums: S_tt - 2 w.c + w^T C w (C without the ridge).
  let fit = 0
  let quad = 0
  let weightSum = 0
  let dot = 0
  for (let q = 0; q < p; q++) {
    fit += w[q] * rhs[q]
    let row = 0
    for (let r = 0; r < p; r++) row += a[q * p + r] * w[r]
    quad += w[q] * row
    weightSum += w[q]
    dot += w[q] * m.sum[q]
  }
  const squaredError = Math.max(0, m.sumTT - (m.sumT * m.sumT) / n - 2 * fit + quad)
  // Shifted samples: t - s = w.(a - s) + o', so the offset on unshifted samples is o' + s (1 - sum w).
  const offset = (m.sumT - dot) / n + shift * (1 - weightSum)
  // A pivot within 1000x of the ridge: the ridge, not the images, holds that direction (by 0.1 % or more).
  return { weights: Array.from(w), offset, squaredError, count: n, poorlyDetermined: smallest < 1000 * lambda }
}

/**
 * A learnt weight or offset as shown and stored: 5 decimals, no -0. Rounding moves a 9x9 window's sum by about
 * 0.01 of a level (81 independent errors of at most 0.000005 times the samples).
 */
export function roundLearnt(value: number): number {
  const rounded = Number(value.toFixed(5))
  return rounded === 0 ? 0 : rounded
}

/** The default {@link LearnOptions.maxWindows} for a K x K kernel. */
export function defaultMaxWindows(size: number): number {
  return Math.max(LEARN_TILE * LEARN_TILE, Math.round(LEARN_BUDGET / lagCount(size)))
}

/**
 * Finds the K x K kernel and offset that map BEFORE to AFTER best in the least-squares sense, in the engine's
 * convention: AFTER(y, x) ~ sum of w[i][j] BEFORE(y + i - r, x + j - r) + offset, r = (K - 1) / 2, over every
 * valid window (the kernel inside the image, so borders play no part) or an even sample of them. Colour
 * channels share one kernel unless `perChannel`; alpha is ignored; samples where AFTER is clipped are left out
 * unless `skipClipped` is false. An AFTER of another depth is rescaled to BEFORE's. Throws an EngineError for
 * images that differ in size or kind, a bad size, too few windows or unclipped samples, or a flat BEFORE.
 */
export function learnKernel(before: LearnImage, after: LearnImage, options: LearnOptions): LearnResult {
  const { size } = options
  checkLearnInputs(before, after, size)
  const perChannel = options.perChannel ?? false
  const ridge = options.ridge ?? DEFAULT_RIDGE
  if (!(ridge >= 0 && Number.isFinite(ridge))) throw new EngineError(`ridge ${String(ridge)} must be a finite number >= 0`)
  const maxWindows = options.maxWindows ?? defaultMaxWindows(size)
  if (!(Number.isInteger(maxWindows) && maxWindows >= 1)) {
    throw new EngineError(`the window budget ${String(maxWindows)} must be a whole number >= 1`)
  }
  const p = size * size
  const validHeight = before.height - size + 1
  const validWidth = before.width - size + 1
  const colours = colourCount(before.channels)
  const tiles = windowTiles(validHeight, validWidth, maxWindows)
  const windows = tiles.reduce((total, tile) => total + tile.height * tile.width, 0)
  const perSystem = perChannel ? windows : windows * colours
  if (perSystem < p + 1) {
    throw new EngineError(
      `a ${before.width}x${before.height} image has ${windows} window${windows === 1 ? '' : 's'} of ${size}x${size}` +
        `${perChannel ? ' per channel' : ''}: too few for ${p + 1} unknowns (the weights and the offset)`
    )
  }

  const max = maxValue(before.depth)
  const shift = (max + 1) / 2
  const job: LearnJob = {
    before,
    after,
    size,
    shift,
    afterScale: max / maxValue(after.depth),
    skipClipped: options.skipClipped ?? true,
    buffers: newTileBuffers(size)
  }
  const moments = Array.from({ length: colours }, () => newMoments(p))
  for (const tile of tiles) {
    for (let c = 0; c < colours; c++) accumulateTile(job, c, tile, moments[c])
  }

  const names = CHANNEL_NAMES[colours]
  const systems: { channel: string; moments: Moments; what: string }[] = []
  if (perChannel) {
    moments.forEach((m, c) => systems.push({ channel: names[c], moments: m, what: colours === 1 ? 'BEFORE' : `BEFORE's ${names[c]} channel` }))
  } else {
    const shared = newMoments(p)
    for (const m of moments) addMoments(shared, m)
    systems.push({ channel: 'all', moments: shared, what: 'BEFORE' })
  }
  for (const { moments: m, what } of systems) {
    if (m.count < p + 1) {
      throw new EngineError(
        `${what}: only ${m.count} of ${m.count + m.clipped} samples are not clipped in AFTER: too few for ${p + 1} unknowns`
      )
    }
  }
  let squaredError = 0
  let count = 0
  const kernels = systems.map(({ channel, moments: m, what }) => {
    const solution = solveMoments(m, size, ridge, shift, what)
    squaredError += solution.squaredError
    count += solution.count
    return {
      channel,
      kernel: { width: size, height: size, weights: solution.weights, divisor: 1, offset: solution.offset },
      rms: Math.sqrt(solution.squaredError / solution.count),
      poorlyDetermined: solution.poorlyDetermined
    }
  })
  return {
    size,
    perChannel,
    kernels,
    rms: Math.sqrt(squaredError / count),
    windows,
    validWindows: validHeight * validWidth,
    sample: windows < validHeight * validWidth ? { tiles: tiles.length, height: tiles[0].height, width: tiles[0].width } : null,
    clippedSamples: moments.reduce((total, m) => total + m.clipped, 0),
    colourChannels: colours,
    depth: before.depth
  }
}

/** Where a learnt kernel fails: the prediction error at every valid window. */
export interface ResidualMap {
  /** (W - K + 1) x (H - K + 1): pixel (y, x) is the window whose centre is at input (y + r, x + r). */
  readonly width: number
  readonly height: number
  /** |AFTER - prediction| in levels of BEFORE's depth, the largest over the colour channels. */
  readonly data: Float32Array
  /** Root mean square error over every valid window and colour channel. */
  readonly rms: number
  /** The largest value of `data`. */
  readonly max: number
}

/**
 * Applies a learnt kernel (no clamping, so clipped or non-linear spots in AFTER stand out) at every valid window
 * and measures the error against AFTER. `before` and `after` are the images `result` was learnt from.
 */
export function residualMap(before: LearnImage, after: LearnImage, result: LearnResult): ResidualMap {
  const { size } = result
  checkLearnInputs(before, after, size)
  const width = before.width - size + 1
  const height = before.height - size + 1
  const half = (size - 1) / 2
  const stride = before.channels
  const afterStride = after.channels
  const afterScale = maxValue(before.depth) / maxValue(after.depth)
  const data = new Float32Array(width * height)
  const row = new Float64Array(width)
  const src = before.data
  const dst = after.data
  let squared = 0
  // One channel at a time as a plane of its own: the tap loops below then read memory in order.
  const plane = new Float32Array(before.width * before.height)
  for (let c = 0; c < result.colourChannels; c++) {
    const { weights, offset } = result.kernels[result.perChannel ? c : 0].kernel
    for (let p = 0, at = c; p < plane.length; p++, at += stride) plane[p] = src[at]
    for (let y = 0; y < height; y++) {
      row.fill(offset)
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < size; j++) {
          const w = weights[i * size + j]
          if (w === 0) continue
          const base = (y + i) * before.width + j
          for (let x = 0; x < width; x++) row[x] += w * plane[base + x]
        }
      }
      const base = ((y + half) * after.width + half) * afterStride + c
      for (let x = 0; x < width; x++) {
        const error = Math.abs(dst[base + x * afterStride] * afterScale - row[x])
        squared += error * error
        const at = y * width + x
        if (error > data[at]) data[at] = error
      }
    }
  }
  let max = 0
  for (const value of data) if (value > max) max = value
  return { width, height, data, rms: Math.sqrt(squared / (width * height * result.colourChannels)), max }
}

/** Share of a residual map's pixels shown below white: the worst 0.1 % saturate, so one outlier cannot make the rest black. */
export const RESIDUAL_WHITE_QUANTILE = 0.999

/** A residual map as an 8-bit grey picture. */
export interface ResidualPicture {
  readonly width: number
  readonly height: number
  /** One byte per pixel: 0 = no error, 255 = `white` levels or more. */
  readonly data: Uint8Array
  /** The error shown as white, in levels of BEFORE's depth: the {@link RESIDUAL_WHITE_QUANTILE} quantile, at least 1. */
  readonly white: number
}

/**
 * The map as a grey picture whose white is the {@link RESIDUAL_WHITE_QUANTILE} quantile of the errors (read off a
 * 4096-bin histogram). With `maxSide`, blocks of pixels shrink to their largest error, so that a picture that fits
 * on screen still shows every spot where the fit fails.
 */
export function residualPicture(map: ResidualMap, maxSide = Infinity): ResidualPicture {
  const bins = 4096
  const histogram = new Float64Array(bins)
  const top = map.max > 0 ? map.max : 1
  for (const value of map.data) histogram[Math.min(bins - 1, Math.floor((value / top) * bins))]++
  let seen = 0
  let bin = 0
  while (bin < bins - 1 && (seen += histogram[bin]) < RESIDUAL_WHITE_QUANTILE * map.data.length) bin++
  const white = Math.max(1, ((bin + 1) / bins) * top)
  const step = Math.max(1, Math.ceil(Math.max(map.width, map.height) / maxSide))
  const width = Math.ceil(map.width / step)
  const height = Math.ceil(map.height / step)
  const data = new Uint8Array(width * height)
  for (let y = 0; y < map.height; y++) {
    const row = Math.floor(y / step) * width
    for (let x = 0; x < map.width; x++) {
      const level = Math.min(255, Math.round((map.data[y * map.width + x] * 255) / white))
      const at = row + Math.floor(x / step)
      if (level > data[at]) data[at] = level
    }
  }
  return { width, height, data, white }
}
