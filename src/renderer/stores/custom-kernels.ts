// Runs in the renderer. The personal gallery of saved custom kernels. The app's data folder is the store of
// record (through the `gallery:load` / `gallery:save` API: Electron's userData, or ~/.config/kernel-studio in serve
// mode, whose port and so browser origin change between launches); localStorage only keeps an offline copy.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { kernelFromRows, kernelRows } from '../../engine/kernel'
import { resolveFilter } from '../../engine/stack'
import type { ConvolveOptions, FilterSpec } from '../../engine/types'
import { api } from '../services/client'
import { errorMessage } from '../model/error-message'
import { useStatusStore } from './status'

/** A kernel the user saved from the editor. */
export interface CustomKernel {
  /** Stable for a name (names are unique in the gallery). */
  readonly id: string
  readonly name: string
  /** Weights as rows (odd height and width). */
  readonly rows: readonly (readonly number[])[]
  /** @default 1 */
  readonly divisor: number
  /** @default 0 */
  readonly offset: number
  /** How the kernel was applied when saved (border, output size, flip, negative values, alpha). @default {} */
  readonly options: ConvolveOptions
}

/** Where the gallery is kept: the app's data folder through the API, or an in-memory stand-in in tests. */
export interface GalleryStorage {
  /** Every saved filter, in gallery order (newest first). */
  load(): Promise<readonly FilterSpec[]>
  /** Replaces the saved list. */
  save(items: readonly FilterSpec[]): Promise<void>
}

/** The part of the Web Storage API the offline copy needs (localStorage, or an in-memory stand-in in tests). */
export type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

/** localStorage key of the offline copy. */
export const CUSTOM_KERNELS_CACHE_KEY = 'kernel-studio:custom-kernels:v2'

/** localStorage key of earlier versions, which kept the gallery in localStorage only; merged in once. */
export const LEGACY_CUSTOM_KERNELS_KEY = 'kernel-studio:custom-kernels:v1'

/** The gallery in the app's data folder, through the app's API. */
export const apiGalleryStorage: GalleryStorage = {
  load: () => api['gallery:load']({}),
  save: async (items) => {
    await api['gallery:save']({ items })
  }
}

/** What the store is wired to; replaced by {@link setGalleryStorage} (tests, other shells). */
let wiring: { storage: GalleryStorage; cache: () => StorageLike | null } = { storage: apiGalleryStorage, cache: defaultCache }

/**
 * Chooses the gallery's storage and offline cache for stores created from now on.
 * @param cache the offline copy; null for none. @default localStorage
 */
export function setGalleryStorage(storage: GalleryStorage, cache: StorageLike | null | undefined = undefined): void {
  wiring = { storage, cache: cache === undefined ? defaultCache : () => cache }
}

/** localStorage, or null where there is none (or access throws, e.g. storage disabled). */
function defaultCache(): StorageLike | null {
  try {
    return (globalThis as { localStorage?: StorageLike }).localStorage ?? null
  } catch {
    return null
  }
}

const OPTION_KEYS = ['border', 'mode', 'flip', 'signed', 'keepAlpha'] as const

function idFor(name: string): string {
  return `saved:${name}`
}

/** The options of `spec` that are set. */
function pickOptions(spec: ConvolveOptions): ConvolveOptions {
  const out: Record<string, unknown> = {}
  for (const key of OPTION_KEYS) if (spec[key] !== undefined) out[key] = spec[key]
  return out as ConvolveOptions
}

/** A saved kernel as the gallery file stores it: a recipe-shaped filter. */
export function kernelToSpec(k: CustomKernel): FilterSpec {
  return {
    name: k.name,
    kernel: k.rows.map((row) => [...row]),
    ...(k.divisor === 1 ? {} : { divisor: k.divisor }),
    ...(k.offset === 0 ? {} : { offset: k.offset }),
    ...pickOptions(k.options)
  }
}

/**
 * A gallery entry as a saved kernel, or null when it is not a valid kernel filter (a preset entry becomes its
 * kernel). Unnamed entries are named by their size.
 */
