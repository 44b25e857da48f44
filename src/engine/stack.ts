// Filter stacks: resolving recipe-shaped filters to kernels and applying them in order, float between filters.
import { checkBorder, checkMode, indexTable, kernelAnchor, outputSize } from './border'
import { clearTransparent, convolve } from './convolve'
import { AbortError, EngineError } from './errors'
import { createFloatImage, maxValue } from './image'
import { kernelFromRows, parseKernel, validateKernel } from './kernel'
import { applyLayer, resolveEffects, type LayerEffects } from './layer'
import { findPreset, presetKernel, presetSpec } from './presets'
import type { ConvolveOptions, FilterSpec, FloatImage, Kernel } from './types'

/** A filter ready to run: its kernel (divisor/offset overrides applied) and complete options. */
export interface ResolvedFilter {
  readonly kernel: Kernel
  readonly options: Required<ConvolveOptions>
  /** Blend of the result over the filter's input, 0..1. */
  readonly opacity: number
  readonly enabled: boolean
  /** What to call the filter in the UI and messages: its name, preset spec, or `kernel WxH`. */
  readonly label: string
  /** Channels, light, blend and mask (recipe version 2); null when the filter uses none of them. */
  readonly effects: LayerEffects | null
}

/** Options for {@link applyStack}. */
export interface ApplyStackOptions {
  /** Called after each applied filter with the finished fraction, 0..1. */
  readonly onProgress?: (fraction: number) => void
  /** Checked before each filter; when aborted the run throws an error named 'AbortError'. */
  readonly signal?: { readonly aborted: boolean }
  /**
   * The whole image's ranges of `stretch` filters (without layer effects), by index among the enabled filters,
   * for a run on a part of the image (explain); the others are measured on the image given.
   */
  readonly stretchRanges?: ReadonlyMap<number, { readonly low: number; readonly high: number }>
}

/**
 * Turns one stack entry into a runnable filter, validating everything: exactly one of preset or kernel,
 * the kernel or preset parameters, divisor (non-zero), offset, border, mode and opacity (0..1).
 */
export function resolveFilter(spec: FilterSpec): ResolvedFilter {
  const hasPreset = spec.preset !== undefined
  const hasKernel = spec.kernel !== undefined
  if (hasPreset && hasKernel) throw new EngineError('a filter has either "preset" or "kernel", not both')
  if (!hasPreset && !hasKernel) throw new EngineError('a filter needs "preset" or "kernel"')
  if (spec.params !== undefined && !hasPreset) throw new EngineError('"params" only goes with "preset"')

  let kernel: Kernel
  let label: string
  const preset = hasPreset ? findPreset(spec.preset as string) : undefined
  if (hasPreset) {
    const base = presetKernel(spec.preset as string, spec.params ?? {})
    kernel = validateKernel({ ...base, divisor: spec.divisor ?? base.divisor, offset: spec.offset ?? base.offset })
    label = preset ? presetSpec(preset, spec.params ?? {}) : (spec.preset as string)
  } else {
    const scale = { divisor: spec.divisor, offset: spec.offset }
    kernel = typeof spec.kernel === 'string' ? parseKernel(spec.kernel, scale) : kernelFromRows(spec.kernel ?? [], scale)
    label = `kernel ${kernel.width}x${kernel.height}`
  }

  const opacity = spec.opacity ?? 1
  if (typeof opacity !== 'number' || !(opacity >= 0 && opacity <= 1)) {
    throw new EngineError(`filter opacity ${String(opacity)} is out of range: expected 0 to 1`)
  }
  return {
    kernel,
    options: {
      border: checkBorder(spec.border ?? 'extend'),
      mode: checkMode(spec.mode ?? 'same'),
      flip: spec.flip ?? false,
      signed: spec.signed ?? preset?.signed ?? 'clamp',
      keepAlpha: spec.keepAlpha ?? false
    },
    opacity,
    enabled: spec.enabled ?? true,
    label: spec.name ?? label,
    effects: resolveEffects(spec)
  }
}

