// @vitest-environment node
// Grid previews of the engine host (a real child process): a window of the full-resolution result area-averaged
// to the zoom's grid must equal that window of the whole result shrunk by the same function, whatever the window
// (so tiles meet without seams), for any stack, and from only the pixels the window reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PreviewGrid, PreviewRegion, Raster } from '../../../src/contract/api'
import { downscale, downscaleSource } from '../../../src/engine/downscale'
import { stackOutputSize } from '../../../src/engine/geometry'
import type { FilterSpec } from '../../../src/engine/types'
import type { HostClient } from '../../../src/host/client'
import { runStack } from '../../../src/runtime/run-stack'
import { cropRaster, HEIGHT, openTextureHost, WIDTH, type TextureHost } from './texture-host'

let fixture: TextureHost
let host: HostClient
let pixels: Buffer
let requestId = 1

beforeAll(async () => {
  fixture = await openTextureHost('ks-grid-')
  ;({ host, pixels } = fixture)
})

afterAll(async () => {
  await fixture?.close()
})

/** The whole full-resolution result as RGBA (a region request for all of it). */
async function wholeResult(filters: FilterSpec[]): Promise<Raster> {
  const size = stackOutputSize(filters, WIDTH, HEIGHT)
  const res = await host.request({ type: 'preview', requestId: requestId++, filters, maxWidth: 16384, maxHeight: 16384, region: { x: 0, y: 0, ...size } })
  return res.image
}

function gridRequest(filters: FilterSpec[], grid: PreviewGrid) {
  return host.request({ type: 'preview', requestId: requestId++, filters, maxWidth: grid.window.width, maxHeight: grid.window.height, grid })
}

const STACKS: Record<string, FilterSpec[]> = {
  'no filter (the before side)': [],
  'blur then sharpen': [{ preset: 'box-blur', params: { size: 5 } }, { preset: 'sharpen' }],
  '15x15 Gaussian, reflect': [{ preset: 'gaussian-blur', params: { size: 15, sigma: 4 }, border: 'reflect' }],
  'valid mode': [{ preset: 'gaussian-blur', params: { size: 7, sigma: 2 }, mode: 'valid' }, { preset: 'unsharp-mask', border: 'wrap' }],
  'stretch (not local)': [{ preset: 'sobel', signed: 'stretch' }]
}

describe('grid previews', () => {
  for (const [name, filters] of Object.entries(STACKS)) {
    it(`equal the window of the whole result area-averaged to the grid: ${name}`, async () => {
      const whole = await wholeResult(filters)
      const image = { width: whole.width, height: whole.height, channels: 4 as const, depth: 8 as const, data: whole.rgba }
      // 37 % and 52 % of the result, rounded as the viewer rounds its grid.
      for (const s of [0.37, 0.52]) {
        const size = { width: Math.round(whole.width * s), height: Math.round(whole.height * s) }
        const shrunk = downscale(image, size.width, size.height)
        const asRaster = { width: size.width, height: size.height, rgba: shrunk.data as Uint8Array }
        const windows: PreviewRegion[] = [
          { x: 0, y: 0, width: size.width, height: size.height },
          { x: 7, y: 3, width: 40, height: 31 },
          { x: 47, y: 3, width: size.width - 47, height: 31 },
          { x: size.width - 1, y: size.height - 1, width: 1, height: 1 }
        ]
        for (const window of windows) {
          const res = await gridRequest(filters, { ...size, window })
          expect(res.exact).toBe(true)
          expect(res.grid).toEqual({ ...size, window })
          expect(res.region).toEqual(downscaleSource({ full: whole, grid: size, window }))
          expect(res.scale).toBeCloseTo(size.width / whole.width, 12)
          expect([res.image.width, res.image.height]).toEqual([window.width, window.height])
          expect(Buffer.from(res.image.rgba).equals(Buffer.from(cropRaster(asRaster, window))), `${name} at ${s}, window ${JSON.stringify(window)}`).toBe(true)
        }
      }
    })
  }

  it('stay exact through a run of kernel-cell edits, which write into the memory of the regions they push out', async () => {
    // The same 5x5 with its centre changed each time (as the kernel editor does): every edit is a new whole result
    // at fit, the cache keeps two, so from the third edit on the run writes into a dropped one's memory.
    const cell = (v: number): FilterSpec[] => [{ kernel: [[1, 4, 6, 4, 1], [4, 16, 24, 16, 4], [6, 24, v, 24, 6], [4, 16, 24, 16, 4], [1, 4, 6, 4, 1]], divisor: 256 }]
    const source = { width: WIDTH, height: HEIGHT, channels: 3 as const, depth: 8 as const, data: new Uint8Array(pixels) }
    const grid = { width: 111, height: 81, window: { x: 0, y: 0, width: 111, height: 81 } }
    const expected = async (v: number): Promise<Buffer> => {
      const small = downscale(await runStack(source, cell(v)), grid.width, grid.height)
      const rgba = Buffer.alloc(grid.width * grid.height * 4, 255)
      for (let p = 0; p < grid.width * grid.height; p++) rgba.set(small.data.subarray(p * 3, p * 3 + 3), p * 4)
      return rgba
    }
    for (const v of [36, 40, 44, 48, 52, 56, 36]) {
      const res = await gridRequest(cell(v), grid)
      expect(Buffer.from(res.image.rgba).equals(await expected(v)), `centre ${v}`).toBe(true)
    }
    // A pixel of an early edit, whose region memory has been reused since, is computed again, exactly.
    const full = await runStack(source, cell(40))
    const at = (100 * WIDTH + 150) * 3
    const { values } = await host.request({ type: 'pixel', row: 100, col: 150, filters: cell(40) })
    expect(values).toEqual(Array.from(full.data.subarray(at, at + 3)))
  })

  it('clip a window to the grid and refuse a grid larger than the result or a window outside it, in one line', async () => {
    const filters = STACKS['blur then sharpen']
    const res = await gridRequest(filters, { width: 100, height: 80, window: { x: 90, y: 70, width: 64, height: 64 } })
    expect(res.grid?.window).toEqual({ x: 90, y: 70, width: 10, height: 10 })
    await expect(gridRequest(filters, { width: 301, height: 80, window: { x: 0, y: 0, width: 10, height: 10 } })).rejects.toThrow(
      /^grid 301x80 is larger than the 300x220 result \(a grid only shrinks\)$/
    )
    await expect(gridRequest(filters, { width: 100, height: 80, window: { x: 100, y: 0, width: 10, height: 10 } })).rejects.toThrow(
      /^window 10x10 at 100,0 is outside the 100x80 grid$/
    )
    // The host is still there.
    expect((await gridRequest([], { width: 10, height: 10, window: { x: 0, y: 0, width: 10, height: 10 } })).image.width).toBe(10)
  })
})