export function specToKernel(spec: FilterSpec): CustomKernel | null {
  try {
    const { kernel } = resolveFilter({ ...spec, enabled: true, opacity: undefined })
    const name = (spec.name ?? '').trim() || `Kernel ${kernel.width}x${kernel.height}`
    return { id: idFor(name), name, rows: kernelRows(kernel), divisor: kernel.divisor, offset: kernel.offset, options: pickOptions(spec) }
  } catch {
    return null
  }
}

/** Valid entries of `items`, the first of each name kept, so a hand-edited file never breaks the app. */
function fromSpecs(items: readonly unknown[]): CustomKernel[] {
  const out: CustomKernel[] = []
  for (const item of items) {
    if (!item || typeof item !== 'object') continue
    const k = specToKernel(item as FilterSpec)
    if (k && !out.some((o) => o.name === k.name)) out.push(k)
  }
  return out
}

/** Reads a JSON value from the cache; undefined when absent, unreadable or not JSON. */
function readCache(cache: StorageLike | null, key: string): unknown {
  try {
    const text = cache?.getItem(key)
    return text ? (JSON.parse(text) as unknown) : undefined
  } catch {
    return undefined
  }
}

/** The offline copy: the list and whether it holds edits the data folder has not received yet. */
interface CacheState {
  readonly kernels: CustomKernel[]
  readonly unsynced: boolean
}

function readState(cache: StorageLike | null): CacheState {
  const data = readCache(cache, CUSTOM_KERNELS_CACHE_KEY) as { items?: unknown; unsynced?: unknown } | undefined
  if (!data || !Array.isArray(data.items)) return { kernels: [], unsynced: false }
  return { kernels: fromSpecs(data.items), unsynced: data.unsynced === true }
}

/** Entries of the localStorage-only gallery of earlier versions (`{ name, rows, divisor, offset }`). */
function readLegacy(cache: StorageLike | null): CustomKernel[] {
  const data = readCache(cache, LEGACY_CUSTOM_KERNELS_KEY)
  if (!Array.isArray(data)) return []
  return fromSpecs(
    data.map((item: { name?: unknown; rows?: unknown; divisor?: unknown; offset?: unknown } | null) =>
      item && typeof item === 'object' ? { name: item.name, kernel: item.rows, divisor: item.divisor, offset: item.offset } : null
    )
  )
}

/** A change to the list, kept so edits made before the first load finished can be replayed on what it loaded. */
type Edit = (list: CustomKernel[]) => CustomKernel[]

/**
 * Saved custom kernels. On creation the offline copy is shown at once and the data folder's list is loaded
 * (it wins, unless the copy holds edits that could not be saved before). Every change is written to the offline
 * copy, then to the data folder; a failure is reported in the document's error banner and retried on the next
 * change, and the kernels stay listed meanwhile.
 */
