// Inspect one output pixel: the seeds' "for the [0, 0] index ... the sum is 12" worked out and made visible.
import { kernelAnchor } from './border'
import {
  clampSample,
  convolvedAlpha,
  mapSigned,
  planConvolution,
  signedRange,
  snapTransparent,
  sourceSamples,
  unpremultiply
} from './convolve'
import { EngineError } from './errors'
import { kernelRows } from './kernel'
import type { Border, ConvolveOptions, FloatImage, Kernel, OutputMode, SignedMode } from './types'

/** The arithmetic of one channel of the inspected pixel. */
export interface InspectChannel {
  /** `grey`, `red`, `green`, `blue` or `alpha`. */
  readonly name: string
  /** Input samples under the kernel, border-resolved (premultiplied colour when the image has alpha). */
  readonly patch: number[][]
  /** Kernel weight x patch sample, cell by cell. */
  readonly products: number[][]
  /** Sum of the products. */
  readonly sum: number
  /** sum / divisor. */
  readonly divided: number
  /** Colour of images with alpha: `divided` back to straight colour for the output alpha. */
  readonly unpremultiplied?: number
  /** Colour: value + offset. Alpha: not offset. */
  readonly withOffset: number
  /** After the signed mapping (colour; 0 under an output alpha that rounds to 0) or clamping (alpha), before rounding. */
  readonly mapped: number
  /** The final sample: rounded and clamped, exactly what convolve + toInt give at this pixel. */
  readonly value: number
  /** Alpha only: true when alpha is the input alpha under the kernel centre rather than convolved. */
  readonly fromCentre?: boolean
}

/** Everything about one output pixel. */
export interface InspectResult {
  readonly row: number
  readonly col: number
  readonly outputHeight: number
  readonly outputWidth: number
  readonly mode: OutputMode
  readonly border: Border
  readonly flip: boolean
  readonly signed: SignedMode
  /** The kernel as applied (rotated 180 degrees when `flip`). */
  readonly kernel: number[][]
  readonly divisor: number
  readonly offset: number
  /** Input coordinates of the kernel's top-left cell before border rules (may be negative or past the edge). */
  readonly windowTop: number
  readonly windowLeft: number
  /** Input row read by each kernel row after border rules; null where the border gives zeros. */
  readonly sourceRows: (number | null)[]
  /** Input column read by each kernel column after border rules; null where the border gives zeros. */
  readonly sourceCols: (number | null)[]
  /** The whole output's colour range before mapping, which `stretch` maps to 0..max. */
  readonly range?: { readonly low: number; readonly high: number }
  readonly channels: InspectChannel[]
  /** Explains premultiplied alpha when the image has an alpha channel. */
  readonly note?: string
}

/** The position to inspect, 0-based, in the output of the chosen mode. */
export interface PixelPosition {
  readonly row: number
  readonly col: number
}

const CHANNEL_NAMES: Record<number, readonly string[]> = {
  1: ['grey'],
  2: ['grey', 'alpha'],
  3: ['red', 'green', 'blue'],
  4: ['red', 'green', 'blue', 'alpha']
}

/** The sample as convolve stores it (float32) and toInt rounds it. */
function finalValue(mapped: number, max: number): number {
  // "+ 0" turns -0 into 0, as storing into an integer array does.
  return clampSample(Math.round(Math.fround(clampSample(mapped, max))), max) + 0
}

/**
 * Works out output pixel (row, col) of `convolve(image, kernel, options)` step by step, per channel.
 * `stretchRange` is the range a `stretch` mapping uses when `image` is only the part of the input the window reads
 * (the whole image's, measured elsewhere); by default it is measured on `image`.
 * Throws an EngineError naming the valid range when the position is outside the output.
 */
