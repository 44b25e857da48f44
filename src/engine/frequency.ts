// A kernel's frequency response: how much it scales each spatial frequency of an image (the magnitude of its
// discrete Fourier transform), as a centred grid and as a radial profile from DC to Nyquist.
import { EngineError } from './errors'
import { flipKernel, kernelSum, validateKernel } from './kernel'
import type { Kernel } from './types'

/** Largest grid accepted: 1024 x 1024 values is already a 1 M-entry table. */
export const MAX_FREQUENCY_GRID = 1024

/** Options of {@link frequencyResponse}. */
export interface FrequencyOptions {
  /** Rotate the kernel 180 degrees first, as the convolution does. The magnitude does not change. @default false */
  readonly flip?: boolean
  /**
   * Grid size N (even, at least the kernel's larger side): the response is sampled at N x N frequencies.
   * @default the larger of 64 and twice the kernel's larger side, rounded up to a power of two
   */
  readonly size?: number
}

/** One ring of the radial profile: the frequencies whose distance from DC rounds to `radius`. */
export interface RadialBin {
  /** Distance from DC, in cycles per pixel (0 = DC, 0.5 = Nyquist). */
  readonly radius: number
  /** Mean, smallest and largest magnitude over the ring (they differ when the kernel is not round, e.g. Sobel). */
  readonly mean: number
  readonly min: number
  readonly max: number
  /** How many grid frequencies fall in the ring. */
  readonly count: number
}

/** The magnitude of a kernel's response on a centred N x N frequency grid. */
export interface FrequencyResponse {
  /** Grid size N. */
  readonly size: number
  /**
   * Frequency of grid index k along either axis, in cycles per pixel: (k - N/2) / N. Index 0 is -0.5 (Nyquist),
   * index N/2 is 0 (DC).
   */
  readonly frequencies: readonly number[]
  /**
   * |H| row-major: entry [ky * N + kx] is the gain at vertical frequency frequencies[ky] and horizontal frequency
   * frequencies[kx]. The divisor is included; the offset is not (it adds a constant whatever the input).
   */
  readonly magnitude: Float64Array
  /** H at DC, signed: the weights' sum over the divisor (1 keeps brightness, 0 for edge kernels). */
  readonly dcGain: number
  /** |H| at the Nyquist frequency along rows (horizontal), columns (vertical) and the diagonal. */
  readonly nyquist: { readonly horizontal: number; readonly vertical: number; readonly diagonal: number }
  /** Rings from DC (radius 0) out to Nyquist (radius 0.5), one per 1/N cycles per pixel; corners past 0.5 are left out. */
  readonly profile: readonly RadialBin[]
}

function defaultSize(kernel: Kernel): number {
  const needed = Math.max(64, 2 * Math.max(kernel.width, kernel.height))
  return 2 ** Math.ceil(Math.log2(needed))
}

function checkSize(size: number, kernel: Kernel): void {
  const side = Math.max(kernel.width, kernel.height)
  if (!Number.isInteger(size) || size % 2 !== 0 || size < side || size > MAX_FREQUENCY_GRID) {
    throw new EngineError(
      `frequency grid size ${String(size)} must be an even whole number from ${side + (side % 2)} (the kernel's larger side) to ${MAX_FREQUENCY_GRID}`
    )
  }
}

/**
 * Samples the kernel's frequency response on an N x N grid. Correlation with the kernel maps the pattern
 * e^{2 pi i (fy y + fx x)} to itself times H(fy, fx) = sum of w[i][j] e^{2 pi i (fy (i - cy) + fx (j - cx))} / divisor,
 * with (cy, cx) the kernel centre: that is the kernel's DFT zero-padded to N x N, sampled at (k - N/2) / N.
 * Flipping (true convolution) conjugates H for real weights, so the magnitude is the same either way.
 * The response describes the image away from its borders; the border rule, the output mode and the signed
 * mapping (clamping included) are outside it.
 */
