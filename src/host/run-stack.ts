// Runs in Node (CLI, engine host, serve mode): the one entry point that applies a filter stack to a decoded image.
import { applyStack } from '../engine/stack'
import { toFloat, toInt } from '../engine/image'
import type { BitDepth, FilterSpec, IntImage } from '../engine/types'

/** Options for {@link runStack}. */
export interface RunStackOptions {
  /** Aborts the run; the promise then rejects with an AbortError. */
  readonly signal?: AbortSignal
  /** Called with the finished fraction, 0..1. */
  readonly onProgress?: (fraction: number) => void
  /** Output bit depth. @default the input's depth */
  readonly depth?: BitDepth
}

/**
 * Applies `filters` to `image` and returns the rounded, clamped result.
 * This is the seam the performance work replaces (WASM SIMD, workers); callers never change.
 */
export async function runStack(
  image: IntImage,
  filters: readonly FilterSpec[],
  options: RunStackOptions = {}
): Promise<IntImage> {
  options.signal?.throwIfAborted()
  const result = applyStack(toFloat(image), filters, {
    onProgress: options.onProgress,
    signal: options.signal
  })
  return toInt(result, options.depth ?? image.depth)
}
