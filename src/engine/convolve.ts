// The reference convolution: plain loops, exact semantics. Fast paths must match it (they plug in via applyStack).
import { checkBorder, checkMode, indexTable, kernelAnchor, outputSize } from './border'
import { EngineError } from './errors'
import { createFloatImage, maxValue } from './image'
import { flipKernel, kernelSum, validateKernel } from './kernel'
import type { Border, ConvolveOptions, FloatImage, Kernel, OutputMode, SignedMode } from './types'

export { outputSize } from './border'

/** Alpha is convolved only by kernels whose weights, after the divisor, sum to 1 within this. */
export const ALPHA_SUM_TOLERANCE = 1e-6

const SIGNED_MODES: readonly SignedMode[] = ['clamp', 'abs', 'shift', 'stretch']

/** Everything a convolution needs, worked out once from the image, kernel and options. */
export interface ConvolutionPlan {
  /** The kernel as applied (rotated 180 degrees when `flip`). */
  readonly kernel: Kernel
  readonly border: Border
  readonly mode: OutputMode
  readonly signed: SignedMode
  readonly outHeight: number
  readonly outWidth: number
  /** Source row for table entry r + i (see `indexTable`), -1 for a zero sample. */
  readonly rows: Int32Array
  /** Source column for table entry c + j, -1 for a zero sample. */
  readonly cols: Int32Array
  /** Table offsets of the kernel centre: the input pixel "under" output (r, c) is rows[r + centreY], cols[c + centreX]. */
  readonly centreY: number
  readonly centreX: number
  readonly hasAlpha: boolean
  /** True: alpha is convolved like colour; false: alpha is the input alpha under the kernel centre. */
  readonly alphaConvolved: boolean
  /** Largest sample value, 255 or 65535. */
  readonly max: number
}

/** Throws an EngineError unless the image's sizes, channels, depth and data length agree. */
export function checkImage(image: FloatImage): void {
  const { width, height, channels, depth, data } = image
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new EngineError(`image size ${String(width)}x${String(height)} is not a positive whole number`)
  }
  if (![1, 2, 3, 4].includes(channels)) throw new EngineError(`image has ${String(channels)} channels: expected 1 to 4`)
  if (depth !== 8 && depth !== 16) throw new EngineError(`image depth ${String(depth)} is not 8 or 16 bits`)
  if (data.length !== width * height * channels) {
    throw new EngineError(
      `image data has ${data.length} samples, expected ${width}x${height}x${channels} = ${width * height * channels}`
    )
  }
}

/** Validates image, kernel and options and precomputes the border tables. */
export function planConvolution(image: FloatImage, kernel: Kernel, options: ConvolveOptions = {}): ConvolutionPlan {
  checkImage(image)
  validateKernel(kernel)
  const border = checkBorder(options.border ?? 'extend')
  const mode = checkMode(options.mode ?? 'same')
  const signed = options.signed ?? 'clamp'
  if (!SIGNED_MODES.includes(signed)) {
    throw new EngineError(`unknown signed mode "${String(signed)}": expected one of ${SIGNED_MODES.join(', ')}`)
  }
  const applied = options.flip ? flipKernel(kernel) : kernel
  const size = outputSize(image.height, image.width, applied, mode)
  const anchor = kernelAnchor(applied, mode)
  const hasAlpha = image.channels === 2 || image.channels === 4
  const effectiveSum = kernelSum(applied) / applied.divisor
  return {
    kernel: applied,
    border,
    mode,
    signed,
    outHeight: size.height,
    outWidth: size.width,
    rows: indexTable(size.height, applied.height, anchor.y, image.height, border),
    cols: indexTable(size.width, applied.width, anchor.x, image.width, border),
    centreY: (applied.height - 1) / 2,
    centreX: (applied.width - 1) / 2,
    hasAlpha,
    alphaConvolved: hasAlpha && !options.keepAlpha && Math.abs(effectiveSum - 1) <= ALPHA_SUM_TOLERANCE,
    max: maxValue(image.depth)
  }
}

