// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { layerRect } from '../../../../src/renderer/model/canvas-layout'
import { REGION_GRID, covers, gridCovers, sharpEnough, visibleRegion, visibleWindow, wantedRegion } from '../../../../src/renderer/model/preview-region'

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
    // Without the margin (after an edit), only snapped to the grid.
    expect(wantedRegion(visible, result, false)).toEqual({ x: 256, y: 192, width: 256, height: 128 })
    const edge = wantedRegion({ x: 950, y: 650, width: 50, height: 50 }, result)
    expect(edge.x + edge.width).toBe(1000)
    expect(edge.y + edge.height).toBe(700)
  })
})

describe('visibleWindow', () => {
  it('is the part of the zoom\'s grid on the canvas, in the device pixels the viewer draws it on', () => {
    // 4000x3000 at 37 %: a 1480x1110 grid; panned 300.4 CSS pixels left and 200 up in a 1100x800 viewport.
    const image = { width: 4000, height: 3000 }
    const pan = { x: -300.4, y: -200 }
    const v = visibleWindow(image, image, { width: 1100, height: 800 }, 0.37, pan, 1)
    expect(v).toEqual({ grid: { width: 1480, height: 1110 }, window: { x: 300, y: 200, width: 1100, height: 800 } })
    // Grid pixel (i, j) lands on device pixel (origin + i, origin + j).
    const at = layerRect({ dpr: 1, zoom: 0.37, pan, image }, { size: image, grid: { width: 1480, height: 1110, window: { x: 300, y: 200, width: 1, height: 1 } } })
    expect(at).toEqual({ x: 0, y: 0, width: 1, height: 1 })
  })

  it('is clipped to the grid, counts device pixels at dpr 2, and is null from 100 % on', () => {
    const image = { width: 1000, height: 500 }
    const v = visibleWindow(image, image, { width: 400, height: 300 }, 0.3, { x: 20, y: 10 }, 2)
    // 0.6 device pixels per image pixel: a 600x300 grid starting at device (40, 20) on an 800x600 canvas.
    expect(v).toEqual({ grid: { width: 600, height: 300 }, window: { x: 0, y: 0, width: 600, height: 300 } })
    expect(visibleWindow(image, image, { width: 400, height: 300 }, 0.5, { x: 0, y: 0 }, 2)).toBeNull()
    expect(visibleWindow(image, image, { width: 400, height: 300 }, 0.5, { x: 900, y: 0 }, 1)).toBeNull()
  })

  it('places a smaller (valid-mode) result centred on the source', () => {
    const v = visibleWindow({ width: 100, height: 100 }, { width: 96, height: 96 }, { width: 40, height: 40 }, 0.5, { x: 0, y: 0 }, 1)
    // The result starts 2 source pixels = 1 device pixel in.
    expect(v).toEqual({ grid: { width: 48, height: 48 }, window: { x: 0, y: 0, width: 39, height: 39 } })
  })
})

describe('gridCovers', () => {
  it('needs the same grid and a window holding the shown one', () => {
    const shown = { grid: { width: 100, height: 80 }, window: { x: 10, y: 10, width: 20, height: 20 } }
    expect(gridCovers({ width: 100, height: 80, window: { x: 0, y: 0, width: 64, height: 64 } }, shown)).toBe(true)
    expect(gridCovers({ width: 101, height: 80, window: { x: 0, y: 0, width: 64, height: 64 } }, shown)).toBe(false)
    expect(gridCovers({ width: 100, height: 80, window: { x: 12, y: 0, width: 64, height: 64 } }, shown)).toBe(false)
    expect(gridCovers(undefined, shown)).toBe(false)
  })
})

describe('scales', () => {
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
