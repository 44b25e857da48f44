// @vitest-environment node
// What a saved document session round-trips through: the stack with its undo history, the view, the modified
// marker and the window title.
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { documentTitle } from '../../../../src/renderer/composables/use-document-session'
import { useSessionStore } from '../../../../src/renderer/stores/session'
import { useStackStore } from '../../../../src/renderer/stores/stack'
import { useViewStore } from '../../../../src/renderer/stores/view'

beforeEach(() => {
  setActivePinia(createPinia())
})

describe('document session', () => {
  it('a stack snapshot restores layers, selection and undo history, as JSON would carry them', () => {
    const stack = useStackStore()
    const blur = stack.add({ preset: 'box-blur', params: { size: 3 } })
    stack.add({ preset: 'sharpen' })
    stack.undo()
    stack.select(blur)
    const saved = JSON.parse(JSON.stringify(stack.snapshot())) as ReturnType<typeof stack.snapshot>

    setActivePinia(createPinia())
    const restored = useStackStore()
    restored.restore(saved)
    expect(restored.layers.map((l) => l.spec.preset)).toEqual(['box-blur'])
    expect(restored.selectedId).toBe(blur)
    expect(restored.canUndo).toBe(true)
    restored.redo()
    expect(restored.layers.map((l) => l.spec.preset)).toEqual(['box-blur', 'sharpen'])
    restored.undo()
    restored.undo()
    expect(restored.layers).toEqual([])
    // Restoring is not an edit: nothing new to undo beyond what was saved.
    expect(restored.canUndo).toBe(false)
  })

  it('restores a saved zoom and pan, or fits when the view was fitted', () => {
    const view = useViewStore()
    view.setViewport(800, 600)
    view.setImageSize(4000, 3000)
    view.restoreView({ zoom: 0.5, pan: { x: -100, y: -50 }, fit: false, split: 0.3 })
    expect([view.zoom, view.pan.x, view.pan.y, view.fit, view.split]).toEqual([0.5, -100, -50, false, 0.3])
    view.restoreView({ zoom: 3, pan: { x: 0, y: 0 }, fit: true, split: null })
    expect(view.fit).toBe(true)
    expect(view.zoom).toBeLessThan(0.2)
    expect(view.split).toBeNull()
  })

  it('the modified marker follows edits and kept work, and shows in the title', () => {
    const session = useSessionStore()
    expect(documentTitle('chelsea.png', session.modified)).toBe('chelsea.png — Kernel Studio')
    session.markModified()
    expect(documentTitle('chelsea.png', session.modified)).toBe('• chelsea.png — Kernel Studio')
    session.markKept()
    expect(session.modified).toBe(false)
    expect(documentTitle(null, false)).toBe('No image — Kernel Studio')
  })
})
