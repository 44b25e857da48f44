// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { COALESCE_MS, HISTORY_LIMIT, useStackStore } from '../../../../src/renderer/stores/stack'
import { parseRecipe, serializeRecipe } from '../../../../src/engine/recipe'
import { applyStack } from '../../../../src/engine/stack'
import type { FloatImage } from '../../../../src/engine/types'

const blur = { preset: 'box-blur', params: { size: 3 } }
const sharpen = { preset: 'sharpen' }
const edge = { name: 'Edges', kernel: [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], signed: 'abs' as const }

function names(stack: ReturnType<typeof useStackStore>): (string | undefined)[] {
  return stack.layers.map((l) => l.spec.name ?? l.spec.preset)
}

beforeEach(() => {
  setActivePinia(createPinia())
})

afterEach(() => {
  vi.useRealTimers()
})

describe('stack operations', () => {
  it('adds layers in order, selects the new one and returns its id', () => {
    const stack = useStackStore()
    const a = stack.add(blur)
    const b = stack.add(sharpen)
    expect(a).not.toBe(b)
    expect(names(stack)).toEqual(['box-blur', 'sharpen'])
    expect(stack.selectedId).toBe(b)
    const c = stack.add(edge, 0)
    expect(names(stack)).toEqual(['Edges', 'box-blur', 'sharpen'])
    expect(stack.layers[0].id).toBe(c)
  })

  it('copies specs so callers cannot mutate stored layers', () => {
    const stack = useStackStore()
    const rows = [[1, 2, 1], [2, 4, 2], [1, 2, 1]]
    const id = stack.add({ kernel: rows, divisor: 16 })
    rows[0][0] = 99
    const stored = stack.layers.find((l) => l.id === id)!.spec.kernel as number[][]
    expect(stored[0][0]).toBe(1)
  })

  it('moves, toggles, renames, sets opacity, duplicates and removes', () => {
    const stack = useStackStore()
    const a = stack.add(blur)
    const b = stack.add(sharpen)
    stack.move(b, 0)
    expect(stack.layers.map((l) => l.id)).toEqual([b, a])
    stack.move(b, 99)
    expect(stack.layers.map((l) => l.id)).toEqual([a, b])
    stack.toggle(a)
    expect(stack.layers[0].spec.enabled).toBe(false)
    stack.toggle(a)
    expect(stack.layers[0].spec.enabled).toBe(true)
    stack.setOpacity(b, 1.7)
    expect(stack.layers[1].spec.opacity).toBe(1)
    stack.setOpacity(b, 0.25)
    expect(stack.layers[1].spec.opacity).toBe(0.25)
    stack.rename(a, '  Soft  ')
    expect(stack.layers[0].spec.name).toBe('Soft')
    const copy = stack.duplicate(a)!
    expect(stack.layers.map((l) => l.id)).toEqual([a, copy, b])
    expect(stack.layers[1].spec).toEqual({ ...stack.layers[0].spec, name: 'Soft copy' })
    expect(stack.selectedId).toBe(copy)
    stack.remove(copy)
    expect(stack.layers.map((l) => l.id)).toEqual([a, b])
    expect(stack.selectedId).toBe(b)
    stack.rename(a, '')
    expect('name' in stack.layers[0].spec).toBe(false)
  })

  it('update merges a patch and drops keys set to undefined', () => {
    const stack = useStackStore()
    const id = stack.add({ ...blur, border: 'wrap' })
    stack.update(id, { preset: undefined, params: undefined, kernel: [[1]], divisor: 2 })
    expect(stack.layers[0].spec).toEqual({ kernel: [[1]], divisor: 2, border: 'wrap' })
  })

  it('renderFilters shows the solo layer alone, switched on', () => {
    const stack = useStackStore()
    const a = stack.add(blur)
    const b = stack.add({ ...sharpen, enabled: false })
    expect(stack.renderFilters).toHaveLength(2)
    stack.solo(b)
    expect(stack.renderFilters).toEqual([{ ...sharpen, enabled: true }])
    stack.remove(b)
    expect(stack.soloId).toBeNull()
    expect(stack.renderFilters.map((f) => f.preset)).toEqual(['box-blur'])
    stack.solo('missing')
    expect(stack.soloId).toBeNull()
    expect(stack.layers[0].id).toBe(a)
  })

  it('ignores unknown ids and non-finite opacity', () => {
    const stack = useStackStore()
    const a = stack.add(blur)
    stack.update('nope', { opacity: 0.5 })
    stack.remove('nope')
    stack.move('nope', 0)
    expect(stack.duplicate('nope')).toBeNull()
    stack.setOpacity(a, Number.NaN)
    expect(stack.layers).toHaveLength(1)
    expect(stack.layers[0].spec.opacity).toBeUndefined()
  })
})

