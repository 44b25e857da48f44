// Runs in the renderer (pure, unit-tested in Node): what the kernel editor tells the user about a kernel: its
// effect on brightness, whether it is separable, and why Normalise is unavailable.
import { kernelSum, separableFactors } from '../../engine/kernel'
import type { Kernel } from '../../engine/types'
import { formatForPeople, readableWeight as readable } from './number-format'

/** Sums closer to 0 than this count as 0 (weights typed as fractions rarely cancel exactly). */
const ZERO_SUM = 1e-9

/** Why Normalise cannot run on `kernel` (null: the draft is invalid), or null when it can. */
export function normaliseReason(kernel: Kernel | null): string | null {
  if (!kernel) return 'Normalise waits for the marked fields to be fixed.'
  const sum = kernelSum(kernel)
  if (Math.abs(sum) < ZERO_SUM) return 'Normalise is off: the weights sum to 0, so there is nothing to divide by.'
  if (Math.abs(kernel.divisor - sum) < 1e-12) return 'Normalise is off: the divisor already equals the weights\' sum, so brightness is kept.'
  return null
}

/** What the weights' sum does to brightness, in one sentence; '' without a kernel. */
export function sumNote(kernel: Kernel | null): string {
  if (!kernel) return ''
  const sum = kernelSum(kernel)
  if (Math.abs(sum) < ZERO_SUM) {
    return 'Weights sum to 0: flat areas become 0, only edges and detail remain (brightness removed). "Add mid-grey" or "Absolute value" shows negative responses.'
  }
  const gain = sum / kernel.divisor
  // The offset is added after dividing: it shifts every value, whatever the gain.
  const offset = kernel.offset === 0 ? '' : ` Then ${readable(kernel.offset)} is added to every value.`
  if (Math.abs(gain - 1) < 1e-9) {
    return kernel.divisor === 1
      ? `Weights sum to 1: overall brightness is kept.${offset}`
      : `Weights sum to ${readable(sum)}, divided by ${readable(kernel.divisor)} gives 1: overall brightness is kept.${offset}`
  }
  const scaled = kernel.divisor === 1 ? '' : ` (÷ ${readable(kernel.divisor)} = ${formatForPeople(gain)})`
  return `Weights sum to ${readable(sum)}${scaled}: brightness is multiplied by ${formatForPeople(gain)}; Normalise would keep it unchanged.${offset}`
}

/** The column and row a 2-D kernel factors into, written out; '' for 1-D, non-separable or all-zero kernels. */
export function separableNote(kernel: Kernel | null): string {
  if (!kernel || kernel.width === 1 || kernel.height === 1) return ''
  const f = separableFactors(kernel)
  if (!f || f.row.every((v) => v === 0)) return ''
  const { column, row } = readableFactors(kernel, f.column, f.row)
  const fmt = (v: number[]): string => v.map(readable).join(' ')
  return `Separable: column [${fmt(column)}] × row [${fmt(row)}], so it runs as two fast 1-D passes.`
}

/**
 * The same factors scaled as a person writes them (any c gives column / c × row · c): whole-number weights as
 * whole numbers with nothing left to divide out of the column (Sobel's [1 2 1] × [−1 0 1], not [2 4 2] × [½ 1 ½]),
 * other weights with both factors of the same size, so a symmetric blur shows the same 1-D blur twice (a 7×7
 * Gaussian read column [… 0.1592 …] × row [… 1 …]). The column's largest weight is positive.
 */
function readableFactors(kernel: Kernel, column: number[], row: number[]): { column: number[]; row: number[] } {
  const largest = (v: number[]): number => v.reduce((m, x) => (Math.abs(x) > Math.abs(m) ? x : m), 0)
  const whole = kernel.weights.every(Number.isInteger) && column.every(Number.isInteger)
  let scale = whole
    ? column.reduce((g, x) => gcd(g, Math.abs(x)), 0)
    : Math.sqrt(Math.abs(largest(column)) / Math.abs(largest(row)))
  if (largest(column) < 0) scale = -scale
  return { column: column.map((x) => x / scale), row: row.map((x) => x * scale) }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}
