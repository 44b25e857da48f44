// Runs in the renderer: rasters turned into canvases the viewer can draw, once each; big rasters are converted in
// slices off the input path so the UI never freezes.
import type { Raster } from '../../../contract/api'
import { rasterImageData } from '../common/raster-image-data'

/** Rasters up to this many pixels are converted at once (a window-sized proxy takes a few milliseconds). */
const SYNC_PIXELS = 1_500_000
/** Edge of the tiles big rasters are converted in, one slice of work at a time. */
const TILE = 512
/** Main-thread time spent converting tiles before yielding to input and painting. */
const SLICE_MS = 10

/** One converted piece of a raster: a canvas holding raster pixels (x, y, width, height). */
export interface RasterTile {
  readonly canvas: HTMLCanvasElement
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/** A raster ready to draw: one tile for small rasters, a grid of tiles for big ones. */
export interface RasterDrawable {
  readonly width: number
  readonly height: number
  readonly tiles: readonly RasterTile[]
}

function tileOf(raster: Raster, x: number, y: number, width: number, height: number): RasterTile {
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const ctx = canvas.getContext('2d')
  if (x === 0 && y === 0 && width === raster.width && height === raster.height) {
    ctx?.putImageData(rasterImageData(raster), 0, 0)
  } else {
    const rows = new Uint8ClampedArray(width * height * 4)
    const src = raster.rgba
    for (let r = 0; r < height; r++) {
      const from = ((y + r) * raster.width + x) * 4
      rows.set(src.subarray(from, from + width * 4), r * width * 4)
    }
    ctx?.putImageData(new ImageData(rows, width, height), 0, 0)
  }
  return { canvas, x, y, width, height }
}

/**
 * Converts rasters to drawables, once each. Small ones at once; big ones (a full-resolution 24 MP result)
 * tile by tile in short slices, so the UI never freezes; `onReady` is called when such a conversion finishes.
 * Returns null while a raster is still being converted.
 */
export function createRasterCache(onReady: () => void): (raster: Raster) => RasterDrawable | null {
  const cache = new WeakMap<Raster, RasterDrawable | 'pending'>()
  return (raster) => {
    const hit = cache.get(raster)
    if (hit === 'pending') return null
    if (hit) return hit
    if (raster.width * raster.height <= SYNC_PIXELS) {
      const drawable = { width: raster.width, height: raster.height, tiles: [tileOf(raster, 0, 0, raster.width, raster.height)] }
      cache.set(raster, drawable)
      return drawable
    }
    cache.set(raster, 'pending')
    const todo: [number, number][] = []
    for (let y = 0; y < raster.height; y += TILE) for (let x = 0; x < raster.width; x += TILE) todo.push([x, y])
    const tiles: RasterTile[] = []
    const step = (): void => {
      const until = performance.now() + SLICE_MS
      while (todo.length > 0 && performance.now() < until) {
        const [x, y] = todo.shift() as [number, number]
        tiles.push(tileOf(raster, x, y, Math.min(TILE, raster.width - x), Math.min(TILE, raster.height - y)))
      }
      if (todo.length > 0) {
        setTimeout(step, 0)
        return
      }
      cache.set(raster, { width: raster.width, height: raster.height, tiles })
      onReady()
    }
    setTimeout(step, 0)
    return null
  }
}
