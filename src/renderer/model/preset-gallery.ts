// Runs in the renderer (pure, unit-tested in Node): the preset gallery's search, texts and the layer a preset becomes.
import { kernelSum } from '../../engine/kernel'
import { presetDefaults, presetKernel, type Preset, type PresetParams } from '../../engine/presets'
import type { FilterSpec, Kernel, ParamValue, SignedMode } from '../../engine/types'

/** The convolution options a preset card sets before its layer is added (the same fields as a stack layer's). */
export type CandidateOptions = Pick<FilterSpec, 'border' | 'mode' | 'signed' | 'flip' | 'keepAlpha'>

/** The stack entry a preset with `params` and `options` becomes: the same shape a recipe file stores. */
export function candidateSpec(preset: Preset, params: PresetParams, options: CandidateOptions = {}): FilterSpec {
  const set = Object.entries(options).filter(([, value]) => value !== undefined)
  return { name: preset.title, preset: preset.name, params: { ...params }, ...Object.fromEntries(set) }
}

/**
 * What a gallery card previews and adds: {@link candidateSpec} with the app's mapping of negative values
 * ({@link appSigned}) written in when the user chose none and it differs from the engine's default for the preset.
 */
export function cardSpec(preset: Preset, params: PresetParams, options: CandidateOptions = {}): FilterSpec {
  const signed = options.signed ?? appSigned(preset)
  return candidateSpec(preset, params, { ...options, signed: signed === (preset.signed ?? 'clamp') ? undefined : signed })
}

/**
 * How the app shows a kernel's negative values until the user picks: `abs` when its weights sum to 0 (edge detect,
 * Sobel, Prewitt, Laplacian), else `clamp`. A clamp keeps only the positive half of each edge and turns a photo
 * almost black, where photo editors' edge filters show every edge. The walkthrough's lessons use the same rule.
 */
export function defaultSigned(kernel: Kernel): SignedMode {
  return Math.abs(kernelSum(kernel)) < 1e-9 ? 'abs' : 'clamp'
}

/**
 * How the app shows a preset's negative values: the preset's own mapping (high pass: mid-grey), else
 * {@link defaultSigned} of its default kernel. The engine and CLI keep clamp as the default (a public contract):
 * the app writes the mapping into the layer, so its recipes give the same result on the command line.
 */
export function appSigned(preset: Preset): SignedMode {
  return preset.signed ?? defaultSigned(presetKernel(preset.name))
}

/**
 * The parameters a card's layer stores: the resolved ones, except derived ones (a Gaussian's size) the user did not
 * set, so the layer keeps following σ.
 */
export function storedParams(preset: Preset, resolved: PresetParams, given: Readonly<Record<string, ParamValue>>): PresetParams {
  return Object.fromEntries(
    preset.params
      .filter((param) => !param.derive || Object.prototype.hasOwnProperty.call(given, param.name))
      .map((param) => [param.name, resolved[param.name]])
  )
}

/** True when `given` sets a parameter to something other than its default, or sets an option. */
export function isEdited(preset: Preset, given: Readonly<Record<string, ParamValue>>, options: CandidateOptions = {}): boolean {
  const defaults = presetDefaults(preset)
  // A derived parameter the user set is an override even at its default value: it no longer follows the others.
  const param = preset.params.some((p) => p.name in given && (p.derive !== undefined || String(given[p.name]) !== String(defaults[p.name])))
  return param || Object.values(options).some((value) => value !== undefined)
}

/** Engine descriptions mark parameter names with backticks (for terminals); the gallery shows plain words. */
export function plainText(text: string): string {
  return text.replace(/`([^`]*)`/g, '$1')
}

/** Presets whose title, name or description contain every word of `query` (case-insensitive). */
export function searchPresets(presets: readonly Preset[], query: string): Preset[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return [...presets]
  return presets.filter((p) => {
    const text = `${p.title} ${p.name} ${p.description}`.toLowerCase()
    return words.every((w) => text.includes(w))
  })
}
