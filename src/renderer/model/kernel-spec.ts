// Runs in the renderer (pure, unit-tested in Node): between a stack layer's filter spec and the kernel it renders.
import { kernelRows } from '../../engine/kernel'
import { resolveFilter } from '../../engine/stack'
import type { FilterSpec, Kernel } from '../../engine/types'

/** The kernel a filter spec renders with (divisor/offset overrides applied), or null if the spec is invalid. */
export function specKernel(spec: FilterSpec): Kernel | null {
  try {
    return resolveFilter(spec).kernel
  } catch {
    return null
  }
}

/** The spec fields that store a kernel: rows, plus divisor/offset only when they differ from the defaults. */
export function kernelPatch(kernel: Kernel): Partial<FilterSpec> {
  return {
    kernel: kernelRows(kernel),
    divisor: kernel.divisor === 1 ? undefined : kernel.divisor,
    offset: kernel.offset === 0 ? undefined : kernel.offset
  }
}