export function frequencyResponse(kernel: Kernel, options: FrequencyOptions = {}): FrequencyResponse {
  validateKernel(kernel)
  const applied = options.flip ? flipKernel(kernel) : kernel
  const n = options.size ?? defaultSize(applied)
  checkSize(n, applied)
  const { width: kw, height: kh, weights, divisor } = applied
  const cy = (kh - 1) / 2
  const cx = (kw - 1) / 2
  const half = n / 2

  // e^{2 pi i m / N} for m = 0..N-1; the phase of index k at tap offset d is ((k - N/2) d) mod N.
  const cos = new Float64Array(n)
  const sin = new Float64Array(n)
  for (let m = 0; m < n; m++) {
    cos[m] = Math.cos((2 * Math.PI * m) / n)
    sin[m] = Math.sin((2 * Math.PI * m) / n)
  }
  const phase = (k: number, d: number): number => ((((k - half) * d) % n) + n) % n

  // Separable sum: first each kernel row along x for every horizontal frequency, then the rows along y.
  const rowRe = new Float64Array(kh * n)
  const rowIm = new Float64Array(kh * n)
  for (let i = 0; i < kh; i++) {
    for (let kx = 0; kx < n; kx++) {
      let re = 0
      let im = 0
      for (let j = 0; j < kw; j++) {
        const w = weights[i * kw + j]
        if (w === 0) continue
        const m = phase(kx, j - cx)
        re += w * cos[m]
        im += w * sin[m]
      }
      rowRe[i * n + kx] = re
      rowIm[i * n + kx] = im
    }
  }
  const magnitude = new Float64Array(n * n)
  const re = new Float64Array(n)
  const im = new Float64Array(n)
  for (let ky = 0; ky < n; ky++) {
    re.fill(0)
    im.fill(0)
    for (let i = 0; i < kh; i++) {
      const m = phase(ky, i - cy)
      const c = cos[m]
      const s = sin[m]
      const base = i * n
      for (let kx = 0; kx < n; kx++) {
        const a = rowRe[base + kx]
        const b = rowIm[base + kx]
        re[kx] += a * c - b * s
        im[kx] += a * s + b * c
      }
    }
    for (let kx = 0; kx < n; kx++) magnitude[ky * n + kx] = Math.hypot(re[kx], im[kx]) / Math.abs(divisor)
  }

  const frequencies = Array.from({ length: n }, (_, k) => (k - half) / n)
  const at = (ky: number, kx: number): number => magnitude[ky * n + kx]
  return {
    size: n,
    frequencies,
    magnitude,
    dcGain: kernelSum(applied) / divisor,
    nyquist: { horizontal: at(half, 0), vertical: at(0, half), diagonal: at(0, 0) },
    profile: radialProfile(magnitude, n)
  }
}

/** Rings of width 1/N around DC: a frequency at distance rho cycles per pixel goes to ring round(rho N). */
function radialProfile(magnitude: Float64Array, n: number): RadialBin[] {
  const half = n / 2
  const sum = new Float64Array(half + 1)
  const count = new Float64Array(half + 1)
  const min = new Float64Array(half + 1).fill(Infinity)
  const max = new Float64Array(half + 1).fill(-Infinity)
  for (let ky = 0; ky < n; ky++) {
    for (let kx = 0; kx < n; kx++) {
      const ring = Math.round(Math.hypot(ky - half, kx - half))
      if (ring > half) continue
      const value = magnitude[ky * n + kx]
      sum[ring] += value
      count[ring]++
      if (value < min[ring]) min[ring] = value
      if (value > max[ring]) max[ring] = value
    }
  }
  return Array.from({ length: half + 1 }, (_, ring) => ({
    radius: ring / n,
    mean: sum[ring] / count[ring],
    min: min[ring],
    max: max[ring],
    count: count[ring]
  }))
}