describe('undo / redo', () => {
  it('undoes and redoes every kind of edit, restoring whole snapshots', () => {
    const stack = useStackStore()
    expect(stack.canUndo).toBe(false)
    const a = stack.add(blur)
    const b = stack.add(sharpen)
    stack.move(b, 0)
    stack.toggle(a)
    stack.remove(b)
    const states: string[] = []
    while (stack.canUndo) {
      states.push(JSON.stringify(names(stack)))
      stack.undo()
    }
    expect(stack.layers).toEqual([])
    expect(states).toEqual(['["box-blur"]', '["sharpen","box-blur"]', '["sharpen","box-blur"]', '["box-blur","sharpen"]', '["box-blur"]'])
    expect(stack.canRedo).toBe(true)
    while (stack.canRedo) stack.redo()
    expect(names(stack)).toEqual(['box-blur'])
    expect(stack.layers[0].spec.enabled).toBe(false)
  })

  it('clears the whole stack as one undo step, dropping selection and solo; undo and redo restore it', () => {
    const stack = useStackStore()
    const a = stack.add(blur)
    const b = stack.add(edge)
    stack.solo(a)
    stack.select(b)
    const before = stack.layers
    stack.clear()
    expect(stack.layers).toEqual([])
    expect(stack.selectedId).toBeNull()
    expect(stack.soloId).toBeNull()
    expect(stack.renderFilters).toEqual([])
    stack.undo()
    expect(stack.layers).toEqual(before)
    expect(names(stack)).toEqual(['box-blur', 'Edges'])
    stack.redo()
    expect(stack.layers).toEqual([])
    // Clearing an empty stack is not an edit.
    const steps = stack.past.length
    stack.clear()
    expect(stack.past.length).toBe(steps)
  })

  it('a new edit after undo discards the redo branch', () => {
    const stack = useStackStore()
    stack.add(blur)
    stack.add(sharpen)
    stack.undo()
    expect(stack.canRedo).toBe(true)
    stack.add(edge)
    expect(stack.canRedo).toBe(false)
    expect(names(stack)).toEqual(['box-blur', 'Edges'])
  })

  it('coalesces a rapid opacity drag into one step, but not slow or different edits', () => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date(2024, 0, 1))
    const stack = useStackStore()
    const a = stack.add(blur)
    const b = stack.add(sharpen)
    for (const v of [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]) {
      stack.setOpacity(a, v)
      vi.advanceTimersByTime(30)
    }
    stack.undo()
    expect(stack.layers[0].spec.opacity).toBeUndefined()
    stack.redo()
    expect(stack.layers[0].spec.opacity).toBeCloseTo(0.4)

    stack.setOpacity(a, 0.3)
    vi.advanceTimersByTime(COALESCE_MS + 1)
    stack.setOpacity(a, 0.2)
    stack.undo()
    expect(stack.layers[0].spec.opacity).toBeCloseTo(0.3)

    // A drag on another layer is a separate step.
    stack.setOpacity(a, 0.1)
    stack.setOpacity(b, 0.5)
    stack.undo()
    expect(stack.layers[1].spec.opacity).toBeUndefined()
    expect(stack.layers[0].spec.opacity).toBeCloseTo(0.1)
  })

  it('coalesces typing in a kernel with the same key, and checkpoint() ends the run', () => {
    const stack = useStackStore()
    const id = stack.add({ kernel: [[0, 0, 0], [0, 1, 0], [0, 0, 0]] })
    stack.update(id, { kernel: [[1, 0, 0], [0, 1, 0], [0, 0, 0]] }, { coalesce: `kernel:${id}` })
    stack.update(id, { kernel: [[1, 1, 0], [0, 1, 0], [0, 0, 0]] }, { coalesce: `kernel:${id}` })
    stack.checkpoint()
    stack.update(id, { kernel: [[1, 1, 1], [0, 1, 0], [0, 0, 0]] }, { coalesce: `kernel:${id}` })
    stack.undo()
    expect(stack.layers[0].spec.kernel).toEqual([[1, 1, 0], [0, 1, 0], [0, 0, 0]])
    stack.undo()
    expect(stack.layers[0].spec.kernel).toEqual([[0, 0, 0], [0, 1, 0], [0, 0, 0]])
  })

  it('undo clears a selection pointing at a layer that no longer exists', () => {
    const stack = useStackStore()
    stack.add(blur)
    const b = stack.add(sharpen)
    stack.solo(b)
    expect(stack.selectedId).toBe(b)
    stack.undo()
    expect(stack.selectedId).toBeNull()
    expect(stack.soloId).toBeNull()
  })

  it('keeps at most HISTORY_LIMIT steps', () => {
    const stack = useStackStore()
    for (let i = 0; i < HISTORY_LIMIT + 20; i++) stack.add({ kernel: [[i]] })
    let steps = 0
    while (stack.canUndo) {
      stack.undo()
      steps++
    }
    expect(steps).toBe(HISTORY_LIMIT)
    expect(stack.layers).toHaveLength(20)
  })
})

