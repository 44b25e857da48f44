// Runs in the renderer. The non-destructive filter stack: serialisable layers, selection, solo, undo/redo.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { FilterSpec, Recipe } from '../../engine/types'
import { recipeVersion } from '../../engine/layer'

/** One layer of the stack: a stable id plus the recipe-shaped filter it renders. */
export interface Layer {
  readonly id: string
  readonly spec: FilterSpec
}

/** Options of an undoable edit. */
export interface EditOptions {
  /**
   * Edits carrying the same key in quick succession (slider drags, typing) become one undo step.
   * @default undefined (every edit is its own step)
   */
  readonly coalesce?: string
}

/** How long after the last edit a same-key edit still joins its undo step. */
export const COALESCE_MS = 1200

/** Undo steps kept; older ones are dropped so long sessions do not grow without bound. */
export const HISTORY_LIMIT = 200

let counter = 0

/** A process-unique layer id (crypto.randomUUID is not available in every test runtime). */
function newId(): string {
  counter += 1
  return `layer-${Date.now().toString(36)}-${counter.toString(36)}`
}

/** Removes keys whose value is undefined so specs stay minimal and compare/serialise cleanly. */
function clean(spec: Record<string, unknown>): FilterSpec {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(spec)) if (v !== undefined) out[k] = v
  return out as FilterSpec
}

/** Deep-ish copy of a spec: params and kernel rows are copied so no caller can mutate stored state. */
function copySpec(spec: FilterSpec): FilterSpec {
  return clean({
    ...spec,
    params: spec.params ? { ...spec.params } : undefined,
    kernel: Array.isArray(spec.kernel) ? spec.kernel.map((row) => [...row]) : spec.kernel
  })
}

/**
 * The filter stack store. Layers are immutable values (edits replace a layer object), so an undo snapshot is just
 * the previous array.
 */
