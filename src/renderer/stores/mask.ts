// Runs in the renderer. The mask editor's state: which tool a drag on the canvas uses, the brush, whether the
// overlay shows, and the shape being drawn. The mask itself lives in the layer's FilterSpec (stack store), so it
// travels in recipes; every finished stroke or shape is one undo step there.
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { LayerMask, MaskShape } from '../../engine/mask'
import { addShape, removeLastShape, withOptions, type MaskTool } from '../model/mask-edit'
import { useStackStore } from './stack'

export const useMaskStore = defineStore('mask', () => {
  const stack = useStackStore()
  /** The tool a drag on the canvas uses; null: the canvas pans and pins pixels as usual. */
  const tool = ref<MaskTool | null>(null)
  /** Brush radius as a fraction of the image's shorter side. */
  const brushRadius = ref(0.05)
  /** Fraction of the radius painted at full strength. */
  const brushHardness = ref(0.5)
  /** Show the selected layer's mask over the image. */
  const overlay = ref(true)
  /** The shape being drawn (shown in the overlay, not yet in the layer). */
  const draft = shallowRef<MaskShape | null>(null)

  function maskOf(id: string): LayerMask | undefined {
    return stack.layers.find((l) => l.id === id)?.spec.mask
  }

  /** Adds a finished shape or stroke to the layer's mask: one undo step. */
  function addTo(id: string, shape: MaskShape): void {
    draft.value = null
    stack.checkpoint()
    stack.update(id, { mask: addShape(maskOf(id), shape) })
  }

  /** Takes the last shape away (the mask goes when none is left). */
  function removeLast(id: string): void {
    stack.update(id, { mask: removeLastShape(maskOf(id)) })
  }

  /** Removes the mask: the layer acts everywhere again. */
  function clear(id: string): void {
    if (maskOf(id)) stack.update(id, { mask: undefined })
  }

  /** Sets the feather (fraction of the shorter side); a slider drag is one undo step. */
  function setFeather(id: string, feather: number): void {
    const mask = maskOf(id)
    if (mask && Number.isFinite(feather)) stack.update(id, { mask: withOptions(mask, { feather: Math.max(0, feather) }) }, { coalesce: `feather:${id}` })
  }

  function setInvert(id: string, invert: boolean): void {
    const mask = maskOf(id)
    if (mask) stack.update(id, { mask: withOptions(mask, { invert }) })
  }

  return { tool, brushRadius, brushHardness, overlay, draft, addTo, removeLast, clear, setFeather, setInvert }
})
