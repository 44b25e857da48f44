// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { CUSTOM_KERNELS_KEY, useCustomKernelsStore } from '../../../src/renderer/stores/custom-kernels'

/** A real, minimal implementation of the Web Storage interface kept in memory. */
class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>()
  quotaBytes = Infinity
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
    if (value.length > this.quotaBytes) throw new Error('quota exceeded')
    this.items.set(key, String(value))
  }
}

let storage: MemoryStorage
const holder = globalThis as { localStorage?: Storage }

/** A fresh Pinia, as after an app reload: the store re-reads storage. */
function reload(): ReturnType<typeof useCustomKernelsStore> {
  setActivePinia(createPinia())
  return useCustomKernelsStore()
}

beforeEach(() => {
  storage = new MemoryStorage()
  holder.localStorage = storage
})

afterEach(() => {
  delete holder.localStorage
})

describe('custom kernels', () => {
  it('saves, lists newest first and survives a reload', () => {
    const first = reload()
    first.save('Soft', [[1, 2, 1], [2, 4, 2], [1, 2, 1]], 16)
    first.save('Edge', [[-1, 0, 1]], 1, 128)
    expect(first.kernels.map((k) => k.name)).toEqual(['Edge', 'Soft'])

    const second = reload()
    expect(second.kernels.map((k) => k.name)).toEqual(['Edge', 'Soft'])
    const soft = second.kernels[1]
    expect(soft.rows).toEqual([[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    expect(soft.divisor).toBe(16)
    expect(second.kernels[0].offset).toBe(128)
  })

  it('replaces an entry saved under the same name and deletes persistently', () => {
    const store = reload()
    const a = store.save('Mine', [[1]])
    const b = store.save('Mine', [[2]])
    expect(b.id).toBe(a.id)
    expect(store.kernels).toHaveLength(1)
    expect(store.kernels[0].rows).toEqual([[2]])
    store.remove(a.id)
    expect(reload().kernels).toEqual([])
  })

  it('refuses invalid kernels with a one-line message and stores nothing', () => {
    const store = reload()
    expect(() => store.save('Bad', [[1, 2]])).toThrow(/even/)
    expect(() => store.save('Zero', [[1]], 0)).toThrow(/divisor/)
    expect(storage.getItem(CUSTOM_KERNELS_KEY)).toBeNull()
    expect(store.kernels).toEqual([])
  })

  it('skips corrupt storage content instead of failing', () => {
    storage.setItem(CUSTOM_KERNELS_KEY, '{not json')
    expect(reload().kernels).toEqual([])
    storage.setItem(
      CUSTOM_KERNELS_KEY,
      JSON.stringify([{ id: 'x', name: 'Even', rows: [[1, 1]] }, { id: 'y', name: 'Ok', rows: [[1]], divisor: 1, offset: 0, savedAt: 5 }])
    )
    expect(reload().kernels.map((k) => k.name)).toEqual(['Ok'])
  })

  it('reports a storage failure instead of throwing', () => {
    const store = reload()
    storage.quotaBytes = 10
    store.save('Big', [[1, 2, 3, 4, 5, 6, 7, 8, 9]])
    expect(store.error).toMatch(/Could not store/)
    expect(store.kernels).toHaveLength(1)
  })

  it('names an unnamed kernel by its size', () => {
    expect(reload().save('  ', [[1, 2, 1]]).name).toBe('Kernel 3x1')
  })
})
