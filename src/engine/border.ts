// Where samples outside the image come from, and how output pixels line up with input pixels per output mode.
import { EngineError } from './errors'
import type { Border, Kernel, OutputMode } from './types'

/**
 * The source index for position `p` along a dimension of length `n`, or -1 for a zero sample.
 * `reflect` is reflect-101 (`dcb|abcd|cba`) and folds as often as needed, so kernels far larger
 * than the image still work; a 1-pixel dimension reflects to itself.
 */
export function resolveIndex(p: number, n: number, border: Border): number {
  if (p >= 0 && p < n) return p
  switch (border) {
    case 'zero':
      return -1
    case 'extend':
      return p < 0 ? 0 : n - 1
    case 'wrap':
      return ((p % n) + n) % n
    case 'reflect': {
      if (n === 1) return 0
      const period = 2 * n - 2
      const m = ((p % period) + period) % period
      return m < n ? m : period - m
    }
  }
}

/** Output height and width of `mode`; throws when a `valid` output would be empty. */
export function outputSize(
  height: number,
  width: number,
  kernel: Pick<Kernel, 'width' | 'height'>,
  mode: OutputMode
): { height: number; width: number } {
  switch (mode) {
    case 'same':
      return { height, width }
    case 'full':
      return { height: height + kernel.height - 1, width: width + kernel.width - 1 }
    case 'valid':
      if (kernel.height > height || kernel.width > width) {
        throw new EngineError(
          `kernel ${kernel.width}x${kernel.height} does not fit the ${width}x${height} image for 'valid' output`
        )
      }
      return { height: height - kernel.height + 1, width: width - kernel.width + 1 }
  }
}

/**
 * Offset of the kernel's top-left cell from the output pixel, per axis: the input position read by
 * kernel cell (i, j) for output (r, c) is (r + i - y, c + j - x).
 */
export function kernelAnchor(kernel: Pick<Kernel, 'width' | 'height'>, mode: OutputMode): { y: number; x: number } {
  switch (mode) {
    case 'same':
      return { y: (kernel.height - 1) / 2, x: (kernel.width - 1) / 2 }
    case 'valid':
      return { y: 0, x: 0 }
    case 'full':
      return { y: kernel.height - 1, x: kernel.width - 1 }
  }
}

/**
 * Lookup table for one axis: entry t is the resolved source index of position `t - anchor`
 * (or -1 for a zero sample), for t in 0 .. outputLength + kernelLength - 2. Output position o
 * with kernel cell i reads entry o + i; the kernel centre reads entry o + (kernelLength - 1) / 2.
 */
export function indexTable(
  outputLength: number,
  kernelLength: number,
  anchor: number,
  inputLength: number,
  border: Border
): Int32Array {
  const table = new Int32Array(outputLength + kernelLength - 1)
  for (let t = 0; t < table.length; t++) table[t] = resolveIndex(t - anchor, inputLength, border)
  return table
}

const BORDERS: readonly Border[] = ['extend', 'reflect', 'wrap', 'zero']
const MODES: readonly OutputMode[] = ['same', 'valid', 'full']

/** Throws an EngineError for an unknown border name (options may come from untyped input). */
export function checkBorder(border: string): Border {
  if (!(BORDERS as readonly string[]).includes(border)) {
    throw new EngineError(`unknown border "${border}": expected one of ${BORDERS.join(', ')}`)
  }
  return border as Border
}

/** Throws an EngineError for an unknown output mode name. */
export function checkMode(mode: string): OutputMode {
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new EngineError(`unknown output mode "${mode}": expected one of ${MODES.join(', ')}`)
  }
  return mode as OutputMode
}
