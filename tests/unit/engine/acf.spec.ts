// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { encodeAcf, parseAcf } from '../../../src/engine/acf'
import { EngineError } from '../../../src/engine/errors'
import { kernelRows } from '../../../src/engine/kernel'

/** Builds .acf bytes by hand: 25 big-endian int16 weights, scale, offset. */
function acfBytes(grid: number[][], scale: number, offset: number): Uint8Array {
  const values = [...grid.flat(), scale, offset]
  const bytes = new Uint8Array(values.length * 2)
  values.forEach((v, i) => {
    const u = v < 0 ? v + 65536 : v
    bytes[i * 2] = u >> 8
    bytes[i * 2 + 1] = u & 0xff
  })
  return bytes
}

describe('parseAcf', () => {
  it('reads weights, scale as divisor and offset, trimming a centred 3x3', () => {
    const grid = [
      [0, 0, 0, 0, 0],
      [0, 0, -1, 0, 0],
      [0, -1, 5, -1, 0],
      [0, 0, -1, 0, 0],
      [0, 0, 0, 0, 0]
    ]
    const k = parseAcf(acfBytes(grid, 1, 0), 'sharpen.acf')
    expect(kernelRows(k)).toEqual([
      [0, -1, 0],
      [-1, 5, -1],
      [0, -1, 0]
    ])
    expect([k.divisor, k.offset]).toEqual([1, 0])
  })

  it('keeps full 5x5 kernels and negative big-endian values', () => {
    const grid = Array.from({ length: 5 }, (_r, r) => Array.from({ length: 5 }, (_c, c) => (r - 2) * 300 + c - 700))
    const k = parseAcf(acfBytes(grid, 25, -128), 'big.acf')
    expect(kernelRows(k)).toEqual(grid)
    expect([k.divisor, k.offset]).toEqual([25, -128])
  })

  it('trims rows and columns separately, keeping odd sizes', () => {
    const grid = [
      [0, 0, 0, 0, 0],
      [1, 2, 3, 4, 5],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 9],
      [0, 0, 0, 0, 0]
    ]
    const k = parseAcf(acfBytes(grid, 3, 0), 'rows.acf')
    expect(kernelRows(k)).toEqual([
      [1, 2, 3, 4, 5],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 9]
    ])
    // Only the centre: 1x1. An off-centre weight keeps the grid around it.
    const centre = parseAcf(acfBytes([[0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 7, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]], 1, 0), 'c.acf')
    expect(kernelRows(centre)).toEqual([[7]])
  })

  it('round-trips encodeAcf', () => {
    const grid = [
      [0, 0, 0, 0, 0],
      [0, 1, 2, 1, 0],
      [0, 2, 4, 2, 0],
      [0, 1, 2, 1, 0],
      [0, 0, 0, 0, 0]
    ]
    const bytes = acfBytes(grid, 16, 3)
    expect(Array.from(encodeAcf(parseAcf(bytes, 'blur.acf')))).toEqual(Array.from(bytes))
  })

  it('rejects files of the wrong size and a zero scale', () => {
    expect(() => parseAcf(new Uint8Array(10), 'short.acf')).toThrow(
      new EngineError('short.acf: not a Photoshop Custom filter (.acf) file: expected 54 bytes, got 10')
    )
    expect(() => parseAcf(acfBytes(Array.from({ length: 5 }, () => [0, 0, 1, 0, 0]), 0, 0), 'zero.acf')).toThrow(
      new EngineError('zero.acf: the scale (divisor) is 0')
    )
  })
})
