// Runs in the renderer. The histogram panel's data: before and after histograms of the filters the preview shows,
// computed by the engine host on the full-resolution result (image:histogram), refreshed with each exact preview.
import { defineStore } from 'pinia'
import { ref, shallowRef, watch } from 'vue'
import type { Histogram } from '../../engine/histogram'
import type { FilterSpec } from '../../engine/types'
import { api } from '../services/client'
import { useDisplayStore } from './display'

export const useHistogramStore = defineStore('histogram', () => {
  const display = useDisplayStore()
  /** The panel is open: only then are histograms asked for. */
  const open = ref(false)
  const before = shallowRef<Histogram | null>(null)
  const after = shallowRef<Histogram | null>(null)
  /** The preview key (filters JSON) the histograms belong to. */
  const key = ref<string | null>(null)
  const loading = ref(false)
  /** Mark the preview's clipped pixels on the image. */
  const showClipping = ref(false)
  const error = ref<string | null>(null)
  let asked = 0

  async function refresh(): Promise<void> {
    const previewKey = display.previewKey
    if (!open.value || previewKey === null || !display.previewExact || previewKey === key.value) return
    const ticket = ++asked
    loading.value = true
    try {
      const filters = JSON.parse(previewKey) as FilterSpec[]
      const res = await api['image:histogram']({ filters })
      if (ticket !== asked) return
      before.value = res.before
      after.value = res.after
      key.value = previewKey
      error.value = null
    } catch (e) {
      if (ticket !== asked) return
      error.value = e instanceof Error ? e.message : String(e)
    } finally {
      if (ticket === asked) loading.value = false
    }
  }

  // A new image gives the same key for the same stack: forget the old numbers when the source changes.
  watch(
    () => display.original,
    () => {
      key.value = null
      void refresh()
    }
  )
  watch([open, () => display.previewKey, () => display.previewExact], () => void refresh())

  return { open, before, after, key, loading, error, showClipping, refresh }
})
