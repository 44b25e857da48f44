// Runs in the renderer. The kernel editor's draft (cell texts) for the selected stack layer, and its live sync.
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { EngineError } from '../../engine/errors'
import { findPreset } from '../../engine/presets'
import type { Kernel } from '../../engine/types'
import { checkDraft, draftFromKernel, kernelSignature, type KernelDraft } from '../model/kernel-draft'
import { kernelPatch, specKernel } from '../model/kernel-spec'
import { useStackStore } from './stack'

/** Delay between the last keystroke and the live preview update: short enough to feel live, long enough that
 * fast typing does not queue a render per key. */
export const LIVE_DELAY_MS = 90

/**
 * Editor state for the selected layer. Valid drafts are written to the stack layer (debounced, coalesced into one
 * undo step per typing run); invalid ones stay here, marked, and are never applied. When the layer changes from
 * elsewhere (undo/redo, recipe load) the draft is reloaded from it.
 */
export const useEditorStore = defineStore('editor', () => {
  const stack = useStackStore()

  /** The layer the draft belongs to. */
  const layerId = ref<string | null>(null)
  /** Cell texts, row-major. */
  const cells = ref<string[][]>([])
  /** Divisor text. */
  const divisor = ref('1')
  /** Offset text. */
  const offset = ref('0')
  /** A one-line message about the last whole-kernel action (paste, normalise) that failed; null when none. */
  const actionError = ref<string | null>(null)

  /** The draft parsed field by field. */
  const checked = computed(() => checkDraft({ cells: cells.value, divisor: divisor.value, offset: offset.value }))

  /** The selected layer when it holds a custom kernel (not a preset). */
  const kernelLayer = computed(() => {
    const layer = stack.selected
    return layer && layer.spec.kernel !== undefined ? layer : null
  })

  // Signature of the kernel last loaded into or written from the draft: a layer change with another signature
  // came from elsewhere and reloads the draft.
  let synced = ''
  let timer: ReturnType<typeof setTimeout> | null = null

  function load(draft: KernelDraft): void {
    cells.value = draft.cells.map((row) => [...row])
    divisor.value = draft.divisor
    offset.value = draft.offset
  }

  watch(
    kernelLayer,
    (layer) => {
      if (!layer) {
        cancel()
        layerId.value = null
        synced = ''
        return
      }
      const kernel = specKernel(layer.spec)
      const signature = kernelSignature(kernel)
      if (layer.id === layerId.value && signature === synced) return
      if (layer.id !== layerId.value) flush()
      cancel()
      layerId.value = layer.id
      synced = signature
      actionError.value = null
      if (kernel) load(draftFromKernel(kernel))
    },
    { immediate: true }
  )

  function cancel(): void {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }

  /** Writes the draft to the layer now if it is valid and changed. */
  function flush(): void {
    cancel()
    const kernel = checked.value.kernel
    const id = layerId.value
    if (!kernel || id === null || !stack.layers.some((l) => l.id === id)) return
    const signature = kernelSignature(kernel)
    if (signature === synced) return
    synced = signature
    stack.update(id, kernelPatch(kernel), { coalesce: `kernel:${id}` })
  }

  function schedule(): void {
    cancel()
    timer = setTimeout(flush, LIVE_DELAY_MS)
  }

  /** Sets one cell's text (live preview follows when the whole draft is valid). */
  function setCell(row: number, col: number, text: string): void {
    if (!cells.value[row] || cells.value[row][col] === undefined) return
    cells.value[row][col] = text
    actionError.value = null
    schedule()
  }

  /** Sets the divisor text. */
  function setDivisor(text: string): void {
    divisor.value = text
    schedule()
  }

  /** Sets the offset text. */
  function setOffset(text: string): void {
    offset.value = text
    schedule()
  }

  /** Replaces the cell grid (resize) keeping divisor and offset; applied at once as its own undo step. */
  function setCells(next: string[][]): void {
    cells.value = next
    actionError.value = null
    stack.checkpoint()
    flush()
    stack.checkpoint()
  }

  /** Replaces the whole kernel (rotate, transpose, normalise, paste): its own undo step. */
  function setKernel(kernel: Kernel): void {
    load(draftFromKernel(kernel))
    actionError.value = null
    stack.checkpoint()
    flush()
    stack.checkpoint()
  }

  /** Runs a whole-kernel action on the valid draft, turning an engine error into a one-line message. */
  function transform(action: (kernel: Kernel) => Kernel): void {
    const kernel = checked.value.kernel
    if (!kernel) {
      actionError.value = 'Fix the marked fields first.'
      return
    }
    try {
      setKernel(action(kernel))
    } catch (error) {
      actionError.value = error instanceof EngineError ? error.message : String(error)
    }
  }

  /** Ends the current typing run: the next edit becomes a new undo step. */
  function commitRun(): void {
    flush()
    stack.checkpoint()
  }

  /**
   * Turns a preset layer into a custom-kernel layer with exactly the same output (its kernel, divisor, offset and
   * the preset's negative-value mapping), as one undo step, and selects it for editing.
   * @returns false when the layer is not a valid preset layer
   */
  function convertToKernel(id: string): boolean {
    const layer = stack.layers.find((l) => l.id === id)
    if (!layer || layer.spec.preset === undefined) return false
    const kernel = specKernel(layer.spec)
    if (!kernel) {
      actionError.value = 'Fix the parameters of this layer first: they do not make a valid kernel.'
      return false
    }
    const preset = findPreset(layer.spec.preset)
    stack.checkpoint()
    stack.update(id, {
      preset: undefined,
      params: undefined,
      ...kernelPatch(kernel),
      signed: layer.spec.signed ?? preset?.signed,
      name: layer.spec.name ?? `${preset?.title ?? layer.spec.preset} (custom)`
    })
    stack.checkpoint()
    stack.select(id)
    actionError.value = null
    return true
  }

  return {
    layerId,
    cells,
    divisor,
    offset,
    actionError,
    checked,
    kernelLayer,
    setCell,
    setDivisor,
    setOffset,
    setCells,
    setKernel,
    transform,
    flush,
    commitRun,
    convertToKernel
  }
})
