// @vitest-environment node
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import {
  FIT_MARGIN,
  MAX_ZOOM,
  MIN_ZOOM,
  ZOOM_STEPS,
  centredPan,
  clampPan,
  fitZoom,
  SIDE_PANELS,
  formatZoom,
  panelForKey,
  pixelAt,
  stepZoom,
  useViewStore,
  zoomAroundPan
} from '../../../../src/renderer/stores/view'

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

describe('useViewStore', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
  })

  it('fits a new image and re-fits when the viewport changes', () => {
    const view = useViewStore()
    view.setViewport(800, 600)
    view.setImageSize(4000, 3000)
    expect(view.fit).toBe(true)
    expect(view.zoom).toBeCloseTo(fitZoom({ width: 4000, height: 3000 }, { width: 800, height: 600 }))
    view.setViewport(1600, 1200)
    expect(view.zoom).toBeCloseTo(fitZoom({ width: 4000, height: 3000 }, { width: 1600, height: 1200 }))
    expect(view.pan).toEqual(centredPan({ width: 4000, height: 3000 }, { width: 1600, height: 1200 }, view.zoom))
  })

  it('zooms around the cursor, leaving fit mode', () => {
    const view = useViewStore()
    view.setViewport(800, 600)
    view.setImageSize(4000, 3000)
    const anchor = { x: 500, y: 260 }
    const z0 = view.zoom
    const p0 = view.pan
    const imagePoint = { x: (anchor.x - p0.x) / z0, y: (anchor.y - p0.y) / z0 }
    view.zoomBy(3, anchor)
    expect(view.fit).toBe(false)
    expect(view.zoom).toBeCloseTo(z0 * 3)
    expect((anchor.x - view.pan.x) / view.zoom).toBeCloseTo(imagePoint.x, 6)
    expect((anchor.y - view.pan.y) / view.zoom).toBeCloseTo(imagePoint.y, 6)
  })

  it('shows 100% on whole pixels and keeps the zoom within limits', () => {
    const view = useViewStore()
    view.setViewport(801, 601)
    view.setImageSize(3001, 2001)
    view.actualSize({ x: 333.3, y: 222.7 })
    expect(view.zoom).toBe(1)
    expect(Number.isInteger(view.pan.x) && Number.isInteger(view.pan.y)).toBe(true)
    view.zoomTo(1e9)
    expect(view.zoom).toBe(MAX_ZOOM)
    view.zoomTo(0)
    expect(view.zoom).toBe(MIN_ZOOM)
  })

  it('keeps zoom and pan when the same image is re-filtered, resets them for another image', () => {
    const view = useViewStore()
    view.setViewport(800, 600)
    view.setImageSize(4000, 3000)
    view.zoomTo(2, { x: 100, y: 100 })
    view.setPinned({ row: 3, col: 4 })
    const pan = view.pan
    view.setImageSize(4000, 3000)
    expect(view.zoom).toBe(2)
    expect(view.pan).toEqual(pan)
    expect(view.pinned).toEqual({ row: 3, col: 4 })
    view.setImageSize(451, 300)
    expect(view.fit).toBe(true)
    expect(view.zoom).toBe(1)
    expect(view.pinned).toBeNull()
  })

  it('pans by drag deltas', () => {
    const view = useViewStore()
    view.setViewport(800, 600)
    view.setImageSize(4000, 3000)
    view.actualSize()
    const before = view.pan
    view.panBy(-30, 12)
    expect(view.pan).toEqual({ x: before.x - 30, y: before.y + 12 })
  })

  it('clamps the before/after split and toggles it', () => {
    const view = useViewStore()
    expect(view.split).toBeNull()
    view.toggleSplit()
    expect(view.split).toBe(0.5)
    view.setSplit(1.7)
    expect(view.split).toBe(1)
    view.setSplit(-2)
    expect(view.split).toBe(0)
    view.toggleSplit()
    expect(view.split).toBeNull()
  })

  it('follows the OS theme until the user picks one', () => {
    const view = useViewStore()
    expect(view.theme).toBe('system')
    view.setSystemDark(true)
    expect(view.effectiveTheme).toBe('dark')
    view.setSystemDark(false)
    expect(view.effectiveTheme).toBe('light')
    view.setTheme('dark')
    expect(view.effectiveTheme).toBe('dark')
    view.cycleTheme()
    expect(view.theme).toBe('system')
  })

  it('ignores repeated hover updates for the same pixel', () => {
    const view = useViewStore()
    view.setHover({ row: 1, col: 2 })
    const first = view.hover
    view.setHover({ row: 1, col: 2 })
    expect(view.hover).toBe(first)
    view.setHover(null)
    expect(view.hover).toBeNull()
  })

  it('shows the Stack panel first and switches panels by name only', () => {
    const view = useViewStore()
    expect(view.panel).toBe('stack')
    view.setPanel('kernel')
    expect(view.panel).toBe('kernel')
    view.setPanel('gallery' as never)
    expect(view.panel).toBe('kernel')
  })
})

describe('panel tabs', () => {
  it('lists Stack, Kernel, Explain and moves between them with arrows (wrapping), Home and End', () => {
    expect(SIDE_PANELS.map((p) => p.label)).toEqual(['Stack', 'Kernel', 'Explain'])
    expect(panelForKey('stack', 'ArrowRight')).toBe('kernel')
    expect(panelForKey('explain', 'ArrowRight')).toBe('stack')
    expect(panelForKey('stack', 'ArrowLeft')).toBe('explain')
    expect(panelForKey('kernel', 'Home')).toBe('stack')
    expect(panelForKey('kernel', 'End')).toBe('explain')
    expect(panelForKey('kernel', 'ArrowDown')).toBeNull()
  })
})
