// Pure: the size of a stack's result. Shared by the engine host (preview regions, exports) and the renderer
// (explain frames, the status bar), so both sides compute it from one definition.
import { outputSize } from './border'
import { resolveFilter } from './stack'
import type { FilterSpec } from './types'

export { outputSize } from './border'

/** Size of the result of `filters` on a `width` x `height` image (valid/full modes change it; disabled layers do not). */
export function stackOutputSize(filters: readonly FilterSpec[], width: number, height: number): { width: number; height: number } {
  let size = { width, height }
  for (const spec of filters) {
    if (spec.enabled === false) continue
    const { kernel, options } = resolveFilter(spec)
    size = outputSize(size.height, size.width, kernel, options.mode)
  }
  return size
}
