// @vitest-environment node
// Regions of a stack's result: the source crop a region depends on, checked against the whole-image result of the
// reference engine for every border, output mode, flip, opacity and alpha handling.
import { describe, expect, it } from 'vitest'
import { applyStack, resolveStack } from '../../../src/engine/stack'
import type { Border, Channels, FilterSpec, FloatImage, IntImage, OutputMode } from '../../../src/engine/types'
import { cropFloat, cropImage } from '../../../src/host/raster'
import { planRegion as planResolved, type PixelBox, type RegionPlan } from '../../../src/host/region'
import { stackOutputSize } from '../../../src/engine/geometry'
import { gridIntImage } from '../../helpers/grid'
import { rng } from '../../helpers/random'

/** planRegion of the stack `filters` (resolved here, as the host resolves a request's stack once). */
const planRegion = (filters: readonly FilterSpec[], width: number, height: number, box: PixelBox): RegionPlan | null =>
  planResolved(resolveStack(filters), width, height, box)

function floatImage(width: number, height: number, channels: Channels, rnd: () => number): FloatImage {
  const data = new Float32Array(width * height * channels)
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rnd() * 256)
  // Some transparent pixels, so premultiplied alpha matters.
  if (channels === 4) for (let p = 0; p < width * height; p += 3) data[p * 4 + 3] = Math.floor(rnd() * 256)
  return { width, height, channels, depth: 8, data }
}

const BORDERS: readonly Border[] = ['extend', 'reflect', 'wrap', 'zero']
const MODES: readonly OutputMode[] = ['same', 'same', 'valid', 'full']

function randomFilter(rnd: () => number): FilterSpec {
  const h = 1 + 2 * Math.floor(rnd() * 6)
  const w = 1 + 2 * Math.floor(rnd() * 6)
  const kernel = Array.from({ length: h }, () => Array.from({ length: w }, () => Math.round(rnd() * 8 - 3)))
  const sum = kernel.flat().reduce((a, b) => a + b, 0)
  return {
    kernel,
    divisor: sum > 0 && rnd() < 0.7 ? sum : undefined,
    border: BORDERS[Math.floor(rnd() * BORDERS.length)],
    mode: MODES[Math.floor(rnd() * MODES.length)],
    flip: rnd() < 0.3,
    opacity: rnd() < 0.25 ? 0.5 : 1,
    signed: rnd() < 0.2 ? 'abs' : 'clamp',
    keepAlpha: rnd() < 0.2,
    enabled: rnd() < 0.9
  }
}

/** Renders `box` of the stack's result through the plan and compares it with the same box of the whole result. */
function expectRegionExact(image: FloatImage, filters: readonly FilterSpec[], box: PixelBox): void {
  const plan = planRegion(filters, image.width, image.height, box)
  if (!plan) throw new Error('expected a local stack')
  const { crop, offset } = plan
  expect(crop.x).toBeGreaterThanOrEqual(0)
  expect(crop.y).toBeGreaterThanOrEqual(0)
  expect(crop.x + crop.width).toBeLessThanOrEqual(image.width)
  expect(crop.y + crop.height).toBeLessThanOrEqual(image.height)
  const part = applyStack(cropFloat(image, crop), filters)
  const whole = applyStack(image, filters)
  expect(cropFloat(part, { ...offset, width: box.width, height: box.height }).data).toEqual(cropFloat(whole, box).data)
}

