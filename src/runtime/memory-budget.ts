// Runs in Node (CLI, engine host): the memory a filter stack may take, and the check every run passes first.
// The estimate is the engine's (src/engine/budget.ts); the budget is this machine's: KERNEL_STUDIO_MEMORY, else
// half of its memory (or of the container's limit, when it has one).
import { constrainedMemory } from 'node:process'
import { totalmem } from 'node:os'
import { CodedError } from '../contract/errors'
import { formatBytes, stackMemory, type StackInput } from '../engine/budget'
import type { ResolvedFilter } from '../engine/stack'
import type { BitDepth, FilterSpec } from '../engine/types'
import { defaultThreads } from './pool'

/** Environment variable that sets the budget: bytes, or a size such as `4G`, `512M`. */
export const MEMORY_ENV = 'KERNEL_STUDIO_MEMORY'

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }

/** The budget in bytes and where it comes from (for the message). */
export function memoryBudget(env: NodeJS.ProcessEnv = process.env): { bytes: number; why: string } {
  const text = env[MEMORY_ENV]?.trim()
  if (text) {
    const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text)
    const bytes = m ? Number(m[1]) * UNITS[m[2].toLowerCase()] : NaN
    if (!(bytes > 0)) throw new CodedError(`${MEMORY_ENV} must be a size such as 4G or 512M, got "${text}"`, 'bad-options')
    return { bytes, why: `set by ${MEMORY_ENV}` }
  }
  const limit = constrainedMemory?.() ?? 0
  const machine = limit > 0 && limit < totalmem() ? limit : totalmem()
  return { bytes: Math.floor(machine / 2), why: `half of this machine's memory; ${MEMORY_ENV} changes it` }
}

/**
 * Throws a one-line `too-large` error when running `filters` on `image` would take more memory than the budget,
 * or would make a result over the pixel limit; returns the estimate otherwise. `active`: `filters` already
 * resolved (see stackMemory).
 */
export function checkStackMemory(image: StackInput, filters: readonly FilterSpec[], depth: BitDepth = image.depth, active?: readonly ResolvedFilter[]): number {
  const { bytes, largest } = stackMemory(image, filters, depth, defaultThreads(), active)
  const budget = memoryBudget()
  if (bytes > budget.bytes) {
    throw new CodedError(
      `this stack needs about ${formatBytes(bytes)} of memory on this ${image.width}x${image.height} image (its largest result is ` +
        `${largest.width}x${largest.height}), over the budget of ${formatBytes(budget.bytes)} (${budget.why})`,
      'too-large'
    )
  }
  return bytes
}
