// @vitest-environment node
// The engine host's open documents (one per window or tab) within a memory cap: caches go first, then idle
// documents' sources; the document in use is never dropped.
import { describe, expect, it } from 'vitest'
import { errorCode } from '../../../src/contract/errors'
import { OpenDocument } from '../../../src/host/document'
import { Documents, memoryCapFromEnv, DEFAULT_MEMORY_CAP } from '../../../src/host/documents'
import { hostStack } from '../../../src/host/stack'

/** A `width` x `height` RGB document (3 bytes a pixel) with a gradient. */
function doc(name: string, width = 100, height = 100): OpenDocument {
  const data = new Uint8Array(width * height * 3).map((_, i) => i % 251)
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
