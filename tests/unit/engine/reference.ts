// Test-only: a slow, plainly written convolution that shares no code with the engine, to check it against.
import type { Border, FloatImage, OutputMode, SignedMode } from '../../../src/engine/types'

/** Options of the reference, spelled out. */
export interface ReferenceOptions {
  border: Border
  mode: OutputMode
  flip: boolean
  divisor: number
  offset: number
  signed: SignedMode
  keepAlpha: boolean
}

/** Reference output plus, per sample, how far the engine may differ (float rounding, amplified by small alpha). */
export interface ReferenceResult {
  width: number
  height: number
  values: number[]
  tolerance: number[]
}

function fold(p: number, n: number, border: Border): number | null {
  if (p >= 0 && p < n) return p
  if (border === 'zero') return null
  if (border === 'extend') return Math.min(Math.max(p, 0), n - 1)
  if (border === 'wrap') {
    let q = p
    while (q < 0) q += n
    while (q >= n) q -= n
    return q
  }
  // reflect-101, folding at the edge pixels over and over until inside
  if (n === 1) return 0
  let q = p
  while (q < 0 || q >= n) {
    if (q < 0) q = -q
    if (q >= n) q = 2 * (n - 1) - q
  }
  return q
}

/** The engine's documented semantics, written out with no shortcuts. */
export function referenceConvolve(image: FloatImage, rows: number[][], o: ReferenceOptions): ReferenceResult {
  const { width: w, height: h, channels } = image
  const max = image.depth === 16 ? 65535 : 255
  const kh = rows.length
  const kw = rows[0].length
  const k = o.flip ? rows.map((row) => row.slice().reverse()).reverse() : rows
  const ay = o.mode === 'same' ? (kh - 1) / 2 : o.mode === 'valid' ? 0 : kh - 1
  const ax = o.mode === 'same' ? (kw - 1) / 2 : o.mode === 'valid' ? 0 : kw - 1
  const oh = o.mode === 'same' ? h : o.mode === 'valid' ? h - kh + 1 : h + kh - 1
  const ow = o.mode === 'same' ? w : o.mode === 'valid' ? w - kw + 1 : w + kw - 1
  const alphaIndex = channels === 2 || channels === 4 ? channels - 1 : -1
  const colours = alphaIndex < 0 ? channels : channels - 1

  const at = (y: number, x: number, ch: number): number => {
    const sy = fold(y, h, o.border)
    const sx = fold(x, w, o.border)
    if (sy === null || sx === null) return 0
    return image.data[(sy * w + sx) * channels + ch]
  }
  let weightSum = 0
  for (const row of k) for (const v of row) weightSum += v
  const alphaConvolved = alphaIndex >= 0 && !o.keepAlpha && Math.abs(weightSum / o.divisor - 1) <= 1e-6

  const raw: number[] = new Array<number>(oh * ow * channels).fill(0)
  const tolerance: number[] = new Array<number>(oh * ow * channels).fill(0)
  for (let r = 0; r < oh; r++) {
    for (let c = 0; c < ow; c++) {
      const base = (r * ow + c) * channels
      let alpha = max
      if (alphaIndex >= 0) {
        if (alphaConvolved) {
          let s = 0
          for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) s += k[i][j] * at(r + i - ay, c + j - ax, alphaIndex)
          alpha = Math.min(Math.max(s / o.divisor, 0), max)
        } else {
          alpha = at(r + (kh - 1) / 2 - ay, c + (kw - 1) / 2 - ax, alphaIndex)
        }
        // Alpha that rounds to 0 means fully transparent: alpha and colour 0.
        if (alpha < 0.5) alpha = 0
        raw[base + alphaIndex] = alpha
        tolerance[base + alphaIndex] = max * 1e-6
      }
      for (let ch = 0; ch < colours; ch++) {
        let s = 0
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) {
            const y = r + i - ay
            const x = c + j - ax
            const a = alphaIndex >= 0 ? at(y, x, alphaIndex) / max : 1
            s += k[i][j] * at(y, x, ch) * a
          }
        }
        let v = s / o.divisor
        if (alphaIndex >= 0) v = alpha > 0 ? (v * max) / alpha : 0
        raw[base + ch] = v + o.offset
        tolerance[base + ch] = max * 1e-5 * (alpha > 0 ? max / alpha : 1)
      }
    }
  }

  // A fully transparent pixel has colour 0 (no offset, no mapping) and no part in the stretch range.
  const transparent = (i: number): boolean => alphaIndex >= 0 && raw[i - (i % channels) + alphaIndex] === 0
  let low = Infinity
  let high = -Infinity
  for (let p = 0; p < oh * ow; p++) {
    if (transparent(p * channels)) continue
    for (let ch = 0; ch < colours; ch++) {
      low = Math.min(low, raw[p * channels + ch])
      high = Math.max(high, raw[p * channels + ch])
    }
  }
  const values = raw.map((v, i) => {
    if (i % channels !== alphaIndex && transparent(i)) return 0
    let mapped = v
    if (i % channels !== alphaIndex) {
      if (o.signed === 'abs') mapped = Math.abs(v)
      else if (o.signed === 'shift') mapped = v + (max + 1) / 2
      else if (o.signed === 'stretch' && high > low) {
        mapped = ((v - low) / (high - low)) * max
        tolerance[i] *= Math.max(1, max / (high - low))
      }
    }
    return Math.min(Math.max(mapped, 0), max)
  })
  return { width: ow, height: oh, values, tolerance }
}
