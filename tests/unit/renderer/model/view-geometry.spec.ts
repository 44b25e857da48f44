// @vitest-environment node
import { describe, expect, it } from 'vitest'
import {
  panToReveal,
  FIT_MARGIN,
  MAX_ZOOM,
  MIN_ZOOM,
  ZOOM_STEPS,
  centredPan,
  clampPan,
  fitZoom,
  formatZoom,
  pixelAt,
  stepZoom,
  zoomAroundPan
} from '../../../../src/renderer/model/view-geometry'

describe('fitZoom', () => {
  it('shrinks a large photo to the viewport minus the margin', () => {
    const z = fitZoom({ width: 6000, height: 4000 }, { width: 1000, height: 800 })
    expect(z).toBeCloseTo((1000 - 2 * FIT_MARGIN) / 6000, 10)
    expect(6000 * z).toBeLessThanOrEqual(1000 - 2 * FIT_MARGIN + 1e-9)
    expect(4000 * z).toBeLessThanOrEqual(800 - 2 * FIT_MARGIN)
  })

  it('shows an image that fits less than twice over at 100%, never blurred by a fractional enlargement', () => {
    expect(fitZoom({ width: 451, height: 300 }, { width: 700, height: 650 })).toBe(1)
  })

  it('enlarges tiny images by whole numbers so pixels stay square', () => {
    const z = fitZoom({ width: 7, height: 7 }, { width: 300, height: 200 })
    expect(Number.isInteger(z)).toBe(true)
    expect(z).toBe(Math.floor((200 - 2 * FIT_MARGIN) / 7))
    expect(fitZoom({ width: 3, height: 3 }, { width: 4000, height: 4000 })).toBe(MAX_ZOOM)
  })

  it('falls back to 1 for an empty image', () => {
    expect(fitZoom({ width: 0, height: 0 }, { width: 100, height: 100 })).toBe(1)
  })
})

describe('zoom helpers', () => {
  it('steps through the zoom ladder both ways and stops at the ends', () => {
    expect(stepZoom(1, 1)).toBe(1.5)
    expect(stepZoom(1, -1)).toBeCloseTo(2 / 3)
    expect(stepZoom(0.7, 1)).toBe(1)
    expect(stepZoom(0.7, -1)).toBeCloseTo(2 / 3)
    expect(stepZoom(MAX_ZOOM, 1)).toBe(MAX_ZOOM)
    expect(stepZoom(MIN_ZOOM, -1)).toBe(MIN_ZOOM)
    expect([...ZOOM_STEPS].sort((a, b) => a - b)).toEqual(ZOOM_STEPS)
  })

  it('keeps the image point under the anchor fixed when zooming', () => {
    const pan = { x: 40, y: -25 }
    const anchor = { x: 300, y: 200 }
    const next = zoomAroundPan(pan, 0.5, 2, anchor)
    const before = { x: (anchor.x - pan.x) / 0.5, y: (anchor.y - pan.y) / 0.5 }
    const after = { x: (anchor.x - next.x) / 2, y: (anchor.y - next.y) / 2 }
    expect(after.x).toBeCloseTo(before.x, 9)
    expect(after.y).toBeCloseTo(before.y, 9)
  })

  it('centres on whole pixels', () => {
    expect(centredPan({ width: 451, height: 300 }, { width: 700, height: 651 }, 1)).toEqual({ x: 125, y: 176 })
  })

  it('never lets the image leave the viewport entirely', () => {
    const image = { width: 1000, height: 1000 }
    const vp = { width: 500, height: 400 }
    const p = clampPan({ x: -5000, y: 5000 }, image, vp, 1, 48)
    expect(p.x + image.width).toBe(48)
    expect(p.y).toBe(vp.height - 48)
  })

  it('maps viewer points to source pixels and rejects points outside the image', () => {
    const size = { width: 10, height: 5 }
    expect(pixelAt({ x: 20 + 3 * 4 + 1, y: 10 + 2 * 4 + 3.9 }, { x: 20, y: 10 }, 4, size)).toEqual({ row: 2, col: 3 })
    expect(pixelAt({ x: 19, y: 12 }, { x: 20, y: 10 }, 4, size)).toBeNull()
    expect(pixelAt({ x: 20 + 40, y: 12 }, { x: 20, y: 10 }, 4, size)).toBeNull()
  })

  it('formats zoom as a percentage', () => {
    expect(formatZoom(1)).toBe('100%')
    expect(formatZoom(1 / 3)).toBe('33%')
    expect(formatZoom(1 / 16)).toBe('6.3%')
    expect(formatZoom(64)).toBe('6400%')
  })
})

describe('panToReveal', () => {
  const viewport = { width: 400, height: 300 }
  it('leaves a visible pixel alone (even at the edge of a fitted image) and centres one that is off screen', () => {
    expect(panToReveal({ row: 10, col: 10 }, { x: 0, y: 0 }, 4, viewport)).toEqual({ x: 0, y: 0 })
    expect(panToReveal({ row: 0, col: 0 }, { x: 16, y: 16 }, 0.5, viewport)).toEqual({ x: 0, y: 0 })
    // Pixel (500, 900) at 4x is at (3602, 2002): move it to the centre (200, 150).
    expect(panToReveal({ row: 500, col: 900 }, { x: 0, y: 0 }, 4, viewport)).toEqual({ x: -3402, y: -1852 })
    expect(panToReveal({ row: 0, col: 0 }, { x: -100, y: 0 }, 4, viewport)).toEqual({ x: 298, y: 148 })
    expect(panToReveal({ row: 40, col: 1 }, { x: 0, y: 0 }, 8, viewport)).toEqual({ x: 188, y: -174 })
  })
})
