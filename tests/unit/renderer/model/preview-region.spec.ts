// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { REGION_GRID, covers, detailScale, sharpEnough, visibleRegion, wantedRegion } from '../../../../src/renderer/model/preview-region'

describe('visibleRegion', () => {
  it('is the part of the image inside the viewport, in whole pixels', () => {
    // 2x zoom, image shifted 100 CSS pixels left and 50 up: the viewport's 400x300 show 200x150 image pixels.
    const r = visibleRegion({ width: 1000, height: 800 }, { width: 1000, height: 800 }, { width: 400, height: 300 }, 2, { x: -100, y: -50 })
    expect(r).toEqual({ x: 50, y: 25, width: 200, height: 150 })
  })

  it('is clipped to the result and null when nothing of it is visible', () => {
    const image = { width: 100, height: 100 }
    expect(visibleRegion(image, image, { width: 400, height: 300 }, 1, { x: 10, y: 10 })).toEqual({ x: 0, y: 0, width: 100, height: 100 })
    expect(visibleRegion(image, image, { width: 400, height: 300 }, 1, { x: 500, y: 0 })).toBeNull()
  })

  it('places a smaller (valid-mode) result centred on the source, as the viewer draws it', () => {
    // A 3x3 kernel in valid mode: the 98x98 result starts one source pixel in.
    const r = visibleRegion({ width: 100, height: 100 }, { width: 98, height: 98 }, { width: 40, height: 40 }, 1, { x: 0, y: 0 })
    expect(r).toEqual({ x: 0, y: 0, width: 39, height: 39 })
  })
})

describe('wantedRegion', () => {
  it('adds a margin, snaps outwards to the grid and stays inside the result', () => {
    const result = { width: 1000, height: 700 }
    const visible = { x: 300, y: 200, width: 200, height: 100 }
    const w = wantedRegion(visible, result)
    expect(covers(w, visible)).toBe(true)
    for (const v of [w.x, w.y]) expect(v % REGION_GRID).toBe(0)
    expect(w.x).toBeLessThanOrEqual(visible.x - REGION_GRID)
    expect(w.x + w.width).toBeGreaterThanOrEqual(visible.x + visible.width + REGION_GRID)
    const edge = wantedRegion({ x: 950, y: 650, width: 50, height: 50 }, result)
    expect(edge.x + edge.width).toBe(1000)
    expect(edge.y + edge.height).toBe(700)
  })
})

describe('scales', () => {
  it('fetches regions in eighths, never above full resolution', () => {
    expect(detailScale(0.3)).toBe(0.375)
    expect(detailScale(0.25)).toBe(0.25)
    expect(detailScale(4)).toBe(1)
  })

  it('accepts a scale 2% short of the wanted one, and full resolution for any zoom beyond 100%', () => {
    expect(sharpEnough(0.49, 0.5)).toBe(true)
    expect(sharpEnough(0.45, 0.5)).toBe(false)
    expect(sharpEnough(1, 8)).toBe(true)
  })
})

describe('covers', () => {
  it('is true only when the outer region holds all of the inner one', () => {
    const outer = { x: 0, y: 0, width: 10, height: 10 }
    expect(covers(outer, { x: 2, y: 2, width: 8, height: 8 })).toBe(true)
    expect(covers(outer, { x: 2, y: 2, width: 9, height: 8 })).toBe(false)
  })
})
