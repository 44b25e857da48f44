// @vitest-environment node
// The engine host's open documents (one per window or tab) within a memory cap: caches go first, then idle
// documents' sources; the document in use is never dropped. Each keeps its gallery cards for the next request.
import { describe, expect, it } from 'vitest'
import { errorCode } from '../../../src/contract/errors'
import { downscale } from '../../../src/engine/downscale'
import { runStack } from '../../../src/runtime/run-stack'
import { OpenDocument } from '../../../src/host/document'
import { Documents, memoryCapFromEnv, DEFAULT_MEMORY_CAP } from '../../../src/host/documents'
import { hostStack } from '../../../src/host/stack'
import type { FilterSpec } from '../../../src/engine/types'

/** A `width` x `height` RGB document (3 bytes a pixel) with a gradient (`step` apart from one sample to the next). */
function doc(name: string, width = 100, height = 100, step = 1): OpenDocument {
  const data = new Uint8Array(width * height * 3).map((_, i) => (i * step) % 251)
  return new OpenDocument({ name, width, height, channels: 3, depth: 8, format: 'png', notes: [] }, { width, height, channels: 3, depth: 8, data })
}

describe('Documents', () => {
  it('keeps one document per id and says no-image for an id without one', () => {
    const docs = new Documents()
    const a = doc('a.png')
    const b = doc('b.png')
    docs.set('tab-a', a)
    docs.set('tab-b', b)
    expect(docs.get('tab-a')).toBe(a)
    expect(docs.get('tab-b')).toBe(b)
    let caught: unknown
    try {
      docs.get('tab-c')
    } catch (err) {
      caught = err
    }
    expect(errorCode(caught)).toBe('no-image')
  })

  it('replacing a document closes the one before', () => {
    const docs = new Documents()
    const first = doc('first.png')
    docs.set('tab', first)
    first.proxy(10, 10)
    expect(first.cacheBytes()).toBeGreaterThan(0)
    docs.set('tab', doc('second.png'))
    expect(first.cacheBytes()).toBe(0)
    expect(docs.get('tab').info.name).toBe('second.png')
  })

  it('over the cap, drops caches of other documents first, then its own, then idle sources, never the one in use', async () => {
    // Two 30 000-byte sources; a cap with room for both sources and one document's caches.
    const docs = new Documents(100_000)
    const a = doc('a.png')
    const b = doc('b.png')
    docs.set('a', a)
    docs.set('b', b)
    const signal = new AbortController().signal
    await a.shown(hostStack([{ preset: 'box-blur', params: { size: 3 } }]), { x: 0, y: 0, width: 100, height: 100 }, { width: 50, height: 50 }, signal)
    docs.get('a')
    await b.shown(hostStack([{ preset: 'sharpen' }]), { x: 0, y: 0, width: 100, height: 100 }, { width: 50, height: 50 }, signal)
    docs.get('b')
    // Each now holds its full-resolution region (30 000 bytes) and a display raster: over the cap.
    expect(docs.bytes()).toBeGreaterThan(100_000)
    docs.trim('b')
    expect(a.cacheBytes()).toBe(0)
    expect(b.cacheBytes()).toBeGreaterThan(0)
    expect(docs.bytes()).toBeLessThanOrEqual(100_000)
    expect(docs.ids()).toEqual(['a', 'b'])
    // Still over: the document in use loses its caches too, but both sources stay.
    const tight = new Documents(70_000)
    tight.set('a', a)
    tight.set('b', b)
    expect(b.cacheBytes()).toBe(0)
    expect(tight.ids()).toEqual(['a', 'b'])
  })

  it('over the cap without caches, drops the least recently used idle source (its file opens it again)', () => {
    const docs = new Documents(70_000)
    const a = doc('a.png')
    const b = doc('b.png')
    docs.set('a', a)
    docs.set('b', b)
    docs.get('a')
    const c = doc('c.png')
    docs.set('c', c)
    expect(docs.ids()).toEqual(['a', 'c'])
    expect(docs.peek('b')).toBeUndefined()
    expect(docs.get('c')).toBe(c)
    expect(docs.get('a')).toBe(a)
  })

  it('never drops the document in use, even alone over the cap', () => {
    const docs = new Documents(1000)
    const big = doc('big.png')
    docs.set('only', big)
    expect(docs.get('only')).toBe(big)
  })

  it('takes the cap from KERNEL_STUDIO_HOST_MEMORY_MB', () => {
    expect(memoryCapFromEnv({ KERNEL_STUDIO_HOST_MEMORY_MB: '512' })).toBe(512 * 1024 * 1024)
    expect(memoryCapFromEnv({ KERNEL_STUDIO_HOST_MEMORY_MB: 'lots' })).toBe(DEFAULT_MEMORY_CAP)
    expect(memoryCapFromEnv({})).toBe(DEFAULT_MEMORY_CAP)
  })
})

