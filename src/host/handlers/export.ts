// Runs in the engine host: `export`, the stack at full resolution encoded in the chosen format.
import type { OpenDocument } from '../document'
import { encode, exportDepth } from '../codec'
import type { EncodeRequest, EncodeResult } from '../protocol'
import { runStack } from '../../runtime/run-stack'

/** Runs the stack on the whole image and encodes it; `progress` gets 0, then the run's fractions, then 1. */
export async function exportImage(
  doc: OpenDocument,
  req: EncodeRequest,
  signal: AbortSignal,
  progress: (fraction: number) => void
): Promise<EncodeResult> {
  // Settings are checked before the (long) run, and the stack rounds straight to the output depth.
  const depth = exportDepth(req.format, { quality: req.quality, depth: req.depth }, doc.image.depth)
  progress(0)
  const image = await runStack(doc.image, req.filters, { signal, depth, onProgress: (f) => progress(f * 0.9) })
  signal.throwIfAborted()
  const { bytes, notes } = await encode(image, req.format, { quality: req.quality, depth, icc: doc.icc, name: doc.info.name })
  progress(1)
  return { bytes, width: image.width, height: image.height, depth, notes: [...notes] }
}
