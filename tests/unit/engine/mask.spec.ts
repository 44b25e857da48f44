// @vitest-environment node
// Layer masks: shape geometry in fractions of the image, combination, feathering against an exact gaussian, and a
// rect mask leaving everything outside it bit for bit (reference and fast paths).
import { describe, expect, it } from 'vitest'
import { EngineError } from '../../../src/engine/errors'
import { toFloat } from '../../../src/engine/image'
import { checkMask, maskRow, planMask, rasterMask, type LayerMask, type MaskShape, type MaskSpan } from '../../../src/engine/mask'
import type { FilterSpec, IntImage } from '../../../src/engine/types'
import { runStack } from '../../../src/runtime/run-stack'
import { randomIntImage, referenceResult } from '../fast/helpers'

const raster = (mask: LayerMask, width: number, height: number, lum?: (x: number, y: number) => number): number[][] => {
  const data = rasterMask(mask, width, height, lum ? (y, out) => out.forEach((_, x) => (out[x] = lum(x, y))) : null)
  return Array.from({ length: height }, (_, y) => Array.from(data.subarray(y * width, (y + 1) * width)))
}
const one = (shape: MaskShape): LayerMask => ({ shapes: [shape] })

describe('mask shapes', () => {
  it('rect: the pixels whose centre is inside, in fractions of width and height', () => {
    const m = raster(one({ type: 'rect', x: 0.2, y: 0.3, width: 0.5, height: 0.4 }), 10, 10)
    for (let y = 0; y < 10; y++) for (let x = 0; x < 10; x++) expect(m[y][x]).toBe(x >= 2 && x <= 6 && y >= 3 && y <= 6 ? 1 : 0)
  })

  it('ellipse: rx a fraction of the width, ry of the height', () => {
    const m = raster(one({ type: 'ellipse', cx: 0.5, cy: 0.5, rx: 0.25, ry: 0.5 }), 8, 4)
    // Centre x = 4, radius 2 pixels; centre y = 2, radius 2 pixels.
    expect(m[1]).toEqual([0, 0, 1, 1, 1, 1, 0, 0])
    expect(m[0]).toEqual([0, 0, 0, 1, 1, 0, 0, 0])
  })

  it('gradient: 0 at the first point, 1 at the second, linear in between', () => {
    const m = raster(one({ type: 'gradient', x0: 0, y0: 0, x1: 1, y1: 0 }), 4, 1)
    expect(m[0]).toEqual([0.125, 0.375, 0.625, 0.875])
  })

  it('brush: full strength within hardness x radius, linear to 0 at the radius (radius of the shorter side)', () => {
    const m = raster(one({ type: 'brush', points: [[0.5, 0.5]], radius: 0.4, hardness: 0.5 }), 20, 10)
    // Radius 4 pixels around (10, 5); pixel centres sit at half pixels.
    expect(m[4][9]).toBe(1)
    expect(m[4][12]).toBeCloseTo((4 - Math.hypot(2.5, 0.5)) / 2, 6)
    expect(m[4][15]).toBe(0)
    const stroke = raster(one({ type: 'brush', points: [[0.1, 0.5], [0.9, 0.5]], radius: 0.1, hardness: 1 }), 20, 10)
    expect(stroke[4].slice(2, 18).every((v) => v === 1)).toBe(true)
    expect(stroke[2][10]).toBe(0)
  })

  it('tones: the input luminance in from..to, soft edges beyond', () => {
    const m = raster(one({ type: 'tones', from: 0.4, to: 0.6, soft: 0.2 }), 5, 1, (x) => [0.1, 0.3, 0.5, 0.7, 0.9][x])
    m[0].forEach((v, i) => expect(v).toBeCloseTo([0, 0.5, 1, 0.5, 0][i], 6))
  })

  it('combines shapes by their maximum, erasing brushes take away, invert flips', () => {
    const shapes: MaskShape[] = [
      { type: 'gradient', x0: 0, y0: 0, x1: 1, y1: 0 },
      { type: 'rect', x: 0, y: 0, width: 0.25, height: 1 },
      { type: 'brush', points: [[0.875, 0.5]], radius: 0.4, erase: true }
    ]
    expect(raster({ shapes }, 4, 1)[0]).toEqual([1, 0.375, 0.625, 0])
    expect(raster({ shapes, invert: true }, 4, 1)[0]).toEqual([0, 0.625, 0.375, 1])
  })
})

const mirror = (i: number, n: number): number => {
  const period = 2 * n
  const j = ((i % period) + period) % period
  return j < n ? j : period - 1 - j
}

