// The plain TypeScript backend: the same functions as src/wasm/kernels.ts, one sample at a time. Used where
// kernels.wasm is missing or WebAssembly SIMD is unsupported, and by the tests as a second implementation.
import { tilePitch, type Kernels } from './backend'
import { convolveTile64, fft2d64 } from './fft64'
import { compositeRgb8Ts, decodeU8Ts, encodeLinearTs, lerpMaskTs, lumaRgb8Ts } from './layer-kernels-ts'

/** Where the TypeScript backend's memory starts (mirrors the wasm module's static data, never 0 = "no buffer"). */
const HEAP_BASE = 1024

/** A fresh plain-TypeScript kernel set with its own growable memory. */
export function tsKernels(): Kernels {
  return new TsKernels()
}

class TsKernels implements Kernels {
  readonly name = 'ts' as const
  readonly heapBase = HEAP_BASE
  private memory = new ArrayBuffer(1 << 16)
  private u8 = new Uint8Array(this.memory)
  private i16 = new Int16Array(this.memory)
  private u16 = new Uint16Array(this.memory)
  private i32 = new Int32Array(this.memory)
  private u32 = new Uint32Array(this.memory)
  private f32 = new Float32Array(this.memory)
  private f64 = new Float64Array(this.memory)
  private low = Infinity
  private high = -Infinity

  buffer(): ArrayBuffer {
    return this.memory
  }

  ensure(bytes: number): void {
    if (bytes <= this.memory.byteLength) return
    let size = this.memory.byteLength
    while (size < bytes) size *= 2
    const next = new ArrayBuffer(size)
    new Uint8Array(next).set(this.u8)
    this.memory = next
    this.u8 = new Uint8Array(next)
    this.i16 = new Int16Array(next)
    this.u16 = new Uint16Array(next)
    this.i32 = new Int32Array(next)
    this.u32 = new Uint32Array(next)
    this.f32 = new Float32Array(next)
    this.f64 = new Float64Array(next)
  }

  wsum(out: number, ptrs: number, weights: number, taps: number, n: number, accumulate: number): void {
    const f = this.f32
    const o = out >> 2
    if (!accumulate) f.fill(0, o, o + n)
    const w = weights >> 2
    if ((taps === 5 && f[w] === f[w + 4] && f[w + 1] === f[w + 3]) || (taps === 3 && f[w] === f[w + 2])) {
      // A symmetric pass, as the kernel sums it: mirrored samples added first, one multiply per pair.
      const ptr = (t: number): number => this.u32[(ptrs >> 2) + t] >> 2
      const pairs = taps >> 1
      for (let t = 0; t < pairs; t++) {
        const a = ptr(t)
        const b = ptr(taps - 1 - t)
        const wt = f[w + t]
        for (let s = 0; s < n; s++) f[o + s] += Math.fround(wt * Math.fround(f[a + s] + f[b + s]))
      }
      const c = ptr(pairs)
      const wc = f[w + pairs]
      for (let s = 0; s < n; s++) f[o + s] += Math.fround(wc * f[c + s])
      return
    }
    for (let t = 0; t < taps; t++) {
      const p = this.u32[(ptrs >> 2) + t] >> 2
      const w = f[(weights >> 2) + t]
      // As f32x4.mul then f32x4.add: the product is rounded to f32 before it is added.
      for (let s = 0; s < n; s++) f[o + s] += Math.fround(w * f[p + s])
    }
  }

  wsumU8(out: number, ptrs: number, weights: number, taps: number, n: number, offset: number, mode: number): void {
    const acc = new Int16Array(n).fill(mode < 0 ? 0 : offset)
    for (let t = 0; t < taps; t++) {
      const p = this.u32[(ptrs >> 2) + t]
      const w = this.i16[(weights >> 1) + t]
      for (let s = 0; s < n; s++) acc[s] += w * this.u8[p + s]
    }
    if (mode < 0) {
      this.i16.set(acc, out >> 1)
      return
    }
    for (let s = 0; s < n; s++) {
      let v = acc[s]
      if (mode === 1) v = Math.abs(v)
      if (mode === 2) v += 128
      this.u8[out + s] = v < 0 ? 0 : v > 255 ? 255 : v
    }
  }

