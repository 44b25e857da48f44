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
 * A number's text shortened for a narrow field (1/273's 0.003663003663003663 shows as 0.0037), or the text itself
 * when it already fits or is not a plain number. `fits` says whether a text fits: at most that many characters,
 * or a test of its measured width. Where the usual form cannot keep two significant digits, a fraction drops its
 * leading zero (0.0022 as .0022, then .002) before falling back to one digit or an exponent, which is shown even
 * where nothing fits (3e-7 in 3 characters).
 */
export function shortNumberText(text: string, fits: number | ((text: string) => boolean) = 6): string {
  const ok = typeof fits === 'number' ? (t: string): boolean => t.length <= fits : fits
  const trimmed = text.trim()
  if (ok(trimmed)) return trimmed
  const value = Number(trimmed)
  if (trimmed === '' || !Number.isFinite(value)) return trimmed
  const rounded = (digits: number): string => String(Number(value.toPrecision(digits)))
  for (let digits = 4; digits >= 2; digits--) if (ok(rounded(digits))) return rounded(digits)
  for (let digits = 4; digits >= 1; digits--) {
    const bare = rounded(digits).replace(/^(-?)0\./, '$1.')
    if (ok(bare)) return bare
  }
  if (ok(rounded(1))) return rounded(1)
  const exponent = value.toExponential(0)
  // A whole number too long for the field is shown as it comes: an exponent would be no shorter.
  return exponent.length < trimmed.length ? exponent : trimmed
}
