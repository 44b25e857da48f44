// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { computeHistogram, type ChannelHistogram } from '../../../../src/engine/histogram'
import { clippingOverlay } from '../../../../src/renderer/model/clipping-map'
import { areaPath, share, tallest } from '../../../../src/renderer/model/histogram-plot'

describe('histogram plot', () => {
  it('draws each bin as a flat step, heights as square roots of the counts over the tallest', () => {
    expect(areaPath([4, 0, 16, 1], 16, 8, 10)).toBe('M0 10 L0 5 L2 5 L2 10 L4 10 L4 0 L6 0 L6 7.5 L8 7.5 L8 10Z')
  })
  it('stops a bin taller than the scale at the top', () => {
    expect(areaPath([64, 16, 4, 0], 16, 8, 10)).toBe('M0 10 L0 0 L2 0 L2 0 L4 0 L4 5 L6 5 L6 10 L8 10 L8 10Z')
  })
  it('scales to the tallest bin between the ends: clipped pixels do not flatten the rest', () => {
    const channel = (counts: number[]): ChannelHistogram => ({ name: 'red', counts, mean: 0, shadows: counts[0], highlights: counts.at(-1) ?? 0 })
    expect(tallest([channel([900, 4, 9, 1000]), channel([0, 25, 1, 0])])).toBe(25)
    // Nothing between the ends (a black and white image): the ends set the scale.
    expect(tallest([channel([30, 0, 0, 70])])).toBe(70)
  })
  it('shares one scale over the channels, and states clipping as a share of the pixels', () => {
    const image = { width: 4, height: 1, channels: 3 as const, depth: 8 as const, data: new Uint8Array([0, 0, 0, 255, 255, 255, 10, 20, 30, 255, 0, 9]) }
    const h = computeHistogram(image)
    // Every pixel has a channel at 0 or 255 but one, whose three values are alone in their bins.
    expect(tallest(h.channels)).toBe(1)
    expect(share(h, h.clippedShadows)).toBe('50 %')
    expect(share(h, 0)).toBe('0 %')
    expect(share(h, 1)).toBe('25 %')
  })
})

describe('clipping overlay', () => {
  it('marks pixels with a colour channel at 0 (blue) or 255 (red, winning when both), skipping transparent ones', () => {
    const rgba = new Uint8Array([0, 10, 10, 255, 255, 10, 10, 255, 255, 0, 10, 255, 10, 10, 10, 255, 0, 0, 0, 0])
    expect(Array.from(clippingOverlay(rgba))).toEqual([40, 110, 255, 200, 255, 40, 40, 200, 255, 40, 40, 200, 0, 0, 0, 0, 0, 0, 0, 0])
  })
})