  tapPointers(ptrs: number, slots: number, ring: number, first: number, rows: number, offs: number, taps: number): void {
    for (let t = 0; t < taps; t++) {
      const slot = (first + this.i32[(rows >> 2) + t]) % ring
      this.u32[(ptrs >> 2) + t] = this.u32[(slots >> 2) + slot] + this.u32[(offs >> 2) + t]
    }
  }

  i16ToF32(dst: number, src: number, n: number): void {
    for (let s = 0; s < n; s++) this.f32[(dst >> 2) + s] = this.i16[(src >> 1) + s]
  }

  padRow(
    dst: number,
    src: number,
    kind: number,
    outU8: number,
    segs: number,
    nSeg: number,
    channels: number,
    premul: number,
    maxv: number
  ): void {
    const f = this.f32
    for (let g = 0; g < nSeg; g++) {
      const dp = this.i32[(segs >> 2) + g * 3]
      const sx = this.i32[(segs >> 2) + g * 3 + 1]
      const count = this.i32[(segs >> 2) + g * 3 + 2] * channels
      const d0 = dp * channels
      if (outU8) {
        if (sx < 0) this.u8.fill(0, dst + d0, dst + d0 + count)
        else this.u8.copyWithin(dst + d0, src + sx * channels, src + sx * channels + count)
        continue
      }
      const d = (dst >> 2) + d0
      if (sx < 0) {
        f.fill(0, d, d + count)
        continue
      }
      const s0 = sx * channels
      if (kind === 0) for (let i = 0; i < count; i++) f[d + i] = this.u8[src + s0 + i]
      else if (kind === 1) for (let i = 0; i < count; i++) f[d + i] = this.u16[(src >> 1) + s0 + i]
      else f.copyWithin(d, (src >> 2) + s0, (src >> 2) + s0 + count)
      if (!premul) continue
      const a = channels - 1
      for (let i = 0; i < count; i += channels) {
        const alpha = f[d + i + a]
        if (alpha === maxv) continue
        for (let c = 0; c < a; c++) f[d + i + c] = Math.fround(Math.fround(f[d + i + c] * alpha) / maxv)
      }
    }
  }

  resetRange(): void {
    this.low = Infinity
    this.high = -Infinity
  }

  getRangeLow(): number {
    return this.low
  }

  getRangeHigh(): number {
    return this.high
  }

  alphaValues(
    sums: number,
    npix: number,
    channels: number,
    divisor: number,
    offset: number,
    maxv: number,
    alphaPtr: number,
    alphaStride: number,
    alphaConvolved: number
  ): void {
    const f = this.f32
    const a = channels - 1
    // The parameters are f32 in the WebAssembly kernels.
    divisor = Math.fround(divisor)
    offset = Math.fround(offset)
    maxv = Math.fround(maxv)
    const snap = Math.fround(maxv * 2e-6)
    for (let i = 0; i < npix; i++) {
      const p = (sums >> 2) + i * channels
      let alpha: number
      if (alphaConvolved) {
        alpha = Math.fround(f[p + a] / divisor)
        if (Math.abs(Math.fround(alpha - maxv)) <= snap) alpha = maxv
        alpha = alpha > maxv ? maxv : alpha
      } else {
        alpha = f[(alphaPtr + i * alphaStride) >> 2]
      }
      // Alpha that rounds to 0 is fully transparent (float noise here would blow colour up when divided by).
      if (alpha < 0.5) alpha = 0
      f[p + a] = alpha
      for (let c = 0; c < a; c++) {
        let v = Math.fround(f[p + c] / divisor)
        v = alpha === maxv ? v : alpha > 0 ? Math.fround(Math.fround(v * maxv) / alpha) : 0
        f[p + c] = v + offset
      }
    }
  }

