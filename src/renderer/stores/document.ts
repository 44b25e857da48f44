// Runs in the renderer. The open document: what image is open, its display rasters, busy state, errors, and
// the actions that open, export and save through the API.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { ExportRequest, ExportResult, ImageInfo, PreviewRegion, Raster, SampleInfo } from '../../contract/api'
import { api, isAbortError } from '../services/client'
import { errorMessage } from '../model/error-message'
import { firstLaunchSample, sampleIdOfPath } from '../model/samples'
import { useStackStore } from './stack'

/** Where the open image came from, so it can be re-opened after an engine host restart. */
export type DocumentSource =
  | { readonly kind: 'sample'; readonly id: string }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'upload'; readonly file: File }

/**
 * A sharper raster of part of an image than the whole-image proxy: the visible region of the full-resolution
 * result (or of the source, for the before side), fetched when the view is zoomed in beyond the proxy's scale.
 */
export interface DetailRaster {
  readonly raster: Raster
  /** What it shows, in full-resolution result coordinates. */
  readonly region: PreviewRegion
  /** Raster pixels per result pixel (1 = every pixel). */
  readonly scale: number
  /** JSON of the filters it shows ('[]' for the source). */
  readonly key: string
}

/** Starts a browser download of `bytes` (serve mode: exports and recipes come back as bytes). */
function download(bytes: Uint8Array, fileName: string, type = 'application/octet-stream'): void {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type })
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.rel = 'noopener'
  a.style.display = 'none'
  document.body.append(a)
  a.click()
  a.remove()
  // Revoking at once can cancel the download in some browsers; a minute is plenty for it to start.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** The document store (see renderer.md). */
