// Runs in the renderer. The rasters on display: the filtered and unfiltered previews of the open image (whole-image
// proxies) and the sharper regions fetched when zoomed in. Only the preview pipeline writes them.
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { PreviewGrid, PreviewRegion, Raster } from '../../contract/api'

/**
 * A sharper raster of part of an image than the whole-image proxy: the visible region of the full-resolution
 * result (or of the source, for the before side), fetched when the view is zoomed in beyond the proxy's scale,
 * area-averaged to the zoom's grid below 100 %.
 */
export interface DetailRaster {
  readonly raster: Raster
  /** What it shows, in full-resolution result coordinates. */
  readonly region: PreviewRegion
  /** Raster pixels per result pixel (1 = every pixel). */
  readonly scale: number
  /** JSON of the filters it shows ('[]' for the source). */
  readonly key: string
  /** Below 100 % zoom: the grid it is a window of (drawn one raster pixel per device pixel at that grid's zoom). */
  readonly grid?: PreviewGrid
}

/** The display store; pixel buffers are held in shallow refs (never made deeply reactive). */
export const useDisplayStore = defineStore('display', () => {
  /** Display raster of the filtered image. */
  const preview = shallowRef<Raster | null>(null)
  /** Scale of {@link preview} relative to the full-size result (1 = every pixel). */
  const previewScale = ref(1)
  /** Full size of the filtered result (valid/full output modes change it). */
  const resultSize = ref<{ width: number; height: number } | null>(null)
  /** JSON of the filters {@link preview} shows (the viewer keeps a proxy per key for zoomed-out drawing). */
  const previewKey = ref<string | null>(null)
  /** False when {@link preview} is an approximate frame (computed on a downscaled source while a slider moves). */
  const previewExact = ref(true)
  /** Display raster of the unfiltered image (before/after). */
  const original = shallowRef<Raster | null>(null)
  /** Scale of {@link original} relative to the source. */
  const originalScale = ref(1)
  /** The visible region of the filtered result at (up to) full resolution, when zoomed in; else null. */
  const detail = shallowRef<DetailRaster | null>(null)
  /** The same for the unfiltered image (before/after split). */
  const originalDetail = shallowRef<DetailRaster | null>(null)

  /** Stores a new filtered preview raster, the filters it shows (`key`) and the result's full size. */
  function setPreview(
    raster: Raster | null,
    scale = 1,
    size: { width: number; height: number } | null = null,
    key: string | null = null,
    exact = true
  ): void {
    preview.value = raster
    previewScale.value = scale
    resultSize.value = size
    previewKey.value = key
    previewExact.value = exact
  }

  /** Stores a new unfiltered raster. */
  function setOriginal(raster: Raster | null, scale = 1): void {
    original.value = raster
    originalScale.value = scale
  }

  /** Stores (or with null, drops) the sharp region of the filtered result (`after`) or of the source (`before`). */
  function setDetail(side: 'after' | 'before', value: DetailRaster | null): void {
    if (side === 'after') detail.value = value
    else originalDetail.value = value
  }

  /** Drops every raster (another image is open: previews start over). */
  function clear(): void {
    setPreview(null)
    setOriginal(null)
    detail.value = null
    originalDetail.value = null
  }

  return {
    preview,
    previewScale,
    resultSize,
    previewKey,
    previewExact,
    original,
    originalScale,
    detail,
    originalDetail,
    setPreview,
    setOriginal,
    setDetail,
    clear
  }
})