  finish(
    dst: number,
    dkind: number,
    sums: number,
    n: number,
    channels: number,
    divisor: number,
    offset: number,
    mode: number,
    p1: number,
    p2: number,
    maxv: number,
    scale: number,
    base: number,
    opacity: number
  ): void {
    const f = this.f32
    const clear = (mode & 8) !== 0
    mode &= 7
    // The parameters are f32 in the WebAssembly kernels.
    divisor = Math.fround(divisor)
    offset = Math.fround(offset)
    p1 = Math.fround(p1)
    p2 = Math.fround(p2)
    maxv = Math.fround(maxv)
    scale = Math.fround(scale)
    opacity = Math.fround(opacity)
    const hasAlpha = channels === 2 || channels === 4
    const stretchOk = p2 > p1
    const range = stretchOk ? Math.fround(p2 - p1) : 1
    for (let s = 0; s < n; s++) {
      let v = f[(sums >> 2) + s]
      if (divisor !== 1) v = Math.fround(v / divisor)
      v = Math.fround(v + offset)
      const isAlpha = hasAlpha && s % channels === channels - 1
      // Fully transparent pixels (alpha 0): colour 0 before any blend, and out of the range.
      const transparent = clear && !isAlpha && f[(sums >> 2) + s - (s % channels) + channels - 1] === 0
      if (mode >= 4) {
        f[(dst >> 2) + s] = v
        if (!isAlpha && !transparent) {
          if (v < this.low) this.low = v
          if (v > this.high) this.high = v
        }
        continue
      }
      if (!isAlpha) {
        if (mode === 1) v = Math.abs(v)
        else if (mode === 2) v = Math.fround(v + p1)
        else if (mode === 3 && stretchOk) v = Math.fround(Math.fround(Math.fround(v - p1) * maxv) / range)
      }
      v = v < 0 || transparent ? 0 : v > maxv ? maxv : v
      if (base) {
        v = Math.fround(Math.fround(f[(base >> 2) + s] * Math.fround(1 - opacity)) + Math.fround(v * opacity))
        v = v < 0 ? 0 : v > maxv ? maxv : v
      }
      if (dkind === 2) f[(dst >> 2) + s] = v
      else if (dkind === 0) this.u8[dst + s] = Math.round(Math.fround(v * scale))
      else this.u16[(dst >> 1) + s] = Math.round(Math.fround(v * scale))
    }
  }

  finishU8(dst: number, sums: number, n: number, divisor: number, offset: number, mode: number, p1: number): void {
    const f = this.f32
    divisor = Math.fround(divisor)
    offset = Math.fround(offset)
    p1 = Math.fround(p1)
    for (let s = 0; s < n; s++) {
      let x = f[(sums >> 2) + s]
      if (divisor !== 1) x = Math.fround(x / divisor)
      x = Math.fround(x + offset)
      if (mode === 1) x = Math.abs(x)
      else if (mode === 2) x = Math.fround(x + p1)
      x = x < 0 ? 0 : x > 255 ? 255 : x
      // floor(x + 0.5) with the sum in f32, as the kernel rounds (0.49999997 goes up there).
      this.u8[dst + s] = Math.floor(Math.fround(x + 0.5))
    }
  }

  wsumU8Out(
    dst: number,
    ptrs: number,
    weights: number,
    taps: number,
    n: number,
    accumulate: number,
    sums: number,
    divisor: number,
    offset: number,
    mode: number,
    p1: number
  ): void {
    this.wsum(sums, ptrs, weights, taps, n, accumulate)
    this.finishU8(dst, sums, n, divisor, offset, mode, p1)
  }

  wsumF32Out(
    dst: number,
    ptrs: number,
    weights: number,
    taps: number,
    n: number,
    accumulate: number,
    sums: number,
    divisor: number,
    offset: number,
    mode: number,
    p1: number,
    maxv: number
  ): void {
    this.wsum(sums, ptrs, weights, taps, n, accumulate)
    this.finish(dst, 2, sums, n, 1, divisor, offset, mode, p1, 0, maxv, 1, 0, 1)
  }

