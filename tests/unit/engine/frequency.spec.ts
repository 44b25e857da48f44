// @vitest-environment node
// A kernel's frequency response against the DFT written out term by term, and the shapes a learner should see:
// identity is flat, a box blur has sidelobes, a gaussian decays, sharpen boosts the finest detail.
import { describe, expect, it } from 'vitest'
import { EngineError } from '../../../src/engine/errors'
import { frequencyResponse } from '../../../src/engine/frequency'
import type { FrequencyResponse } from '../../../src/engine/frequency'
import { flipKernel, kernelFromRows, parseKernel } from '../../../src/engine/kernel'
import { presetKernel } from '../../../src/engine/presets'
import type { Kernel } from '../../../src/engine/types'

/** |sum over taps of w[r][c] e^{-2 pi i (fy r + fx c)}| / divisor, written as the textbook DFT. */
function directMagnitude(kernel: Kernel, fy: number, fx: number): number {
  let re = 0
  let im = 0
  for (let r = 0; r < kernel.height; r++) {
    for (let c = 0; c < kernel.width; c++) {
      const angle = -2 * Math.PI * (fy * r + fx * c)
      re += kernel.weights[r * kernel.width + c] * Math.cos(angle)
      im += kernel.weights[r * kernel.width + c] * Math.sin(angle)
    }
  }
  return Math.sqrt(re * re + im * im) / Math.abs(kernel.divisor)
}

function gain(response: FrequencyResponse, ky: number, kx: number): number {
  return response.magnitude[ky * response.size + kx]
}

/** The gain along the positive horizontal axis, DC to Nyquist. */
function horizontalAxis(response: FrequencyResponse): number[] {
  const half = response.size / 2
  return Array.from({ length: half + 1 }, (_, k) => gain(response, half, (half + k) % response.size))
}