export function inspectPixel(
  image: FloatImage,
  kernel: Kernel,
  position: PixelPosition,
  options: ConvolveOptions = {},
  stretchRange?: { readonly low: number; readonly high: number }
): InspectResult {
  const plan = planConvolution(image, kernel, options)
  const { row, col } = position
  const { outHeight, outWidth, rows, cols, max, hasAlpha, signed } = plan
  const size = `${outWidth}x${outHeight} '${plan.mode}' output`
  if (!Number.isInteger(row) || row < 0 || row >= outHeight) {
    throw new EngineError(`row ${String(row)} is out of range: the ${size} has rows 0 to ${outHeight - 1}`)
  }
  if (!Number.isInteger(col) || col < 0 || col >= outWidth) {
    throw new EngineError(`column ${String(col)} is out of range: the ${size} has columns 0 to ${outWidth - 1}`)
  }
  const applied = plan.kernel
  const { width: kw, height: kh, divisor, offset, weights } = applied
  const { width, channels, data } = image
  const src = sourceSamples(image)
  const range = signed === 'stretch' ? (stretchRange ?? signedRange(image, plan)) : undefined
  const anchor = kernelAnchor(applied, plan.mode)
  const sourceRows = Array.from(rows.subarray(row, row + kh), (v) => (v < 0 ? null : v))
  const sourceCols = Array.from(cols.subarray(col, col + kw), (v) => (v < 0 ? null : v))

  const window = (ch: number): { patch: number[][]; products: number[][]; sum: number } => {
    const patch: number[][] = []
    const products: number[][] = []
    let sum = 0
    for (let i = 0; i < kh; i++) {
      const patchRow: number[] = []
      const productRow: number[] = []
      const sr = rows[row + i]
      for (let j = 0; j < kw; j++) {
        const sc = cols[col + j]
        const sample = sr < 0 || sc < 0 ? 0 : src[(sr * width + sc) * channels + ch]
        const product = weights[i * kw + j] * sample
        patchRow.push(sample)
        productRow.push(product)
        sum += product
      }
      patch.push(patchRow)
      products.push(productRow)
    }
    return { patch, products, sum }
  }

  const result: InspectChannel[] = []
  let alpha = max
  if (hasAlpha) {
    const a = channels - 1
    const { patch, products, sum } = window(a)
    const divided = sum / divisor
    if (plan.alphaConvolved) {
      alpha = convolvedAlpha(divided, max)
    } else {
      const sr = rows[row + plan.centreY]
      const sc = cols[col + plan.centreX]
      alpha = sr < 0 || sc < 0 ? 0 : snapTransparent(data[(sr * width + sc) * channels + a])
    }
    result[a] = {
      name: 'alpha',
      patch,
      products,
      sum,
      divided,
      withOffset: plan.alphaConvolved ? divided : alpha,
      mapped: alpha,
      value: finalValue(alpha, max),
      ...(plan.alphaConvolved ? {} : { fromCentre: true })
    }
  }
  const colourChannels = hasAlpha ? channels - 1 : channels
  for (let ch = 0; ch < colourChannels; ch++) {
    const { patch, products, sum } = window(ch)
    const divided = sum / divisor
    const straight = hasAlpha ? unpremultiply(divided, alpha, max) : divided
    const withOffset = straight + offset
    // A fully transparent pixel has no colour: 0 whatever the offset and mapping (as convolve gives it).
    const mapped = alpha === 0 ? 0 : mapSigned(withOffset, signed, max, range?.low ?? 0, range?.high ?? 0)
    result[ch] = {
      name: CHANNEL_NAMES[channels][ch],
      patch,
      products,
      sum,
      divided,
      ...(hasAlpha ? { unpremultiplied: straight } : {}),
      withOffset,
      mapped,
      value: finalValue(mapped, max)
    }
  }

  let note: string | undefined
  if (hasAlpha) {
    note =
      'Colour samples are premultiplied by alpha/max before convolving and divided by the output alpha afterwards. ' +
      (plan.alphaConvolved
        ? 'Alpha is convolved with the same kernel (its weights sum to 1).'
        : options.keepAlpha
          ? 'Alpha is kept: it is the input alpha under the kernel centre.'
          : 'Alpha is the input alpha under the kernel centre, because the kernel\'s weights do not sum to 1.') +
      (alpha === 0 ? ' The output alpha rounds to 0: the pixel is fully transparent, so its colour is 0.' : '')
  }

  return {
    row,
    col,
    outputHeight: outHeight,
    outputWidth: outWidth,
    mode: plan.mode,
    border: plan.border,
    flip: options.flip ?? false,
    signed,
    kernel: kernelRows(applied),
    divisor,
    offset,
    windowTop: row - anchor.y,
    windowLeft: col - anchor.x,
    sourceRows,
    sourceCols,
    ...(range ? { range } : {}),
    channels: result,
    ...(note ? { note } : {})
  }
}