  padRow64(dst: number, src: number, kind: number, segs: number, nSeg: number, channels: number, premul: number, maxv: number): void {
    const f = this.f64
    for (let g = 0; g < nSeg; g++) {
      const dp = this.i32[(segs >> 2) + g * 3]
      const sx = this.i32[(segs >> 2) + g * 3 + 1]
      const count = this.i32[(segs >> 2) + g * 3 + 2] * channels
      const d = (dst >> 3) + dp * channels
      if (sx < 0) {
        f.fill(0, d, d + count)
        continue
      }
      const s0 = sx * channels
      for (let i = 0; i < count; i++) {
        f[d + i] = kind === 0 ? this.u8[src + s0 + i] : kind === 1 ? this.u16[(src >> 1) + s0 + i] : this.f32[(src >> 2) + s0 + i]
      }
      if (!premul) continue
      const a = channels - 1
      for (let i = 0; i < count; i += channels) {
        const alpha = f[d + i + a]
        if (alpha === maxv) continue
        for (let c = 0; c < a; c++) f[d + i + c] = (f[d + i + c] * alpha) / maxv
      }
    }
  }

  wsum64(out: number, ptrs: number, weights: number, taps: number, n: number, accumulate: number): void {
    const f = this.f64
    const o = out >> 3
    if (!accumulate) f.fill(0, o, o + n)
    for (let t = 0; t < taps; t++) {
      const p = this.u32[(ptrs >> 2) + t] >> 3
      const w = f[(weights >> 3) + t]
      for (let s = 0; s < n; s++) f[o + s] += w * f[p + s]
    }
  }

  alphaValues64(
    sums: number,
    npix: number,
    channels: number,
    divisor: number,
    offset: number,
    maxv: number,
    alphaPtr: number,
    alphaStride: number,
    alphaConvolved: number
  ): void {
    const f = this.f64
    const a = channels - 1
    for (let i = 0; i < npix; i++) {
      const p = (sums >> 3) + i * channels
      let alpha: number
      if (alphaConvolved) {
        alpha = f[p + a] / divisor
        if (Math.abs(alpha - maxv) <= maxv * 1e-9) alpha = maxv
        alpha = alpha > maxv ? maxv : alpha
      } else {
        alpha = f[(alphaPtr + i * alphaStride) >> 3]
      }
      // As the reference: alpha that rounds to 0 is fully transparent.
      if (alpha < 0.5) alpha = 0
      f[p + a] = alpha
      for (let c = 0; c < a; c++) {
        let v = f[p + c] / divisor
        v = alpha === maxv ? v : alpha > 0 ? (v * maxv) / alpha : 0
        f[p + c] = v + offset
      }
    }
  }

  finish64(
    dst: number,
    dkind: number,
    sums: number,
    n: number,
    channels: number,
    divisor: number,
    offset: number,
    mode: number,
    p1: number,
    p2: number,
    maxv: number,
    scale: number,
    base: number,
    opacity: number
  ): void {
    const f = this.f64
    const clear = (mode & 8) !== 0
    mode &= 7
    const alphaLane = channels === 2 || channels === 4 ? channels - 1 : -1
    for (let i = 0; i < n; i++) {
      const isAlpha = i % channels === alphaLane
      let v = f[(sums >> 3) + i]
      if (divisor !== 1) v /= divisor
      v += offset
      const transparent = clear && !isAlpha && f[(sums >> 3) + i - (i % channels) + alphaLane] === 0
      if (mode >= 4) {
        f[(dst >> 3) + i] = v
        if (!isAlpha && !transparent) {
          if (v < this.low) this.low = v
          if (v > this.high) this.high = v
        }
        continue
      }
      if (!isAlpha) {
        if (mode === 1) v = Math.abs(v)
        else if (mode === 2) v += p1
        else if (mode === 3 && p2 > p1) v = ((v - p1) * maxv) / (p2 - p1)
      }
      v = v < 0 || transparent ? 0 : v > maxv ? maxv : v
      let r = Math.fround(v)
      if (base) {
        const b = f[(base >> 3) + i] * (1 - opacity) + r * opacity
        r = Math.fround(b < 0 ? 0 : b > maxv ? maxv : b)
      }
      if (dkind === 2) this.f32[(dst >> 2) + i] = r
      else if (dkind === 1) this.u16[(dst >> 1) + i] = Math.round(r * scale)
      else this.u8[dst + i] = Math.round(r * scale)
    }
  }

