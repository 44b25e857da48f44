// @vitest-environment node
// Region previews of the engine host (a real child process): the visible part of the full-resolution result,
// computed on just the source pixels it depends on, must equal the same part of the whole-image result.
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PreviewRegion, Raster } from '../../../src/contract/api'
import { downscale } from '../../../src/engine/downscale'
import { stackOutputSize } from '../../../src/engine/geometry'
import { toFloat } from '../../../src/engine/image'
import { inspectPixel } from '../../../src/engine/inspect'
import { applyStack, resolveFilter } from '../../../src/engine/stack'
import type { FilterSpec } from '../../../src/engine/types'
import { HostClient, forkHost } from '../../../src/host/client'
import { decodeImage } from '../../../src/io/decode-image'
import { cropRaster, HEIGHT, openTextureHost, WIDTH, type TextureHost } from './texture-host'

let fixture: TextureHost
let host: HostClient
let photo: string

beforeAll(async () => {
  fixture = await openTextureHost('ks-region-')
  ;({ host, photo } = fixture)
})

afterAll(async () => {
  await fixture?.close()
})

/** A 15x15 kernel that is neither separable nor symmetric (integer weights, so the result is exact). */
const odd15: number[][] = Array.from({ length: 15 }, (_, i) => Array.from({ length: 15 }, (_, j) => ((i * 7 + j * 3) % 5) - 1))

const STACKS: Record<string, FilterSpec[]> = {
  'blur then sharpen': [{ preset: 'box-blur', params: { size: 5 } }, { preset: 'sharpen' }],
  '15x15 Gaussian': [{ preset: 'gaussian-blur', params: { size: 15, sigma: 4 } }],
  '15x15 custom kernel': [{ kernel: odd15, divisor: 40, border: 'reflect' }],
  'valid mode': [
    { preset: 'gaussian-blur', params: { size: 7, sigma: 2 }, mode: 'valid' },
    { preset: 'unsharp-mask', border: 'wrap' }
  ],
  'full mode and opacity': [{ preset: 'emboss', mode: 'full', border: 'zero', opacity: 0.6 }, { preset: 'box-blur', params: { size: 3 } }],
  'stretch (not local)': [{ preset: 'sobel', signed: 'stretch' }]
}

let requestId = 1

/**
 * The whole-image result as the host computes it: a region covering all of it, which the host runs on the whole
 * source (the same run, on the same kernels, as an export).
 */
async function wholeResult(filters: FilterSpec[], client = host): Promise<Raster> {
  const size = stackOutputSize(filters, WIDTH, HEIGHT)
  const region = { x: 0, y: 0, ...size }
  const res = await client.request({ type: 'preview', requestId: requestId++, filters, maxWidth: 16384, maxHeight: 16384, region })
  expect(res.scale).toBe(1)
  return res.image
}

