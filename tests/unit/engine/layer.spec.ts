// @vitest-environment node
// Layer channels: luminance-only filtering keeps the colour differences, single channels pass the others through;
// defaults take the version 1 path; out = backdrop + (blended - backdrop) x opacity x mask.
import { describe, expect, it } from 'vitest'
import { EngineError } from '../../../src/engine/errors'
import { toFloat, toInt } from '../../../src/engine/image'
import { resolveEffects } from '../../../src/engine/layer'
import { luminance } from '../../../src/engine/light'
import { applyStack, resolveFilter } from '../../../src/engine/stack'
import type { FilterSpec, IntImage } from '../../../src/engine/types'
import { runStack } from '../../../src/runtime/run-stack'
import { rng, smoothIntImage } from '../fast/helpers'

/** A colourful image that stays clear of 0 and 255, so sharpening clips nothing. */
function midImage(seed: number, width: number, height: number): IntImage {
  const random = rng(seed)
  const base = smoothIntImage(seed, width, height, 3)
  const data = base.data.map((v) => Math.round(60 + (v / 255) * 130 + random() * 4))
  return { ...base, data }
}

const colourDifferences = (image: IntImage): { ry: number[]; by: number[] } => {
  const ry: number[] = []
  const by: number[] = []
  for (let p = 0; p < image.data.length; p += 3) {
    const y = luminance(image.data[p], image.data[p + 1], image.data[p + 2])
    ry.push(image.data[p] - y)
    by.push(image.data[p + 2] - y)
  }
  return { ry, by }
}

describe('channels: luminance', () => {
  const image = midImage(3, 64, 48)
  const sharpen: FilterSpec[] = [{ preset: 'unsharp-mask', params: { size: 5, sigma: 1, amount: 1 }, channels: 'luminance' }]

  for (const path of ['reference', 'fast'] as const) {
    it(`leaves R - Y and B - Y unchanged within 1 level while Y changes (${path})`, async () => {
      const out = path === 'reference' ? toInt(applyStack(toFloat(image), sharpen)) : await runStack(image, sharpen)
      const before = colourDifferences(image)
      const after = colourDifferences(out)
      let worst = 0
      for (let i = 0; i < before.ry.length; i++) {
        worst = Math.max(worst, Math.abs(after.ry[i] - before.ry[i]), Math.abs(after.by[i] - before.by[i]))
      }
      expect(worst).toBeLessThanOrEqual(1)
      // The same kernel on every channel moves the colour differences far more.
      const rgb = colourDifferences(toInt(applyStack(toFloat(image), [{ ...sharpen[0], channels: 'rgb' }])))
      let moved = 0
      for (let i = 0; i < before.ry.length; i++) moved = Math.max(moved, Math.abs(rgb.ry[i] - before.ry[i]))
      expect(moved).toBeGreaterThan(5)
      expect(out.data).not.toEqual(image.data)
    })
  }
})

describe('channels: r, g, b', () => {
  it('filter that channel and pass the others through bit for bit', () => {
    const image = midImage(4, 20, 10)
    for (const [channels, index] of [['r', 0], ['g', 1], ['b', 2]] as const) {
      const out = toInt(applyStack(toFloat(image), [{ preset: 'box-blur', params: { size: 5 }, channels }]))
      const blurred = toInt(applyStack(toFloat(image), [{ preset: 'box-blur', params: { size: 5 } }]))
      for (let i = 0; i < out.data.length; i++) expect(out.data[i]).toBe(i % 3 === index ? blurred.data[i] : image.data[i])
    }
  })
})

describe('effects', () => {
  it('are null at their defaults, so such a filter runs exactly as in version 1', () => {
    expect(resolveEffects({ preset: 'sharpen', channels: 'rgb', light: 'encoded', blend: 'normal' })).toBeNull()
    expect(resolveFilter({ preset: 'sharpen', blend: 'screen' }).effects).toEqual({ channels: 'rgb', light: 'encoded', blend: 'screen', mask: null })
  })

  it('are checked with one-line messages', () => {
    expect(() => resolveFilter({ preset: 'sharpen', blend: 'add' as never })).toThrow(
      new EngineError('blend mode "add" is not one of normal, multiply, screen, overlay, darken, lighten, color-dodge, color-burn, hard-light, soft-light, difference, exclusion, luminosity, color')
    )
    expect(() => applyStack(toFloat(midImage(1, 4, 4)), [{ preset: 'sharpen' }, { preset: 'sharpen', channels: 'y' as never }])).toThrow(
      new EngineError('filter 2: channels "y" is not one of rgb, luminance, r, g, b')
    )
  })

  it('weigh the blended layer by opacity x mask', () => {
    // A gradient mask 0 -> 1 across a 4-pixel row, opacity 0.5, a kernel that doubles the grey value.
    const image = toFloat({ width: 4, height: 1, channels: 1, depth: 8, data: Uint8Array.of(100, 100, 100, 100) })
    const mask = { shapes: [{ type: 'gradient' as const, x0: 0, y0: 0, x1: 1, y1: 0 }] }
    const out = applyStack(image, [{ kernel: '2', opacity: 0.5, mask }])
    const expected = [0.125, 0.375, 0.625, 0.875].map((m) => 100 + (200 - 100) * 0.5 * m)
    Array.from(out.data).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4))
  })
})