  fillAlpha(dst: number, dkind: number, npix: number, channels: number, maxv: number): void {
    for (let i = 0; i < npix; i++) {
      const s = i * channels + channels - 1
      if (dkind === 0) this.u8[dst + s] = 255
      else if (dkind === 1) this.u16[(dst >> 1) + s] = 65535
      else this.f32[(dst >> 2) + s] = maxv
    }
  }

  clearTransparent(dst: number, dkind: number, npix: number, channels: number): void {
    const a = channels - 1
    for (let i = 0; i < npix; i++) {
      const first = i * channels
      if (dkind === 0) {
        if (this.u8[dst + first + a] === 0) this.u8.fill(0, dst + first, dst + first + a)
      } else if (dkind === 1) {
        if (this.u16[(dst >> 1) + first + a] === 0) this.u16.fill(0, (dst >> 1) + first, (dst >> 1) + first + a)
      } else if (this.f32[(dst >> 2) + first + a] < 0.5) {
        this.f32.fill(0, (dst >> 2) + first, (dst >> 2) + first + a)
      }
    }
  }

  fft2d64(re: number, im: number, tre: number, tim: number, logN: number, tables: number): void {
    fft2d64(this.f64, re >> 3, im >> 3, tre >> 3, tim >> 3, logN, tables >> 3)
  }

  convolveTile64(re: number, im: number, tre: number, tim: number, kre: number, kim: number, logN: number, tables: number): void {
    convolveTile64(this.f64, re >> 3, im >> 3, tre >> 3, tim >> 3, kre >> 3, kim >> 3, logN, tables >> 3)
  }

  // The FFT follows kernels.ts operation for operation (the same stages, twiddles and f32 roundings: each SIMD lane
  // is one column here), so both backends give the same bytes.
  fft2d(re: number, im: number, tre: number, tim: number, logN: number, tw: number): void {
    const n = 1 << logN
    this.fftColumnsDif(re, im, logN, tw)
    this.transpose(tre, re, n)
    this.transpose(tim, im, n)
    this.fftColumnsDif(tre, tim, logN, tw)
  }

  convolveTile(re: number, im: number, tre: number, tim: number, kre: number, kim: number, logN: number, tw: number): void {
    const n = 1 << logN
    const f = this.f32
    const fr = Math.fround
    this.fft2d(re, im, tre, tim, logN, tw)
    for (let i = 0; i < (n * tilePitch(n)) >> 2; i++) {
      const ar = f[(tre >> 2) + i]
      const ai = f[(tim >> 2) + i]
      const br = f[(kre >> 2) + i]
      const bi = f[(kim >> 2) + i]
      f[(tre >> 2) + i] = fr(ar * br) - fr(ai * bi)
      f[(tim >> 2) + i] = fr(ar * bi) + fr(ai * br)
    }
    this.fftColumns(tre, tim, logN, tw, true)
    this.transpose(re, tre, n)
    this.transpose(im, tim, n)
    this.fftColumns(re, im, logN, tw, true)
  }

  gatherTile(dst: number, ptrs: number, rows: number, x0: number, ch: number, channels: number, n: number): void {
    const f = this.f32
    const pitch = tilePitch(n) >> 2
    for (let y = 0; y < n; y++) {
      const d = (dst >> 2) + y * pitch
      if (y >= rows) {
        f.fill(0, d, d + n)
        continue
      }
      const s = (this.u32[(ptrs >> 2) + y] >> 2) + x0 * channels + ch
      for (let x = 0; x < n; x++) f[d + x] = f[s + x * channels]
    }
  }

  scatterTile(plane: number, rowBytes: number, src: number, n: number, rows: number, cols: number, x0: number): void {
    const f = this.f32
    const pitch = tilePitch(n) >> 2
    for (let y = 0; y < rows; y++) {
      const s = (src >> 2) + y * pitch
      f.copyWithin(((plane + y * rowBytes) >> 2) + x0, s, s + cols)
    }
  }