export const useDocumentStore = defineStore('document', () => {
  /** Where the UI runs; null until `init` has asked. */
  const shell = ref<'electron' | 'serve' | null>(null)
  /** Product version. */
  const version = ref('')
  /** Bundled sample photos. */
  const samples = ref<readonly SampleInfo[]>([])
  /** Recently opened files (Electron). */
  const recent = ref<readonly string[]>([])
  /** The open image, or null. */
  const info = ref<ImageInfo | null>(null)
  /** Display raster of the filtered image. */
  const preview = shallowRef<Raster | null>(null)
  /** Scale of {@link preview} relative to the full-size result (1 = every pixel). */
  const previewScale = ref(1)
  /** Full size of the filtered result (valid/full output modes change it). */
  const resultSize = ref<{ width: number; height: number } | null>(null)
  /** JSON of the filters {@link preview} shows (the viewer keeps a proxy per key for zoomed-out drawing). */
  const previewKey = ref<string | null>(null)
  /** Display raster of the unfiltered image (before/after). */
  const original = shallowRef<Raster | null>(null)
  /** Scale of {@link original} relative to the source. */
  const originalScale = ref(1)
  /** The visible region of the filtered result at (up to) full resolution, when zoomed in; else null. */
  const detail = shallowRef<DetailRaster | null>(null)
  /** The same for the unfiltered image (before/after split). */
  const originalDetail = shallowRef<DetailRaster | null>(null)
  /** Opening a file or exporting. */
  const busy = ref(false)
  /** What the app is busy with, for the status line ("Opening chelsea.png…"). */
  const busyLabel = ref('')
  /** The last failure as one line for the banner; null when dismissed. */
  const error = ref<string | null>(null)
  /** Information about the open image (e.g. "only the first frame is used"), dismissible. */
  const notice = ref<string | null>(null)
  /** Export progress 0..1 while exporting, else null. */
  const exportProgress = ref<number | null>(null)
  /** Incremented whenever a new image is open (or re-sent after a host restart): previews start over. */
  const generation = ref(0)
  /** Where the current image came from. */
  const source = shallowRef<DocumentSource | null>(null)
  /** Id of the sample shown, if the image is a sample. */
  const sampleId = computed(() => {
    const from = source.value
    if (from?.kind === 'sample') return from.id
    const path = info.value?.path
    return path ? sampleIdOfPath(path, samples.value) : null
  })

  let unsubscribe: (() => void)[] = []

  /** Records a failure for the banner (cancellations are not failures and are ignored). */
  function reportError(err: unknown): void {
    if (isAbortError(err)) return
    error.value = errorMessage(err)
  }

  /** Hides the error banner. */
  function dismissError(): void {
    error.value = null
  }

  /** Hides the notice. */
  function dismissNotice(): void {
    notice.value = null
  }

  /** Makes `next` the open document: rasters start over, notes become the notice. */
  function adopt(next: ImageInfo, from: DocumentSource | null): void {
    info.value = next
    source.value = from
    preview.value = null
    original.value = null
    resultSize.value = null
    previewKey.value = null
    previewScale.value = 1
    originalScale.value = 1
    detail.value = null
    originalDetail.value = null
    notice.value = next.notes.length > 0 ? next.notes.join(' ') : null
    generation.value += 1
  }

  /** Runs an open action with the busy state; a failure keeps the previous image and lands in the banner. */
  async function opening(label: string, run: () => Promise<ImageInfo | null>, from: DocumentSource | null): Promise<boolean> {
    busy.value = true
    busyLabel.value = label
    try {
      const next = await run()
      if (!next) return false
      adopt(next, from)
      error.value = null
      return true
    } catch (err) {
      reportError(err)
      return false
    } finally {
      busy.value = false
      busyLabel.value = ''
    }
  }

  /** Opens a bundled sample. */
  function openSample(id: string): Promise<boolean> {
    const name = samples.value.find((s) => s.id === id)?.name ?? id
    return opening(`Opening ${name}…`, () => api['image:open']({ sample: id }), { kind: 'sample', id })
  }

  /** Opens a file the user picked or dropped (its bytes go to the engine host). */
  async function openFile(file: File): Promise<boolean> {
    return opening(
      `Opening ${file.name}…`,
      async () => {
        if (file.size === 0) throw new Error(`${file.name} is empty: there is no image in it`)
        const bytes = new Uint8Array(await file.arrayBuffer())
        return api['image:upload']({ name: file.name, bytes })
      },
      { kind: 'upload', file }
    )
  }

  /** Opens a file by path (Electron, recent files, serve mode's paths). */
  function openPath(path: string): Promise<boolean> {
    const name = path.split(/[\\/]/).pop() ?? path
    return opening(`Opening ${name}…`, () => api['image:open']({ path }), { kind: 'path', path })
  }

  /** Electron: shows the native open dialog (resolves false when cancelled). */
  async function openDialog(): Promise<boolean> {
    let picked: ImageInfo | null = null
    const ok = await opening(
      'Opening…',
      async () => {
        picked = await api['image:open']({})
        return picked
      },
      null
    )
    const chosen = picked as ImageInfo | null
    if (ok && chosen?.path) source.value = { kind: 'path', path: chosen.path }
    return ok
  }

  /** Stores a new filtered preview raster, the filters it shows (`key`) and the result's full size. */
  function setPreview(
    raster: Raster | null,
    scale = 1,
    size: { width: number; height: number } | null = null,
    key: string | null = null
  ): void {
    preview.value = raster
    previewScale.value = scale
    resultSize.value = size
    previewKey.value = key
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

  /**
   * Exports. In serve mode without a path the file downloads in the browser. Resolves to the result, or null when
   * cancelled (Electron save dialog) or failed; failures are in {@link error}.
   */
  async function exportImage(req: ExportRequest): Promise<ExportResult | null> {
    busy.value = true
    busyLabel.value = `Exporting ${req.format.toUpperCase()}…`
    exportProgress.value = 0
    error.value = null
    try {
      const res = await api['image:export'](req)
      if (res?.bytes) download(res.bytes, res.fileName)
      return res
    } catch (err) {
      reportError(err)
      return null
    } finally {
      busy.value = false
      busyLabel.value = ''
      exportProgress.value = null
    }
  }

  /** Saves the stack as a recipe: a save dialog (Electron) or a download (serve mode). */
  async function saveRecipe(): Promise<boolean> {
    try {
      const res = await api['recipe:save']({ recipe: useStackStore().toRecipe() })
      if (res?.bytes) download(res.bytes, res.fileName, 'application/json')
      return res !== null
    } catch (err) {
      reportError(err)
      return false
    }
  }

  /**
   * Loads a recipe into the stack (one undo step): from a picked file's bytes, or (Electron, no file) through the
   * open dialog.
   */
  async function openRecipe(file?: File): Promise<boolean> {
    try {
      const req = file ? { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } : {}
      const recipe = await api['recipe:open'](req)
      if (!recipe) return false
      useStackStore().loadRecipe(recipe)
      error.value = null
      return true
    } catch (err) {
      reportError(err)
      return false
    }
  }

  /** Re-sends the document after the engine host restarted (the stack is untouched, previews start over). */
  async function restore(): Promise<void> {
    const from = source.value
    // The API side re-opens the last image in the new host before announcing the restart; if it could not,
    // the renderer sends it again itself.
    const current = await api['image:current']({}).catch(() => null)
    if (current) {
      adopt(current, from)
      return
    }
    if (!from) return
    if (from.kind === 'sample') await openSample(from.id)
    else if (from.kind === 'path') await openPath(from.path)
    else await openFile(from.file)
  }

  /**
   * Starts the document side of the app: asks where it runs, subscribes to host events, and shows the current
   * image or the first-launch sample so the window is never empty.
   */
  async function init(): Promise<void> {
    for (const off of unsubscribe) off()
    unsubscribe = [
      api.on('host:restarted', () => void restore()),
      api.on('image:opened', (opened) => adopt(opened, opened.path ? { kind: 'path', path: opened.path } : null)),
      api.on('job:progress', (p) => {
        if (p.job === 'export' && exportProgress.value !== null) exportProgress.value = p.fraction
      })
    ]
    try {
      const about = await api['app:info']({})
      shell.value = about.shell
      version.value = about.version
      samples.value = about.samples
      recent.value = about.recent
      const current = await api['image:current']({})
      if (current) {
        adopt(current, current.path ? { kind: 'path', path: current.path } : null)
        return
      }
      const first = firstLaunchSample(about.samples)
      if (first) await openSample(first.id)
    } catch (err) {
      reportError(err)
    }
  }

  return {
    shell,
    version,
    samples,
    recent,
    info,
    preview,
    previewScale,
    resultSize,
    previewKey,
    original,
    originalScale,
    detail,
    originalDetail,
    busy,
    busyLabel,
    error,
    notice,
    exportProgress,
    generation,
    source,
    sampleId,
    reportError,
    dismissError,
    dismissNotice,
    openSample,
    openFile,
    openPath,
    openDialog,
    setPreview,
    setOriginal,
    setDetail,
    exportImage,
    saveRecipe,
    openRecipe,
    restore,
    init
  }
})
