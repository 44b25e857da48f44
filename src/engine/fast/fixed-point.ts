// The fixed-point quantiser of the fast paths: a rank-1 kernel as i16 weights for 8-bit images (method
// 'separable-i16'), with a proven bound and an estimated rms of its error, as libvips and OpenCV do. The planner
// (plan.ts) offers the path only within FIXED_MAX_ERROR and FIXED_MAX_RMS. Pure: no node:* imports.

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
