// @vitest-environment node
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { MAX_ZOOM, MIN_ZOOM, centredPan, fitZoom } from '../../../../src/renderer/model/view-geometry'
import { useViewStore } from '../../../../src/renderer/stores/view'

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
