// Runs in the renderer (pure helpers, unit-tested in Node): the kernel editor's text cells <-> kernels.
import { EngineError } from '../../engine/errors'
import { kernelFromRows, kernelToText, MAX_KERNEL_MAGNITUDE, parseNumber } from '../../engine/kernel'
import type { Kernel } from '../../engine/types'

/** Largest height or width the cell grid shows; bigger kernels are edited as text (the engine allows more). */
export const GRID_LIMIT = 21

/** The editor's text state: what the user typed, valid or not. */
export interface KernelDraft {
  readonly cells: readonly (readonly string[])[]
  readonly divisor: string
  readonly offset: string
}

/** A draft checked cell by cell. */
export interface CheckedDraft {
  /** The kernel when every cell, the divisor and the offset are valid; otherwise null (never applied). */
  readonly kernel: Kernel | null
  /** Per cell: null, or why the text is not a number. */
  readonly cellErrors: readonly (readonly (string | null)[])[]
  readonly divisorError: string | null
  readonly offsetError: string | null
  /** Number of invalid fields. */
  readonly errorCount: number
}

/** One weight as text: exact fractions as `n/d` (1/9 reads better than 0.1111111111111111). */
export function formatWeight(value: number): string {
  return kernelToText({ width: 1, height: 1, weights: [value], divisor: 1, offset: 0 })
}

/** The draft showing a kernel. */
export function draftFromKernel(kernel: Kernel): KernelDraft {
  const cells: string[][] = []
  for (let r = 0; r < kernel.height; r++) {
    cells.push(kernel.weights.slice(r * kernel.width, (r + 1) * kernel.width).map(formatWeight))
  }
  return { cells, divisor: formatWeight(kernel.divisor), offset: formatWeight(kernel.offset) }
}

function message(error: unknown): string {
  return error instanceof EngineError ? error.message : String(error)
}

/** One weight or offset: a number within the engine's range, so the message sits under the field that is wrong. */
function parseField(text: string): number {
  const value = parseNumber(text)
  if (Math.abs(value) > MAX_KERNEL_MAGNITUDE) throw new EngineError(`${text.trim()} is out of range: at most 1e9 either way`)
  return value
}

/** Parses every field; a bad field gets its own one-line message instead of stopping at the first. */
export function checkDraft(draft: KernelDraft): CheckedDraft {
  let errorCount = 0
  const values: number[][] = []
  const cellErrors = draft.cells.map((row, r) => {
    values.push([])
    return row.map((text) => {
      try {
        values[r].push(parseField(text))
        return null
      } catch (error) {
        errorCount++
        values[r].push(Number.NaN)
        return text.trim() === '' ? 'empty: type a number such as 0, -2 or 1/9' : message(error)
      }
    })
  })
  let divisor = 1
  let divisorError: string | null = null
  try {
    divisor = parseNumber(draft.divisor)
    if (divisor === 0) divisorError = 'the divisor must not be 0'
  } catch (error) {
    divisorError = draft.divisor.trim() === '' ? 'empty: type a number such as 1 or 16' : message(error)
  }
  let offset = 0
  let offsetError: string | null = null
  try {
    offset = parseField(draft.offset)
  } catch (error) {
    offsetError = draft.offset.trim() === '' ? 'empty: type a number such as 0 or 128' : message(error)
  }
  if (divisorError) errorCount++
  if (offsetError) errorCount++
  let kernel: Kernel | null = null
  if (errorCount === 0) {
    try {
      kernel = kernelFromRows(values, { divisor, offset })
    } catch (error) {
      // Sizes are kept odd and cells checked above, so what is left is the divisor's range (1e-9 to 1e9).
      divisorError = message(error)
      errorCount++
    }
  }
  return { kernel, cellErrors, divisorError, offsetError, errorCount }
}

/**
 * Grows or shrinks the cell grid symmetrically, one row/column on each side per step, so sizes stay odd and
 * the centre stays the centre. New cells are `0`; never below 1 or above {@link GRID_LIMIT}.
 */
export function resizeCells(cells: readonly (readonly string[])[], rowSteps: number, colSteps: number): string[][] {
  const height = cells.length
  const width = cells[0]?.length ?? 0
  const newHeight = Math.max(1, Math.min(GRID_LIMIT, height + 2 * rowSteps))
  const newWidth = Math.max(1, Math.min(GRID_LIMIT, width + 2 * colSteps))
  const dr = (newHeight - height) / 2
  const dc = (newWidth - width) / 2
  const out: string[][] = []
  for (let r = 0; r < newHeight; r++) {
    const row: string[] = []
    for (let c = 0; c < newWidth; c++) {
      const sr = r - dr
      const sc = c - dc
      row.push(sr >= 0 && sr < height && sc >= 0 && sc < width ? cells[sr][sc] : '0')
    }
    out.push(row)
  }
  return out
}

/** A square kernel of zeros with a 1 in the centre: leaves the image unchanged, a neutral start. */
export function blankKernel(size = 3): Kernel {
  const weights = new Array<number>(size * size).fill(0)
  weights[(size * size - 1) / 2] = 1
  return { width: size, height: size, weights, divisor: 1, offset: 0 }
}

/** A comparable signature of a kernel's numbers (weights, divisor, offset). */
export function kernelSignature(kernel: Kernel | null): string {
  return kernel ? JSON.stringify([kernel.width, kernel.height, kernel.weights, kernel.divisor, kernel.offset]) : ''
}
