// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { displayGrid, imageRect, layerRect } from '../../../../src/renderer/model/canvas-layout'

const frame = { dpr: 2, zoom: 1.5, pan: { x: 10.3, y: -4.6 }, image: { width: 100, height: 60 } }

describe('imageRect', () => {
  it('places the image at the pan in device pixels, its origin on a whole pixel', () => {
    expect(imageRect(frame)).toEqual({ x: 21, y: -9, width: 300, height: 180 })
  })
})

describe('layerRect', () => {
  it('covers the image exactly for a same-size result', () => {
    expect(layerRect(frame, { size: frame.image })).toEqual(imageRect(frame))
  })

  it('centres a smaller (valid) or larger (full) result on the source', () => {
    // A 5x5 kernel: valid output is 4 pixels smaller each way, full output 4 larger; 2 source pixels = 6 device pixels.
    expect(layerRect(frame, { size: { width: 96, height: 56 } })).toEqual({ x: 27, y: -3, width: 288, height: 168 })
    expect(layerRect(frame, { size: { width: 104, height: 64 } })).toEqual({ x: 15, y: -15, width: 312, height: 192 })
  })

  it('puts a region where it sits in the result', () => {
    const r = layerRect(frame, { size: frame.image, region: { x: 20, y: 10, width: 30, height: 5 } })
    expect(r).toEqual({ x: 21 + 60, y: -9 + 30, width: 90, height: 15 })
  })
})

describe('grid windows', () => {
  const at = { dpr: 1, zoom: 0.52, pan: { x: -100, y: -40 }, image: { width: 1411, height: 1411 } }

  it('shrinks a result to whole device pixels, never enlarging', () => {
    expect(displayGrid({ width: 1411, height: 1411 }, 0.52)).toEqual({ width: 734, height: 734 })
    expect(displayGrid({ width: 3, height: 1 }, 0.1)).toEqual({ width: 1, height: 1 })
  })

  it('puts a window of the zoom\'s grid one raster pixel per device pixel', () => {
    const grid = { width: 734, height: 734, window: { x: 64, y: 0, width: 300, height: 200 } }
    expect(layerRect(at, { size: at.image, grid })).toEqual({ x: -100 + 64, y: -40, width: 300, height: 200 })
  })

  it('scales another zoom\'s grid to where its pixels belong', () => {
    // A window of the 50 % grid (706 wide: 1411 * 0.5 rounded) shown at 52 %.
    const grid = { width: 706, height: 706, window: { x: 0, y: 0, width: 706, height: 706 } }
    const r = layerRect(at, { size: at.image, grid })
    expect(r.width).toBeCloseTo(1411 * 0.52, 9)
    expect(r.x).toBe(-100)
  })
})