describe('feathering', () => {
  /** The exact gaussian blur of the unfeathered mask (sampled kernel out to 6 sigma, mirrored past the edges). */
  function exactFeather(mask: LayerMask, width: number, height: number): Float32Array {
    const hard = rasterMask({ ...mask, feather: 0 }, width, height, null)
    const sigma = (mask.feather ?? 0) * Math.min(width, height)
    const radius = Math.ceil(6 * sigma)
    const w = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)))
    const total = w.reduce((a, b) => a + b, 0)
    const pass = (src: Float64Array, horizontal: boolean): Float64Array => {
      const out = new Float64Array(src.length)
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          let sum = 0
          for (let k = -radius; k <= radius; k++) {
            const xx = horizontal ? mirror(x + k, width) : x
            const yy = horizontal ? y : mirror(y + k, height)
            sum += w[k + radius] * src[yy * width + xx]
          }
          out[y * width + x] = sum / total
        }
      }
      return out
    }
    return Float32Array.from(pass(pass(Float64Array.from(hard), true), false))
  }

  const shapes: MaskShape[] = [
    { type: 'rect', x: 0.1, y: 0.2, width: 0.4, height: 0.5 },
    { type: 'ellipse', cx: 0.7, cy: 0.6, rx: 0.15, ry: 0.25 },
    { type: 'brush', points: [[0.2, 0.9], [0.9, 0.1]], radius: 0.02, hardness: 0.3 }
  ]
  for (const feather of [0.005, 0.05, 0.1, 0.15, 0.3]) {
    it(`is a gaussian of sigma = feather x shorter side within 0.002 (feather ${feather})`, () => {
      const width = 240
      const height = 160
      const mask = { shapes, feather }
      const got = rasterMask(mask, width, height, null)
      const want = exactFeather(mask, width, height)
      let worst = 0
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]))
      expect(worst).toBeLessThan(0.002)
    })
  }

  it('gives the same values and spans from the rows kept between runs as when it made them', () => {
    // A size no other test uses, so the first pass makes every row and the second takes them all from the kept ones.
    const width = 251
    const height = 173
    const plan = planMask({ shapes, feather: 0.05 }, width, height, null)
    expect(plan.coarse?.key).not.toBe('')
    const pass = (order: number[]): { values: Float32Array; spans: MaskSpan[] } => {
      const values = new Float32Array(width * height)
      const spans: MaskSpan[] = []
      for (const y of order) {
        const span = { start: 0, end: 0, onesStart: 0, onesEnd: 0 }
        maskRow(plan, y, values.subarray(y * width, (y + 1) * width), null, null, span)
        spans[y] = span
      }
      return { values, spans }
    }
    const rows = Array.from({ length: height }, (_, y) => y)
    const made = pass(rows)
    const kept = pass(rows.reverse())
    expect(kept.spans).toEqual(made.spans)
    expect(Buffer.from(kept.values.buffer).equals(Buffer.from(made.values.buffer))).toBe(true)
    expect(made.spans.some((s) => s.onesEnd > s.onesStart) && made.spans.some((s) => s.start > 0)).toBe(true)
  })
})

describe('checkMask', () => {
  it('names the problem in one line', () => {
    const fails = (mask: unknown, message: string): void => expect(() => checkMask(mask as LayerMask)).toThrow(new EngineError(message))
    fails({ shapes: 'x' }, 'a mask is {"shapes": [...], "feather": 0, "invert": false}')
    fails({ shapes: [], feather: 2 }, 'mask feather must be a number from 0 to 1, got 2')
    fails({ shapes: [{ type: 'star' }] }, 'mask shapes[0].type must be one of rect, ellipse, gradient, brush, tones')
    fails({ shapes: [{ type: 'rect', x: 0, y: 0, width: -1, height: 1 }] }, 'mask shapes[0].width must be a number of at least 0, got -1')
    fails({ shapes: [{ type: 'brush', points: [[0]], radius: 1 }] }, 'mask shapes[0].points[0] must be [x, y]')
  })
})

describe('a rect mask with feather 0', () => {
  const rect: LayerMask = { shapes: [{ type: 'rect', x: 0.25, y: 0.2, width: 0.5, height: 0.5 }] }
  const filters: FilterSpec[] = [{ preset: 'gaussian-blur', params: { size: 7, sigma: 2 }, blend: 'overlay', channels: 'luminance', mask: rect }]
  const outside = (x: number, y: number, width: number, height: number): boolean =>
    !(x + 0.5 >= 0.25 * width && x + 0.5 < 0.75 * width && y + 0.5 >= 0.2 * height && y + 0.5 < 0.7 * height)

  const check = (image: IntImage, result: IntImage): void => {
    const c = image.channels
    let changed = 0
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const p = (y * image.width + x) * c
        const same = Array.from({ length: c }, (_, k) => result.data[p + k] === image.data[p + k]).every(Boolean)
        if (outside(x, y, image.width, image.height)) expect(same, `pixel ${x},${y}`).toBe(true)
        else if (!same) changed++
      }
    }
    expect(changed).toBeGreaterThan(0)
  }

  for (const [channels, depth] of [[3, 8], [4, 16], [1, 8]] as const) {
    it(`leaves every pixel outside bit for bit: ${channels} channels, ${depth}-bit, reference and fast paths`, async () => {
      const image = randomIntImage(5, 41, 30, channels, depth)
      if (channels === 4) for (let p = 3; p < image.data.length; p += 4) image.data[p] = Math.max(image.data[p], 1000)
      check(image, referenceResult(image, filters))
      check(image, await runStack(image, filters))
      expect(toFloat(image).data.length).toBe(image.data.length)
    })
  }
})
