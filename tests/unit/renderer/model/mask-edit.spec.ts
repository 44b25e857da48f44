// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { checkMask, rasterMask } from '../../../../src/engine/mask'
import { parseRecipe, serializeRecipe } from '../../../../src/engine/recipe'
import { addShape, brushStroke, describeShape, dragShape, removeLastShape, viewerToFraction, withOptions } from '../../../../src/renderer/model/mask-edit'

describe('dragShape', () => {
  it('a rect fills the box two corners span, whichever way the drag goes', () => {
    expect(dragShape('rect', { x: 0.6, y: 0.5 }, { x: 0.2, y: 0.1 })).toEqual({ type: 'rect', x: 0.2, y: 0.1, width: 0.4, height: 0.4 })
  })
  it('an ellipse is inscribed in the dragged box', () => {
    expect(dragShape('ellipse', { x: 0.2, y: 0.2 }, { x: 0.6, y: 0.8 })).toEqual({ type: 'ellipse', cx: 0.4, cy: 0.5, rx: 0.2, ry: 0.3 })
  })
  it('a gradient runs from the press to the release', () => {
    expect(dragShape('gradient', { x: 0.1, y: 0.5 }, { x: 0.9, y: 0.5 })).toEqual({ type: 'gradient', x0: 0.1, y0: 0.5, x1: 0.9, y1: 0.5 })
  })
  it('a click without a drag draws nothing; brushes are not drag shapes', () => {
    expect(dragShape('rect', { x: 0.3, y: 0.3 }, { x: 0.3, y: 0.3 })).toBeNull()
    expect(dragShape('ellipse', { x: 0.3, y: 0.3 }, { x: 0.5, y: 0.3 })).toBeNull()
    expect(dragShape('gradient', { x: 0.3, y: 0.3 }, { x: 0.3, y: 0.3 })).toBeNull()
    expect(dragShape('brush', { x: 0.1, y: 0.1 }, { x: 0.5, y: 0.5 })).toBeNull()
  })
})

describe('brushStroke', () => {
  it('keeps points a quarter radius apart (in units of the shorter side) and always the last one', () => {
    const pts = Array.from({ length: 11 }, (_, i) => ({ x: i * 0.01, y: 0.5 }))
    // 2:1 image: 0.01 of the width is 0.02 of the shorter side; a quarter of radius 0.1 is 0.025.
    const s = brushStroke(pts, { radius: 0.1, hardness: 0.5 }, false, 2)
    expect(s?.points).toEqual([[0, 0.5], [0.02, 0.5], [0.04, 0.5], [0.06, 0.5], [0.08, 0.5], [0.1, 0.5]])
    expect(s).toMatchObject({ type: 'brush', radius: 0.1, hardness: 0.5 })
    expect(s && 'erase' in s).toBe(false)
  })
  it('a single press is a dab; erasing strokes say so; no points or no radius is no stroke', () => {
    expect(brushStroke([{ x: 0.3, y: 0.4 }], { radius: 0.05, hardness: 1 }, true, 1)).toEqual({
      type: 'brush',
      points: [[0.3, 0.4]],
      radius: 0.05,
      hardness: 1,
      erase: true
    })
    expect(brushStroke([], { radius: 0.05, hardness: 1 }, false, 1)).toBeNull()
    expect(brushStroke([{ x: 0.3, y: 0.4 }], { radius: 0, hardness: 1 }, false, 1)).toBeNull()
  })
})

describe('mask values', () => {
  const rect = dragShape('rect', { x: 0, y: 0 }, { x: 0.5, y: 1 })!
  it('adding shapes keeps the earlier ones; an eraser on a layer without a mask erases from everywhere', () => {
    const one = addShape(undefined, rect)
    expect(one).toEqual({ shapes: [rect] })
    const dab = brushStroke([{ x: 0.5, y: 0.5 }], { radius: 0.25, hardness: 1 }, true, 1)!
    const erased = addShape(undefined, dab)
    expect(erased.shapes[0]).toEqual({ type: 'rect', x: 0, y: 0, width: 1, height: 1 })
    // Through the engine's rasteriser: the dab's centre is 0, the corners stay 1.
    const values = rasterMask(erased, 8, 8, null)
    expect(values[3 * 8 + 3]).toBe(0)
    expect(values[0]).toBe(1)
  })
  it('removing the last shape drops the mask when it was the only one', () => {
    const two = addShape(addShape(undefined, rect), dragShape('gradient', { x: 0, y: 0 }, { x: 1, y: 0 })!)
    expect(removeLastShape(two)).toEqual({ shapes: [rect] })
    expect(removeLastShape({ shapes: [rect] })).toBeUndefined()
  })
  it('feather and invert are left out at their defaults, so recipes stay minimal', () => {
    const m = withOptions({ shapes: [rect] }, { feather: 0.02, invert: true })
    expect(m).toEqual({ shapes: [rect], feather: 0.02, invert: true })
    expect(withOptions(m, { feather: 0, invert: false })).toEqual({ shapes: [rect] })
    expect(withOptions(m, { invert: false })).toEqual({ shapes: [rect], feather: 0.02 })
  })
  it('every shape the editor makes is a valid mask that a version 2 recipe carries unchanged', () => {
    const mask = withOptions(
      [
        dragShape('rect', { x: 0.1, y: 0.1 }, { x: 0.3, y: 0.4 })!,
        dragShape('ellipse', { x: 0.1, y: 0.1 }, { x: 0.3, y: 0.4 })!,
        dragShape('gradient', { x: 0.1, y: 0.1 }, { x: 0.3, y: 0.4 })!,
        brushStroke([{ x: 0.1, y: 0.1 }, { x: 0.4, y: 0.2 }], { radius: 0.03, hardness: 0.2 }, false, 1.5)!,
        brushStroke([{ x: 0.2, y: 0.1 }], { radius: 0.03, hardness: 0.2 }, true, 1.5)!
      ].reduce<ReturnType<typeof addShape> | undefined>((m, s) => addShape(m, s), undefined)!,
      { feather: 0.01, invert: true }
    )
    expect(() => checkMask(mask)).not.toThrow()
    const recipe = parseRecipe(serializeRecipe([{ preset: 'sharpen', mask }]), 'r.json')
    expect(recipe.version).toBe(2)
    expect(recipe.filters[0].mask).toEqual(mask)
  })
})

describe('viewerToFraction', () => {
  it('maps viewer pixels through pan and zoom to fractions of the image', () => {
    expect(viewerToFraction({ x: 110, y: 60 }, { x: 10, y: 10 }, 0.5, { width: 400, height: 200 })).toEqual({ x: 0.5, y: 0.5 })
  })
})

describe('describeShape', () => {
  it('names each shape for the list', () => {
    expect(describeShape({ type: 'rect', x: 0, y: 0, width: 0.5, height: 0.25 })).toBe('Rectangle 50% × 25%')
    expect(describeShape({ type: 'brush', points: [[0, 0]], radius: 0.1, erase: true })).toBe('Eraser stroke, 1 point')
    expect(describeShape({ type: 'tones', from: 0, to: 0.3 })).toBe('Tones 0%–30%')
  })
})
