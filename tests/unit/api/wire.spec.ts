// @vitest-environment node
// The serve-mode wire format: JSON structure plus raw bytes, so rasters never become JSON number arrays.
import { describe, expect, it } from 'vitest'
import { decodeMessage, encodeMessage } from '../../../src/contract/wire'

describe('wire format', () => {
  it('round-trips nested data with typed arrays of every kind', () => {
    const value = {
      t: 'reply',
      id: 3,
      ok: true,
      res: {
        image: { width: 2, height: 1, rgba: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) },
        deep: [new Uint16Array([0, 65535, 257]), new Float32Array([0.5, -1.25]), new Int16Array([-3])],
        nothing: null,
        text: 'kernel: 1/9'
      }
    }
    const back = decodeMessage(encodeMessage(value)) as typeof value
    expect(back).toEqual(value)
    expect(back.res.image.rgba).toBeInstanceOf(Uint8Array)
    expect(back.res.deep[0]).toBeInstanceOf(Uint16Array)
    expect(back.res.deep[1]).toBeInstanceOf(Float32Array)
  })

  it('sends Node Buffers as bytes, not as {type: "Buffer", data: [...]}', () => {
    const back = decodeMessage(encodeMessage({ bytes: Buffer.from([9, 8, 7]) })) as { bytes: Uint8Array }
    expect(back.bytes).toBeInstanceOf(Uint8Array)
    expect(Array.from(back.bytes)).toEqual([9, 8, 7])
  })

  it('keeps a 1920x1080 RGBA raster compact: the message is the pixels plus a small header', () => {
    const rgba = new Uint8Array(1920 * 1080 * 4).map((_, i) => i % 251)
    const encoded = encodeMessage({ image: { width: 1920, height: 1080, rgba } })
    expect(encoded.byteLength).toBeLessThan(rgba.byteLength + 256)
    const back = decodeMessage(encoded) as { image: { rgba: Uint8Array } }
    expect(Buffer.from(back.image.rgba).equals(Buffer.from(rgba))).toBe(true)
  })

  it('decodes from an unaligned view (what a transport may hand over)', () => {
    const encoded = encodeMessage({ a: new Uint16Array([1, 2, 3]) })
    const shifted = new Uint8Array(encoded.byteLength + 1)
    shifted.set(encoded, 1)
    expect(decodeMessage(shifted.subarray(1))).toEqual({ a: new Uint16Array([1, 2, 3]) })
  })

  it('rejects truncated and malformed messages with an error', () => {
    const encoded = encodeMessage({ a: new Uint8Array(64) })
    expect(() => decodeMessage(encoded.subarray(0, encoded.byteLength - 40))).toThrow('message truncated')
    expect(() => decodeMessage(new Uint8Array([1, 0]))).toThrow('message too short')
    expect(() => decodeMessage(new Uint8Array([200, 0, 0, 0, 123]))).toThrow('message truncated')
  })
})