  interleave(dst: number, src: number, planeBytes: number, npix: number, channels: number): void {
    const f = this.f32
    for (let c = 0; c < channels; c++) {
      const plane = (src + c * planeBytes) >> 2
      for (let x = 0; x < npix; x++) f[(dst >> 2) + x * channels + c] = f[plane + x]
    }
  }

  vpassU8(out: number, ptrs: number, weights: number, pairs: number, n: number, bias: number, shift: number): void {
    const o = out >> 1
    const acc = new Int32Array(n).fill(bias)
    for (let t = 0; t < pairs; t++) {
      const p = this.u32[(ptrs >> 2) + 2 * t]
      const q = this.u32[(ptrs >> 2) + 2 * t + 1]
      const w0 = this.i16[(weights >> 1) + 2 * t]
      const w1 = this.i16[(weights >> 1) + 2 * t + 1]
      for (let s = 0; s < n; s++) acc[s] = (acc[s] + w0 * this.u8[p + s] + w1 * this.u8[q + s]) | 0
    }
    for (let s = 0; s < n; s++) this.i16[o + s] = Math.max(-32768, Math.min(32767, acc[s] >> shift))
  }

  vpassU8Sym(out: number, ptrs: number, weights: number, pairs: number, n: number, bias: number, shift: number): void {
    const o = out >> 1
    const acc = new Int32Array(n).fill(bias)
    const u8 = this.u8
    for (let t = 0; t < pairs; t++) {
      const [p, pm, q, qm] = this.u32.subarray((ptrs >> 2) + 4 * t, (ptrs >> 2) + 4 * t + 4)
      const w0 = this.i16[(weights >> 1) + 2 * t]
      const w1 = this.i16[(weights >> 1) + 2 * t + 1]
      for (let s = 0; s < n; s++) acc[s] = (acc[s] + w0 * (u8[p + s] + u8[pm + s]) + w1 * (u8[q + s] + u8[qm + s])) | 0
    }
    for (let s = 0; s < n; s++) this.i16[o + s] = Math.max(-32768, Math.min(32767, acc[s] >> shift))
  }

  hpassI16U8(dst: number, src: number, offs: number, weights: number, pairs: number, n: number, bias: number, shift: number): void {
    const acc = new Int32Array(n).fill(bias)
    for (let t = 0; t < pairs; t++) {
      const p = (src + this.i32[(offs >> 2) + 2 * t]) >> 1
      const q = (src + this.i32[(offs >> 2) + 2 * t + 1]) >> 1
      const w0 = this.i16[(weights >> 1) + 2 * t]
      const w1 = this.i16[(weights >> 1) + 2 * t + 1]
      for (let s = 0; s < n; s++) acc[s] = (acc[s] + w0 * this.i16[p + s] + w1 * this.i16[q + s]) | 0
    }
    for (let s = 0; s < n; s++) {
      const y = Math.max(-32768, Math.min(32767, acc[s] >> shift)) + 128
      this.u8[dst + s] = Math.max(0, Math.min(255, y))
    }
  }

  hpassI16U8Sym(dst: number, src: number, offs: number, weights: number, pairs: number, n: number, bias: number, shift: number): void {
    const acc = new Int32Array(n).fill(bias)
    const x = (off: number, s: number): number => this.i16[((src + off) >> 1) + s]
    for (let t = 0; t <= pairs; t++) {
      const o = (offs >> 2) + 4 * t
      const w0 = this.i16[(weights >> 1) + 2 * t]
      const w1 = this.i16[(weights >> 1) + 2 * t + 1]
      const [a, am, b] = [this.i32[o], this.i32[o + 1], this.i32[o + 2]]
      // The last step pairs a folded tap with the centre alone.
      const bm = t < pairs ? this.i32[o + 3] : -1
      for (let s = 0; s < n; s++) {
        const u = x(a, s) + x(am, s)
        const v = bm < 0 ? x(b, s) : x(b, s) + x(bm, s)
        acc[s] = (acc[s] + w0 * u + w1 * v) | 0
      }
    }
    for (let s = 0; s < n; s++) {
      const y = Math.max(-32768, Math.min(32767, acc[s] >> shift)) + 128
      this.u8[dst + s] = Math.max(0, Math.min(255, y))
    }
  }

