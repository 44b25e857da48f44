// Runs in the renderer. Keeps the document's display rasters in step with the stack, the gallery candidate and the
// view: the whole result at the zoom's scale, exact (the host computes it at full resolution and area-averages it
// down as it does the source), or approximate frames while a slider moves, replaced by the exact one when it
// stops; zoomed in beyond that scale, the visible part: below 100 % a window of the result area-averaged to the
// zoom's grid (drawn one raster pixel per device pixel), from 100 % on the full-resolution region.
import { computed, onScopeDispose, ref, watch, type ComputedRef, type Ref } from 'vue'
import type { PreviewGrid, PreviewRegion } from '../../contract/api'
import type { FilterSpec } from '../../engine/types'
import { api, isAbortError } from '../services/client'
import { useDisplayStore, type DetailRaster } from '../stores/display'
import { useDocumentStore } from '../stores/document'
import { usePresetsStore } from '../stores/presets'
import { useStackStore } from '../stores/stack'
import { useStatusStore } from '../stores/status'
import { covers, gridCovers, sharpEnough, visibleRegion, visibleWindow, wantedRegion } from '../model/preview-region'
import { fitZoom, type Size } from '../model/view-geometry'
import { useViewStore } from '../stores/view'

/** Quiet time after the last edit before the sharp region (more expensive than the proxy) is requested. */
export const DETAIL_IDLE_MS = 250
/** Quiet time after the last zoom or pan before the region that became visible is requested. */
export const VIEW_IDLE_MS = 120
/** A proxy request older than this is replaced by a newer edit instead of being waited for. */
const PROXY_PATIENCE_MS = 800
/** Edits closer together than this are a drag (a slider, a scrubbed number): approximate frames keep up with it. */
export const BURST_MS = 200
/** Quiet time after the last edit of a drag before its exact frame is asked for. */
export const SETTLE_MS = 120

/** What the status bar and the viewer learn from the preview pipeline. */
export interface PreviewHandle {
  /** The filters the viewer should show: the stack's render filters plus the gallery candidate. */
  readonly filters: ComputedRef<FilterSpec[]>
  /** Milliseconds from request to display of the last preview (includes transfer), or null. */
  readonly latency: Ref<number | null>
  /** Milliseconds the engine itself took for the last preview, or null. */
  readonly engineMs: Ref<number | null>
  /** True while a preview for the current filters or zoom is still on its way. */
  readonly pending: Ref<boolean>
  /** The filters JSON of the raster shown (lets tests and the UI know what is on screen). */
  readonly shownKey: Ref<string | null>
  /** False while the raster shown is an approximate frame (the stack run on a downscaled source). */
  readonly shownExact: Ref<boolean>
  /** Progress of a long preview, 0..1, or null. */
  readonly progress: Ref<number | null>
}

type Target = 'filtered' | 'original'

interface Job {
  readonly id: number
  readonly target: Target
  readonly key: string
  readonly filters: readonly FilterSpec[]
  readonly generation: number
  readonly scale: number
  readonly started: number
  /** Whole-image filtered jobs: a quick frame on a downscaled source instead of the exact result. */
  readonly approximate?: boolean
  /** Detail jobs from 100 % on: the part of the full-resolution result wanted (whole-image proxies have none). */
  readonly region?: PreviewRegion
  /** Detail jobs below 100 %: the window of the zoom's grid wanted. */
  readonly grid?: PreviewGrid
}

let nextRequestId = 1

/**
 * Starts the preview pipeline for the current component scope (App.vue calls it once).
 * Only one request is in flight at a time: a newer edit replaces a stale request (the host cancels the older one,
 * which rejects with an AbortError and is dropped), answers for old filters or an older image are ignored.
 */