/**
 * The input resampled onto the output grid of a filter: output (r, c) gets the input pixel under the
 * kernel centre, border-resolved (so `same` gives the input itself, `full` a border-extended frame).
 */
export function alignedInput(image: FloatImage, kernel: Kernel, options: ConvolveOptions = {}): FloatImage {
  const mode = options.mode ?? 'same'
  const border = options.border ?? 'extend'
  const size = outputSize(image.height, image.width, kernel, mode)
  const anchor = kernelAnchor(kernel, mode)
  const rows = indexTable(size.height, kernel.height, anchor.y, image.height, border)
  const cols = indexTable(size.width, kernel.width, anchor.x, image.width, border)
  const cy = (kernel.height - 1) / 2
  const cx = (kernel.width - 1) / 2
  const { channels, data, width } = image
  const out = createFloatImage(size.width, size.height, channels, image.depth)
  for (let r = 0; r < size.height; r++) {
    const sr = rows[r + cy]
    for (let c = 0; c < size.width; c++) {
      const sc = cols[c + cx]
      if (sr < 0 || sc < 0) continue
      const o = (r * size.width + c) * channels
      const s = (sr * width + sc) * channels
      for (let ch = 0; ch < channels; ch++) out.data[o + ch] = data[s + ch]
    }
  }
  return out
}

/**
 * Applies one resolved filter (ignoring `enabled`): convolution, then `opacity` blends the result
 * with the aligned input: input x (1 - opacity) + result x opacity. `stretchRange`: see convolve.
 */
export function applyFilter(image: FloatImage, filter: ResolvedFilter, stretchRange?: { readonly low: number; readonly high: number }): FloatImage {
  const { kernel, options, opacity } = filter
  if (opacity === 0) return clearTransparent(alignedInput(image, kernel, options))
  const result = convolve(image, kernel, options, stretchRange)
  if (opacity === 1) return result
  const base = alignedInput(image, kernel, options)
  const max = maxValue(image.depth)
  const a = result.data
  const b = base.data
  for (let i = 0; i < a.length; i++) {
    const v = b[i] * (1 - opacity) + a[i] * opacity
    a[i] = v < 0 ? 0 : v > max ? max : v
  }
  return clearTransparent(result)
}

/**
 * Applies the enabled filters of `filters` in order, each on the previous result, keeping float precision
 * (clamped to [0, max]) between them, so the stack equals applying the filters one by one.
 * All enabled filters are validated before any work starts; with several filters, messages start `filter N:`.
 * Never mutates `image`.
 */
export function applyStack(image: FloatImage, filters: readonly FilterSpec[], options: ApplyStackOptions = {}): FloatImage {
  return applyResolved(image, resolveStack(filters), options)
}

/**
 * The enabled filters of `filters`, resolved and validated, all before any work starts; with several filters,
 * messages start `filter N:` (N counts every filter, disabled ones included).
 */
export function resolveStack(filters: readonly FilterSpec[]): ResolvedFilter[] {
  const active: ResolvedFilter[] = []
  filters.forEach((spec, index) => {
    if (spec.enabled === false) return
    try {
      active.push(resolveFilter(spec))
    } catch (error) {
      if (error instanceof EngineError && filters.length > 1) throw new EngineError(`filter ${index + 1}: ${error.message}`, error.code)
      throw error
    }
  })
  return active
}

/** {@link applyStack} for filters {@link resolveStack} has resolved (callers that need them for more than one run). */
export function applyResolved(image: FloatImage, active: readonly ResolvedFilter[], options: ApplyStackOptions = {}): FloatImage {
  let current = image
  for (let i = 0; i < active.length; i++) {
    if (options.signal?.aborted) throw new AbortError()
    const filter = active[i]
    current = filter.effects ? applyLayer(current, filter, filter.effects) : applyFilter(current, filter, options.stretchRanges?.get(i))
    options.onProgress?.((i + 1) / active.length)
  }
  if (current === image) {
    current = { ...image, data: image.data.slice() }
    options.onProgress?.(1)
  }
  return current
}
