// Runs in the renderer (pure, unit-tested in Node). What the walkthrough's later lessons show besides the frames:
// the padded input (the ring filled by the engine's own border rule), the output-size formulas with numbers, the
// seeds' 1-D flip example, the feature maps of the stride lesson and the crop of the open photo.
import { indexTable, kernelAnchor, outputSize } from '../../engine/border'
import type { InspectChannel } from '../../engine/inspect'
import { kernelFromRows, kernelRows } from '../../engine/kernel'
import { presetKernel } from '../../engine/presets'
import type { Border, FilterSpec, FloatImage, Kernel, OutputMode } from '../../engine/types'

/** One cell of the input as the window sees it: in the image, or in the ring the border rule fills. */
export interface PaddedCell {
  readonly value: number
  /** The image pixel the value comes from; null where the border gives a zero. */
  readonly source: { readonly row: number; readonly col: number } | null
  /** True outside the image (the padding ring). */
  readonly ring: boolean
}

/** The input plus the ring `mode` needs, and where the image's pixel (0, 0) sits in it. */
export interface PaddedGrid {
  readonly rows: readonly (readonly PaddedCell[])[]
  readonly top: number
  readonly left: number
}

/**
 * The samples every window of `mode` reads, one grid with the ring around the image: each cell resolved by the
 * engine's border tables (`indexTable`, as the convolution itself reads them). The window of output (r, c) covers
 * rows r..r+K−1 and columns c..c+K−1 of this grid.
 */
export function paddedGrid(image: FloatImage, kernel: Kernel, mode: OutputMode, border: Border): PaddedGrid {
  const size = outputSize(image.height, image.width, kernel, mode)
  const anchor = kernelAnchor(kernel, mode)
  const rows = indexTable(size.height, kernel.height, anchor.y, image.height, border)
  const cols = indexTable(size.width, kernel.width, anchor.x, image.width, border)
  const grid: PaddedCell[][] = []
  rows.forEach((sr, t) => {
    const row: PaddedCell[] = []
    cols.forEach((sc, u) => {
      const ring = t - anchor.y < 0 || t - anchor.y >= image.height || u - anchor.x < 0 || u - anchor.x >= image.width
      const inside = sr >= 0 && sc >= 0
      row.push({
        value: inside ? image.data[(sr * image.width + sc) * image.channels] : 0,
        source: inside ? { row: sr, col: sc } : null,
        ring
      })
    })
    grid.push(row)
  })
  return { rows: grid, top: anchor.y, left: anchor.x }
}

/** An output-size formula in letters and with the numbers in. */
export interface SizeFormula {
  readonly letters: string
  readonly numbers: string
  readonly result: number
}

/** The output length of `mode` along one axis: N−K+1 (valid), N (same), N+K−1 (full). */
export function modeFormula(mode: OutputMode, n: number, k: number): SizeFormula {
  switch (mode) {
    case 'valid':
      return { letters: 'N − K + 1', numbers: `${n} − ${k} + 1`, result: n - k + 1 }
    case 'same':
      return { letters: 'N', numbers: `${n}`, result: n }
    case 'full':
      return { letters: 'N + K − 1', numbers: `${n} + ${k} − 1`, result: n + k - 1 }
  }
}

/** The seeds' 1-D example: a signal of five values and a three-tap kernel, slid in `full` mode with zeros around. */
export const FLIP_SIGNAL: readonly number[] = [1, 2, 3, 4, 5]
export const FLIP_KERNEL: readonly number[] = [2, 3, 4]

/** The 1-D example as a one-row image. */
export function signalImage(values: readonly number[]): FloatImage {
  return { width: values.length, height: 1, channels: 1, depth: 8, data: Float32Array.from(values) }
}

/** The 1-D kernel as a one-row engine kernel. */
export function signalKernel(taps: readonly number[]): Kernel {
  return kernelFromRows([taps])
}

/** A kernel of the stride lesson: several at once give several feature maps, as a CNN layer does. */
export interface FeatureKernel {
  readonly id: string
  readonly title: string
  readonly rows: readonly (readonly number[])[]
}

/** Integer kernels, so the feature maps stay readable: the lesson's, and two edge detectors from the presets. */
export function featureKernels(): FeatureKernel[] {
  return [
    { id: 'lesson', title: 'Lesson kernel', rows: [[0, 1, 2], [2, 2, 0], [0, 1, 2]] },
    { id: 'sobel-right', title: 'Sobel, right edges', rows: kernelRows(presetKernel('sobel', { direction: 'right' })) },
    { id: 'sobel-bottom', title: 'Sobel, bottom edges', rows: kernelRows(presetKernel('sobel', { direction: 'bottom' })) }
  ]
}

/** Side of the photo crop the window steps over. */
export const CROP_SIZE = 9

/**
 * Where to crop: a `size` x `size` square around (row, col), moved inside the image when the pixel is near an edge
 * (images smaller than the crop keep their centre; the border rule then fills the rest).
 */
export function cropCentre(row: number, col: number, height: number, width: number, size = CROP_SIZE): { row: number; col: number } {
  const half = (size - 1) / 2
  const fit = (v: number, n: number): number => (n >= size ? Math.min(Math.max(v, half), n - 1 - half) : Math.floor((n - 1) / 2))
  return { row: fit(Math.round(row), height), col: fit(Math.round(col), width) }
}

/**
 * The filter whose inspection at the crop centre returns the crop: an identity kernel `size` wide, in `same` mode.
 * Its patch is the `size` x `size` square of source samples around that pixel, per channel.
 */
export function cropFilter(size = CROP_SIZE): FilterSpec {
  const rows = Array.from({ length: size }, (_, r) => Array.from({ length: size }, (_, c) => (r === c && r === (size - 1) / 2 ? 1 : 0)))
  return { kernel: rows, mode: 'same', border: 'extend' }
}

/** One channel of the crop as a one-channel image in the photo's depth. */
export function cropImage(channel: Pick<InspectChannel, 'patch'>, depth: FloatImage['depth']): FloatImage {
  const rows = channel.patch
  return { width: rows[0].length, height: rows.length, channels: 1, depth, data: Float32Array.from(rows.flat()) }
}

/**
 * What to say when the window reaches the first or last output position along an axis (null in between): how far
 * it hangs into the ring there, and the output size that follows, with the numbers in.
 */
export function edgeNote(mode: OutputMode, n: number, k: number, index: number, axis: 'row' | 'column'): string | null {
  const formula = modeFormula(mode, n, k)
  const anchor = kernelAnchor({ width: k, height: k }, mode).x
  const first = index === 0
  const last = index === formula.result - 1
  if (!first && !last) return null
  const over = first ? anchor : index - anchor + k - n
  const side = first ? (axis === 'row' ? 'top' : 'left') : axis === 'row' ? 'bottom' : 'right'
  const where =
    over > 0
      ? `the window reaches ${over} ${axis}${over > 1 ? 's' : ''} past the ${side} edge, into the ring`
      : `the window is flush with the ${side} edge`
  const plural = axis === 'row' ? 'rows' : 'columns'
  const worked = formula.numbers === String(formula.result) ? '' : ` = ${formula.numbers}`
  return `${first ? 'First' : 'Last'} ${axis}: ${where}. Output ${plural} = ${formula.letters}${worked} = ${formula.result}`
}
