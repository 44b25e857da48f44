// Runs in the renderer. Keeps the viewer canvas drawn: picks, per side, the raster that suits the zoom (window-sized
// proxy, newest preview, sharp region), sizes the canvas to the element and redraws once per animation frame.
import { storeToRefs } from 'pinia'
import { computed, onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue'
import { displayGrid, imageRect, type DrawLayer } from '../../model/canvas-layout'
import { drawFrame } from './draw-frame'
import { createRasterCache } from './raster-cache'
import { useDisplayStore, type DetailRaster } from '../../stores/display'
import { useDocumentStore } from '../../stores/document'
import { useViewStore } from '../../stores/view'

/** What the viewer element shows tests and the status bar about the frame on screen. */
export interface ViewerDrawing {
  /** `x,y,w,h@scale` of the sharp region drawn over the proxy (`|grid WxH` for a window of a zoom's grid), or ''. */
  readonly detailAttr: Ref<string>
  /** `x,y,w,h` of the image on the canvas in device pixels. */
  readonly imageRectAttr: Ref<string>
  /** False while some of the image on screen is approximate (scaled from another zoom, or an approximate frame). */
  readonly drawnExact: Ref<boolean>
}

/** What one side (after = filtered, before = original) has drawn and its window-sized proxy. */
interface Slot {
  last: DrawLayer | null
  proxy: { key: string; layer: DrawLayer } | null
}

/** Draws the document on `canvas`, sized to `root`, for as long as the calling component is mounted. */
export function useViewerDrawing(root: Ref<HTMLElement | null>, canvas: Ref<HTMLCanvasElement | null>): ViewerDrawing {
  const doc = useDocumentStore()
  const view = useViewStore()
  const { info } = storeToRefs(doc)
  const { preview, original, previewScale, originalScale, resultSize, previewKey, previewExact, detail, originalDetail } = storeToRefs(useDisplayStore())
  const { zoom, pan, split, hover, pinned, highlight, effectiveTheme } = storeToRefs(view)
  const dpr = ref(typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1)
  const detailAttr = ref('')
  const imageRectAttr = ref('')
  const drawnExact = ref(true)

  let frame = 0
  let colors = { checkA: '#fff', checkB: '#ddd', accent: '#2f6fe0' }
  const cache = createRasterCache(() => schedule())
  const afterSlot: Slot = { last: null, proxy: null }
  const beforeSlot: Slot = { last: null, proxy: null }

  const afterLayer = computed<DrawLayer | null>(() => {
    const r = preview.value
    const i = info.value
    if (!r || !i) return null
    return { raster: r, scale: previewScale.value, size: resultSize.value ?? { width: i.width, height: i.height }, exact: previewExact.value }
  })
  const beforeLayer = computed<DrawLayer | null>(() => {
    const r = original.value
    const i = info.value
    if (!r || !i) return null
    return { raster: r, scale: originalScale.value, size: { width: i.width, height: i.height } }
  })

  /**
   * The sharp region over a proxy, when it belongs to what the proxy shows (`key`) and is a window of this zoom's
   * grid, or the zoom needs more than the proxy has: zoomed out, the proxy alone is as sharp on screen.
   */
  function detailLayer(d: DetailRaster | null, key: string | null, base: DrawLayer | null): DrawLayer | null {
    if (!d || !base || d.key !== key) return null
    const layer: DrawLayer = { raster: d.raster, scale: d.scale, size: base.size, region: d.region, ...(d.grid ? { grid: d.grid } : {}) }
    const s = zoom.value * dpr.value
    const g = s < 1 && d.grid ? displayGrid(base.size, s) : null
    if (g && d.grid && g.width === d.grid.width && g.height === d.grid.height) return layer
    if (d.scale <= base.scale || s <= base.scale * 1.02) return null
    return layer
  }

  // Proxies are remembered per filters key: zoomed out, a 24 MP result is drawn from its proxy, which is as sharp
  // on screen and costs a fraction to resample.
  watch(afterLayer, (layer) => {
    if (layer && layer.scale < 1) afterSlot.proxy = { key: previewKey.value ?? '', layer }
  })
  watch(beforeLayer, (layer) => {
    if (layer && layer.scale < 1) beforeSlot.proxy = { key: String(doc.generation), layer }
  })

  /** The layer to draw: the proxy when it is enough for the zoom, else the newest ready layer, else the last. */
  function choose(slot: Slot, current: DrawLayer | null, key: string): DrawLayer | null {
    if (!current) return null
    let want = current
    const proxy = slot.proxy
    const need = zoom.value * dpr.value
    // The proxy stands in only where the newer raster would not be drawn exactly either (a 24 MP result zoomed out);
    // one made for this zoom, or full resolution from 100 % on, is shown as it is.
    const exactHere = current.exact !== false && (current.scale >= 1 ? need >= 1 - 1e-9 : Math.abs(current.scale - need) * Math.max(current.size.width, current.size.height) <= 1)
    if (proxy && proxy.key === key && proxy.layer !== current && !exactHere && current.scale > proxy.layer.scale && need <= proxy.layer.scale * 1.05) {
      want = proxy.layer
    }
    if (cache(want.raster)) {
      slot.last = want
      return want
    }
    if (want !== current && cache(current.raster)) {
      slot.last = current
      return current
    }
    return slot.last && cache(slot.last.raster) ? slot.last : null
  }

  function draw(): void {
    frame = 0
    const el = canvas.value
    const ctx = el?.getContext('2d')
    const i = info.value
    if (!el || !ctx) return
    if (!i) {
      ctx.clearRect(0, 0, el.width, el.height)
      return
    }
    const after = choose(afterSlot, afterLayer.value, previewKey.value ?? '')
    const before = choose(beforeSlot, beforeLayer.value, String(doc.generation))
    const afterDetail = detailLayer(detail.value, previewKey.value, after)
    const beforeDetail = split.value === null ? null : detailLayer(originalDetail.value, '[]', before)
    const shown = afterDetail && cache(afterDetail.raster) ? afterDetail : null
    const r0 = shown?.region
    const g0 = shown?.grid
    detailAttr.value = r0 ? `${r0.x},${r0.y},${r0.width},${r0.height}@${shown.scale}${g0 ? `|grid ${g0.width}x${g0.height}` : ''}` : ''
    const f = {
      dpr: dpr.value,
      zoom: zoom.value,
      pan: pan.value,
      image: { width: i.width, height: i.height },
      after,
      before,
      afterDetail,
      beforeDetail,
      split: split.value,
      highlight: highlight.value,
      pinned: pinned.value,
      hover: hover.value,
      alpha: i.channels === 2 || i.channels === 4,
      colors
    }
    drawnExact.value = drawFrame(ctx, f, (layer) => cache(layer.raster))
    const r = imageRect(f)
    imageRectAttr.value = `${r.x},${r.y},${Math.round(r.width)},${Math.round(r.height)}`
  }

  function schedule(): void {
    if (frame === 0) frame = requestAnimationFrame(draw)
  }

  function readColors(): void {
    const css = getComputedStyle(document.documentElement)
    colors = {
      checkA: css.getPropertyValue('--check-a').trim() || '#fff',
      checkB: css.getPropertyValue('--check-b').trim() || '#ddd',
      accent: css.getPropertyValue('--accent').trim() || '#2f6fe0'
    }
  }

  watch([afterLayer, beforeLayer, detail, originalDetail, zoom, pan, split, highlight, pinned, hover, info], schedule)
  watch(effectiveTheme, () => {
    requestAnimationFrame(() => {
      readColors()
      schedule()
    })
  })
  watch(
    () => (info.value ? `${info.value.width}x${info.value.height}|${doc.generation}` : ''),
    () => {
      afterSlot.last = afterSlot.proxy = null
      beforeSlot.last = beforeSlot.proxy = null
      if (info.value) view.setImageSize(info.value.width, info.value.height, true)
    },
    { immediate: true }
  )

  /** Matches the canvas to the element's size in device pixels and tells the view store the viewport. */
  function resize(): void {
    const el = root.value
    const c = canvas.value
    if (!el || !c) return
    const ratio = window.devicePixelRatio || 1
    dpr.value = ratio
    const w = el.clientWidth
    const h = el.clientHeight
    c.width = Math.max(1, Math.round(w * ratio))
    c.height = Math.max(1, Math.round(h * ratio))
    view.setViewport(w, h)
    draw()
  }

  let resizeObserver: ResizeObserver | null = null
  onMounted(() => {
    readColors()
    resize()
    resizeObserver = new ResizeObserver(() => resize())
    if (root.value) resizeObserver.observe(root.value)
  })
  onBeforeUnmount(() => {
    resizeObserver?.disconnect()
    if (frame) cancelAnimationFrame(frame)
  })

  return { detailAttr, imageRectAttr, drawnExact }
}
