// A stack layer's effects (recipe version 2): which channels it filters, in which light, how it blends with the
// image entering it and where (its mask). The plain reference: whole images, exact formulas, the fast paths' oracle.
import { BLEND_MODES, blendNonSeparable, isNonSeparable, SEPARABLE_BLENDS, type BlendMode } from './blend'
import { convolve, TRANSPARENT_ALPHA } from './convolve'
import { EngineError } from './errors'
import { createFloatImage, maxValue } from './image'
import { decodeSample, encodeSample, LIGHT_MODES, luminance, type LightMode } from './light'
import { checkMask, rasterMask, type LayerMask, type LuminanceRow } from './mask'
import { alignedInput, type ResolvedFilter } from './stack'
import type { FilterSpec, FloatImage, LayerChannels } from './types'

/** Every value of a layer's `channels`. */
export const LAYER_CHANNELS: readonly LayerChannels[] = ['rgb', 'luminance', 'r', 'g', 'b']

/** A layer's effects with defaults filled in. */
export interface LayerEffects {
  readonly channels: LayerChannels
  readonly light: LightMode
  readonly blend: BlendMode
  readonly mask: LayerMask | null
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T
  throw new EngineError(`${what} ${JSON.stringify(value) ?? String(value)} is not one of ${allowed.join(', ')}`)
}

/**
 * The effects of a filter spec, validated; null when it uses none of them (every field absent or at its
 * default), so the filter runs exactly as a version 1 filter does.
 */
export function resolveEffects(spec: FilterSpec): LayerEffects | null {
  const channels = oneOf(spec.channels ?? 'rgb', LAYER_CHANNELS, 'channels')
  const light = oneOf(spec.light ?? 'encoded', LIGHT_MODES, 'light')
  const blend = oneOf(spec.blend ?? 'normal', BLEND_MODES, 'blend mode')
  if (spec.mask !== undefined) checkMask(spec.mask)
  if (channels === 'rgb' && light === 'encoded' && blend === 'normal' && spec.mask === undefined) return null
  return { channels, light, blend, mask: spec.mask ?? null }
}

/** Index of the colour channel a layer filters alone (`r`, `g`, `b`), or -1 (`rgb`, `luminance`). */
export function singleChannel(channels: LayerChannels): number {
  return channels === 'r' ? 0 : channels === 'g' ? 1 : channels === 'b' ? 2 : -1
}

/**
 * What a layer filters on an image of `colours` colour channels: grey images have one colour, which is their
 * luminance and every one of r, g, b, so every setting filters it as `rgb` does.
 */
export function effectiveChannels(channels: LayerChannels, colours: number): LayerChannels {
  return colours < 3 ? 'rgb' : channels
}

/** Luminance 0..1 of each pixel of a row of `image` (BT.709 on the stored values; grey: the value). */
export function imageLuminanceRow(image: FloatImage): LuminanceRow {
  const { width, channels, data } = image
  const max = maxValue(image.depth)
  return (y, out) => {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * channels
      out[x] = (channels >= 3 ? luminance(data[p], data[p + 1], data[p + 2]) : data[p]) / max
    }
  }
}

/** The image the layer's kernel runs on: colour decoded to linear light, then reduced to Y or one channel. */
function filterInput(image: FloatImage, channels: LayerChannels, light: LightMode): FloatImage {
  const { width, height, channels: count, depth, data } = image
  const max = maxValue(depth)
  const alpha = count === 2 || count === 4
  const colours = alpha ? count - 1 : count
  const value = (i: number): number => (light === 'linear' ? decodeSample(data[i], max) : data[i])
  if (channels === 'rgb') {
    const out = createFloatImage(width, height, count, depth)
    for (let i = 0; i < data.length; i++) out.data[i] = i % count < colours ? value(i) : data[i]
    return out
  }
  const single = singleChannel(channels)
  const outCount = alpha ? 2 : 1
  const out = createFloatImage(width, height, outCount, depth)
  for (let p = 0, q = 0; p < data.length; p += count, q += outCount) {
    out.data[q] = single >= 0 ? value(p + single) : luminance(value(p), value(p + 1), value(p + 2))
    if (alpha) out.data[q + 1] = data[p + count - 1]
  }
  return out
}

const clamp = (v: number, max: number): number => (v < 0 ? 0 : v > max ? max : v)

/**
 * The filtered layer before blending (straight colour, 0..max, on the output grid): the kernel's result for
 * `rgb`; for `luminance` the aligned input plus (Y filtered - Y); for one channel, that channel filtered and the
 * others as they were. Alpha is the kernel's (today's rules). Linear light is encoded back here.
 */
