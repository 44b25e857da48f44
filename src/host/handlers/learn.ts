// Runs in the engine host: `learn`, the kernel that turns the open image (BEFORE) into another image of the same
// size (AFTER, sent as encoded bytes), with the map of where the fit fails.
import type { LearnedExample } from '../../contract/api'
import { kernelRows } from '../../engine/kernel'
import { learnKernel, residualMap, residualPicture } from '../../engine/learn'
import { decode } from '../codec'
import type { OpenDocument } from '../document'
import type { LearnRequest } from '../protocol'
import { toRaster } from '../raster'

/** Largest side of the residual picture sent to the UI: it shows there beside the kernel, not over the photo. */
const RESIDUAL_SIDE = 512

/** Decodes AFTER, fits the kernel against the open image and measures the residual at every valid window. */
export async function learn(doc: OpenDocument, req: LearnRequest, signal: AbortSignal): Promise<LearnedExample> {
  const after = await decode(req.bytes, req.name)
  signal.throwIfAborted()
  const result = learnKernel(doc.image, after.image, { size: req.size, perChannel: req.perChannel })
  signal.throwIfAborted()
  const map = residualMap(doc.image, after.image, result)
  const picture = residualPicture(map, RESIDUAL_SIDE)
  return {
    name: req.name,
    size: result.size,
    kernels: result.kernels.map(({ channel, kernel, rms, poorlyDetermined }) => ({
      channel,
      rows: kernelRows(kernel),
      offset: kernel.offset,
      rms,
      poorlyDetermined
    })),
    rms: result.rms,
    depth: result.depth,
    windows: result.windows,
    validWindows: result.validWindows,
    clippedSamples: result.clippedSamples,
    residual: toRaster({ width: picture.width, height: picture.height, channels: 1, depth: 8, data: picture.data }),
    residualWhite: picture.white,
    residualRms: map.rms
  }
}