  /** kernels.ts fftColumns: decimation in time, bit-reversed rows in, two stages fused per pass. */
  private fftColumns(re: number, im: number, logN: number, tw: number, inverse: boolean): void {
    const f = this.f32
    const fr = Math.fround
    const n = 1 << logN
    const p = tilePitch(n) >> 2
    const r0 = re >> 2
    const i0 = im >> 2
    let s = 1
    if (logN & 1) {
      for (let b = 0; b < n; b += 2) {
        const pa = b * p
        const pb = pa + p
        for (let x = 0; x < n; x++) {
          const ar = f[r0 + pa + x]
          const ai = f[i0 + pa + x]
          const br = f[r0 + pb + x]
          const bi = f[i0 + pb + x]
          f[r0 + pa + x] = ar + br
          f[i0 + pa + x] = ai + bi
          f[r0 + pb + x] = ar - br
          f[i0 + pb + x] = ai - bi
        }
      }
      s = 2
    }
    const sign = inverse ? -1 : 1
    for (; s < logN; s += 2) {
      const h = 1 << (s - 1)
      const block = h << 2
      const span = h * p
      const stride1 = n / (2 * h)
      const stride2 = n / (4 * h)
      for (let k = 0; k < h; k++) {
        const c1 = f[(tw >> 2) + 2 * k * stride1]
        const s1 = fr(f[(tw >> 2) + 2 * k * stride1 + 1] * sign)
        const c2 = f[(tw >> 2) + 2 * k * stride2]
        const s2 = fr(f[(tw >> 2) + 2 * k * stride2 + 1] * sign)
        for (let b = 0; b < n; b += block) {
          const pa = (b + k) * p
          const pb = pa + span
          const pc = pb + span
          const pd = pc + span
          for (let x = 0; x < n; x++) {
            const br = f[r0 + pb + x]
            const bi = f[i0 + pb + x]
            const dr = f[r0 + pd + x]
            const di = f[i0 + pd + x]
            const tbr = fr(fr(br * c1) - fr(bi * s1))
            const tbi = fr(fr(br * s1) + fr(bi * c1))
            const tdr = fr(fr(dr * c1) - fr(di * s1))
            const tdi = fr(fr(dr * s1) + fr(di * c1))
            const ar = f[r0 + pa + x]
            const ai = f[i0 + pa + x]
            const cr = f[r0 + pc + x]
            const ci = f[i0 + pc + x]
            const a1r = fr(ar + tbr)
            const a1i = fr(ai + tbi)
            const b1r = fr(ar - tbr)
            const b1i = fr(ai - tbi)
            const c1r = fr(cr + tdr)
            const c1i = fr(ci + tdi)
            const d1r = fr(cr - tdr)
            const d1i = fr(ci - tdi)
            const tcr = fr(fr(c1r * c2) - fr(c1i * s2))
            const tci = fr(fr(c1r * s2) + fr(c1i * c2))
            const ur = fr(fr(d1r * c2) - fr(d1i * s2))
            const ui = fr(fr(d1r * s2) + fr(d1i * c2))
            const vr = inverse ? -ui : ui
            const vi = inverse ? ur : -ur
            f[r0 + pa + x] = a1r + tcr
            f[i0 + pa + x] = a1i + tci
            f[r0 + pc + x] = a1r - tcr
            f[i0 + pc + x] = a1i - tci
            f[r0 + pb + x] = b1r + vr
            f[i0 + pb + x] = b1i + vi
            f[r0 + pd + x] = b1r - vr
            f[i0 + pd + x] = b1i - vi
          }
        }
      }
    }
  }

