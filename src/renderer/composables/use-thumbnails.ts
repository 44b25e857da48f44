// Runs in the renderer. Gallery thumbnails: the current image under every preset (after the main preview has
// arrived, so the viewer comes first), and under the candidate's edited parameters.
import { onScopeDispose, watch } from 'vue'
import { presetDefaults } from '../../engine/presets'
import type { Raster } from '../../contract/api'
import { api, isAbortError } from '../services/client'
import { useDisplayStore } from '../stores/display'
import { useDocumentStore } from '../stores/document'
import { cardSpec } from '../model/preset-gallery'
import { usePresetsStore } from '../stores/presets'
import { useStatusStore } from '../stores/status'

/** Quiet time after a parameter edit before the card's thumbnail is refreshed. */
const CANDIDATE_DEBOUNCE_MS = 300

/** Longest side of a thumbnail in device pixels for a card about 130 CSS pixels wide. */
export function thumbnailSize(dpr: number): number {
  return Math.min(320, Math.round(150 * Math.max(1, Math.min(2, dpr))))
}

/** Keeps the presets store's thumbnails in step with the open image and the candidate. */
export function useThumbnails(): void {
  const doc = useDocumentStore()
  const display = useDisplayStore()
  const status = useStatusStore()
  const presets = usePresetsStore()
  let loadedGeneration = -1
  let candidateTimer: ReturnType<typeof setTimeout> | null = null
  let candidateAsk = 0

  const size = (): number => thumbnailSize(typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1)

  async function loadAll(generation: number): Promise<void> {
    loadedGeneration = generation
    presets.setThumbnails({})
    const list = presets.presets
    try {
      const rasters = await api['image:thumbnails']({
        filters: list.map((p) => cardSpec(p, presetDefaults(p))),
        size: size()
      })
      if (generation !== doc.generation) return
      const map: Record<string, Raster> = {}
      list.forEach((p, i) => {
        const r = rasters[i]
        if (r) map[p.name] = r
      })
      presets.setThumbnails(map)
    } catch (err) {
      if (generation === doc.generation) status.reportError(err)
      loadedGeneration = -1
    }
  }

  // The first preview of a new image is the signal: the viewer has what it needs, thumbnails may use the host.
  watch(
    () => [doc.generation, display.preview !== null] as const,
    ([generation, hasPreview]) => {
      if (hasPreview && generation !== loadedGeneration) void loadAll(generation)
    },
    { immediate: true }
  )

  watch(
    () => [presets.candidate, presets.modified, doc.generation] as const,
    ([candidate, modified]) => {
      if (candidateTimer !== null) clearTimeout(candidateTimer)
      candidateTimer = null
      if (!candidate || !modified) {
        presets.setCandidateThumbnail(null)
        return
      }
      candidateTimer = setTimeout(async () => {
        candidateTimer = null
        const ask = ++candidateAsk
        const generation = doc.generation
        try {
          const [raster] = await api['image:thumbnails']({ filters: [candidate], size: size() })
          if (ask === candidateAsk && generation === doc.generation && presets.candidate === candidate) {
            presets.setCandidateThumbnail(raster ?? null)
          }
        } catch (err) {
          // The main preview reports the same failure; a stale thumbnail is not worth a second banner.
          if (!isAbortError(err)) presets.setCandidateThumbnail(null)
        }
      }, CANDIDATE_DEBOUNCE_MS)
    }
  )

  onScopeDispose(() => {
    if (candidateTimer !== null) clearTimeout(candidateTimer)
  })
}
