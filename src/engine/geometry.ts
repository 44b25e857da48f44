// Pure: the size of a stack's result. Shared by the engine host (preview regions, exports) and the renderer
// (explain frames, the status bar), so both sides compute it from one definition.
import { outputSize } from './border'
import { resolveStack, type ResolvedFilter } from './stack'
import type { FilterSpec } from './types'

export { outputSize } from './border'

/** Size of the result of `filters` on a `width` x `height` image (valid/full modes change it; disabled layers do not). */
export function stackOutputSize(filters: readonly FilterSpec[], width: number, height: number): { width: number; height: number } {
  return resolvedOutputSize(resolveStack(filters), width, height)
}

/** {@link stackOutputSize} for filters already resolved (the enabled ones, as resolveStack gives them). */
export function resolvedOutputSize(active: readonly ResolvedFilter[], width: number, height: number): { width: number; height: number } {
  let size = { width, height }
  for (const { kernel, options } of active) size = outputSize(size.height, size.width, kernel, options.mode)
  return size
}
