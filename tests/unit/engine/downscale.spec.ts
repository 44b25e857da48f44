// @vitest-environment node
// The area-average downscale: whole images, windows of a grid, row bands.
import { describe, expect, it } from 'vitest'
import { downscale, downscaleJob, downscaleRows, downscaleSource, downscaleTarget, downscaleWindow } from '../../../src/engine/downscale'
import type { Channels, IntImage } from '../../../src/engine/types'
import { gridIntImage } from '../../helpers/grid'

/** A deterministic w x h image with `ch` channels of busy 8-bit samples. */
function busy(w: number, h: number, ch: Channels): IntImage {
  const data = new Uint8Array(w * h * ch).map((_, i) => (i * 7919 + (i >> 3) * 31) & 255)
  return { width: w, height: h, channels: ch, depth: 8, data }
}

/** The `box` part of a width x height x ch sample array. */
function crop(data: ArrayLike<number>, width: number, ch: number, box: { x: number; y: number; width: number; height: number }): number[] {
  const out: number[] = []
  for (let y = box.y; y < box.y + box.height; y++) for (let k = box.x * ch; k < (box.x + box.width) * ch; k++) out.push(data[y * width * ch + k])
  return out
}

describe('downscale', () => {
  it('averages the source pixels that fall in each target pixel', () => {
    const image = gridIntImage('0 2 10 20\n4 6 30 40\n1 1 1 1\n3 3 3 5')
    expect(Array.from(downscale(image, 2, 2).data)).toEqual([3, 25, 2, 3])
  })

  it('weights source pixels cut by a target edge by the part inside (true area average)', () => {
    // 3 columns into 2: target 0 covers column 0 and half of column 1.
    expect(Array.from(downscale(gridIntImage('10 20 40'), 2, 1).data)).toEqual([13, 33])
    // Any sizes and channels against a float area average computed directly.
    for (const [w, h, W, H, ch] of [[37, 23, 10, 7, 3], [101, 5, 13, 4, 1], [64, 48, 63, 47, 4], [9, 9, 1, 1, 2]] as const) {
      const data = new Uint8Array(w * h * ch).map((_, i) => (i * 7919 + (i >> 3) * 31) & 255)
      const small = downscale({ width: w, height: h, channels: ch, depth: 8, data }, W, H)
      const overlap = (a0: number, a1: number, b0: number, b1: number): number => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0))
      for (let ty = 0; ty < H; ty++) {
        for (let tx = 0; tx < W; tx++) {
          for (let c = 0; c < ch; c++) {
            let sum = 0
            for (let y = 0; y < h; y++) {
              const wy = overlap(y, y + 1, (ty * h) / H, ((ty + 1) * h) / H)
              if (wy === 0) continue
              for (let x = 0; x < w; x++) sum += data[(y * w + x) * ch + c] * wy * overlap(x, x + 1, (tx * w) / W, ((tx + 1) * w) / W)
            }
            const mean = sum / ((w / W) * (h / H))
            expect(Math.abs(small.data[(ty * W + tx) * ch + c] - mean)).toBeLessThanOrEqual(0.5 + 1e-9)
          }
        }
      }
    }
  })

  it('keeps channels and 16-bit depth', () => {
    const image = gridIntImage('1000,0 3000,100\n5000,200 7000,300', { channels: 2, depth: 16 })
    const small = downscale(image, 1, 1)
    expect(small).toMatchObject({ width: 1, height: 1, channels: 2, depth: 16 })
    expect(small.data).toBeInstanceOf(Uint16Array)
    expect(Array.from(small.data)).toEqual([4000, 150])
  })
})

describe('downscaleWindow', () => {
  it('gives exactly the pixels of the whole downscale in any window, from only the source pixels it reads', () => {
    for (const [w, h, W, H, ch] of [[400, 300, 148, 111, 3], [97, 61, 50, 33, 4], [64, 64, 64, 64, 1], [1000, 7, 999, 3, 3]] as const) {
      const image = busy(w, h, ch)
      const whole = downscale(image, W, H)
      for (const win of [
        { x: 0, y: 0, width: W, height: H },
        { x: 3, y: 2, width: Math.max(1, W - 10), height: Math.max(1, H - 2) },
        { x: W - 1, y: H - 1, width: 1, height: 1 },
        { x: Math.floor(W / 3), y: 0, width: Math.ceil(W / 3), height: Math.ceil(H / 2) }
      ]) {
        const g = { full: { width: w, height: h }, grid: { width: W, height: H }, window: win }
        const need = downscaleSource(g)
        // Only the source pixels the window reads are handed over.
        const part: IntImage = { width: need.width, height: need.height, channels: ch, depth: 8, data: new Uint8Array(crop(image.data, w, ch, need)) }
        const got = downscaleWindow(part, need, g)
        expect([got.width, got.height]).toEqual([win.width, win.height])
        expect(Array.from(got.data)).toEqual(crop(whole.data, W, ch, win))
      }
    }
  })

  it('reads no source pixel outside what downscaleSource names', () => {
    const g = { full: { width: 10, height: 10 }, grid: { width: 4, height: 4 }, window: { x: 1, y: 1, width: 2, height: 2 } }
    // Target columns 1..2 cover source [2.5, 7.5): columns 2..7.
    expect(downscaleSource(g)).toEqual({ x: 2, y: 2, width: 6, height: 6 })
    const small = busy(5, 6, 1)
    expect(() => downscaleJob(small, { x: 2, y: 2 }, g)).toThrow(/does not hold it/)
    expect(() => downscaleSource({ ...g, window: { x: 3, y: 0, width: 2, height: 1 } })).toThrow(/outside the 4x4 grid/)
    expect(() => downscaleSource({ ...g, grid: { width: 11, height: 4 } })).toThrow(/cannot enlarge/)
  })

  it('gives the same samples whatever the split into row bands', () => {
    const image = { ...busy(301, 207, 3), depth: 16 as const }
    image.data = new Uint16Array(image.data.length).map((_, i) => (i * 40503) & 65535)
    const g = { full: { width: 301, height: 207 }, grid: { width: 113, height: 77 }, window: { x: 5, y: 4, width: 100, height: 70 } }
    const job = downscaleJob(image, { x: 0, y: 0 }, g)
    const once = downscaleTarget(job)
    downscaleRows(job, image.data, once, 0, 70)
    const banded = downscaleTarget(job)
    for (const [r0, r1] of [[40, 70], [0, 1], [1, 17], [17, 40]]) downscaleRows(job, image.data, banded, r0, r1)
    expect(banded).toBeInstanceOf(Uint16Array)
    expect(Array.from(banded)).toEqual(Array.from(once))
  })
})
