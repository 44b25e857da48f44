// @vitest-environment node
// Proxies and display rasters of the engine host.
import { describe, expect, it } from 'vitest'
import { fitSize, toRaster } from '../../../src/host/raster'
import { gridIntImage } from '../../helpers/grid'

describe('fitSize', () => {
  it('scales down to fit, never up, keeping the aspect ratio', () => {
    expect(fitSize(6000, 4000, 1920, 1080)).toEqual({ width: 1620, height: 1080 })
    expect(fitSize(100, 50, 1920, 1080)).toEqual({ width: 100, height: 50 })
    expect(fitSize(5000, 1, 10, 10)).toEqual({ width: 10, height: 1 })
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
