// @vitest-environment node
// The personal kernel gallery store against an in-memory data folder (validated with the recipe rules gallery:save uses,
// kept as JSON text like the real file) and an in-memory localStorage standing in for the browser's offline copy.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { parseFilter } from '../../../../src/engine/recipe'
import type { FilterSpec } from '../../../../src/engine/types'
import {
  CUSTOM_KERNELS_CACHE_KEY,
  LEGACY_CUSTOM_KERNELS_KEY,
  apiGalleryStorage,
  setGalleryStorage,
  useCustomKernelsStore,
  type GalleryStorage
} from '../../../../src/renderer/stores/custom-kernels'
import { useStatusStore } from '../../../../src/renderer/stores/status'

/** A real, minimal implementation of the Web Storage interface kept in memory (one browser origin). */
class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>()
  get length(): number {
    return this.items.size
  }
  clear(): void {
    this.items.clear()
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null
  }
  removeItem(key: string): void {
    this.items.delete(key)
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value))
  }
}

/** The gallery file of the data folder, in memory: validated and stored as JSON text, like gallery:save does. */
class MemoryGallery implements GalleryStorage {
  text: string | null = null
  saves = 0
  loads = 0
  /** When set, calls fail with this message (disk full, damaged file, server gone). */
  failLoad: string | null = null
  failSave: string | null = null
  /** When set, load() waits for this promise (a slow disk or network). */
  gate: Promise<void> | null = null

  async load(): Promise<readonly FilterSpec[]> {
    this.loads += 1
    if (this.gate) await this.gate
    if (this.failLoad) throw new Error(this.failLoad)
    return this.text === null ? [] : (JSON.parse(this.text) as FilterSpec[])
  }

  async save(items: readonly FilterSpec[]): Promise<void> {
    await Promise.resolve()
    if (this.failSave) throw new Error(this.failSave)
    this.text = JSON.stringify(items.map((f, i) => parseFilter(f, `filter ${i + 1}`)))
    this.saves += 1
  }

  get items(): FilterSpec[] {
    return this.text === null ? [] : (JSON.parse(this.text) as FilterSpec[])
  }
}

let gallery: MemoryGallery

/** A new launch of the app: fresh Pinia, this origin's localStorage (a new, empty one by default), same data folder. */
async function launch(cache: MemoryStorage | null = new MemoryStorage()): Promise<ReturnType<typeof useCustomKernelsStore>> {
  setActivePinia(createPinia())
  setGalleryStorage(gallery, cache)
  const store = useCustomKernelsStore()
  await store.whenSaved()
  return store
}

const soft = [[1, 2, 1], [2, 4, 2], [1, 2, 1]]

beforeEach(() => {
  gallery = new MemoryGallery()
})

afterEach(() => {
  setGalleryStorage(apiGalleryStorage)
})

describe('custom kernels: the data folder is the store of record', () => {
  it('saves to the data folder and lists the kernels in a new launch with an empty localStorage (another port)', async () => {
    const first = await launch()
    first.save('Soft', soft, 16)
    first.save('Edge', [[-1, 0, 1]], 1, 128, { signed: 'abs', border: 'zero', opacity: 0.5 } as FilterSpec)
    await first.whenSaved()
    expect(first.kernels.map((k) => k.name)).toEqual(['Edge', 'Soft'])
    expect(gallery.items).toEqual([
      { name: 'Edge', kernel: [[-1, 0, 1]], offset: 128, border: 'zero', signed: 'abs' },
      { name: 'Soft', kernel: soft, divisor: 16 }
    ])
    expect(first.pending).toBe(false)

    const second = await launch(new MemoryStorage())
    expect(second.status).toBe('ready')
    expect(second.kernels.map((k) => [k.name, k.divisor, k.offset])).toEqual([
      ['Edge', 1, 128],
      ['Soft', 16, 0]
    ])
    expect(second.kernels[1].rows).toEqual(soft)
    expect(second.kernels[0].options).toEqual({ border: 'zero', signed: 'abs' })
  })

  it('replaces an entry saved under the same name and deletes persistently', async () => {
    const store = await launch()
    const a = store.save('Mine', [[1]])
    const b = store.save('Mine', [[2]])
    expect(b.id).toBe(a.id)
    expect(store.kernels).toHaveLength(1)
    store.remove(a.id)
    await store.whenSaved()
    expect(gallery.items).toEqual([])
    expect((await launch()).kernels).toEqual([])
  })

  it('shows the offline copy at once, then what the data folder holds', async () => {
    const cache = new MemoryStorage()
    const first = await launch(cache)
    first.save('Old', [[1]])
    await first.whenSaved()
    // Another launch (another origin) replaced the gallery meanwhile.
    gallery.text = JSON.stringify([{ name: 'New', kernel: [[3]] }])
    let open!: () => void
    gallery.gate = new Promise((resolve) => (open = resolve))
    setActivePinia(createPinia())
    setGalleryStorage(gallery, cache)
    const store = useCustomKernelsStore()
    expect(store.status).toBe('loading')
    expect(store.kernels.map((k) => k.name)).toEqual(['Old'])
    open()
    await store.whenSaved()
    expect(store.kernels.map((k) => k.name)).toEqual(['New'])
    expect(JSON.parse(cache.getItem(CUSTOM_KERNELS_CACHE_KEY) ?? '{}')).toEqual({ items: [{ name: 'New', kernel: [[3]] }], unsynced: false })
  })

  it('replays edits made before the first load finished on what it loaded', async () => {
    gallery.text = JSON.stringify([{ name: 'Kept', kernel: [[1]] }, { name: 'Gone', kernel: [[2]] }])
    let open!: () => void
    gallery.gate = new Promise((resolve) => (open = resolve))
    setActivePinia(createPinia())
    setGalleryStorage(gallery, new MemoryStorage())
    const store = useCustomKernelsStore()
    store.save('Early', [[5]])
    open()
    await store.whenSaved()
    store.remove(store.kernels.find((k) => k.name === 'Gone')?.id ?? '')
    await store.whenSaved()
    expect(store.kernels.map((k) => k.name)).toEqual(['Early', 'Kept'])
    expect(gallery.items.map((f) => f.name)).toEqual(['Early', 'Kept'])
  })
})