export function usePreview(): PreviewHandle {
  const doc = useDocumentStore()
  const display = useDisplayStore()
  const status = useStatusStore()
  const stack = useStackStore()
  const presets = usePresetsStore()
  const view = useViewStore()

  const filters = computed<FilterSpec[]>(() =>
    presets.candidate ? [...stack.renderFilters, presets.candidate] : [...stack.renderFilters]
  )
  const key = computed(() => JSON.stringify(filters.value))
  const latency = ref<number | null>(null)
  const engineMs = ref<number | null>(null)
  const pending = ref(false)
  const shownKey = ref<string | null>(null)
  const shownExact = ref(true)
  const progress = ref<number | null>(null)

  // What the document's rasters currently show.
  let shownGeneration = -1
  let shownScale = 0
  let originalGeneration = -1
  let originalScale = 0
  // A failed request is not retried until something changes (a bad kernel would otherwise loop).
  let failed: string | null = null
  let inflight: Job | null = null
  let lastChange = 0
  /** How long nextJob's 'wait' asks to wait after the last change. */
  let waitMs = DETAIL_IDLE_MS
  /** The last edit came within BURST_MS of the one before it: the user is dragging. */
  let burst = false
  /** How long to wait after the last change before asking for a sharp region (edits wait longer than pans). */
  let idleMs = DETAIL_IDLE_MS
  let timer: ReturnType<typeof setTimeout> | null = null
  let disposed = false

  function dpr(): number {
    return typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1
  }

  /**
   * Scale of the whole-image preview: the zoom's, up to fit (zoomed in further, the visible region comes on top),
   * so at fit and below every raster pixel is one device pixel.
   */
  function proxyScale(): number {
    const info = doc.info
    if (!info) return 1
    const vp = view.viewport.width > 0 ? view.viewport : { width: 1280, height: 800 }
    const fit = fitZoom(info, vp)
    return Math.min(1, (view.viewport.width > 0 ? Math.min(fit, view.zoom) : fit) * dpr())
  }

  /** Raster pixels per image pixel the current zoom needs to look sharp (at most 1: every pixel). */
  function need(): number {
    return Math.min(1, view.zoom * dpr())
  }

  /** True when the whole-image raster is drawn one pixel per device pixel (fit and below) or at every pixel. */
  function proxyEnough(): boolean {
    return proxyScale() >= need() * (1 - 1e-9)
  }

  /** Full-resolution size of what `target` shows (valid/full modes change the filtered result's size). */
  function sizeOf(target: Target): Size | null {
    const info = doc.info
    if (!info) return null
    return target === 'filtered' && display.resultSize ? display.resultSize : { width: info.width, height: info.height }
  }

  /** The visible part of `target`'s result, or null (nothing visible, viewer not laid out yet). */
  function visibleOf(target: Target): PreviewRegion | null {
    const info = doc.info
    const size = sizeOf(target)
    if (!info || !size || view.viewport.width <= 0 || view.viewport.height <= 0) return null
    return visibleRegion(info, size, view.viewport, view.zoom, view.pan)
  }

  /** Below 100 %: the zoom's grid for `target` and the window of it on the canvas, or null. */
  function windowOf(target: Target): { grid: Size; window: PreviewRegion } | null {
    const info = doc.info
    const size = sizeOf(target)
    if (!info || !size || view.viewport.width <= 0 || view.viewport.height <= 0) return null
    return visibleWindow(info, size, view.viewport, view.zoom, view.pan, dpr())
  }

  /** Whether `detail` (of `key`) shows all of `visible` sharply enough. */
  function detailCovers(detail: DetailRaster | null, key: string, visible: PreviewRegion): boolean {
    return !!detail && detail.key === key && covers(detail.region, visible) && sharpEnough(detail.scale, need())
  }

  function failKey(target: Target, k: string, generation: number, region = false): string {
    return `${generation}|${target}|${k}${region ? '|region' : ''}`
  }

  function nextJob(now: number): Omit<Job, 'id' | 'started'> | 'wait' | null {
    const info = doc.info
    if (!info) return null
    const generation = doc.generation
    const k = key.value
    const proxy = proxyScale()
    const make = (target: Target, scale: number) => ({
      target,
      key: target === 'filtered' ? k : '[]',
      filters: target === 'filtered' ? filters.value : [],
      generation,
      scale
    })
    const ok = (target: Target, k2: string, region = false) => failed !== failKey(target, k2, generation, region)
    const rescale = (have: number) => Math.abs(have - proxy) > proxy * 0.02
    // Zoomed in past fit, a window or region of the result is drawn over the whole-image raster and covers the
    // screen: the exact whole image is only the background for a pan, so it comes after that.
    const zoomedIn = !proxyEnough()
    if ((shownKey.value !== k || shownGeneration !== generation) && ok('filtered', k)) {
      // Mid-drag or zoomed in, a quick approximate frame; a single edit at fit goes straight to the exact one.
      return (burst || zoomedIn) && shownGeneration === generation ? { ...make('filtered', proxy), approximate: true } : make('filtered', proxy)
    }
    const exactWhole = (): Omit<Job, 'id' | 'started'> | 'wait' | null => {
      if (!((!shownExact.value || rescale(shownScale)) && ok('filtered', k))) return null
      if (!shownExact.value && now - lastChange < SETTLE_MS) {
        waitMs = SETTLE_MS
        return 'wait'
      }
      return make('filtered', proxy)
    }
    if (!zoomedIn) {
      const whole = exactWhole()
      if (whole) return whole
    }
    if ((originalGeneration !== generation || rescale(originalScale)) && ok('original', '[]')) return make('original', proxy)
    // Zoomed in beyond the proxy: below 100 % the visible window of the zoom's grid, from 100 % on the visible
    // region at full resolution; a margin around either, so a short pan needs nothing new.
    if (!zoomedIn) return null
    const wanted = (target: Target, k2: string, have: DetailRaster | null): { region?: PreviewRegion; grid?: PreviewGrid; scale: number } | null => {
      if (!ok(target, k2, true)) return null
      const shown = windowOf(target)
      // After an edit (the detail shown is of other filters) just what is on screen, so the exact frame comes
      // soonest; a zoom or pan of the same filters takes a margin for the next short pan.
      const margin = have?.key === k2
      if (shown) {
        if (have?.key === k2 && gridCovers(have.grid, shown)) return null
        const size = sizeOf(target) as Size
        return { grid: { ...shown.grid, window: wantedRegion(shown.window, shown.grid, margin) }, scale: shown.grid.width / size.width }
      }
      const visible = need() >= 1 ? visibleOf(target) : null
      const size = sizeOf(target)
      return visible && size && !detailCovers(have, k2, visible) ? { region: wantedRegion(visible, size, margin), scale: 1 } : null
    }
    const filteredDetail = wanted('filtered', k, display.detail)
    const originalDetail = view.split !== null ? wanted('original', '[]', display.originalDetail) : null
    if (!filteredDetail && !originalDetail) return exactWhole()
    if (now - lastChange < idleMs) {
      waitMs = idleMs
      return 'wait'
    }
    const [target, detail] = filteredDetail ? (['filtered', filteredDetail] as const) : (['original', originalDetail as NonNullable<typeof originalDetail>] as const)
    return { ...make(target, detail.scale), ...(detail.grid ? { grid: detail.grid } : { region: detail.region }) }
  }

  function isStale(job: Job, now: number): boolean {
    if (job.generation !== doc.generation) return true
    if (job.region || job.grid) {
      // A region or window is worth finishing while it still shows the current filters, covers what is visible
      // (on the zoom's grid), and the zoom still needs it (zoomed back out, the proxy is enough).
      if (job.target === 'filtered' ? job.key !== key.value : view.split === null) return true
      if (proxyEnough()) return true
      if (job.grid) {
        const shown = windowOf(job.target)
        return !shown || !gridCovers(job.grid, shown)
      }
      const visible = visibleOf(job.target)
      return !visible || !job.region || !covers(job.region, visible) || !sharpEnough(job.scale, need())
    }
    if (job.target === 'original') return false
    if (job.key === key.value) return false
    // An exact frame of an older edit is dropped (the drag goes on with approximate frames); a quick approximate
    // one finishes, so a slider drag shows intermediate results.
    if (!job.approximate) return true
    return job.scale > proxyScale() * 1.02 || now - job.started > PROXY_PATIENCE_MS
  }

  function schedule(delay: number): void {
    if (timer !== null || disposed) return
    timer = setTimeout(() => {
      timer = null
      pump()
    }, delay)
  }

  function pump(): void {
    if (disposed) return
    const now = performance.now()
    const want = nextJob(now)
    if (want === 'wait') {
      pending.value = true
      schedule(Math.max(10, waitMs - (now - lastChange)))
      return
    }
    if (!want) {
      pending.value = inflight !== null && !isStale(inflight, now)
      return
    }
    pending.value = true
    // A request that is still useful finishes first (its answer calls pump again); a stale one is replaced, and
    // the host cancels it.
    if (inflight && !isStale(inflight, now)) return
    send({ ...want, id: nextRequestId++, started: now })
  }

  function send(job: Job): void {
    const info = doc.info
    if (!info) return
    inflight = job
    // A grid window comes one pixel per grid pixel; a region at full resolution; the whole image fitted to the zoom.
    const box = job.grid?.window ?? job.region ?? info
    const scale = job.grid ? 1 : job.scale
    const maxWidth = Math.max(1, Math.ceil(box.width * scale))
    const maxHeight = Math.max(1, Math.ceil(box.height * scale))
    progress.value = null
    const req = job.grid
      ? { requestId: job.id, filters: job.filters, maxWidth, maxHeight, grid: job.grid }
      : job.region
        ? { requestId: job.id, filters: job.filters, maxWidth, maxHeight, region: job.region }
        : { requestId: job.id, filters: job.filters, maxWidth, maxHeight, ...(job.approximate ? { approximate: true } : {}) }
    api['image:preview'](req).then(
      (res) => {
        if (inflight?.id === job.id) inflight = null
        if (disposed || res.requestId !== job.id) return
        if (job.generation === doc.generation && (job.region || job.grid)) {
          // A region or window of the current filters (or of the source) replaces the previous one.
          if (res.region && (job.target === 'original' || job.key === key.value)) {
            const detail: DetailRaster = { raster: res.image, region: res.region, scale: res.scale, key: job.key, ...(res.grid ? { grid: res.grid } : {}) }
            display.setDetail(job.target === 'filtered' ? 'after' : 'before', detail)
          }
        } else if (job.generation === doc.generation) {
          if (job.target === 'filtered') {
            // An approximate frame never replaces the exact one of the same filters.
            const downgrade = !res.exact && shownExact.value && shownKey.value === job.key && shownGeneration === job.generation
            if (!downgrade && (job.key === key.value || shownKey.value !== key.value || shownGeneration !== job.generation)) {
              display.setPreview(res.image, res.scale, { width: res.resultWidth, height: res.resultHeight }, job.key, res.exact)
              shownKey.value = job.key
              shownExact.value = res.exact
              shownGeneration = job.generation
              shownScale = res.scale
              latency.value = Math.round(performance.now() - job.started)
              engineMs.value = Math.round(res.ms)
            }
          } else {
            display.setOriginal(res.image, res.scale)
            originalGeneration = job.generation
            originalScale = res.scale
          }
        }
        progress.value = null
        pump()
      },
      (err: unknown) => {
        const mine = inflight?.id === job.id
        if (mine) inflight = null
        if (disposed) return
        progress.value = null
        if (isAbortError(err)) {
          // Cancelled by somebody else's preview (not by a newer one of ours): try again shortly.
          if (mine) schedule(60)
          return
        }
        if (job.generation === doc.generation && (job.target === 'original' || job.key === key.value)) {
          failed = failKey(job.target, job.key, job.generation, job.region !== undefined || job.grid !== undefined)
          status.reportError(err)
        }
        pump()
      }
    )
  }

  function changed(): void {
    const now = performance.now()
    burst = now - lastChange < BURST_MS
    lastChange = now
    // A single edit asks for the exact window or region at once; a drag waits until it pauses.
    idleMs = burst ? DETAIL_IDLE_MS : 0
    failed = null
    pump()
  }

  watch(key, changed)
  watch(
    () => doc.generation,
    () => {
      shownScale = 0
      originalScale = 0
      changed()
    },
    { immediate: true }
  )
  watch(
    () => [view.zoom, view.pan.x, view.pan.y, view.viewport.width, view.viewport.height, view.split !== null] as const,
    () => {
      lastChange = performance.now()
      idleMs = VIEW_IDLE_MS
      pump()
    }
  )

  onScopeDispose(() => {
    disposed = true
    if (timer !== null) clearTimeout(timer)
  })

  return { filters, latency, engineMs, pending, shownKey, shownExact, progress }
}
