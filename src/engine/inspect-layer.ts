// Inspect one output pixel of a layer with effects (recipe version 2): the kernel's arithmetic on what it filters
// (Y, one channel, linear light), then how the filtered layer is rebuilt, blended and weighted by opacity and mask.
import { maxValue } from './image'
import { inspectPixel, type InspectResult, type PixelPosition } from './inspect'
import { effectiveChannels, filterInput, imageLuminanceRow, layerBlend, layerMix, layerSource, singleChannel, type LayerEffects, type LayerPixel } from './layer'
import { rasterMask } from './mask'
import { alignedInput, type ResolvedFilter } from './stack'
import type { FloatImage, LayerChannels } from './types'

/** Every step of one pixel of a layer with effects. */
export interface LayerInspection {
  /** What the kernel filtered (grey images: `rgb`, their one colour is every channel). */
  readonly channels: LayerChannels
  readonly light: LayerEffects['light']
  readonly blend: LayerEffects['blend']
  readonly opacity: number
  /** The kernel's arithmetic on its input; channel names say what each is (`luminance (Y)`, `red`, ...). */
  readonly kernel: InspectResult
  /** The input pixel under the kernel centre (straight colour, alpha last): the backdrop. */
  readonly backdrop: number[]
  /** The filtered layer at this pixel, before blending. */
  readonly source: number[]
  /** B(backdrop, source) of the blend mode, mixed by the backdrop's alpha. */
  readonly blended: number[]
  /** The mask here, 0..1 (1 without a mask). */
  readonly mask: number
  /** opacity x mask. */
  readonly weight: number
  /** backdrop + (blended - backdrop) x weight, clamped, before rounding. */
  readonly output: number[]
  /** The final samples, rounded: what the layer gives at this pixel. */
  readonly value: number[]
}

const COLOUR_NAMES = ['red', 'green', 'blue']

/**
 * Works out output pixel `position` of a layer with effects: `image` is what enters the layer. Throws an
 * EngineError naming the valid range when the position is outside the output.
 */
export function inspectLayer(image: FloatImage, filter: ResolvedFilter, effects: LayerEffects, position: PixelPosition): LayerInspection {
  const { channels: count, depth } = image
  const max = maxValue(depth)
  const alpha = count === 2 || count === 4
  const colours = alpha ? count - 1 : count
  const channels = effectiveChannels(effects.channels, colours)
  const px: LayerPixel = { channels, light: effects.light, blend: effects.blend, count, max }
  const input = filterInput(image, channels, effects.light)
  const raw = inspectPixel(input, filter.kernel, position, filter.options)
  const linear = effects.light === 'linear' ? ' in linear light' : ''
  const single = singleChannel(channels)
  const kernel: InspectResult = {
    ...raw,
    channels: raw.channels.map((ch, i) => {
      if (ch.name === 'alpha' || channels === 'rgb') return linear && ch.name !== 'alpha' ? { ...ch, name: `${ch.name}${linear}` } : ch
      const name = single >= 0 ? COLOUR_NAMES[single] : 'luminance (Y)'
      return i === 0 ? { ...ch, name: `${name}${linear}` } : ch
    })
  }
  // The backdrop: the input pixel under the kernel centre, zeros where the border gives zeros.
  const aligned = alignedInput(image, filter.kernel, filter.options)
  const at = (raw.row * aligned.width + raw.col) * count
  const backdrop = Array.from(aligned.data.subarray(at, at + count))
  // The kernel's result as convolve stores it: clamped, in float32.
  const filtered = raw.channels.map((ch) => Math.fround(ch.mapped < 0 ? 0 : ch.mapped > max ? max : ch.mapped))
  const source = new Array<number>(count).fill(0)
  layerSource(px, backdrop, 0, filtered, 0, filtered.length, source)
  const blended = new Array<number>(count).fill(0)
  layerBlend(px, backdrop, 0, source, blended)
  let mask = 1
  if (effects.mask) {
    // The mask of the whole output (feathering and tones need the neighbourhood), read at this pixel.
    mask = rasterMask(effects.mask, aligned.width, aligned.height, imageLuminanceRow(aligned))[raw.row * aligned.width + raw.col]
  }
  const weight = filter.opacity * mask
  const output = new Array<number>(count).fill(0)
  layerMix(px, weight, backdrop, 0, blended, output, 0)
  const value = output.map((v) => Math.min(max, Math.max(0, Math.round(Math.fround(v)))) + 0)
  return { channels, light: effects.light, blend: effects.blend, opacity: filter.opacity, kernel, backdrop, source, blended, mask, weight, output, value }
}