describe('region previews', () => {
  for (const [name, filters] of Object.entries(STACKS)) {
    it(`equal the same crop of the whole-image result: ${name}`, async () => {
      const whole = await wholeResult(filters)
      const boxes: PreviewRegion[] = [
        { x: 101, y: 57, width: 64, height: 40 },
        { x: 0, y: 0, width: 37, height: 23 },
        { x: whole.width - 50, y: whole.height - 9, width: 50, height: 9 },
        { x: 0, y: 90, width: whole.width, height: 3 },
        { x: 200, y: 150, width: 1, height: 1 },
        { x: 0, y: 0, width: whole.width, height: whole.height }
      ]
      for (const box of boxes) {
        const res = await host.request({ type: 'preview', requestId: requestId++, filters, maxWidth: 4096, maxHeight: 4096, region: box })
        expect(res.region).toEqual(box)
        expect(res.scale).toBe(1)
        expect([res.resultWidth, res.resultHeight]).toEqual([whole.width, whole.height])
        expect([res.image.width, res.image.height]).toEqual([box.width, box.height])
        const same = Buffer.from(res.image.rgba).equals(Buffer.from(cropRaster(whole, box)))
        expect(same, `region ${JSON.stringify(box)}`).toBe(true)
      }
    })
  }

  it('the filters really change those regions (the comparisons mean something)', async () => {
    const source = await wholeResult([])
    for (const [name, filters] of Object.entries(STACKS)) {
      const whole = await wholeResult(filters)
      if (whole.width !== source.width) continue
      const changed = Buffer.from(whole.rgba).equals(Buffer.from(source.rgba))
      expect(changed, name).toBe(false)
    }
  })

  it('clips a region to the result and scales it down to fit the requested size', async () => {
    const filters = STACKS['blur then sharpen']
    const res = await host.request({
      type: 'preview',
      requestId: requestId++,
      filters,
      maxWidth: 60,
      maxHeight: 60,
      region: { x: 180, y: 100, width: 400, height: 400 }
    })
    expect(res.region).toEqual({ x: 180, y: 100, width: 120, height: 120 })
    expect([res.image.width, res.image.height]).toEqual([60, 60])
    expect(res.scale).toBe(0.5)
    // The exact region, averaged down: not the proxy's filter-after-downscale.
    const exact = cropRaster(await wholeResult(filters), { x: 180, y: 100, width: 120, height: 120 })
    const small = downscale({ width: 120, height: 120, channels: 4, depth: 8, data: exact }, 60, 60)
    expect(Buffer.from(res.image.rgba).equals(Buffer.from(small.data))).toBe(true)
  })

  it('are exact on an image with alpha, also where the region itself is opaque', async () => {
    const rgba = Buffer.alloc(WIDTH * HEIGHT * 4)
    const rgb = fixture.pixels
    for (let p = 0; p < WIDTH * HEIGHT; p++) {
      rgba.set(rgb.subarray(p * 3, p * 3 + 3), p * 4)
      // Transparent towards the top-left corner only.
      const x = p % WIDTH
      const y = Math.floor(p / WIDTH)
      rgba[p * 4 + 3] = x + y < 60 ? (x * 9 + y * 5) & 255 : 255
    }
    const file = join(fixture.dir, 'alpha.png')
    await sharp(rgba, { raw: { width: WIDTH, height: HEIGHT, channels: 4 } }).png().toFile(file)
    const other = new HostClient(() => forkHost())
    try {
      await other.request({ type: 'open', name: 'alpha.png', path: file })
      for (const filters of [STACKS['15x15 Gaussian'], STACKS['blur then sharpen'], [{ preset: 'gaussian-blur', params: { size: 5, sigma: 1.3 }, border: 'zero' }] as FilterSpec[]]) {
        const whole = await wholeResult(filters, other)
        for (const box of [{ x: 150, y: 100, width: 60, height: 50 }, { x: 0, y: 0, width: 40, height: 40 }]) {
          const res = await other.request({ type: 'preview', requestId: requestId++, filters, maxWidth: 4096, maxHeight: 4096, region: box })
          const same = Buffer.from(res.image.rgba).equals(Buffer.from(cropRaster(whole, box)))
          expect(same, `${JSON.stringify(filters)} region ${JSON.stringify(box)}`).toBe(true)
        }
      }
    } finally {
      other.close()
    }
  })

  it('explain a pixel exactly as on the whole image, from just the part the kernel reads', async () => {
    const source = toFloat((await decodeImage(photo)).image)
    const stacks: FilterSpec[][] = [
      [{ preset: 'box-blur', params: { size: 5 } }, { preset: 'sharpen', border: 'reflect' }],
      [{ preset: 'gaussian-blur', params: { size: 7, sigma: 2 }, mode: 'valid' }, { kernel: odd15, divisor: 40, border: 'wrap', flip: true }],
      [{ preset: 'emboss', mode: 'full', border: 'zero' }, { preset: 'box-blur', params: { size: 3 }, mode: 'full', border: 'reflect', opacity: 0.5 }],
      // Stretch: the whole image's range from the fast run (exact here: integer kernel, 8-bit source), the pixel
      // from its window.
      [{ preset: 'sobel', border: 'reflect', signed: 'stretch' }],
      // A filter after a stretch filter: its input from a part of the image, mapped by the whole image's range.
      [{ preset: 'sobel', border: 'reflect', signed: 'stretch' }, { preset: 'box-blur', params: { size: 5 }, border: 'wrap' }]
    ]
    for (const filters of stacks) {
      const index = filters.length - 1
      const input = applyStack(source, filters.slice(0, index))
      const { kernel, options } = resolveFilter(filters[index])
      const last = inspectPixel(input, kernel, { row: 0, col: 0 }, options)
      for (const [row, col] of [
        [0, 0],
        [last.outputHeight - 1, last.outputWidth - 1],
        [3, last.outputWidth - 2],
        [120, 77]
      ]) {
        const got = await host.request({ type: 'inspect', filters, index, row, col })
        expect(got, `${JSON.stringify(filters)} at ${row},${col}`).toEqual(inspectPixel(input, kernel, { row, col }, options))
      }
    }
    await expect(host.request({ type: 'inspect', filters: stacks[0], index: 1, row: HEIGHT, col: 0 })).rejects.toThrow(/^row 220 is out of range/)
  })

  it('explain a pixel after a float prefix and a stretch filter as exported: the range the export maps by', async () => {
    const filters: FilterSpec[] = [
      { preset: 'box-blur', params: { size: 3 }, mode: 'valid' },
      { kernel: odd15, divisor: 40, border: 'wrap', signed: 'stretch' }
    ]
    const after: FilterSpec[] = [...filters, { preset: 'sharpen', border: 'reflect' }]
    const wholeAfter = await wholeResult(after)
    for (const [row, col] of [
      [0, 0],
      [wholeAfter.height - 1, 5],
      [99, 150]
    ]) {
      const got = await host.request({ type: 'inspect', filters: after, index: 2, row, col })
      const at = (row * wholeAfter.width + col) * 4
      expect(got.channels.map((c) => c.value), `after the stretch, pixel ${row},${col}`).toEqual(Array.from(wholeAfter.rgba.subarray(at, at + 3)))
    }
    const whole = await wholeResult(filters)
    const source = toFloat((await decodeImage(photo)).image)
    const input = applyStack(source, filters.slice(0, 1))
    const { kernel, options } = resolveFilter(filters[1])
    const reference = inspectPixel(input, kernel, { row: 0, col: 0 }, options).range
    for (const [row, col] of [
      [0, 0],
      [whole.height - 1, whole.width - 1],
      [120, 77],
      [57, 203]
    ]) {
      const got = await host.request({ type: 'inspect', filters, index: 1, row, col })
      const at = (row * whole.width + col) * 4
      expect(got.channels.map((c) => c.value), `pixel ${row},${col}`).toEqual(Array.from(whole.rgba.subarray(at, at + 3)))
      // The blur's f32 intermediate moves the range by float rounding only.
      expect(got.range?.low).toBeCloseTo(reference?.low ?? NaN, 3)
      expect(got.range?.high).toBeCloseTo(reference?.high ?? NaN, 3)
    }
  })

  it('refuses a region outside the result with one line', async () => {
    const filters: FilterSpec[] = [{ preset: 'box-blur', params: { size: 5 }, mode: 'valid' }]
    await expect(
      host.request({ type: 'preview', requestId: requestId++, filters, maxWidth: 100, maxHeight: 100, region: { x: 296, y: 0, width: 10, height: 10 } })
    ).rejects.toThrow(/^region 10x10 at 296,0 is outside the 296x216 result$/)
    // A malformed region never reaches the host: the API refuses it (tests/unit/api/handlers.spec.ts).
  })

  it('reads exact pixel values of the result anywhere, edges included, without a whole-image render', async () => {
    for (const filters of [STACKS['15x15 custom kernel'], STACKS['valid mode'], STACKS['stretch (not local)']]) {
      const whole = await wholeResult(filters)
      for (const [row, col] of [
        [0, 0],
        [whole.height - 1, whole.width - 1],
        [63, 64],
        [64, 63],
        [100, 7]
      ]) {
        const { values } = await host.request({ type: 'pixel', row, col, filters })
        const at = (row * whole.width + col) * 4
        expect(values, `pixel ${row},${col}`).toEqual(Array.from(whole.rgba.subarray(at, at + 3)))
      }
    }
  })
})
