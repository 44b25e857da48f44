// @vitest-environment node
// Proxies and display rasters of the engine host.
import { describe, expect, it } from 'vitest'
import { downscale, fitSize, toRaster } from '../../../src/host/raster'
import { gridIntImage } from '../../helpers/grid'

describe('fitSize', () => {
  it('scales down to fit, never up, keeping the aspect ratio', () => {
    expect(fitSize(6000, 4000, 1920, 1080)).toEqual({ width: 1620, height: 1080 })
    expect(fitSize(100, 50, 1920, 1080)).toEqual({ width: 100, height: 50 })
    expect(fitSize(5000, 1, 10, 10)).toEqual({ width: 10, height: 1 })
  })
})

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

describe('toRaster', () => {
  it('turns grey into opaque RGBA', () => {
    expect(Array.from(toRaster(gridIntImage('7 200')).rgba)).toEqual([7, 7, 7, 255, 200, 200, 200, 255])
  })

  it('rounds 16-bit samples to the nearest 8-bit value and keeps alpha', () => {
    const image = gridIntImage('65535,128,32767,0', { channels: 4, depth: 16 })
    expect(Array.from(toRaster(image).rgba)).toEqual([255, 0, 127, 0])
  })
})
