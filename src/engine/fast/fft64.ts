// FFT convolution of square N x N tiles in f64, in plain TypeScript: the FFT path for filters whose f32 transform
// error would reach a level (16-bit images, high-gain kernels). Both kernel backends run this same code, so its
// results are the same bytes everywhere. Pure: no node:* imports.

/**
 * Complex 2-D transforms of N x N f64 tiles (row-major, split re/im). The forward transform leaves the spectrum
 * transposed (rows are column frequencies); {@link Fft64.convolve} multiplies in that layout and transforms back,
 * so no transpose back is needed (as the f32 kernels do).
 */
export class Fft64 {
  readonly n: number
  private readonly cos: Float64Array
  private readonly sin: Float64Array
  private readonly reverse: Uint32Array
  private readonly tre: Float64Array
  private readonly tim: Float64Array

  constructor(readonly logN: number) {
    const n = 1 << logN
    this.n = n
    this.cos = new Float64Array(n / 2)
    this.sin = new Float64Array(n / 2)
    for (let k = 0; k < n / 2; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / n)
      this.sin[k] = Math.sin((2 * Math.PI * k) / n)
    }
    this.reverse = new Uint32Array(n)
    for (let i = 0; i < n; i++) {
      let r = 0
      for (let b = 0; b < logN; b++) if (i & (1 << b)) r |= 1 << (logN - 1 - b)
      this.reverse[i] = r
    }
    this.tre = new Float64Array(n * n)
    this.tim = new Float64Array(n * n)
  }

  /** Forward 2-D transform of (re, im), in place, leaving the spectrum transposed. */
  forward(re: Float64Array, im: Float64Array): void {
    this.rows(re, im, -1)
    this.transpose(re, im)
    this.rows(re, im, -1)
  }

  /**
   * One tile through the kernel: forward transform of (re, im), product with `kre`/`kim` (a spectrum made by
   * {@link Fft64.forward}, with the 1 / N^2 of the inverse folded in), inverse transform back into (re, im).
   */
  convolve(re: Float64Array, im: Float64Array, kre: Float64Array, kim: Float64Array): void {
    this.forward(re, im)
    for (let i = 0; i < re.length; i++) {
      const ar = re[i]
      const ai = im[i]
      re[i] = ar * kre[i] - ai * kim[i]
      im[i] = ar * kim[i] + ai * kre[i]
    }
    this.rows(re, im, 1)
    this.transpose(re, im)
    this.rows(re, im, 1)
  }

  /** 1-D transforms of every row: radix 2, decimation in time; `sign` -1 forward, 1 inverse (unscaled). */
  private rows(re: Float64Array, im: Float64Array, sign: number): void {
    const n = this.n
    const { cos, sin, reverse } = this
    for (let o = 0; o < n * n; o += n) {
      for (let i = 0; i < n; i++) {
        const j = reverse[i]
        if (j <= i) continue
        const r = re[o + i]
        re[o + i] = re[o + j]
        re[o + j] = r
        const m = im[o + i]
        im[o + i] = im[o + j]
        im[o + j] = m
      }
      for (let half = 1, step = n >> 1; half < n; half <<= 1, step >>= 1) {
        for (let k = 0; k < half; k++) {
          const wr = cos[k * step]
          const wi = sign * sin[k * step]
          for (let a = o + k; a < o + n; a += half << 1) {
            const b = a + half
            const tr = re[b] * wr - im[b] * wi
            const ti = re[b] * wi + im[b] * wr
            re[b] = re[a] - tr
            im[b] = im[a] - ti
            re[a] += tr
            im[a] += ti
          }
        }
      }
    }
  }

  private transpose(re: Float64Array, im: Float64Array): void {
    const n = this.n
    const { tre, tim } = this
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        tre[x * n + y] = re[y * n + x]
        tim[x * n + y] = im[y * n + x]
      }
    }
    re.set(tre)
    im.set(tim)
  }
}

/**
 * The spectrum of a kh x kw kernel (row-major `weights`, as applied) for correlation by N x N tiles: circular
 * convolution with K[-i][-j], scaled by 1 / N^2 (the inverse transform's scaling), in {@link Fft64.forward}'s
 * layout.
 */
export function kernelSpectrum64(fft: Fft64, weights: ArrayLike<number>, kh: number, kw: number): { re: Float64Array; im: Float64Array } {
  const n = fft.n
  const re = new Float64Array(n * n)
  const im = new Float64Array(n * n)
  const scale = 1 / (n * n)
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) re[((n - i) % n) * n + ((n - j) % n)] = weights[i * kw + j] * scale
  }
  fft.forward(re, im)
  return { re, im }
}
