// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { PhotoBuffers } from '../../../src/batch/photo-buffers'

describe('PhotoBuffers', () => {
  it('hands out shared views of exactly the samples asked for, at 8 and 16 bits', () => {
    const buffers = new PhotoBuffers(2)
    const u8 = buffers.take(10, 8)
    const u16 = buffers.take(10, 16)
    expect(u8).toBeInstanceOf(Uint8Array)
    expect(u16).toBeInstanceOf(Uint16Array)
    expect([u8.length, u16.length, u16.byteLength]).toEqual([10, 10, 20])
    expect(u8.buffer).toBeInstanceOf(SharedArrayBuffer)
    expect(u8.buffer).not.toBe(u16.buffer)
  })

  it('reuses a returned buffer for the next photo it fits, the smallest that fits', () => {
    const buffers = new PhotoBuffers(4)
    const small = buffers.take(100, 8)
    const large = buffers.take(400, 8)
    buffers.give(large)
    buffers.give(small)
    const next = buffers.take(50, 16)
    expect(next.buffer).toBe(small.buffer)
    expect(next.length).toBe(50)
    expect(buffers.take(300, 8).buffer).toBe(large.buffer)
    // Nothing free fits: new memory.
    const fresh = buffers.take(300, 8)
    expect(fresh.buffer).not.toBe(small.buffer)
    expect(fresh.buffer).not.toBe(large.buffer)
  })

  it('keeps at most `keep` free buffers (the largest), takes each back once, and ignores plain memory', () => {
    const buffers = new PhotoBuffers(2)
    const views = [buffers.take(10, 8), buffers.take(30, 8), buffers.take(20, 8)]
    for (const view of views) buffers.give(view)
    buffers.give(views[1])
    buffers.give(new Uint8Array(30))
    const a = buffers.take(5, 8)
    const b = buffers.take(5, 8)
    const c = buffers.take(5, 8)
    expect(a.buffer).toBe(views[2].buffer)
    expect(b.buffer).toBe(views[1].buffer)
    expect([views[0].buffer, views[1].buffer, views[2].buffer]).not.toContain(c.buffer)
  })
})
