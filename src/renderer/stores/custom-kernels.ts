// Runs in the renderer. The personal gallery of saved custom kernels, persisted in localStorage.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { kernelFromRows } from '../../engine/kernel'

/** A kernel the user saved from the editor. */
export interface CustomKernel {
  readonly id: string
  readonly name: string
  /** Weights as rows (odd height and width). */
  readonly rows: readonly (readonly number[])[]
  /** @default 1 */
  readonly divisor: number
  /** @default 0 */
  readonly offset: number
  /** Milliseconds since the epoch. */
  readonly savedAt: number
}

/** The part of the Web Storage API the store needs (localStorage, or an in-memory stand-in in tests). */
export type StorageLike = Pick<Storage, 'getItem' | 'setItem'>

/** localStorage key of the saved list; versioned so a future format can migrate. */
export const CUSTOM_KERNELS_KEY = 'kernel-studio:custom-kernels:v1'

/** The default storage, or null where there is none (or access throws, e.g. storage disabled). */
function defaultStorage(): StorageLike | null {
  try {
    return (globalThis as { localStorage?: StorageLike }).localStorage ?? null
  } catch {
    return null
  }
}

/** Keeps only entries that are still valid kernels, so a corrupt or hand-edited store never breaks the app. */
function readList(storage: StorageLike | null): CustomKernel[] {
  if (!storage) return []
  let parsed: unknown
  try {
    parsed = JSON.parse(storage.getItem(CUSTOM_KERNELS_KEY) ?? '[]')
  } catch {
    return []
  }
  if (!Array.isArray(parsed)) return []
  const out: CustomKernel[] = []
  for (const item of parsed as Partial<CustomKernel>[]) {
    if (!item || typeof item.id !== 'string' || typeof item.name !== 'string' || !Array.isArray(item.rows)) continue
    try {
      const kernel = kernelFromRows(item.rows, { divisor: item.divisor ?? 1, offset: item.offset ?? 0 })
      out.push({
        id: item.id,
        name: item.name,
        rows: item.rows.map((row) => [...row]),
        divisor: kernel.divisor,
        offset: kernel.offset,
        savedAt: typeof item.savedAt === 'number' ? item.savedAt : 0
      })
    } catch {
      // An invalid entry is skipped rather than shown: it could never be applied.
    }
  }
  return out
}

/**
 * Saved custom kernels. Reads `storage` (default: localStorage) when the store is created and writes through on
 * every change, so the list survives reloads and relaunches.
 */
export const useCustomKernelsStore = defineStore('custom-kernels', () => {
  const storage = defaultStorage()
  /** Saved kernels, newest first. */
  const kernels = ref<CustomKernel[]>(readList(storage))
  /** Last persistence failure (quota, disabled storage), for the UI to show; null when fine. */
  const error = ref<string | null>(null)

  function persist(): void {
    if (!storage) {
      error.value = 'Saved kernels cannot be stored here: they will be lost when the app closes.'
      return
    }
    try {
      storage.setItem(CUSTOM_KERNELS_KEY, JSON.stringify(kernels.value))
      error.value = null
    } catch (e) {
      error.value = `Could not store saved kernels: ${e instanceof Error ? e.message : String(e)}`
    }
  }

  /**
   * Saves a kernel under `name` (validated first; throws EngineError on an invalid kernel). Saving under an
   * existing name replaces that entry.
   * @returns the saved entry
   */
  function save(name: string, rows: readonly (readonly number[])[], divisor = 1, offset = 0): CustomKernel {
    const kernel = kernelFromRows(rows, { divisor, offset })
    const label = name.trim() === '' ? `Kernel ${kernel.width}x${kernel.height}` : name.trim()
    const existing = kernels.value.find((k) => k.name === label)
    const entry: CustomKernel = {
      id: existing?.id ?? `kernel-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      name: label,
      rows: rows.map((row) => [...row]),
      divisor: kernel.divisor,
      offset: kernel.offset,
      savedAt: Date.now()
    }
    kernels.value = [entry, ...kernels.value.filter((k) => k.id !== entry.id)]
    persist()
    return entry
  }

  /** Deletes a saved kernel. */
  function remove(id: string): void {
    kernels.value = kernels.value.filter((k) => k.id !== id)
    persist()
  }

  /** The saved kernel with this id, if any. */
  function find(id: string): CustomKernel | undefined {
    return kernels.value.find((k) => k.id === id)
  }

  return { kernels, error, save, remove, find }
})
