// Runs in the engine host: `histogram`, the counts of the source (before) and of the stack's full-resolution result
// (after), with engine/histogram.ts: the same numbers as `kernel-studio inspect --histogram`.
import { computeHistogram, type Histogram } from '../../engine/histogram'
import type { OpenDocument } from '../document'
import type { HistogramRequest } from '../protocol'
import { hostStack } from '../stack'

/** Before and after histograms; the result is the document's cached full-size result when the preview made it. */
export async function histogram(doc: OpenDocument, req: HistogramRequest, signal: AbortSignal): Promise<{ before: Histogram; after: Histogram }> {
  const before = computeHistogram(doc.image)
  const after = computeHistogram(await doc.result(doc.image, hostStack(req.filters), signal))
  return { before, after }
}