export const useStackStore = defineStore('stack', () => {
  /** Layers in application order (first applied first). */
  const layers = ref<Layer[]>([])
  /** The layer whose parameters / kernel the side panels edit. */
  const selectedId = ref<string | null>(null)
  /** When set, only this layer is rendered. */
  const soloId = ref<string | null>(null)

  // Heavy history arrays do not need deep reactivity, only their lengths matter to the UI.
  const past = shallowRef<Layer[][]>([])
  const future = shallowRef<Layer[][]>([])
  let lastKey: string | undefined
  let lastTime = 0

  /** True when there is an edit to undo. */
  const canUndo = computed(() => past.value.length > 0)
  /** True when there is an undone edit to redo. */
  const canRedo = computed(() => future.value.length > 0)

  /** What the viewer renders: the solo layer alone (forced on), or every layer (the engine skips disabled ones). */
  const renderFilters = computed<FilterSpec[]>(() => {
    if (soloId.value !== null) {
      const solo = layers.value.find((l) => l.id === soloId.value)
      if (solo) return [{ ...solo.spec, enabled: true }]
    }
    return layers.value.map((l) => l.spec)
  })

  /** The selected layer, if any. */
  const selected = computed<Layer | null>(() => layers.value.find((l) => l.id === selectedId.value) ?? null)

  /** Records the current state as an undo step (unless it coalesces with the previous edit) and applies `next`. */
  function commit(next: Layer[], options: EditOptions = {}): void {
    const now = Date.now()
    const joins = options.coalesce !== undefined && options.coalesce === lastKey && now - lastTime < COALESCE_MS
    if (!joins) {
      const steps = [...past.value, layers.value]
      past.value = steps.length > HISTORY_LIMIT ? steps.slice(steps.length - HISTORY_LIMIT) : steps
    }
    future.value = []
    lastKey = options.coalesce
    lastTime = now
    layers.value = next
  }

  /** Ends the current coalescing run, so the next edit starts a new undo step (e.g. on slider release). */
  function checkpoint(): void {
    lastKey = undefined
  }

  function indexOf(id: string): number {
    return layers.value.findIndex((l) => l.id === id)
  }

  /** Drops selection/solo pointing at layers that no longer exist (after undo, remove, load). */
  function fixPointers(): void {
    if (selectedId.value !== null && indexOf(selectedId.value) < 0) selectedId.value = null
    if (soloId.value !== null && indexOf(soloId.value) < 0) soloId.value = null
  }

  /**
   * Appends a layer (or inserts it at `index`) and selects it.
   * @returns the new layer's id
   */
  function add(spec: FilterSpec, index?: number): string {
    const layer: Layer = { id: newId(), spec: copySpec(spec) }
    const next = [...layers.value]
    const at = index === undefined ? next.length : Math.max(0, Math.min(next.length, Math.trunc(index)))
    next.splice(at, 0, layer)
    commit(next)
    selectedId.value = layer.id
    return layer.id
  }

  /** Merges `patch` into a layer's spec; keys set to undefined are removed (e.g. `preset` when becoming a kernel). */
  function update(id: string, patch: Partial<FilterSpec>, options: EditOptions = {}): void {
    const i = indexOf(id)
    if (i < 0) return
    const next = [...layers.value]
    next[i] = { id, spec: copySpec(clean({ ...next[i].spec, ...patch })) }
    commit(next, options)
  }

  /** Removes a layer; the selection moves to its neighbour. */
  function remove(id: string): void {
    const i = indexOf(id)
    if (i < 0) return
    const next = layers.value.filter((l) => l.id !== id)
    commit(next)
    if (selectedId.value === id) selectedId.value = next[Math.min(i, next.length - 1)]?.id ?? null
    fixPointers()
  }

  /**
   * Inserts a copy right after the layer and selects it.
   * @returns the copy's id, or null when the layer does not exist
   */
  function duplicate(id: string): string | null {
    const i = indexOf(id)
    if (i < 0) return null
    const source = layers.value[i].spec
    const copy: Layer = { id: newId(), spec: copySpec({ ...source, name: source.name ? `${source.name} copy` : undefined }) }
    const next = [...layers.value]
    next.splice(i + 1, 0, copy)
    commit(next)
    selectedId.value = copy.id
    return copy.id
  }

  /** Moves a layer to `toIndex` (clamped to the stack). */
  function move(id: string, toIndex: number): void {
    const i = indexOf(id)
    if (i < 0) return
    const to = Math.max(0, Math.min(layers.value.length - 1, Math.trunc(toIndex)))
    if (to === i) return
    const next = [...layers.value]
    const [layer] = next.splice(i, 1)
    next.splice(to, 0, layer)
    commit(next)
  }

  /** Switches a layer on or off. */
  function toggle(id: string): void {
    const layer = layers.value[indexOf(id)]
    if (layer) update(id, { enabled: !(layer.spec.enabled ?? true) })
  }

  /** Sets a layer's opacity (clamped to 0..1); a drag coalesces into one undo step. */
  function setOpacity(id: string, value: number): void {
    if (!Number.isFinite(value)) return
    update(id, { opacity: Math.max(0, Math.min(1, value)) }, { coalesce: `opacity:${id}` })
  }

  /** Renames a layer; an empty name falls back to the automatic label. */
  function rename(id: string, name: string): void {
    const trimmed = name.trim()
    update(id, { name: trimmed === '' ? undefined : trimmed }, { coalesce: `name:${id}` })
  }

  /** Selects a layer for editing (null deselects). Not an undo step. */
  function select(id: string | null): void {
    selectedId.value = id !== null && indexOf(id) >= 0 ? id : null
  }

  /** Shows one layer alone (null shows the whole stack). Not an undo step: it is a view setting. */
  function solo(id: string | null): void {
    soloId.value = id !== null && indexOf(id) >= 0 ? id : null
  }

  /** Restores the state before the last edit. */
  function undo(): void {
    const steps = past.value
    if (steps.length === 0) return
    future.value = [...future.value, layers.value]
    layers.value = steps[steps.length - 1]
    past.value = steps.slice(0, -1)
    lastKey = undefined
    fixPointers()
  }

  /** Re-applies the last undone edit. */
  function redo(): void {
    const steps = future.value
    if (steps.length === 0) return
    past.value = [...past.value, layers.value]
    layers.value = steps[steps.length - 1]
    future.value = steps.slice(0, -1)
    lastKey = undefined
    fixPointers()
  }

  /** The stack as a recipe (same JSON the CLI's `apply --recipe` reads). */
  function toRecipe(): Recipe {
    const filters = layers.value.map((l) => copySpec(l.spec))
    return { format: 'kernel-studio/stack', version: recipeVersion(filters), filters }
  }

  /** Replaces the stack with a recipe's filters (one undo step) and selects the first layer. */
  function loadRecipe(recipe: Recipe): void {
    const next = recipe.filters.map((spec) => ({ id: newId(), spec: copySpec(spec) }))
    commit(next)
    soloId.value = null
    selectedId.value = next[0]?.id ?? null
  }

  /** The layers, selection and undo history, as a saved document keeps them. */
  function snapshot(): { layers: Layer[]; selectedId: string | null; past: Layer[][]; future: Layer[][] } {
    return { layers: layers.value, selectedId: selectedId.value, past: past.value, future: future.value }
  }

  /** Puts back what {@link snapshot} gave (a restored document): not an undo step, history included. */
  function restore(saved: { layers: readonly Layer[]; selectedId: string | null; past: readonly (readonly Layer[])[]; future: readonly (readonly Layer[])[] }): void {
    const copy = (list: readonly Layer[]): Layer[] => list.map((l) => ({ id: l.id, spec: copySpec(l.spec) }))
    layers.value = copy(saved.layers)
    past.value = saved.past.slice(-HISTORY_LIMIT).map(copy)
    future.value = saved.future.slice(-HISTORY_LIMIT).map(copy)
    selectedId.value = saved.selectedId
    soloId.value = null
    lastKey = undefined
    fixPointers()
  }

  /** Removes every layer (one undo step). */
  function clear(): void {
    if (layers.value.length === 0) return
    commit([])
    fixPointers()
  }

  return {
    layers,
    selectedId,
    soloId,
    past,
    future,
    selected,
    renderFilters,
    canUndo,
    canRedo,
    add,
    update,
    remove,
    duplicate,
    move,
    toggle,
    setOpacity,
    rename,
    select,
    solo,
    undo,
    redo,
    checkpoint,
    toRecipe,
    loadRecipe,
    snapshot,
    restore,
    clear
  }
})
