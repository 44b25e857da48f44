// @vitest-environment node
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useMaskStore } from '../../../../src/renderer/stores/mask'
import { useStackStore } from '../../../../src/renderer/stores/stack'

beforeEach(() => {
  setActivePinia(createPinia())
})

describe('mask store', () => {
  it('each stroke is one undo step, even strokes in quick succession', () => {
    const stack = useStackStore()
    const masks = useMaskStore()
    const id = stack.add({ preset: 'sharpen' })
    const before = stack.past.length
    masks.addTo(id, { type: 'rect', x: 0, y: 0, width: 0.5, height: 0.5 })
    masks.addTo(id, { type: 'brush', points: [[0.7, 0.7]], radius: 0.1, hardness: 1 })
    masks.addTo(id, { type: 'brush', points: [[0.2, 0.2]], radius: 0.1, hardness: 1, erase: true })
    expect(stack.past.length).toBe(before + 3)
    expect(stack.layers[0].spec.mask?.shapes.map((s) => s.type)).toEqual(['rect', 'brush', 'brush'])
    stack.undo()
    expect(stack.layers[0].spec.mask?.shapes).toHaveLength(2)
    stack.undo()
    stack.undo()
    expect(stack.layers[0].spec.mask).toBeUndefined()
    stack.redo()
    expect(stack.layers[0].spec.mask?.shapes).toHaveLength(1)
  })

  it('a feather drag is one undo step; invert and clear are steps; the recipe is version 2 with a mask', () => {
    const stack = useStackStore()
    const masks = useMaskStore()
    const id = stack.add({ preset: 'sharpen' })
    expect(stack.toRecipe().version).toBe(1)
    masks.addTo(id, { type: 'ellipse', cx: 0.5, cy: 0.5, rx: 0.2, ry: 0.2 })
    const steps = stack.past.length
    for (const f of [0.01, 0.02, 0.03]) masks.setFeather(id, f)
    expect(stack.past.length).toBe(steps + 1)
    masks.setInvert(id, true)
    expect(stack.toRecipe()).toMatchObject({ version: 2, filters: [{ mask: { feather: 0.03, invert: true } }] })
    masks.clear(id)
    expect(stack.layers[0].spec.mask).toBeUndefined()
    stack.undo()
    expect(stack.layers[0].spec.mask?.invert).toBe(true)
  })

  it('a finished shape clears the draft', () => {
    const stack = useStackStore()
    const masks = useMaskStore()
    const id = stack.add({ preset: 'sharpen' })
    masks.draft = { type: 'rect', x: 0, y: 0, width: 1, height: 1 }
    masks.addTo(id, masks.draft)
    expect(masks.draft).toBeNull()
  })
})
