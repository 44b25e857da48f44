// Runs in the renderer. Keeps the document's display rasters in step with the stack, the gallery candidate and the
// zoom: a window-sized proxy first, a sharper one (up to full resolution) once the user pauses.
import { computed, onScopeDispose, ref, watch, type ComputedRef, type Ref } from 'vue'
import type { FilterSpec } from '../../engine/types'
import { api, isAbortError } from '../services/client'
import { useDocumentStore } from '../stores/document'
import { usePresetsStore } from '../stores/presets'
import { useStackStore } from '../stores/stack'
import { fitZoom, useViewStore } from '../stores/view'

/** Quiet time after the last edit or zoom before a sharper (more expensive) preview is requested. */
export const DETAIL_IDLE_MS = 250
/** A proxy request older than this is replaced by a newer edit instead of being waited for. */
const PROXY_PATIENCE_MS = 800

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
}

let nextRequestId = 1

/** Scales are compared with some slack: a preview 2% short of the ideal is not worth another round trip. */
function sharpEnough(have: number, want: number): boolean {
  return have >= Math.min(1, want) * 0.98
}

/**
 * Starts the preview pipeline for the current component scope (App.vue calls it once).
 * Only one request is in flight at a time: a newer edit replaces a stale request (the host cancels the older one,
 * which rejects with an AbortError and is dropped), answers for old filters or an older image are ignored.
 */
export function usePreview(): PreviewHandle {
  const doc = useDocumentStore()
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
  let timer: ReturnType<typeof setTimeout> | null = null
  let disposed = false

  function dpr(): number {
    return typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1
  }

  /** Scale of a window-sized preview of the whole image. */
  function proxyScale(): number {
    const info = doc.info
    if (!info) return 1
    const vp = view.viewport.width > 0 ? view.viewport : { width: 1280, height: 800 }
    return Math.min(1, fitZoom(info, vp) * dpr())
  }

  /** Scale the current zoom needs to look sharp. */
  function detailScale(): number {
    return Math.min(1, Math.max(proxyScale(), view.zoom * dpr()))
  }

  function failKey(target: Target, k: string, generation: number): string {
    return `${generation}|${target}|${k}`
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
    const ok = (target: Target, k2: string) => failed !== failKey(target, k2, generation)
    if ((shownKey.value !== k || shownGeneration !== generation) && ok('filtered', k)) return make('filtered', proxy)
    if (originalGeneration !== generation && ok('original', '[]')) return make('original', proxy)
    const detail = detailScale()
    const wantsFiltered = !sharpEnough(shownScale, detail) && ok('filtered', k)
    const wantsOriginal = view.split !== null && !sharpEnough(originalScale, detail) && ok('original', '[]')
    if (!wantsFiltered && !wantsOriginal) return null
    if (now - lastChange < DETAIL_IDLE_MS) return 'wait'
    return wantsFiltered ? make('filtered', detail) : make('original', detail)
  }

  function isStale(job: Job, now: number): boolean {
    if (job.generation !== doc.generation) return true
    if (job.target === 'original') return false
    if (job.key === key.value) return false
    // Let a quick proxy for the previous edit finish so a slider drag shows intermediate results.
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
      schedule(Math.max(10, DETAIL_IDLE_MS - (now - lastChange)))
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
    const full = job.scale >= 1
    const maxWidth = Math.max(1, Math.ceil(info.width * job.scale))
    const maxHeight = Math.max(1, Math.ceil(info.height * job.scale))
    if (!full) progress.value = null
    api['image:preview']({ requestId: job.id, filters: job.filters, maxWidth, maxHeight, full }).then(
      (res) => {
        if (inflight?.id === job.id) inflight = null
        if (disposed || res.requestId !== job.id) return
        if (job.generation === doc.generation) {
          if (job.target === 'filtered') {
            if (job.key === key.value || shownKey.value !== key.value || shownGeneration !== job.generation) {
              doc.setPreview(res.image, res.scale, { width: res.resultWidth, height: res.resultHeight }, job.key)
              shownKey.value = job.key
              shownGeneration = job.generation
              shownScale = res.scale
              latency.value = Math.round(performance.now() - job.started)
              engineMs.value = Math.round(res.ms)
            }
          } else {
            doc.setOriginal(res.image, res.scale)
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
          failed = failKey(job.target, job.key, job.generation)
          doc.reportError(err)
        }
        pump()
      }
    )
  }

  function changed(): void {
    lastChange = performance.now()
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
    () => [view.zoom, view.viewport.width, view.viewport.height, view.split !== null] as const,
    () => {
      lastChange = performance.now()
      pump()
    }
  )

  const off = api.on('job:progress', (p) => {
    if (p.job === 'preview' && inflight && inflight.scale >= 1) progress.value = p.fraction
  })

  onScopeDispose(() => {
    disposed = true
    off()
    if (timer !== null) clearTimeout(timer)
  })

  return { filters, latency, engineMs, pending, shownKey, progress }
}