function filteredLayer(image: FloatImage, filter: ResolvedFilter, channels: LayerChannels, light: LightMode, backdrop: FloatImage): FloatImage {
  const { channels: count, depth } = image
  const max = maxValue(depth)
  const alpha = count === 2 || count === 4
  const colours = alpha ? count - 1 : count
  const filtered = convolve(filterInput(image, channels, light), filter.kernel, filter.options)
  const encode = (v: number): number => (light === 'linear' ? encodeSample(clamp(v, max), max) : v)
  const { width, height } = backdrop
  const out = createFloatImage(width, height, count, depth)
  const b = backdrop.data
  const f = filtered.data
  const single = singleChannel(channels)
  const fCount = filtered.channels
  for (let p = 0, q = 0; p < out.data.length; p += count, q += fCount) {
    if (channels === 'rgb') {
      for (let c = 0; c < colours; c++) out.data[p + c] = clamp(encode(f[q + c]), max)
    } else if (single >= 0) {
      for (let c = 0; c < colours; c++) out.data[p + c] = c === single ? clamp(encode(f[q]), max) : b[p + c]
    } else {
      const lin = (c: number): number => (light === 'linear' ? decodeSample(b[p + c], max) : b[p + c])
      const d = f[q] - luminance(lin(0), lin(1), lin(2))
      for (let c = 0; c < colours; c++) out.data[p + c] = clamp(encode(clamp(lin(c) + d, max)), max)
    }
    if (alpha) out.data[p + count - 1] = f[q + fCount - 1]
  }
  return out
}

/**
 * Blends `source` over `backdrop` in place of `source` (same size): per pixel, B(backdrop, source) of the blend
 * mode on colour in 0..1, mixed with the source by the backdrop's alpha as the specification does
 * ((1 - alpha_b) x source + alpha_b x B), the blended alpha being the source's; then
 * out = backdrop x (1 - k) + blended x k with k = opacity x mask, so k = 0 gives the backdrop bit for bit.
 * A pixel whose alpha rounds to 0 gets colour 0.
 */
function composite(backdrop: FloatImage, source: FloatImage, blend: BlendMode, opacity: number, mask: Float32Array | null): void {
  const { channels: count, depth } = backdrop
  const max = maxValue(depth)
  const alpha = count === 2 || count === 4
  const colours = alpha ? count - 1 : count
  const b = backdrop.data
  const s = source.data
  const blended = new Float64Array(count)
  const rgb = [0, 0, 0]
  for (let p = 0, i = 0; p < s.length; p += count, i++) {
    const k = opacity * (mask ? mask[i] : 1)
    const ab = alpha ? b[p + count - 1] / max : 1
    if (blend === 'normal') {
      for (let c = 0; c < colours; c++) blended[c] = s[p + c]
    } else if (isNonSeparable(blend)) {
      if (colours >= 3) {
        blendNonSeparable(blend, b[p] / max, b[p + 1] / max, b[p + 2] / max, s[p] / max, s[p + 1] / max, s[p + 2] / max, rgb)
        for (let c = 0; c < 3; c++) blended[c] = s[p + c] + ab * (rgb[c] * max - s[p + c])
      } else {
        // A grey pixel is all luminosity: `luminosity` shows the source, `color` keeps the backdrop.
        blended[0] = blend === 'luminosity' ? s[p] : s[p] + ab * (b[p] - s[p])
      }
    } else {
      const fn = SEPARABLE_BLENDS[blend]
      for (let c = 0; c < colours; c++) blended[c] = s[p + c] + ab * (fn(b[p + c] / max, s[p + c] / max) * max - s[p + c])
    }
    if (alpha) blended[count - 1] = s[p + count - 1]
    for (let c = 0; c < count; c++) s[p + c] = clamp(b[p + c] * (1 - k) + blended[c] * k, max)
    if (alpha && s[p + count - 1] < TRANSPARENT_ALPHA) s.fill(0, p, p + colours)
  }
}

/**
 * Applies one resolved filter with its effects (ignoring `enabled`): filtered as `channels` and `light` say,
 * blended with the aligned input, weighted by opacity and mask. Never mutates `image`.
 */
export function applyLayer(image: FloatImage, filter: ResolvedFilter, effects: LayerEffects): FloatImage {
  const { channels: count } = image
  const colours = count === 2 || count === 4 ? count - 1 : count
  const backdrop = alignedInput(image, filter.kernel, filter.options)
  const channels = effectiveChannels(effects.channels, colours)
  const source = filteredLayer(image, filter, channels, effects.light, backdrop)
  const mask = effects.mask ? rasterMask(effects.mask, backdrop.width, backdrop.height, imageLuminanceRow(backdrop)) : null
  composite(backdrop, source, effects.blend, filter.opacity, mask)
  return source
}