describe('OpenDocument.thumbnail', () => {
  const signal = new AbortController().signal
  const card = (spec: FilterSpec) => hostStack([{ ...spec, enabled: true }])

  it('gives the kept card when asked again for the same filter and size, without running the stack', async () => {
    const a = doc('a.png', 60, 40)
    const first = await a.thumbnail(card({ preset: 'sharpen' }), 16, signal)
    expect(first.result).toBeDefined()
    expect(a.cacheBytes()).toBe(first.image.data.byteLength)
    // A new request resolves its own stack: the card is found by what the filter is, not by the object.
    const again = await a.thumbnail(card({ preset: 'sharpen' }), 16, signal)
    expect(again.image).toBe(first.image)
    expect(again.result).toBeUndefined()
    // Another filter, other parameters or another size: a run of its own, the card the export shrunk.
    for (const [spec, size] of [
      [{ preset: 'box-blur' }, 16],
      [{ preset: 'sharpen', params: { amount: 2 } }, 16],
      [{ preset: 'sharpen' }, 20]
    ] as const) {
      const other = await a.thumbnail(card(spec), size, signal)
      expect(other.result, JSON.stringify([spec, size])).toBeDefined()
      const full = await runStack(a.image, [spec])
      expect(other.image.data).toEqual(downscale(full, other.image.width, other.image.height).data)
    }
  })

  it('a new image in the same tab makes its own cards', async () => {
    const docs = new Documents()
    const a = doc('a.png', 60, 40)
    docs.set('tab', a)
    const before = await a.thumbnail(card({ preset: 'sharpen' }), 16, signal)
    const b = doc('b.png', 60, 40, 7)
    docs.set('tab', b)
    expect(a.cacheBytes()).toBe(0)
    const after = await docs.get('tab').thumbnail(card({ preset: 'sharpen' }), 16, signal)
    expect(after.result).toBeDefined()
    expect(after.image.data).toEqual(downscale(await runStack(b.image, [{ preset: 'sharpen' }]), 16, after.image.height).data)
    expect(after.image.data).not.toEqual(before.image.data)
  })

  it('keeps a bounded number of cards, counted with the caches and dropped with them', async () => {
    const a = doc('a.png', 30, 20)
    // More cards than a document keeps.
    const sizes = Array.from({ length: 40 }, (_, i) => 4 + i)
    for (const size of sizes) await a.thumbnail(card({ preset: 'box-blur' }), size, signal)
    expect(a.cacheBytes()).toBeGreaterThan(0)
    // The oldest cards went: the first size runs again, the last one is still kept.
    expect((await a.thumbnail(card({ preset: 'box-blur' }), sizes[sizes.length - 1], signal)).result).toBeUndefined()
    expect((await a.thumbnail(card({ preset: 'box-blur' }), sizes[0], signal)).result).toBeDefined()
    a.dropCaches()
    expect(a.cacheBytes()).toBe(0)
  })
})
