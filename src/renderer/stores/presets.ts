// Runs in the renderer. The preset gallery: the engine's presets, the selected one (the "candidate", previewed on
// top of the stack), each preset's edits (kept until reset, across switching cards), search and thumbnails.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { PRESETS, findPreset, presetWarning, resolvePresetParams, type Preset, type PresetParams } from '../../engine/presets'
import type { FilterSpec, ParamValue } from '../../engine/types'
import type { Raster } from '../../contract/api'
import { firstLine } from '../../contract/errors'
import { cardSpec, isEdited, searchPresets, storedParams, type CandidateOptions } from '../model/preset-gallery'
import { useStackStore } from './stack'

type Values = Readonly<Record<string, ParamValue>>

/** The presets store: the gallery's selection, its candidate layer, per-preset edits, search and thumbnails. */
export const usePresetsStore = defineStore('presets', () => {
  /** Every engine preset, in gallery order. */
  const presets: readonly Preset[] = PRESETS
  /** Name of the selected preset, or null. */
  const selectedName = ref<string | null>(null)
  /** Per preset name: the parameters the user set, as typed (may be invalid while typing). Kept until reset. */
  const edits = ref<Readonly<Record<string, Values>>>({})
  /** Per preset name: border, output size and negative values the user chose for its layer. Kept until reset. */
  const optionEdits = ref<Readonly<Record<string, CandidateOptions>>>({})
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
  /** What the user set on the selected preset. */
  const given = computed<Values>(() => (selectedName.value ? (edits.value[selectedName.value] ?? {}) : {}))
  /** The selected preset's options as the user set them. */
  const options = computed<CandidateOptions>(() => (selectedName.value ? (optionEdits.value[selectedName.value] ?? {}) : {}))

  /** The selected preset's parameters resolved (defaults and derived values filled in), or an error. */
  const resolved = computed<{ params: PresetParams | null; error: string | null }>(() => {
    const preset = selected.value
    if (!preset) return { params: null, error: null }
    try {
      return { params: resolvePresetParams(preset, given.value), error: null }
    } catch (err) {
      return { params: null, error: firstLine(err instanceof Error ? err.message : String(err)) }
    }
  })
  /** Why the selected preset's parameters cannot be applied (one line, names the parameter), or null. */
  const paramError = computed(() => resolved.value.error)
  /** What the parameter fields show: the typed text where the user set one, else the resolved (or default) value. */
  const draft = computed<Values>(() => {
    const preset = selected.value
    if (!preset) return {}
    const params = resolved.value.params ?? candidate.value?.params ?? {}
    return Object.fromEntries(preset.params.map((p) => [p.name, given.value[p.name] ?? params[p.name] ?? p.default]))
  })
  /** Parameters the engine derives from the others (not set by the user), e.g. a Gaussian's size. */
  const derived = computed<readonly string[]>(() =>
    (selected.value?.params ?? []).filter((p) => p.derive && !(p.name in given.value)).map((p) => p.name)
  )
  /** Why the selected preset's valid parameters do not do what they promise (a Gaussian cut short), or null. */
  const warning = computed(() => (selected.value && resolved.value.params ? presetWarning(selected.value, resolved.value.params) : null))
  /** True when the selected preset's parameters or options differ from its defaults. */
  const modified = computed(() => (selected.value ? isEdited(selected.value, given.value, options.value) : false))

  /** True when preset `name` has edits kept (its card's "edited" badge). */
  function isModified(name: string): boolean {
    const preset = findPreset(name)
    return preset ? isEdited(preset, edits.value[name] ?? {}, optionEdits.value[name] ?? {}) : false
  }

  function rebuild(): void {
    const preset = selected.value
    const params = resolved.value.params
    // An invalid field keeps the last valid preview while the user fixes it.
    if (!preset || !params) return
    candidate.value = cardSpec(preset, storedParams(preset, params, given.value), options.value)
  }

  /** Selects a preset: it becomes the candidate at once, with the edits kept for it (or its defaults). */
  function select(name: string): void {
    const preset = findPreset(name)
    if (!preset) return
    if (selectedName.value !== preset.name) candidateThumbnail.value = null
    selectedName.value = preset.name
    candidate.value = null
    rebuild()
  }

  /** Changes one parameter of the candidate (invalid values set {@link paramError} and keep the last valid preview). */
  function setParam(name: string, value: ParamValue): void {
    const preset = selectedName.value
    if (!preset) return
    edits.value = { ...edits.value, [preset]: { ...given.value, [name]: value } }
    rebuild()
  }

  /** Sets the border, output size or negative values of the candidate's layer. */
  function setOptions(patch: CandidateOptions): void {
    const preset = selectedName.value
    if (!preset) return
    optionEdits.value = { ...optionEdits.value, [preset]: { ...options.value, ...patch } }
    rebuild()
  }

  /** Puts the selected preset's parameters and options back to its defaults. */
  function resetParams(): void {
    const preset = selectedName.value
    if (!preset) return
    const { [preset]: _params, ...otherEdits } = edits.value
    const { [preset]: _options, ...otherOptions } = optionEdits.value
    edits.value = otherEdits
    optionEdits.value = otherOptions
    rebuild()
  }

  /** Drops the candidate (nothing previewed on top of the stack); each preset's edits are kept. */
  function clear(): void {
    selectedName.value = null
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
    edits,
    optionEdits,
    candidate,
    query,
    thumbnails,
    candidateThumbnail,
    selected,
    visible,
    given,
    options,
    paramError,
    draft,
    derived,
    warning,
    modified,
    isModified,
    select,
    setParam,
    setOptions,
    resetParams,
    clear,
    addCandidateToStack,
    setQuery,
    setThumbnails,
    setCandidateThumbnail
  }
})