describe('custom kernels: failures', () => {
  it('reports a failed save in the error banner, keeps the kernel, and saves it with the next change', async () => {
    const cache = new MemoryStorage()
    const store = await launch(cache)
    gallery.failSave = 'cannot write /home/me/.config/kernel-studio/kernels.json: ENOSPC: no space left on device'
    store.save('Big', soft)
    await store.whenSaved()
    const status = useStatusStore()
    expect(status.error).toBe(
      'Could not save your kernels: cannot write /home/me/.config/kernel-studio/kernels.json: ENOSPC: no space left on device. ' +
        'They stay listed here and are saved with your next change.'
    )
    expect(store.error).toBe(status.error)
    expect(store.kernels.map((k) => k.name)).toEqual(['Big'])
    expect(store.pending).toBe(true)
    expect(gallery.items).toEqual([])

    gallery.failSave = null
    store.save('Second', [[1]])
    await store.whenSaved()
    expect(gallery.items.map((f) => f.name)).toEqual(['Second', 'Big'])
    expect(store.error).toBeNull()
    expect(store.pending).toBe(false)
  })

  it('sends edits that never reached the data folder at the next launch in the same browser', async () => {
    const cache = new MemoryStorage()
    const first = await launch(cache)
    gallery.failSave = 'the server has stopped'
    first.save('Offline', [[7]])
    await first.whenSaved()
    expect(gallery.items).toEqual([])

    gallery.failSave = null
    const second = await launch(cache)
    expect(second.kernels.map((k) => k.name)).toEqual(['Offline'])
    expect(gallery.items.map((f) => f.name)).toEqual(['Offline'])
    expect(JSON.parse(cache.getItem(CUSTOM_KERNELS_CACHE_KEY) ?? '{}').unsynced).toBe(false)
  })

  it('never overwrites a data folder it could not read; retries reading before the next save', async () => {
    gallery.text = JSON.stringify([{ name: 'Precious', kernel: [[9]] }])
    gallery.failLoad = '/home/me/.config/kernel-studio/kernels.json is damaged (not valid JSON)'
    const cache = new MemoryStorage()
    cache.setItem(CUSTOM_KERNELS_CACHE_KEY, JSON.stringify({ items: [{ name: 'Cached', kernel: [[4]] }], unsynced: false }))
    const store = await launch(cache)
    expect(store.status).toBe('offline')
    expect(store.kernels.map((k) => k.name)).toEqual(['Cached'])
    expect(useStatusStore().error).toMatch(/^Could not load your saved kernels: \/home\/me\/.*kernels\.json is damaged \(not valid JSON\)\. /)

    store.save('Typed', [[1]])
    await store.whenSaved()
    expect(gallery.saves).toBe(0)
    expect(JSON.parse(gallery.text ?? '[]')).toEqual([{ name: 'Precious', kernel: [[9]] }])

    // Readable again: the next change loads first, then saves the data folder's list plus the edits.
    gallery.failLoad = null
    store.save('After', [[2]])
    await store.whenSaved()
    expect(store.status).toBe('ready')
    expect(gallery.items.map((f) => f.name)).toEqual(['After', 'Typed', 'Precious'])
  })

  it('refuses invalid kernels with a one-line message and stores nothing', async () => {
    const store = await launch()
    expect(() => store.save('Bad', [[1, 2]])).toThrow(/even/)
    expect(() => store.save('Zero', [[1]], 0)).toThrow(/divisor/)
    await store.whenSaved()
    expect(store.kernels).toEqual([])
    expect(gallery.saves).toBe(0)
  })

  it('skips entries of a hand-edited file that are not kernels, and names unnamed ones by size', async () => {
    gallery.text = JSON.stringify([
      { name: 'Even', kernel: [[1, 1]] },
      { kernel: [[1, 2, 1]] },
      { name: 'Blur', preset: 'box-blur', params: { size: 3 } },
      'junk',
      { name: 'Blur', kernel: [[1]] }
    ])
    const store = await launch()
    expect(store.kernels.map((k) => [k.name, k.rows.length, k.rows[0].length])).toEqual([
      ['Kernel 3x1', 1, 3],
      ['Blur', 3, 3]
    ])
    expect(store.save('  ', [[1, 2, 1]]).name).toBe('Kernel 3x1')
  })

  it('moves the gallery of earlier versions (localStorage only) into the data folder once', async () => {
    gallery.text = JSON.stringify([{ name: 'Remote', kernel: [[1]] }])
    const cache = new MemoryStorage()
    cache.setItem(
      LEGACY_CUSTOM_KERNELS_KEY,
      JSON.stringify([
        { id: 'a', name: 'Legacy', rows: soft, divisor: 16, offset: 0, savedAt: 1 },
        { id: 'b', name: 'Remote', rows: [[5]], divisor: 1, offset: 0, savedAt: 2 }
      ])
    )
    const store = await launch(cache)
    expect(store.kernels.map((k) => k.name)).toEqual(['Remote', 'Legacy'])
    expect(store.kernels[0].rows).toEqual([[1]])
    expect(gallery.items.map((f) => f.name)).toEqual(['Remote', 'Legacy'])
    expect(cache.getItem(LEGACY_CUSTOM_KERNELS_KEY)).toBeNull()
  })
})
