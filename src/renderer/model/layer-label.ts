// Runs in the renderer (pure, unit-tested in Node). How a stack layer is named in the UI when the user has not named it.
import { findPreset, presetSpec } from '../../engine/presets'
import type { FilterSpec } from '../../engine/types'

/** The layer's name, else its preset's title, else "Custom kernel WxH". */
export function layerLabel(spec: FilterSpec): string {
  if (spec.name) return spec.name
  if (spec.preset) return findPreset(spec.preset)?.title ?? spec.preset
  if (Array.isArray(spec.kernel)) return `Custom kernel ${spec.kernel[0]?.length ?? 0}×${spec.kernel.length}`
  return 'Custom kernel'
}

/** A short description of what the layer does: preset spec with changed params, or the kernel size. */
export function layerDetail(spec: FilterSpec): string {
  if (spec.preset) {
    const preset = findPreset(spec.preset)
    return preset ? presetSpec(preset, spec.params ?? {}) : spec.preset
  }
  if (Array.isArray(spec.kernel)) return `kernel ${spec.kernel[0]?.length ?? 0}×${spec.kernel.length}`
  return 'kernel'
}
