// Runs in the renderer (pure, unit-tested in Node). Turns an engine InspectResult into readable steps.
import type { InspectChannel, InspectResult } from '../../engine/inspect'
import { midGrey } from '../../engine/convolve'
import type { BitDepth } from '../../engine/types'

/** One line of the arithmetic from products to the final sample. */
export interface ExplainStep {
  /** Stable id (test hook and list key). */
  readonly id: string
  readonly label: string
  /** The operation written out, e.g. `12 ÷ 1`. */
  readonly math: string
  readonly value: number
  /** True for the last step (the value written to the output). */
  readonly final?: boolean
}

/** Number as shown in the tables: at most 3 decimals, no trailing zeros, no `-0`. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  const rounded = Number(value.toFixed(3))
  return Object.is(rounded, -0) || rounded === 0 ? '0' : String(rounded)
}

/** Largest number of products written out term by term (a 3x3 kernel); bigger kernels show Σ. */
export const MAX_TERMS = 9

/** The products written out as a sum, `0×3 + 1×3 + …`, or a Σ summary for big kernels. */
export function sumExpression(result: InspectResult, channel: InspectChannel): string {
  const terms: string[] = []
  const cells = result.kernel.length * (result.kernel[0]?.length ?? 0)
  if (cells > MAX_TERMS) return `Σ of ${cells} products`
  result.kernel.forEach((row, i) =>
    row.forEach((w, j) => {
      const sample = formatValue(channel.patch[i][j])
      const weight = w < 0 ? `(${formatValue(w)})` : formatValue(w)
      terms.push(`${weight}×${sample}`)
    })
  )
  return terms.join(' + ')
}

function maxOf(depth: BitDepth): number {
  return depth === 16 ? 65535 : 255
}

/** The steps from the products of `channel` to its final sample, as the engine computed them. */
export function explainSteps(result: InspectResult, channel: InspectChannel, depth: BitDepth = 8): ExplainStep[] {
  const max = maxOf(depth)
  const steps: ExplainStep[] = [
    { id: 'explain-sum', label: 'Sum of products', math: sumExpression(result, channel), value: channel.sum }
  ]
  if (channel.fromCentre) {
    steps.push({
      id: 'explain-value',
      label: 'Alpha kept',
      math: 'input alpha under the kernel centre',
      value: channel.value,
      final: true
    })
    return steps
  }
  steps.push({
    id: 'explain-divided',
    label: 'Divide',
    math: `${formatValue(channel.sum)} ÷ ${formatValue(result.divisor)}`,
    value: channel.divided
  })
  if (channel.unpremultiplied !== undefined) {
    steps.push({
      id: 'explain-straight',
      label: 'Un-premultiply',
      math: 'divide by output alpha / max',
      value: channel.unpremultiplied
    })
  }
  const isAlpha = channel.name === 'alpha'
  if (!isAlpha) {
    const before = channel.unpremultiplied ?? channel.divided
    steps.push({
      id: 'explain-offset',
      label: 'Add offset',
      math: `${formatValue(before)} + ${formatValue(result.offset)}`,
      value: channel.withOffset
    })
  }
  if (!isAlpha && result.signed !== 'clamp') {
    const v = formatValue(channel.withOffset)
    const math =
      result.signed === 'abs'
        ? `|${v}|`
        : result.signed === 'shift'
          ? `${v} + ${formatValue(midGrey(max))} (mid-grey)`
          : `${v} scaled from ${formatValue(result.range?.low ?? 0)}…${formatValue(result.range?.high ?? 0)} to 0…${max}`
    steps.push({ id: 'explain-mapped', label: `Negative values (${result.signed})`, math, value: channel.mapped })
  }
  steps.push({
    id: 'explain-value',
    label: 'Final value',
    math: `clamp to 0…${max}, round`,
    value: channel.value,
    final: true
  })
  return steps
}
