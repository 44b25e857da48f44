// Fast paths: blend modes over a row of RGB samples at once, one tight loop per mode. The formulas are those of
// src/engine/blend.ts written out inline: a function call per sample stops V8 from keeping the values unboxed,
// which made the per-pixel composite several times slower. tests/unit/fast/layers.spec.ts holds them to the reference.
import type { BlendMode } from '../blend'

/**
 * Replaces each source sample `s[i]` (0..max, RGB interleaved, `n` samples) by B(backdrop, source) x max for
 * `blend`, with `b` the backdrop row. `normal` leaves the row as it is.
 */
export function blendRgbRow(blend: BlendMode, b: Float32Array, s: Float64Array, n: number, max: number): void {
  const inv = 1 / max
  switch (blend) {
    case 'normal':
      return
    case 'multiply':
      for (let i = 0; i < n; i++) s[i] = b[i] * s[i] * inv
      return
    case 'screen':
      for (let i = 0; i < n; i++) s[i] = b[i] + s[i] - b[i] * s[i] * inv
      return
    case 'overlay':
      for (let i = 0; i < n; i++) {
        const cb = b[i] * inv
        const cs = s[i] * inv
        s[i] = (cb <= 0.5 ? cs * 2 * cb : cs + (2 * cb - 1) - cs * (2 * cb - 1)) * max
      }
      return
    case 'darken':
      for (let i = 0; i < n; i++) if (b[i] < s[i]) s[i] = b[i]
      return
    case 'lighten':
      for (let i = 0; i < n; i++) if (b[i] > s[i]) s[i] = b[i]
      return
    case 'color-dodge':
      for (let i = 0; i < n; i++) {
        const cb = b[i] * inv
        const cs = s[i] * inv
        const v = cb === 0 ? 0 : cs === 1 ? 1 : cb / (1 - cs)
        s[i] = (v < 1 ? v : 1) * max
      }
      return
    case 'color-burn':
      for (let i = 0; i < n; i++) {
        const cb = b[i] * inv
        const cs = s[i] * inv
        const q = (1 - cb) / cs
        s[i] = (cb === 1 ? 1 : cs === 0 ? 0 : 1 - (q < 1 ? q : 1)) * max
      }
      return
    case 'hard-light':
      for (let i = 0; i < n; i++) {
        const cb = b[i] * inv
        const cs = s[i] * inv
        s[i] = (cs <= 0.5 ? cb * 2 * cs : cb + (2 * cs - 1) - cb * (2 * cs - 1)) * max
      }
      return
    case 'soft-light':
      for (let i = 0; i < n; i++) {
        const cb = b[i] * inv
        const cs = s[i] * inv
        let v: number
        if (cs <= 0.5) v = cb - (1 - 2 * cs) * cb * (1 - cb)
        else v = cb + (2 * cs - 1) * ((cb <= 0.25 ? ((16 * cb - 12) * cb + 4) * cb : Math.sqrt(cb)) - cb)
        s[i] = v * max
      }
      return
    case 'difference':
      for (let i = 0; i < n; i++) s[i] = Math.abs(b[i] - s[i])
      return
    case 'exclusion':
      for (let i = 0; i < n; i++) s[i] = b[i] + s[i] - 2 * b[i] * s[i] * inv
      return
    case 'luminosity':
    case 'color':
      for (let i = 0; i < n; i += 3) {
        // luminosity: SetLum(Cb, Lum(Cs)); color: SetLum(Cs, Lum(Cb)); then ClipColor (see blend.ts).
        const lumity = blend === 'luminosity'
        let r = (lumity ? b[i] : s[i]) * inv
        let g = (lumity ? b[i + 1] : s[i + 1]) * inv
        let c = (lumity ? b[i + 2] : s[i + 2]) * inv
        const target = lumity
          ? (0.3 * s[i] + 0.59 * s[i + 1] + 0.11 * s[i + 2]) * inv
          : (0.3 * b[i] + 0.59 * b[i + 1] + 0.11 * b[i + 2]) * inv
        const d = target - (0.3 * r + 0.59 * g + 0.11 * c)
        r += d
        g += d
        c += d
        const L = 0.3 * r + 0.59 * g + 0.11 * c
        const lo = r < g ? (r < c ? r : c) : g < c ? g : c
        const hi = r > g ? (r > c ? r : c) : g > c ? g : c
        if (lo < 0) {
          const f = L / (L - lo)
          r = L + (r - L) * f
          g = L + (g - L) * f
          c = L + (c - L) * f
        }
        if (hi > 1) {
          const f = (1 - L) / (hi - L)
          r = L + (r - L) * f
          g = L + (g - L) * f
          c = L + (c - L) * f
        }
        s[i] = r * max
        s[i + 1] = g * max
        s[i + 2] = c * max
      }
      return
  }
}
