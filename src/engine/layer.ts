// A stack layer's effects (recipe version 2): which channels it filters, in which light, how it blends with the
// image entering it and where (its mask). The plain reference: whole images, exact formulas, the fast paths' oracle.
import { BLEND_MODES, blendNonSeparable, isNonSeparable, SEPARABLE_BLENDS, type BlendMode } from './blend'
import { convolve, TRANSPARENT_ALPHA } from './convolve'
import { EngineError } from './errors'
import { createFloatImage, maxValue } from './image'
import { decodeSample, encodeSample, LIGHT_MODES, luminance, type LightMode } from './light'
import { checkMask, rasterMask, type LayerMask, type LuminanceRow } from './mask'
import { needsVersion2Params } from './presets'
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

/**
 * The filter fields that need recipe version 2, the newest this build reads and writes. A stack that uses none of
 * them is still written as version 1.
 */
export const VERSION_2_FIELDS = ['channels', 'light', 'blend', 'mask'] as const

/**
 * The recipe version a stack needs: 2 when a filter uses a version 2 field or leaves a Gaussian's size to be derived
 * from σ (version 1 files read a missing size as 5), else 1 (older builds read it).
 */
export function recipeVersion(filters: readonly FilterSpec[]): 1 | 2 {
  const needs2 = (filter: FilterSpec): boolean =>
    VERSION_2_FIELDS.some((field) => filter[field] !== undefined) ||
    (filter.preset !== undefined && needsVersion2Params(filter.preset, filter.params))
  return filters.some(needs2) ? 2 : 1
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
export function filterInput(image: FloatImage, channels: LayerChannels, light: LightMode): FloatImage {
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

/** How one pixel of a layer is put together; `count` channels per pixel of the image (alpha last, if any). */
export interface LayerPixel {
  readonly channels: LayerChannels
  readonly light: LightMode
  readonly blend: BlendMode
  readonly count: number
  readonly max: number
}

const hasAlpha = (count: number): boolean => count === 2 || count === 4

/**
 * The filtered layer at one pixel (straight colour, 0..max), into `out`: the kernel's result `f` (from offset
 * `fi`) for `rgb`; for `luminance` the backdrop `b` (from offset `bi`) plus (Y filtered - Y); for one channel,
 * that channel filtered and the others as in the backdrop. Alpha is the kernel's (today's rules). Linear light
 * is encoded back here.
 */
export function layerSource(
  px: LayerPixel,
  b: ArrayLike<number>,
  bi: number,
  f: ArrayLike<number>,
  fi: number,
  fCount: number,
  out: { [i: number]: number }
): void {
  const { channels, light, count, max } = px
  const colours = hasAlpha(count) ? count - 1 : count
  const encode = (v: number): number => (light === 'linear' ? encodeSample(clamp(v, max), max) : v)
  const single = singleChannel(channels)
  if (channels === 'rgb') {
    for (let c = 0; c < colours; c++) out[c] = clamp(encode(f[fi + c]), max)
  } else if (single >= 0) {
    for (let c = 0; c < colours; c++) out[c] = c === single ? clamp(encode(f[fi]), max) : b[bi + c]
  } else {
    const lin = (c: number): number => (light === 'linear' ? decodeSample(b[bi + c], max) : b[bi + c])
    const d = f[fi] - luminance(lin(0), lin(1), lin(2))
    for (let c = 0; c < colours; c++) out[c] = clamp(encode(clamp(lin(c) + d, max)), max)
  }
  if (hasAlpha(count)) out[count - 1] = f[fi + fCount - 1]
}

/**
 * B(backdrop, source) of the blend mode at one pixel, on colour in 0..1, mixed with the source by the backdrop's
 * alpha as the specification does ((1 - alpha_b) x source + alpha_b x B); the blended alpha is the source's.
 */
export function layerBlend(px: LayerPixel, b: ArrayLike<number>, bi: number, s: ArrayLike<number>, out: { [i: number]: number }): void {
  const { blend, count, max } = px
  const alpha = hasAlpha(count)
  const colours = alpha ? count - 1 : count
  const ab = alpha ? b[bi + count - 1] / max : 1
  if (blend === 'normal') {
    for (let c = 0; c < colours; c++) out[c] = s[c]
  } else if (isNonSeparable(blend)) {
    if (colours >= 3) {
      const rgb = [0, 0, 0]
      blendNonSeparable(blend, b[bi] / max, b[bi + 1] / max, b[bi + 2] / max, s[0] / max, s[1] / max, s[2] / max, rgb)
      for (let c = 0; c < 3; c++) out[c] = s[c] + ab * (rgb[c] * max - s[c])
    } else {
      // A grey pixel is all luminosity: `luminosity` shows the source, `color` keeps the backdrop.
      out[0] = blend === 'luminosity' ? s[0] : s[0] + ab * (b[bi] - s[0])
    }
  } else {
    const fn = SEPARABLE_BLENDS[blend]
    for (let c = 0; c < colours; c++) out[c] = s[c] + ab * (fn(b[bi + c] / max, s[c] / max) * max - s[c])
  }
  if (alpha) out[count - 1] = s[count - 1]
}

/**
 * out = backdrop x (1 - k) + blended x k, clamped, with k = opacity x mask, so k = 0 gives the backdrop bit for
 * bit; a pixel whose alpha rounds to 0 gets colour 0.
 */
export function layerMix(px: LayerPixel, k: number, b: ArrayLike<number>, bi: number, blended: ArrayLike<number>, out: { [i: number]: number }, oi: number): void {
  const { count, max } = px
  for (let c = 0; c < count; c++) out[oi + c] = clamp(b[bi + c] * (1 - k) + blended[c] * k, max)
  if (hasAlpha(count) && out[oi + count - 1] < TRANSPARENT_ALPHA) for (let c = 0; c < count - 1; c++) out[oi + c] = 0
}

/**
 * Applies one resolved filter with its effects (ignoring `enabled`): filtered as `channels` and `light` say,
 * blended with the aligned input, weighted by opacity and mask. Never mutates `image`.
 */
export function applyLayer(image: FloatImage, filter: ResolvedFilter, effects: LayerEffects): FloatImage {
  const { channels: count, depth } = image
  const colours = hasAlpha(count) ? count - 1 : count
  const backdrop = alignedInput(image, filter.kernel, filter.options)
  const px: LayerPixel = { channels: effectiveChannels(effects.channels, colours), light: effects.light, blend: effects.blend, count, max: maxValue(depth) }
  const filtered = convolve(filterInput(image, px.channels, px.light), filter.kernel, filter.options)
  const mask = effects.mask ? rasterMask(effects.mask, backdrop.width, backdrop.height, imageLuminanceRow(backdrop)) : null
  const out = createFloatImage(backdrop.width, backdrop.height, count, depth)
  const b = backdrop.data
  const f = filtered.data
  const fCount = filtered.channels
  const source = new Float64Array(count)
  const blended = new Float64Array(count)
  for (let p = 0, q = 0, i = 0; p < b.length; p += count, q += fCount, i++) {
    layerSource(px, b, p, f, q, fCount, source)
    layerBlend(px, b, p, source, blended)
    layerMix(px, filter.opacity * (mask ? mask[i] : 1), b, p, blended, out.data, p)
  }
  return out
}