describe('recipes', () => {
  it('round-trips through the engine recipe parser', () => {
    const stack = useStackStore()
    const a = stack.add(blur)
    stack.add({ ...sharpen, border: 'reflect', mode: 'same' })
    stack.add({ ...edge, kernel: [[1 / 9, 1 / 9, 1 / 9], [1 / 9, 1 / 9, 1 / 9], [1 / 9, 1 / 9, 1 / 9]], offset: 3 })
    stack.setOpacity(a, 0.5)
    stack.toggle(a)

    const recipe = stack.toRecipe()
    const text = serializeRecipe(recipe.filters)
    const parsed = parseRecipe(text, 'saved.json')
    expect(parsed.filters).toEqual(recipe.filters)

    setActivePinia(createPinia())
    const other = useStackStore()
    other.loadRecipe(parsed)
    expect(other.toRecipe()).toEqual(recipe)
    expect(other.selectedId).toBe(other.layers[0].id)
    // Loading is one undoable step.
    other.undo()
    expect(other.layers).toEqual([])
  })

  it('renders the same pixels from the store as from the parsed recipe', () => {
    const stack = useStackStore()
    stack.add(blur)
    stack.add({ ...sharpen, opacity: 0.6 })
    const image: FloatImage = {
      width: 5,
      height: 4,
      channels: 1,
      depth: 8,
      data: Float32Array.from({ length: 20 }, (_v, i) => (i * 37) % 256)
    }
    const recipe = parseRecipe(JSON.stringify(stack.toRecipe()), 'app')
    const fromStore = applyStack(image, stack.renderFilters)
    const fromRecipe = applyStack(image, recipe.filters)
    expect(Array.from(fromRecipe.data)).toEqual(Array.from(fromStore.data))
    // The stack actually changes the image (otherwise the comparison above proves nothing).
    expect(Array.from(fromStore.data)).not.toEqual(Array.from(image.data))
  })
})
