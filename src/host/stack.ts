// Runs in the engine host: a request's filter stack, resolved once for everything the request computes from it.
import { resolvedOutputSize } from '../engine/geometry'
import { resolveStack, type ResolvedFilter } from '../engine/stack'
import type { FilterSpec } from '../engine/types'

/** A request's stack: as sent (runStack takes it so), its enabled filters resolved, and its cache key. */
export interface HostStack {
  readonly filters: readonly FilterSpec[]
  readonly active: readonly ResolvedFilter[]
  /** What identifies its result: the enabled filters (disabled ones change nothing). */
  readonly key: string
}

/** Resolves `filters` once; throws the stack's one-line EngineError for a bad filter. */
export function hostStack(filters: readonly FilterSpec[]): HostStack {
  const enabled = filters.filter((f) => f.enabled !== false)
  return { filters, active: resolveStack(filters), key: JSON.stringify(enabled) }
}

/** Size of the stack's result on a `width` x `height` source. */
export function resultSize(stack: HostStack, width: number, height: number): { width: number; height: number } {
  return resolvedOutputSize(stack.active, width, height)
}