describe('planRegion', () => {
  it('crops the region plus the reach of every kernel, away from the edges', () => {
    const filters: FilterSpec[] = [{ preset: 'box-blur', params: { size: 5 } }, { preset: 'sharpen' }]
    expect(planRegion(filters, 100, 80, { x: 40, y: 30, width: 10, height: 5 })).toEqual({
      crop: { x: 37, y: 27, width: 16, height: 11 },
      offset: { x: 3, y: 3 }
    })
  })

  it('reaches to the edge of the image where the kernels read past it', () => {
    const plan = planRegion([{ preset: 'box-blur', params: { size: 5 } }], 100, 80, { x: 1, y: 70, width: 10, height: 10 })
    expect(plan).toEqual({ crop: { x: 0, y: 68, width: 13, height: 12 }, offset: { x: 1, y: 2 } })
  })

  it('takes the whole axis for a wrapping border at the edge', () => {
    const plan = planRegion([{ preset: 'box-blur', params: { size: 3 }, border: 'wrap' }], 100, 80, { x: 0, y: 40, width: 10, height: 10 })
    expect(plan?.crop).toEqual({ x: 0, y: 39, width: 100, height: 12 })
  })

  it('maps result coordinates of valid and full output back to the source', () => {
    // valid: result (x, y) reads source x .. x + 4; full: result x reads source x - 4 .. x.
    expect(planRegion([{ preset: 'box-blur', params: { size: 5 }, mode: 'valid' }], 100, 80, { x: 10, y: 10, width: 5, height: 5 })).toEqual({
      crop: { x: 10, y: 10, width: 9, height: 9 },
      offset: { x: 0, y: 0 }
    })
    expect(planRegion([{ preset: 'box-blur', params: { size: 5 }, mode: 'full' }], 100, 80, { x: 10, y: 10, width: 5, height: 5 })).toEqual({
      crop: { x: 6, y: 6, width: 9, height: 9 },
      offset: { x: 4, y: 4 }
    })
  })

  it('refuses stacks that are not local (stretch maps by the whole image)', () => {
    expect(planRegion([{ preset: 'sobel', signed: 'stretch' }], 50, 50, { x: 0, y: 0, width: 5, height: 5 })).toBeNull()
    // ... unless that filter is disabled.
    expect(planRegion([{ preset: 'sobel', signed: 'stretch', enabled: false }], 50, 50, { x: 0, y: 0, width: 5, height: 5 })).not.toBeNull()
  })

  it('refuses masked layers (a mask is placed in fractions of the whole image) but not other layer effects', () => {
    const mask = { shapes: [{ type: 'rect' as const, x: 0.5, y: 0, width: 0.5, height: 1 }] }
    expect(planRegion([{ preset: 'sharpen', mask }], 50, 50, { x: 0, y: 0, width: 5, height: 5 })).toBeNull()
    expect(planRegion([{ preset: 'sharpen', blend: 'overlay', channels: 'luminance', light: 'linear' }], 50, 50, { x: 0, y: 0, width: 5, height: 5 })).not.toBeNull()
  })

  it('gives exactly the whole result\'s pixels for random stacks, regions, borders and modes', () => {
    const rnd = rng(20261123)
    let checked = 0
    for (let trial = 0; trial < 600; trial++) {
      const channels = ([1, 3, 4] as const)[Math.floor(rnd() * 3)]
      // Small images, so kernels often reach past both edges (and fold, for reflect).
      const image = floatImage(3 + Math.floor(rnd() * 25), 3 + Math.floor(rnd() * 25), channels, rnd)
      const filters = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => randomFilter(rnd))
      let size: { width: number; height: number }
      try {
        size = stackOutputSize(filters, image.width, image.height)
      } catch {
        continue // a valid-mode kernel larger than the image: no result to compare
      }
      // Regions at an edge a third of the time each, small regions often.
      const pick = (length: number): [number, number] => {
        const at = rnd() < 0.33 ? 0 : Math.floor(rnd() * length)
        const to = rnd() < 0.33 ? length : at + 1 + Math.floor(rnd() * Math.min(4, length - at))
        return [at, Math.min(length, to) - at]
      }
      const [x, width] = pick(size.width)
      const [y, height] = pick(size.height)
      const box = { x, y, width, height }
      expectRegionExact(image, filters, box)
      checked++
    }
    expect(checked).toBeGreaterThan(400)
  })

  it('handles kernels larger than the image with a reflecting border', () => {
    const image = floatImage(5, 4, 3, rng(7))
    const filters: FilterSpec[] = [
      { preset: 'box-blur', params: { size: 9 }, border: 'reflect' },
      { preset: 'sharpen', border: 'reflect' }
    ]
    expectRegionExact(image, filters, { x: 0, y: 0, width: 1, height: 1 })
    expectRegionExact(image, filters, { x: 4, y: 3, width: 1, height: 1 })
    expectRegionExact(image, [{ preset: 'box-blur', params: { size: 3 }, mode: 'full', border: 'reflect' }], { x: 0, y: 0, width: 1, height: 1 })
  })
})

describe('stackOutputSize', () => {
  it('follows valid and full output through the stack and skips disabled filters', () => {
    const filters: FilterSpec[] = [
      { preset: 'box-blur', params: { size: 5 }, mode: 'valid' },
      { preset: 'sharpen', mode: 'full' },
      { preset: 'box-blur', params: { size: 9 }, mode: 'valid', enabled: false }
    ]
    expect(stackOutputSize(filters, 40, 30)).toEqual({ width: 38, height: 28 })
  })
})

describe('cropImage', () => {
  it('copies a block of rows and keeps channels and depth', () => {
    const image: IntImage = gridIntImage('1 2 3 4\n5 6 7 8\n9 10 11 12', { depth: 16 })
    const block = cropImage(image, 1, 1, 2, 2)
    expect(block).toMatchObject({ width: 2, height: 2, channels: 1, depth: 16 })
    expect(Array.from(block.data)).toEqual([6, 7, 10, 11])
    expect(cropImage(image, 0, 0, 4, 3)).toBe(image)
    expect(() => cropImage(image, 3, 0, 2, 1)).toThrow(/outside the 4x3 image/)
  })
})
