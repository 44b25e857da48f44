// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { frequencyResponse } from '../../../../src/engine/frequency'
import { parseKernel } from '../../../../src/engine/kernel'
import { presetKernel } from '../../../../src/engine/presets'
import { frequencySummary, gainRgb, gainTop, plotGridSize, profilePaths } from '../../../../src/renderer/model/frequency-plot'

describe('plotGridSize', () => {
  it('is 64 for small kernels and the next power of two for large ones', () => {
    expect(plotGridSize(parseKernel('1 2 1; 2 4 2; 1 2 1'))).toBe(64)
    expect(plotGridSize(parseKernel(Array.from({ length: 65 }, () => '1').join(' ')))).toBe(128)
    expect(plotGridSize({ width: 255, height: 255, weights: new Array<number>(255 * 255).fill(0), divisor: 1, offset: 0 })).toBe(256)
  })
})

describe('gainRgb', () => {
  it('runs from dark at 0 to bright yellow at the top of the scale, clamped outside it', () => {
    expect(gainRgb(0, 2)).toEqual([68, 1, 84])
    expect(gainRgb(2, 2)).toEqual([253, 231, 37])
    expect(gainRgb(5, 2)).toEqual([253, 231, 37])
    expect(gainRgb(-1, 2)).toEqual([68, 1, 84])
    expect(gainRgb(1, 2)).toEqual([33, 145, 140])
    const luminance = (rgb: number[]): number => 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    for (let g = 0.1; g <= 1; g += 0.1) expect(luminance(gainRgb(g, 1))).toBeGreaterThan(luminance(gainRgb(g - 0.1, 1)))
  })
})

describe('gainTop', () => {
  it('is 1 for blurs and the largest gain for sharpen', () => {
    expect(gainTop(frequencyResponse(presetKernel('box-blur')))).toBe(1)
    expect(gainTop(frequencyResponse(presetKernel('sharpen')))).toBeCloseTo(9, 9)
  })
})

describe('profilePaths', () => {
  it('maps DC to the left edge and Nyquist to the right, gain 0 to the bottom and the top gain to the top', () => {
    const response = frequencyResponse(presetKernel('box-blur'), { size: 8 })
    const { mean, band } = profilePaths(response.profile, 200, 100, 1)
    const points = mean.split(' ').map((p) => p.slice(1).split(',').map(Number))
    expect(points).toHaveLength(5)
    expect(points[0]).toEqual([0, 0])
    expect(points[4][0]).toBe(200)
    points.forEach(([, y], i) => expect(y).toBeCloseTo(100 - response.profile[i].mean * 100, 1))
    expect(band.startsWith('M0.0,0.0')).toBe(true)
    expect(band.endsWith(' Z')).toBe(true)
    expect(band.split(' L')).toHaveLength(10)
  })
})

describe('frequencySummary', () => {
  it('tells a box blur (sidelobe), a gaussian (steady cut), sharpen (boost), an edge kernel and identity apart', () => {
    expect(frequencySummary(frequencyResponse(presetKernel('box-blur')))).toBe(
      'DC gain 1; at Nyquist 0.333 horizontally, 0.333 vertically, 0.111 diagonally: it cuts fine detail but lets some back through past its first dip (a sidelobe).'
    )
    expect(frequencySummary(frequencyResponse(presetKernel('gaussian-blur', { size: 5, sigma: 1 })))).toMatch(/: it cuts fine detail, more the finer it is\.$/)
    expect(frequencySummary(frequencyResponse(presetKernel('sharpen')))).toBe(
      'DC gain 1; at Nyquist 5 horizontally, 5 vertically, 9 diagonally: it boosts fine detail.'
    )
    expect(frequencySummary(frequencyResponse(presetKernel('sobel')))).toMatch(/^DC gain 0; .*: it blocks flat areas \(DC gain 0\) and passes changes\.$/)
    expect(frequencySummary(frequencyResponse(parseKernel('1')))).toMatch(/: it keeps detail at every scale about the same\.$/)
  })
})