describe('frequencyResponse', () => {
  it('matches the direct DFT formula at every grid frequency of an asymmetric kernel with a divisor', () => {
    // Weights sum to 20.
    const kernel = parseKernel('3 -1 0.5 2 7; 1 0 -4 2.5 1; -2 6 1 0 3', { divisor: -7, offset: 12 })
    const response = frequencyResponse(kernel, { size: 16 })
    expect(response.size).toBe(16)
    expect(response.frequencies[0]).toBe(-0.5)
    expect(response.frequencies[8]).toBe(0)
    for (let ky = 0; ky < 16; ky++) {
      for (let kx = 0; kx < 16; kx++) {
        const expected = directMagnitude(kernel, response.frequencies[ky], response.frequencies[kx])
        expect(gain(response, ky, kx)).toBeCloseTo(expected, 12)
      }
    }
    expect(response.dcGain).toBeCloseTo(20 / -7, 14)
  })

  it('uses a 64x64 grid for small kernels and grows it with the kernel', () => {
    expect(frequencyResponse(presetKernel('sharpen')).size).toBe(64)
    expect(frequencyResponse(kernelFromRows(Array.from({ length: 33 }, () => new Array<number>(33).fill(1)))).size).toBe(128)
    expect(frequencyResponse(kernelFromRows([new Array<number>(255).fill(1)])).size).toBe(512)
  })

  it('is flip-invariant in magnitude (flipping only conjugates the response)', () => {
    const kernel = parseKernel('1 2 0; -3 1 4; 0 0 5')
    const asWritten = frequencyResponse(kernel)
    const flipped = frequencyResponse(kernel, { flip: true })
    const rotated = frequencyResponse(flipKernel(kernel))
    for (let i = 0; i < asWritten.magnitude.length; i++) {
      expect(flipped.magnitude[i]).toBeCloseTo(asWritten.magnitude[i], 12)
      expect(rotated.magnitude[i]).toBeCloseTo(asWritten.magnitude[i], 12)
    }
  })

  it('identity is flat 1 everywhere', () => {
    for (const kernel of [parseKernel('1'), parseKernel('0 0 0; 0 1 0; 0 0 0'), parseKernel('0 0 2 0 0', { divisor: 2 })]) {
      const response = frequencyResponse(kernel)
      for (const value of response.magnitude) expect(value).toBeCloseTo(1, 12)
      expect(response.dcGain).toBe(1)
      expect(response.nyquist).toEqual({ horizontal: expect.closeTo(1, 12), vertical: expect.closeTo(1, 12), diagonal: expect.closeTo(1, 12) })
      for (const bin of response.profile) {
        expect(bin.mean).toBeCloseTo(1, 12)
        expect(bin.min).toBeCloseTo(1, 12)
        expect(bin.max).toBeCloseTo(1, 12)
      }
    }
  })

  it('a box blur leaks high frequencies: its gain falls to 0 at a third of a cycle, then rises again (a sidelobe)', () => {
    const response = frequencyResponse(presetKernel('box-blur', { size: 3 }))
    // Along one axis the 3-tap box gives (1 + 2 cos 2 pi f) / 3: zero at f = 1/3, back to 1/3 at Nyquist.
    const axis = horizontalAxis(response)
    const notch = axis.indexOf(Math.min(...axis))
    expect(notch / response.size).toBeCloseTo(1 / 3, 1)
    expect(axis[axis.length - 1]).toBeCloseTo(1 / 3, 12)
    expect(axis[axis.length - 1]).toBeGreaterThan(axis[notch] + 0.3)
    expect(response.nyquist.horizontal).toBeCloseTo(1 / 3, 12)
    expect(response.nyquist.diagonal).toBeCloseTo(1 / 9, 12)
    const means = response.profile.map((bin) => bin.mean)
    const dip = means.indexOf(Math.min(...means))
    expect(dip).toBeLessThan(means.length - 1)
    expect(means[means.length - 1]).toBeGreaterThan(2 * means[dip])
  })

  it('a gaussian decays monotonically from DC to Nyquist, along the axis and ring by ring', () => {
    for (const [size, sigma] of [[3, 0.8], [5, 1], [7, 1]]) {
      const response = frequencyResponse(presetKernel('gaussian-blur', { size, sigma }))
      expect(response.dcGain).toBeCloseTo(1, 12)
      const axis = horizontalAxis(response)
      const means = response.profile.map((bin) => bin.mean)
      for (let k = 1; k < axis.length; k++) expect(axis[k]).toBeLessThan(axis[k - 1])
      for (let k = 1; k < means.length; k++) expect(means[k]).toBeLessThan(means[k - 1])
      expect(response.nyquist.horizontal).toBeLessThan(0.05)
    }
  })

  it('a gaussian cut at 2 sigma or more rises again by under 2% of DC, a box blur by a quarter or more', () => {
    const rebound = (values: readonly number[]): number => {
      let low = Infinity
      let worst = 0
      for (const value of values) {
        low = Math.min(low, value)
        worst = Math.max(worst, value - low)
      }
      return worst
    }
    for (const [size, sigma] of [[9, 2], [9, 1.5], [15, 3], [31, 5]]) {
      expect(rebound(horizontalAxis(frequencyResponse(presetKernel('gaussian-blur', { size, sigma }))))).toBeLessThan(0.02)
    }
    for (const size of [3, 5, 9]) {
      expect(rebound(horizontalAxis(frequencyResponse(presetKernel('box-blur', { size }))))).toBeGreaterThan(0.2)
    }
  })

  it('sharpen boosts high frequencies: gain 1 at DC, 5 at Nyquist along an axis, 9 on the diagonal', () => {
    const response = frequencyResponse(presetKernel('sharpen'))
    expect(response.dcGain).toBe(1)
    expect(response.nyquist.horizontal).toBeCloseTo(5, 12)
    expect(response.nyquist.vertical).toBeCloseTo(5, 12)
    expect(response.nyquist.diagonal).toBeCloseTo(9, 12)
    const means = response.profile.map((bin) => bin.mean)
    for (let k = 1; k < means.length; k++) expect(means[k]).toBeGreaterThan(means[k - 1])
  })

  it('an edge kernel blocks DC (signed DC gain 0) and its rings spread from 0 across the edge to a peak along it', () => {
    const response = frequencyResponse(presetKernel('sobel', { direction: 'right' }))
    expect(response.dcGain).toBe(0)
    const ring = response.profile[response.size / 8]
    expect(ring.min).toBeCloseTo(0, 12)
    expect(ring.max).toBeGreaterThan(1)
  })

  it('the radial profile covers DC to Nyquist, one ring per grid step, every ring non-empty', () => {
    const response = frequencyResponse(presetKernel('sharpen'), { size: 32 })
    expect(response.profile.map((bin) => bin.radius)).toEqual(Array.from({ length: 17 }, (_, k) => k / 32))
    expect(response.profile[0].count).toBe(1)
    for (const bin of response.profile) expect(bin.count).toBeGreaterThan(0)
  })

  it('a rectangular 1x3 kernel filters rows only: the gain does not change with the vertical frequency', () => {
    const response = frequencyResponse(parseKernel('1 1 1', { divisor: 3 }))
    const half = response.size / 2
    for (let ky = 0; ky < response.size; ky++) {
      expect(gain(response, ky, half)).toBeCloseTo(1, 12)
      expect(gain(response, ky, 0)).toBeCloseTo(1 / 3, 12)
    }
  })

  it('refuses grid sizes that are odd, smaller than the kernel or too large', () => {
    const kernel = parseKernel('1 2 1; 2 4 2; 1 2 1; 0 0 0; 0 0 0')
    const message = 'frequency grid size 5 must be an even whole number from 6 (the kernel\'s larger side) to 1024'
    expect(() => frequencyResponse(kernel, { size: 5 })).toThrow(new EngineError(message))
    expect(() => frequencyResponse(kernel, { size: 4 })).toThrow(EngineError)
    expect(() => frequencyResponse(kernel, { size: 2048 })).toThrow(EngineError)
    expect(frequencyResponse(kernel, { size: 6 }).size).toBe(6)
  })
})
