// FFT convolution of square N x N tiles in f64: the FFT path for filters whose f32 transform error would reach a
// level (16-bit images, high-gain kernels). This is the TypeScript backend's version; src/wasm/kernels.ts has the
// same steps in f64x2 (fft2d64, convolveTile64), operation for operation, so both give the same bytes.
// Tiles are row-major f64 arrays, N x N, in a backend's memory; offsets here are in f64 elements. Pure.

/**
 * The tables the transforms read, laid out from `tables` (f64 elements): cos and sin of 2 pi k / N for
 * k < N/2, then the bit reversal of every row index (as f64).
 */
export function fft64Tables(memory: Float64Array, tables: number, logN: number): void {
  const n = 1 << logN
  for (let k = 0; k < n / 2; k++) {
    memory[tables + k] = Math.cos((2 * Math.PI * k) / n)
    memory[tables + n / 2 + k] = Math.sin((2 * Math.PI * k) / n)
  }
  for (let i = 0; i < n; i++) {
    let r = 0
    for (let b = 0; b < logN; b++) if (i & (1 << b)) r |= 1 << (logN - 1 - b)
    memory[tables + n + i] = r
  }
}

/** f64 elements {@link fft64Tables} takes. */
export function fft64TableSize(logN: number): number {
  return 2 << logN
}

/**
 * Forward 2-D transform of (re, im) into (tre, tim): along columns, transposed, along columns again, so the
 * spectrum is transposed (rows are column frequencies); only {@link convolveTile64} reads it. Clobbers (re, im).
 */
export function fft2d64(m: Float64Array, re: number, im: number, tre: number, tim: number, logN: number, tables: number): void {
  columns(m, re, im, logN, tables, -1)
  transpose(m, tre, re, 1 << logN)
  transpose(m, tim, im, 1 << logN)
  columns(m, tre, tim, logN, tables, -1)
}

/**
 * One tile through the kernel: forward transform of (re, im), product with the spectrum (kre, kim) made by
 * {@link fft2d64} (the inverse's 1 / N^2 folded in), inverse transform back into (re, im); (tre, tim) is scratch.
 */
export function convolveTile64(
  m: Float64Array,
  re: number,
  im: number,
  tre: number,
  tim: number,
  kre: number,
  kim: number,
  logN: number,
  tables: number
): void {
  const n = 1 << logN
  fft2d64(m, re, im, tre, tim, logN, tables)
  for (let i = 0; i < n * n; i++) {
    const ar = m[tre + i]
    const ai = m[tim + i]
    const br = m[kre + i]
    const bi = m[kim + i]
    m[tre + i] = ar * br - ai * bi
    m[tim + i] = ar * bi + ai * br
  }
  columns(m, tre, tim, logN, tables, 1)
  transpose(m, re, tre, n)
  transpose(m, im, tim, n)
  columns(m, re, im, logN, tables, 1)
}

/**
 * 1-D transforms along the row index of every column, in place: rows in bit-reversed order, then radix-2
 * decimation in time; `sign` -1 forward, 1 inverse (unscaled).
 */
function columns(m: Float64Array, re: number, im: number, logN: number, tables: number, sign: number): void {
  const n = 1 << logN
  const sin = tables + n / 2
  const reverse = tables + n
  for (let i = 0; i < n; i++) {
    const j = m[reverse + i]
    if (j <= i) continue
    for (let x = 0; x < n; x++) {
      const r = m[re + i * n + x]
      m[re + i * n + x] = m[re + j * n + x]
      m[re + j * n + x] = r
      const t = m[im + i * n + x]
      m[im + i * n + x] = m[im + j * n + x]
      m[im + j * n + x] = t
    }
  }
  for (let half = 1, step = n >> 1; half < n; half <<= 1, step >>= 1) {
    for (let k = 0; k < half; k++) {
      const wr = m[tables + k * step]
      const wi = sign * m[sin + k * step]
      for (let a = k; a < n; a += half << 1) {
        const pa = a * n
        const pb = (a + half) * n
        for (let x = 0; x < n; x++) {
          const br = m[re + pb + x]
          const bi = m[im + pb + x]
          const tr = br * wr - bi * wi
          const ti = br * wi + bi * wr
          const ar = m[re + pa + x]
          const ai = m[im + pa + x]
          m[re + pb + x] = ar - tr
          m[im + pb + x] = ai - ti
          m[re + pa + x] = ar + tr
          m[im + pa + x] = ai + ti
        }
      }
    }
  }
}

/** dst = transpose(src), in 8 x 8 blocks (a plain copy: any order gives the same bytes). */
function transpose(m: Float64Array, dst: number, src: number, n: number): void {
  for (let by = 0; by < n; by += 8) {
    for (let bx = 0; bx < n; bx += 8) {
      for (let y = by; y < by + 8 && y < n; y++) for (let x = bx; x < bx + 8 && x < n; x++) m[dst + x * n + y] = m[src + y * n + x]
    }
  }
}
