// Runs in the renderer (pure, unit-tested in Node): numbers written for people, without float noise
// (24.907999999999877 reads as 24.908, 65025 stays 65025).
import { formatWeight } from './kernel-draft'

/**
 * `value` with at most 4 decimals when it is 1 or more in size, and 4 significant digits below 1; whole numbers
 * exactly; never `-0`.
 */
export function formatForPeople(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  if (Number.isInteger(value)) return String(value === 0 ? 0 : value)
  const rounded = Math.abs(value) >= 1 ? Number(value.toFixed(4)) : Number(value.toPrecision(4))
  return String(rounded === 0 ? 0 : rounded)
}

/** A weight as an exact fraction when that reads well (1/9), else rounded for people (24.908). */
export function readableWeight(value: number): string {
  const exact = formatWeight(value)
  return exact.length <= 7 ? exact : formatForPeople(value)
}

/**
 * A number's text shortened to at most `width` characters for a narrow field (1/273's 0.003663003663003663 shows
 * as 0.0037), or the text itself when it already fits or is not a plain number.
 */
export function shortNumberText(text: string, width = 6): string {
  const trimmed = text.trim()
  if (trimmed.length <= width) return trimmed
  const value = Number(trimmed)
  if (trimmed === '' || !Number.isFinite(value)) return trimmed
  for (let digits = 4; digits >= 1; digits--) {
    const short = String(Number(value.toPrecision(digits)))
    if (short.length <= width) return short
  }
  return value.toExponential(0)
}
