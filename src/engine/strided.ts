// The sliding window as convolutional networks use it: zero padding P, stride S and dilation D on a small
// one-channel grid, and the output size they give. The walkthrough's bridge from image filters to CNN layers;
// with P = 0, S = 1, D = 1 it is the reference convolution's `valid` correlation with a zero border.
import { EngineError } from './errors'

/** Padding, stride and dilation, the same on both axes. */
export interface StrideOptions {
  /** Zeros added on every side. @default 0 */
  readonly padding?: number
  /** Step between window positions. @default 1 */
  readonly stride?: number
  /** Step between the kernel's taps (1: adjacent samples). @default 1 */
  readonly dilation?: number
}

function whole(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new EngineError(`${name} ${String(value)} is not a whole number of at least ${min}`)
  return value
}

function resolved(options: StrideOptions): { padding: number; stride: number; dilation: number } {
  return {
    padding: whole('padding', options.padding ?? 0, 0),
    stride: whole('stride', options.stride ?? 1, 1),
    dilation: whole('dilation', options.dilation ?? 1, 1)
  }
}

/**
 * Output length along one axis: floor((N + 2P − D(K−1) − 1) / S) + 1, or 0 when the dilated kernel, D(K−1) + 1
 * samples wide, is wider than the padded input.
 */
export function stridedOutputLength(n: number, k: number, options: StrideOptions = {}): number {
  whole('input size', n, 1)
  whole('kernel size', k, 1)
  const { padding, stride, dilation } = resolved(options)
  const reach = n + 2 * padding - dilation * (k - 1) - 1
  return reach < 0 ? 0 : Math.floor(reach / stride) + 1
}

/** Input positions (row, col; may lie in the padding, outside 0..N−1) read by output (r, c), kernel row-major. */
export function stridedTaps(
  r: number,
  c: number,
  kernelHeight: number,
  kernelWidth: number,
  options: StrideOptions = {}
): { row: number; col: number }[] {
  const { padding, stride, dilation } = resolved(options)
  const taps: { row: number; col: number }[] = []
  for (let i = 0; i < kernelHeight; i++) {
    for (let j = 0; j < kernelWidth; j++) taps.push({ row: r * stride + i * dilation - padding, col: c * stride + j * dilation - padding })
  }
  return taps
}

/**
 * Correlation of `grid` with `kernel` (rows of numbers, any sizes): output (r, c) is the sum over kernel cells
 * (i, j) of kernel[i][j] x grid[r·S + i·D − P][c·S + j·D − P], zero outside the grid. Empty when the kernel
 * does not fit.
 */
export function stridedCorrelate(
  grid: readonly (readonly number[])[],
  kernel: readonly (readonly number[])[],
  options: StrideOptions = {}
): number[][] {
  const height = grid.length
  const width = grid[0]?.length ?? 0
  const kh = kernel.length
  const kw = kernel[0]?.length ?? 0
  if ([...grid, ...kernel].some((row, i) => row.length !== (i < height ? width : kw))) {
    throw new EngineError('the grid and the kernel must each have rows of one length')
  }
  const outHeight = stridedOutputLength(height, kh, options)
  const outWidth = stridedOutputLength(width, kw, options)
  const out: number[][] = []
  for (let r = 0; r < outHeight; r++) {
    const row: number[] = []
    for (let c = 0; c < outWidth; c++) {
      let sum = 0
      stridedTaps(r, c, kh, kw, options).forEach(({ row: y, col: x }, t) => {
        if (y >= 0 && y < height && x >= 0 && x < width) sum += kernel[Math.floor(t / kw)][t % kw] * grid[y][x]
      })
      row.push(sum)
    }
    out.push(row)
  }
  return out
}