/**
 * The samples the kernel reads: the image data itself without alpha; with alpha, a copy whose colour is
 * premultiplied by alpha/max (so transparent pixels do not bleed their colour) and alpha left as is.
 */
export function sourceSamples(image: FloatImage): Float32Array | Float64Array {
  const { data, channels } = image
  if (channels !== 2 && channels !== 4) return data
  const max = maxValue(image.depth)
  const out = new Float64Array(data.length)
  for (let p = 0; p < data.length; p += channels) {
    const a = data[p + channels - 1]
    for (let ch = 0; ch < channels - 1; ch++) out[p + ch] = premultiply(data[p + ch], a, max)
    out[p + channels - 1] = a
  }
  return out
}

/** Colour weighted by alpha; exact (unchanged) for opaque pixels. */
export function premultiply(colour: number, alpha: number, max: number): number {
  return alpha === max ? colour : (colour * alpha) / max
}

/**
 * Output alpha below this (half a level, in the native 0..max range) rounds to 0: the pixel is fully transparent,
 * so its alpha and colour are 0. Dividing by such an alpha would blow float noise up into full colour.
 */
export const TRANSPARENT_ALPHA = 0.5

/** Output alpha that rounds to 0 becomes exactly 0 (fully transparent); other values are unchanged. */
export function snapTransparent(alpha: number): number {
  return alpha < TRANSPARENT_ALPHA ? 0 : alpha
}

/**
 * Sets the colour of every pixel whose alpha rounds to 0 to 0, in place (a blend can bring such a pixel back,
 * colour and all): a fully transparent pixel has no colour. Images without alpha are left alone.
 */
export function clearTransparent(image: FloatImage): FloatImage {
  const { data, channels } = image
  if (channels !== 2 && channels !== 4) return image
  for (let p = channels - 1; p < data.length; p += channels) {
    if (data[p] < TRANSPARENT_ALPHA) data.fill(0, p - channels + 1, p)
  }
  return image
}

/** Premultiplied colour back to straight colour for output alpha `alpha`; 0 where alpha rounds to 0. */
export function unpremultiply(colour: number, alpha: number, max: number): number {
  return alpha === max ? colour : alpha >= TRANSPARENT_ALPHA ? (colour * max) / alpha : 0
}

/**
 * Output alpha from a convolved alpha window value: clamped, snapped to opaque when within rounding of it,
 * and to 0 when it rounds to 0.
 */
export function convolvedAlpha(value: number, max: number): number {
  if (Math.abs(value - max) <= max * 1e-9) return max
  return value < TRANSPARENT_ALPHA ? 0 : value > max ? max : value
}

/** Mid-grey added by the `shift` signed mode: 128 or 32768. */
export function midGrey(max: number): number {
  return (max + 1) / 2
}

/**
 * The signed mapping of one colour value (after divisor and offset), not yet clamped.
 * `low`/`high` are the whole image's range of such values, used by `stretch` only.
 */
export function mapSigned(value: number, signed: SignedMode, max: number, low: number, high: number): number {
  switch (signed) {
    case 'clamp':
      return value
    case 'abs':
      return Math.abs(value)
    case 'shift':
      return value + midGrey(max)
    case 'stretch':
      return high > low ? ((value - low) * max) / (high - low) : value
  }
}

/** Clamps to [0, max]. */
export function clampSample(value: number, max: number): number {
  return value < 0 ? 0 : value > max ? max : value
}

/** Sum of weight x sample over the window of output (r, c), channel `ch`, in kernel row-major order. */
function windowSum(
  src: Float32Array | Float64Array,
  width: number,
  channels: number,
  ch: number,
  plan: ConvolutionPlan,
  weights: Float64Array,
  r: number,
  c: number
): number {
  const { rows, cols } = plan
  const kh = plan.kernel.height
  const kw = plan.kernel.width
  let sum = 0
  for (let i = 0; i < kh; i++) {
    const sr = rows[r + i]
    if (sr < 0) continue
    const base = sr * width
    const wi = i * kw
    for (let j = 0; j < kw; j++) {
      const sc = cols[c + j]
      if (sc < 0) continue
      sum += weights[wi + j] * src[(base + sc) * channels + ch]
    }
  }
  return sum
}