export const useCustomKernelsStore = defineStore('custom-kernels', () => {
  const { storage } = wiring
  const cache = wiring.cache()
  const initial = readState(cache)

  /** Saved kernels, newest first (the offline copy until the data folder answers). */
  const kernels = ref<CustomKernel[]>(initial.kernels.length > 0 ? initial.kernels : readLegacy(cache))
  /** The last load or save failure as one line (also shown in the document's error banner); null when fine. */
  const error = ref<string | null>(null)
  /** `loading` until the data folder answered; `offline` when it could not be read (the copy is shown). */
  const status = ref<'loading' | 'ready' | 'offline'>('loading')
  /** True while changes have not reached the data folder yet. */
  const pending = ref(initial.unsynced)

  let loaded = false
  let loading: Promise<void> | null = null
  let saving: Promise<void> | null = null
  let again = false
  const edits: Edit[] = []

  function writeCache(unsynced: boolean): void {
    pending.value = unsynced
    try {
      cache?.setItem(CUSTOM_KERNELS_CACHE_KEY, JSON.stringify({ items: kernels.value.map(kernelToSpec), unsynced }))
    } catch {
      // The offline copy is a convenience; the data folder is what counts.
    }
  }

  function fail(action: string, err: unknown, then: string): void {
    // errorMessage starts a sentence; here the reason follows a colon, so a capitalised word goes back to lower case.
    const reason = errorMessage(err)
      .replace(/\.$/, '')
      .replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase())
    const message = `${action}: ${reason}. ${then}`
    error.value = message
    useStatusStore().reportError(new Error(message))
  }

  async function runLoad(): Promise<void> {
    status.value = 'loading'
    try {
      const remote = fromSpecs(await storage.load())
      // Changes the data folder never received (it failed when they were made, maybe in an earlier session) are
      // newer than what it holds.
      const localNewer = loaded ? pending.value : initial.unsynced
      let base = localNewer ? (loaded ? kernels.value : initial.kernels) : remote
      let push = localNewer
      const legacy = readLegacy(cache)
      const added = legacy.filter((k) => !base.some((b) => b.name === k.name))
      if (added.length > 0) {
        base = [...base, ...added]
        push = true
      }
      const replay = edits.splice(0)
      kernels.value = replay.reduce((list, edit) => edit(list), base)
      loaded = true
      status.value = 'ready'
      error.value = null
      if (push || replay.length > 0) await persistNow()
      else writeCache(false)
      if (legacy.length > 0 && !pending.value) cache?.removeItem(LEGACY_CUSTOM_KERNELS_KEY)
    } catch (err) {
      status.value = 'offline'
      // Until the data folder has been read, nothing is written to it: a damaged file is never overwritten.
      fail('Could not load your saved kernels', err, 'Showing the copy this window keeps; changes are stored once the gallery can be read.')
    }
  }

  /** Loads the list from the data folder (again). Resolves when done; failures end up in {@link error}. */
  function load(): Promise<void> {
    loading ??= runLoad().finally(() => {
      loading = null
    })
    return loading
  }

  /** Writes the current list to the data folder; a change made meanwhile is written right after. */
  function persistNow(): Promise<void> {
    if (saving) {
      again = true
      return saving
    }
    saving = (async () => {
      try {
        do {
          again = false
          await storage.save(kernels.value.map(kernelToSpec))
        } while (again)
        writeCache(false)
        error.value = null
      } catch (err) {
        fail('Could not save your kernels', err, 'They stay listed here and are saved with your next change.')
      } finally {
        saving = null
      }
    })()
    return saving
  }

  function change(edit: Edit): void {
    kernels.value = edit(kernels.value)
    writeCache(true)
    if (loaded) void persistNow()
    else {
      edits.push(edit)
      // Not loaded yet (still loading, or the load failed): load first, which replays this edit and saves.
      void load()
    }
  }

  /**
   * Saves a kernel under `name` (validated first; throws EngineError on an invalid kernel). Saving under an
   * existing name replaces that entry. Storing happens in the background (see {@link whenSaved}).
   * @param options how it is applied (border, output size, flip, negative values); unset fields are not kept
   * @returns the saved entry
   */
  function save(
    name: string,
    rows: readonly (readonly number[])[],
    divisor = 1,
    offset = 0,
    options: ConvolveOptions = {}
  ): CustomKernel {
    const kernel = kernelFromRows(rows, { divisor, offset })
    const label = name.trim() === '' ? `Kernel ${kernel.width}x${kernel.height}` : name.trim()
    const entry: CustomKernel = {
      id: idFor(label),
      name: label,
      rows: rows.map((row) => [...row]),
      divisor: kernel.divisor,
      offset: kernel.offset,
      options: pickOptions(options)
    }
    change((list) => [entry, ...list.filter((k) => k.name !== label)])
    return entry
  }

  /** Deletes a saved kernel. */
  function remove(id: string): void {
    change((list) => list.filter((k) => k.id !== id))
  }

  /** The saved kernel with this id, if any. */
  function find(id: string): CustomKernel | undefined {
    return kernels.value.find((k) => k.id === id)
  }

  /** Resolves once the current load and saves are finished (tests; closing the app). */
  async function whenSaved(): Promise<void> {
    while (loading || saving) await (loading ?? saving)
  }

  void load()

  return { kernels, error, status, pending, save, remove, find, load, whenSaved }
})
