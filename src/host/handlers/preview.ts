// Runs in the engine host: `preview`, the exact full-resolution result of a region (by default the whole result)
// box-downscaled to fit the screen with the same function as the unfiltered side, or a window of it shrunk to the
// zoom's grid (drawn one pixel per device pixel), or, asked for while a slider moves, a quick approximate frame:
// the stack run on a screen-sized proxy of the source.
import type { PreviewGrid, PreviewRegion, PreviewResult } from '../../contract/api'
import { downscale } from '../../engine/downscale'
import { EngineError } from '../../engine/errors'
import type { OpenDocument } from '../document'
import type { PreviewRequest } from '../protocol'
import { fitSize, toRaster } from '../raster'
import type { PixelBox } from '../region'
import { hostStack, resultSize } from '../stack'

/** `region` clipped to the `size` result; a one-line error when nothing of it is inside. */
function clipRegion(region: PreviewRegion, size: { width: number; height: number }): PixelBox {
  const right = Math.min(size.width, region.x + region.width)
  const bottom = Math.min(size.height, region.y + region.height)
  if (right <= region.x || bottom <= region.y) {
    throw new EngineError(
      `region ${region.width}x${region.height} at ${region.x},${region.y} is outside the ${size.width}x${size.height} result`
    )
  }
  return { x: region.x, y: region.y, width: right - region.x, height: bottom - region.y }
}

/** `grid`'s window clipped to the grid; one-line errors for a grid larger than the `size` result or a window outside it. */
function clipGrid(grid: PreviewGrid, size: { width: number; height: number }): PreviewGrid {
  if (grid.width > size.width || grid.height > size.height) {
    throw new EngineError(`grid ${grid.width}x${grid.height} is larger than the ${size.width}x${size.height} result (a grid only shrinks)`)
  }
  const w = grid.window
  const right = Math.min(grid.width, w.x + w.width)
  const bottom = Math.min(grid.height, w.y + w.height)
  if (right <= w.x || bottom <= w.y) {
    throw new EngineError(`window ${w.width}x${w.height} at ${w.x},${w.y} is outside the ${grid.width}x${grid.height} grid`)
  }
  return { width: grid.width, height: grid.height, window: { x: w.x, y: w.y, width: right - w.x, height: bottom - w.y } }
}

/** Answers a preview request (sizes and region already checked by the API: src/api/validate.ts). */
export async function preview(doc: OpenDocument, req: PreviewRequest, signal: AbortSignal): Promise<PreviewResult> {
  const started = performance.now()
  const stack = hostStack(req.filters)
  const size = resultSize(stack, doc.image.width, doc.image.height)
  const common = { requestId: req.requestId, resultWidth: size.width, resultHeight: size.height }
  if (req.grid !== undefined) {
    // A window of the whole result shrunk to the size it is shown at: the area average of exactly the
    // full-resolution pixels under each device pixel.
    const grid = clipGrid(req.grid, size)
    const { image, box } = await doc.gridWindow(stack, { full: size, grid: { width: grid.width, height: grid.height }, window: grid.window }, signal)
    signal.throwIfAborted()
    return {
      ...common,
      image: toRaster(image),
      scale: grid.width / size.width,
      exact: true,
      region: box,
      grid,
      ms: Math.round(performance.now() - started)
    }
  }
  if (req.approximate && req.region === undefined) {
    const fit = fitSize(doc.image.width, doc.image.height, req.maxWidth, req.maxHeight)
    const proxy = doc.proxy(fit.width, fit.height)
    const out = await doc.result(proxy, stack, signal)
    signal.throwIfAborted()
    // `full` mode grows the result by each kernel's size: the frame is still fitted to the size asked.
    const frame = fitSize(out.width, out.height, req.maxWidth, req.maxHeight)
    const shown = downscale(out, frame.width, frame.height)
    const scale = (proxy.width / doc.image.width) * (shown.width / out.width)
    return { ...common, image: toRaster(shown), scale, exact: false, ms: Math.round(performance.now() - started) }
  }
  // Exact: the full-resolution pixels of the region (plus what the kernels reach), then the area average the
  // "before" side gets too (downscale), so what is drawn is the export seen at this zoom.
  const box = req.region !== undefined ? clipRegion(req.region, size) : { x: 0, y: 0, width: size.width, height: size.height }
  const fit = fitSize(box.width, box.height, req.maxWidth, req.maxHeight)
  const shown = await doc.shown(stack, box, fit, signal)
  signal.throwIfAborted()
  return {
    ...common,
    image: toRaster(shown),
    scale: shown.width / box.width,
    exact: true,
    ...(req.region !== undefined ? { region: box } : {}),
    ms: Math.round(performance.now() - started)
  }
}
