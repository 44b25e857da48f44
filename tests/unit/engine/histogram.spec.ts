// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { computeHistogram } from '../../../src/engine/histogram'
import type { IntImage } from '../../../src/engine/types'

describe('computeHistogram', () => {
  it('counts levels per channel and luminance, and clipped shadows and highlights', () => {
    const image: IntImage = { width: 4, height: 1, channels: 4, depth: 8, data: Uint8Array.of(0, 0, 0, 255, 255, 255, 255, 255, 10, 255, 0, 255, 9, 9, 9, 0) }
    const h = computeHistogram(image)
    // The last pixel is fully transparent: not counted.
    expect(h.pixels).toBe(3)
    expect(h.clippedShadows).toBe(2)
    expect(h.clippedHighlights).toBe(2)
    const [red, green, blue, luma] = h.channels
    expect([red.name, green.name, blue.name, luma.name]).toEqual(['red', 'green', 'blue', 'luminance'])
    expect(red.counts[0]).toBe(1)
    expect(red.counts[10]).toBe(1)
    expect(red.counts[255]).toBe(1)
    expect(green.shadows).toBe(1)
    expect(green.highlights).toBe(2)
    expect(luma.shadows).toBe(1)
    expect(luma.highlights).toBe(1)
    // Y of (10, 255, 0) = 2.126 + 182.376 = 184.502
    expect(luma.counts[184]).toBe(1)
    expect(red.mean).toBeCloseTo((0 + 255 + 10) / 3, 12)
    for (const c of h.channels) expect(c.counts.reduce((a, b) => a + b, 0)).toBe(3)
  })

  it('bins 16-bit images in 256 ranges of 256 levels', () => {
    const image: IntImage = { width: 3, height: 1, channels: 1, depth: 16, data: Uint16Array.of(0, 255, 65535) }
    const [grey] = computeHistogram(image).channels
    expect(grey.name).toBe('grey')
    expect(grey.counts[0]).toBe(2)
    expect(grey.counts[255]).toBe(1)
    expect([grey.shadows, grey.highlights]).toEqual([1, 1])
  })
})
