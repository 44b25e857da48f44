// Runs in the renderer (pure, unit-tested in Node): the preset gallery's search, texts and the layer a preset becomes.
import type { Preset, PresetParams } from '../../engine/presets'
import type { FilterSpec } from '../../engine/types'

/** The stack entry a preset with `params` becomes: the same shape a recipe file stores. */
export function candidateSpec(preset: Preset, params: PresetParams): FilterSpec {
  return { name: preset.title, preset: preset.name, params: { ...params } }
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