  /** kernels.ts fftColumnsDif: decimation in frequency, natural order in, bit-reversed rows out. */
  private fftColumnsDif(re: number, im: number, logN: number, tw: number): void {
    const f = this.f32
    const fr = Math.fround
    const n = 1 << logN
    const p = tilePitch(n) >> 2
    const r0 = re >> 2
    const i0 = im >> 2
    let s = logN
    for (; s >= 2; s -= 2) {
      const h = 1 << (s - 2)
      const block = h << 2
      const span = h * p
      const stride1 = n / (2 * h)
      const stride2 = n / (4 * h)
      for (let k = 0; k < h; k++) {
        const c1 = f[(tw >> 2) + 2 * k * stride1]
        const s1 = f[(tw >> 2) + 2 * k * stride1 + 1]
        const c2 = f[(tw >> 2) + 2 * k * stride2]
        const s2 = f[(tw >> 2) + 2 * k * stride2 + 1]
        for (let b = 0; b < n; b += block) {
          const pa = (b + k) * p
          const pb = pa + span
          const pc = pb + span
          const pd = pc + span
          for (let x = 0; x < n; x++) {
            const ar = f[r0 + pa + x]
            const ai = f[i0 + pa + x]
            const cr = f[r0 + pc + x]
            const ci = f[i0 + pc + x]
            const br = f[r0 + pb + x]
            const bi = f[i0 + pb + x]
            const dr = f[r0 + pd + x]
            const di = f[i0 + pd + x]
            const a1r = fr(ar + cr)
            const a1i = fr(ai + ci)
            const xr = fr(ar - cr)
            const xi = fr(ai - ci)
            const c1r = fr(fr(xr * c2) - fr(xi * s2))
            const c1i = fr(fr(xr * s2) + fr(xi * c2))
            const b1r = fr(br + dr)
            const b1i = fr(bi + di)
            const yr = fr(bi - di)
            const yi = fr(dr - br)
            const d1r = fr(fr(yr * c2) - fr(yi * s2))
            const d1i = fr(fr(yr * s2) + fr(yi * c2))
            f[r0 + pa + x] = a1r + b1r
            f[i0 + pa + x] = a1i + b1i
            const er = fr(a1r - b1r)
            const ei = fr(a1i - b1i)
            f[r0 + pb + x] = fr(er * c1) - fr(ei * s1)
            f[i0 + pb + x] = fr(er * s1) + fr(ei * c1)
            f[r0 + pc + x] = c1r + d1r
            f[i0 + pc + x] = c1i + d1i
            const gr = fr(c1r - d1r)
            const gi = fr(c1i - d1i)
            f[r0 + pd + x] = fr(gr * c1) - fr(gi * s1)
            f[i0 + pd + x] = fr(gr * s1) + fr(gi * c1)
          }
        }
      }
    }
    if (s === 1) {
      for (let b = 0; b < n; b += 2) {
        const pa = b * p
        const pb = pa + p
        for (let x = 0; x < n; x++) {
          const ar = f[r0 + pa + x]
          const ai = f[i0 + pa + x]
          const br = f[r0 + pb + x]
          const bi = f[i0 + pb + x]
          f[r0 + pa + x] = ar + br
          f[i0 + pa + x] = ai + bi
          f[r0 + pb + x] = ar - br
          f[i0 + pb + x] = ai - bi
        }
      }
    }
  }

  private transpose(dst: number, src: number, n: number): void {
    const f = this.f32
    const p = tilePitch(n) >> 2
    const d0 = dst >> 2
    const s0 = src >> 2
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) f[d0 + j * p + i] = f[s0 + i * p + j]
  }

  lumaRgb8(dst: number, src: number, n: number): void {
    lumaRgb8Ts(this.memory, dst, src, n)
  }

  compositeRgb8(dst: number, back: number, filtered: number, select: number, luma: number, mask: number, opacity: number, blend: number, n: number): void {
    compositeRgb8Ts(this.memory, dst, back, filtered, select, luma, mask, opacity, blend, n)
  }

  lerpMask(out: number, line: number, cells: number, col0: number, colT: number, n: number): void {
    lerpMaskTs(this.memory, out, line, cells, col0, colT, n)
  }

  decodeU8(dst: number, src: number, n: number, table: number): void {
    decodeU8Ts(this.memory, dst, src, n, table)
  }

  encodeLinear(data: number, n: number, table: number): void {
    encodeLinearTs(this.memory, data, n, table)
  }
}
