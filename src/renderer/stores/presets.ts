// Runs in the renderer. The preset gallery: the engine's presets, the selected one with its edited parameters
// (the "candidate", previewed on top of the stack), gallery search and thumbnails.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { PRESETS, findPreset, presetDefaults, resolvePresetParams, type Preset } from '../../engine/presets'
import type { FilterSpec, ParamValue } from '../../engine/types'
import type { Raster } from '../../contract/api'
import { firstLine } from '../../contract/errors'
import { candidateSpec, searchPresets } from '../model/preset-gallery'
import { useStackStore } from './stack'

/** The presets store: the gallery's selection, its candidate layer, search and thumbnails. */
export const usePresetsStore = defineStore('presets', () => {
  /** Every engine preset, in gallery order. */
  const presets: readonly Preset[] = PRESETS
  /** Name of the selected preset, or null. */
  const selectedName = ref<string | null>(null)
  /** Parameter values as the user entered them (may be invalid while typing). */
  const draft = ref<Record<string, ParamValue>>({})
  /** Why the draft cannot be applied (one line, names the parameter), or null. */
  const paramError = ref<string | null>(null)
  /** The selected preset with its last valid parameters, previewed on top of the stack; null when none. */
  const candidate = ref<FilterSpec | null>(null)
  /** Gallery search text. */
  const query = ref('')
  /** Thumbnail of the current image under each preset's default parameters, by preset name. */
  const thumbnails = shallowRef<Readonly<Record<string, Raster>>>({})
  /** Thumbnail of the current image under the candidate's edited parameters (replaces the card's default one). */
  const candidateThumbnail = shallowRef<Raster | null>(null)

  /** The selected preset. */
  const selected = computed<Preset | null>(() => (selectedName.value ? (findPreset(selectedName.value) ?? null) : null))
  /** Presets matching the search. */
  const visible = computed(() => searchPresets(presets, query.value))
  /** True when the candidate's parameters differ from the preset's defaults. */
  const modified = computed(() => {
    const preset = selected.value
    if (!preset) return false
    const defaults = presetDefaults(preset)
    return preset.params.some((p) => String(draft.value[p.name]) !== String(defaults[p.name]))
  })

  function rebuild(): void {
    const preset = selected.value
    if (!preset) return
    try {
      const params = resolvePresetParams(preset, draft.value)
      candidate.value = candidateSpec(preset, params)
      paramError.value = null
    } catch (err) {
      // Keep previewing the last valid parameters while the user fixes the field.
      paramError.value = firstLine(err instanceof Error ? err.message : String(err))
    }
  }

  /**
   * Selects a preset: it becomes the candidate at once, with its default parameters
   * (or `params`, e.g. when re-selecting a stack layer's preset).
   */
  function select(name: string, params: Readonly<Record<string, ParamValue>> = {}): void {
    const preset = findPreset(name)
    if (!preset) {
      paramError.value = `unknown preset "${name}"`
      return
    }
    if (selectedName.value !== name) candidateThumbnail.value = null
    selectedName.value = name
    draft.value = { ...presetDefaults(preset), ...params }
    paramError.value = null
    candidate.value = null
    rebuild()
  }

  /** Changes one parameter of the candidate (invalid values set {@link paramError} and keep the last valid preview). */
  function setParam(name: string, value: ParamValue): void {
    if (!selected.value) return
    draft.value = { ...draft.value, [name]: value }
    rebuild()
  }

  /** Puts every parameter back to the preset's default. */
  function resetParams(): void {
    if (selectedName.value) select(selectedName.value)
  }

  /** Drops the candidate (nothing previewed on top of the stack). */
  function clear(): void {
    selectedName.value = null
    draft.value = {}
    paramError.value = null
    candidate.value = null
    candidateThumbnail.value = null
  }

  /**
   * Appends the candidate to the stack (one undo step) and clears it.
   * @returns the new layer's id, or null when there is no valid candidate
   */
  function addCandidateToStack(): string | null {
    const spec = candidate.value
    if (!spec || paramError.value) return null
    const id = useStackStore().add(spec)
    clear()
    return id
  }

  /** Sets the search text. */
  function setQuery(text: string): void {
    query.value = text
  }

  /** Replaces the gallery thumbnails (after the image changed). */
  function setThumbnails(map: Readonly<Record<string, Raster>>): void {
    thumbnails.value = map
  }

  /** Sets the thumbnail of the candidate's current parameters. */
  function setCandidateThumbnail(raster: Raster | null): void {
    candidateThumbnail.value = raster
  }

  return {
    presets,
    selectedName,
    draft,
    paramError,
    candidate,
    query,
    thumbnails,
    candidateThumbnail,
    selected,
    visible,
    modified,
    select,
    setParam,
    resetParams,
    clear,
    addCandidateToStack,
    setQuery,
    setThumbnails,
    setCandidateThumbnail
  }
})
