// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { nextTick } from 'vue'
import { LIVE_DELAY_MS, useEditorStore } from '../../../../src/renderer/stores/editor'
import { useStackStore } from '../../../../src/renderer/stores/stack'
import { normaliseKernel, rotateKernel90 } from '../../../../src/engine/kernel'
import { applyStack } from '../../../../src/engine/stack'
import type { FloatImage } from '../../../../src/engine/types'
import { draftFromKernel, resizeCells } from '../../../../src/renderer/model/kernel-draft'

const sobel = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
/** A 5x4 grey image with distinct values, so any change of kernel shows in the result. */
const grid: FloatImage = { width: 5, height: 4, channels: 1, depth: 8, data: Float32Array.from({ length: 20 }, (_v, i) => (i * 37) % 251) }

beforeEach(() => {
  setActivePinia(createPinia())
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

async function setup(): Promise<{ stack: ReturnType<typeof useStackStore>; editor: ReturnType<typeof useEditorStore>; id: string }> {
  const stack = useStackStore()
  const editor = useEditorStore()
  const id = stack.add({ name: 'Edge', kernel: sobel })
  await nextTick()
  return { stack, editor, id }
}

describe('editor store', () => {
  it('loads the selected kernel layer as text cells', async () => {
    const { editor, id } = await setup()
    expect(editor.layerId).toBe(id)
    expect(editor.cells).toEqual(draftFromKernel({ width: 3, height: 3, weights: sobel.flat(), divisor: 1, offset: 0 }).cells)
  })

  it('applies valid typing live after a short delay, as one undo step', async () => {
    const { stack, editor, id } = await setup()
    editor.setCell(0, 0, '-3')
    editor.setCell(2, 0, '-3')
    expect(stack.layers[0].spec.kernel).toEqual(sobel)
    vi.advanceTimersByTime(LIVE_DELAY_MS + 1)
    expect(stack.layers[0].spec.kernel).toEqual([[-3, 0, 1], [-2, 0, 2], [-3, 0, 1]])
    editor.setCell(1, 1, '1/9')
    vi.advanceTimersByTime(LIVE_DELAY_MS + 1)
    await nextTick()
    // The fraction the user typed stays as typed.
    expect(editor.cells[1][1]).toBe('1/9')
    stack.undo()
    await nextTick()
    expect(stack.layers[0].spec.kernel).toEqual(sobel)
    expect(editor.cells[0][0]).toBe('-1')
    expect(editor.layerId).toBe(id)
  })

  it('never applies an invalid draft and keeps the text for fixing', async () => {
    const { stack, editor } = await setup()
    editor.setCell(1, 2, '2x')
    vi.advanceTimersByTime(LIVE_DELAY_MS + 1)
    editor.flush()
    expect(stack.layers[0].spec.kernel).toEqual(sobel)
    expect(editor.checked.cellErrors[1][2]).toMatch(/"2x" is not a number/)
    expect(editor.cells[1][2]).toBe('2x')
    editor.setDivisor('0')
    editor.setCell(1, 2, '5')
    vi.advanceTimersByTime(LIVE_DELAY_MS + 1)
    expect(stack.layers[0].spec.kernel).toEqual(sobel)
    editor.setDivisor('4')
    vi.advanceTimersByTime(LIVE_DELAY_MS + 1)
    expect(stack.layers[0].spec).toMatchObject({ kernel: [[-1, 0, 1], [-2, 0, 5], [-1, 0, 1]], divisor: 4 })
  })

  it('whole-kernel actions are separate undo steps; normalise of a zero-sum kernel explains why not', async () => {
    const { stack, editor } = await setup()
    editor.transform(normaliseKernel)
    expect(editor.actionError).toMatch(/sum to 0/)
    expect(stack.canUndo).toBe(true) // only the add
    editor.transform(rotateKernel90)
    expect(stack.layers[0].spec.kernel).toEqual([[-1, -2, -1], [0, 0, 0], [1, 2, 1]])
    editor.setCells(resizeCells(editor.cells, 1, 0))
    expect((stack.layers[0].spec.kernel as number[][]).length).toBe(5)
    stack.undo()
    await nextTick()
    expect(editor.cells.length).toBe(3)
    stack.undo()
    await nextTick()
    expect(editor.cells[0]).toEqual(['-1', '0', '1'])
  })

  it('flushes pending typing to its own layer when another layer is selected', async () => {
    const { stack, editor, id } = await setup()
    const other = stack.add({ kernel: [[1]] })
    stack.select(id)
    await nextTick()
    editor.setCell(0, 1, '7')
    stack.select(other)
    await nextTick()
    expect(stack.layers.find((l) => l.id === id)!.spec.kernel).toEqual([[-1, 7, 1], [-2, 0, 2], [-1, 0, 1]])
    expect(editor.cells).toEqual([['1']])
  })

  it('turns a preset layer into a kernel layer with the same output as one undo step', async () => {
    const stack = useStackStore()
    const editor = useEditorStore()
    const id = stack.add({ preset: 'box-blur', params: { size: 3 }, opacity: 0.5 })
    await nextTick()
    expect(editor.kernelLayer).toBeNull()
    const steps = stack.past.length
    expect(editor.convertToKernel(id)).toBe(true)
    await nextTick()
    expect(stack.past.length).toBe(steps + 1)
    const spec = stack.layers[0].spec
    expect(spec.preset).toBeUndefined()
    expect(spec.params).toBeUndefined()
    expect(spec.opacity).toBe(0.5)
    expect(spec.name).toBe('Box blur (custom)')
    expect(applyStack(grid, [spec])).toEqual(applyStack(grid, [{ preset: 'box-blur', params: { size: 3 } , opacity: 0.5 }]))
    expect(editor.layerId).toBe(id)
    stack.undo()
    expect(stack.layers[0].spec.preset).toBe('box-blur')
    // Only preset layers convert; a bad preset parameter is explained instead.
    expect(editor.convertToKernel('nope')).toBe(false)
    const bad = stack.add({ preset: 'box-blur', params: { size: 4 } })
    expect(editor.convertToKernel(bad)).toBe(false)
    expect(editor.actionError).toMatch(/parameters/)
  })
})