/**
 * One pass over every output pixel. Without `out` it only measures the range of the colour values
 * before the signed mapping (what `stretch` needs); with `out` it writes final, clamped samples.
 */
function convolutionPass(
  image: FloatImage,
  plan: ConvolutionPlan,
  src: Float32Array | Float64Array,
  out: Float32Array | null,
  low: number,
  high: number
): { low: number; high: number } {
  const { width, channels, data } = image
  const { outHeight, outWidth, hasAlpha, alphaConvolved, max, signed, rows, cols, centreY, centreX } = plan
  const { divisor, offset } = plan.kernel
  const weights = Float64Array.from(plan.kernel.weights)
  const colourChannels = hasAlpha ? channels - 1 : channels
  const alphaChannel = channels - 1
  let seenLow = Infinity
  let seenHigh = -Infinity
  for (let r = 0; r < outHeight; r++) {
    for (let c = 0; c < outWidth; c++) {
      const o = (r * outWidth + c) * channels
      let alpha = max
      if (hasAlpha) {
        if (alphaConvolved) {
          alpha = convolvedAlpha(windowSum(src, width, channels, alphaChannel, plan, weights, r, c) / divisor, max)
        } else {
          const sr = rows[r + centreY]
          const sc = cols[c + centreX]
          alpha = sr < 0 || sc < 0 ? 0 : snapTransparent(data[(sr * width + sc) * channels + alphaChannel])
        }
        if (out) out[o + alphaChannel] = alpha
      }
      // A fully transparent pixel has no colour: 0, whatever the offset or mapping, and no part in the range.
      if (alpha === 0) continue
      for (let ch = 0; ch < colourChannels; ch++) {
        let value = windowSum(src, width, channels, ch, plan, weights, r, c) / divisor
        if (hasAlpha) value = unpremultiply(value, alpha, max)
        value += offset
        if (out) {
          out[o + ch] = clampSample(mapSigned(value, signed, max, low, high), max)
        } else {
          if (value < seenLow) seenLow = value
          if (value > seenHigh) seenHigh = value
        }
      }
    }
  }
  return { low: seenLow, high: seenHigh }
}

/**
 * Range of the colour values (after divisor, offset and un-premultiplying, before the signed mapping)
 * over the whole output, fully transparent pixels left out: the min..max that `stretch` maps to 0..max.
 */
export function signedRange(image: FloatImage, plan: ConvolutionPlan): { low: number; high: number } {
  return convolutionPass(image, plan, sourceSamples(image), null, 0, 0)
}

/**
 * Convolves `image` with `kernel`: for output (r, c), sum of kernel[i][j] x input(r + i - y, c + j - x)
 * (anchor y, x from the output mode; kernel rotated 180 degrees first when `flip`), divided by the divisor,
 * plus the offset, then the signed mapping, clamped to [0, max]. The result is float and not rounded.
 * Colour is premultiplied by alpha while convolving; alpha is convolved when the kernel's weights sum to 1
 * after the divisor (and not `keepAlpha`), otherwise taken from the input pixel under the kernel centre.
 * A pixel whose output alpha rounds to 0 gets colour 0 (no offset, no signed mapping).
 * `stretchRange` is the range `stretch` maps by when `image` is only a part of the input (the whole input's,
 * measured elsewhere); by default it is measured on `image`.
 * Never mutates its input.
 */
export function convolve(
  image: FloatImage,
  kernel: Kernel,
  options: ConvolveOptions = {},
  stretchRange?: { readonly low: number; readonly high: number }
): FloatImage {
  const plan = planConvolution(image, kernel, options)
  const src = sourceSamples(image)
  const result = createFloatImage(plan.outWidth, plan.outHeight, image.channels, image.depth)
  let low = 0
  let high = 0
  if (plan.signed === 'stretch') ({ low, high } = stretchRange ?? convolutionPass(image, plan, src, null, 0, 0))
  convolutionPass(image, plan, src, result.data, low, high)
  return result
}
