// @vitest-environment node
// The sRGB transfer function (IEC 61966-2-1) and linear-light layers.
import { describe, expect, it } from 'vitest'
import { toFloat, toInt } from '../../../src/engine/image'
import { decodeSample, encodeSample, linearToSrgb, luminance, srgbToLinear } from '../../../src/engine/light'
import { applyStack } from '../../../src/engine/stack'
import type { IntImage } from '../../../src/engine/types'
import { runStack } from '../../../src/runtime/run-stack'

describe('sRGB transfer function', () => {
  it('has the standard\'s two pieces and values', () => {
    expect(srgbToLinear(0)).toBe(0)
    expect(srgbToLinear(1)).toBeCloseTo(1, 15)
    expect(srgbToLinear(0.04045)).toBeCloseTo(0.04045 / 12.92, 15)
    expect(srgbToLinear(0.5)).toBeCloseTo(Math.pow(0.555 / 1.055, 2.4), 15)
    expect(srgbToLinear(0.5)).toBeCloseTo(0.214041, 6)
    expect(linearToSrgb(0.0031308)).toBeCloseTo(0.0031308 * 12.92, 15)
    expect(linearToSrgb(0.214041140482232)).toBeCloseTo(0.5, 12)
    expect(decodeSample(255, 255)).toBeCloseTo(255, 10)
    expect(encodeSample(decodeSample(1234, 65535), 65535)).toBeCloseTo(1234, 8)
  })

  it('weighs luminance with BT.709 (grey stays grey)', () => {
    expect(luminance(1, 0, 0)).toBe(0.2126)
    expect(luminance(0, 1, 0)).toBe(0.7152)
    expect(luminance(0, 0, 1)).toBe(0.0722)
    expect(luminance(200, 200, 200)).toBeCloseTo(200, 12)
  })
})

describe('linear light', () => {
  const every8: IntImage = { width: 256, height: 1, channels: 3, depth: 8, data: Uint8Array.from({ length: 768 }, (_, i) => Math.floor(i / 3)) }
  const every16: IntImage = { width: 256, height: 256, channels: 1, depth: 16, data: Uint16Array.from({ length: 65536 }, (_, i) => i) }
  const identity = [{ kernel: '0 0 0; 0 1 0; 0 0 0', light: 'linear' as const }]

  it('round-trips an unfiltered image exactly, every 8- and 16-bit value, in the reference', () => {
    for (const image of [every8, every16]) expect(toInt(applyStack(toFloat(image), identity)).data).toEqual(image.data)
  })

  it('round-trips exactly on the fast paths too', async () => {
    for (const image of [every8, every16]) expect((await runStack(image, identity)).data).toEqual(image.data)
  })

  it('keeps a blurred highlight brighter than blurring the stored values does', () => {
    // A white line on black, blurred: the mean in light is brighter once encoded.
    const line: IntImage = { width: 3, height: 1, channels: 1, depth: 8, data: Uint8Array.of(0, 255, 0) }
    const blur = { kernel: '1 1 1', divisor: 3 }
    const encoded = toInt(applyStack(toFloat(line), [blur])).data[0]
    const linear = toInt(applyStack(toFloat(line), [{ ...blur, light: 'linear' }])).data[0]
    expect(encoded).toBe(85)
    expect(linear).toBe(Math.round(linearToSrgb(1 / 3) * 255))
    expect(linear).toBeGreaterThan(150)
  })
})
