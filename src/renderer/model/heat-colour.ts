// Runs in the renderer (pure, unit-tested in Node). Diverging colours for signed numbers (kernel weights, products): blue below 0, orange above.

/** RGB of negative values (blue; stays distinct from orange for the common colour-vision deficiencies). */
export const NEGATIVE_RGB: readonly [number, number, number] = [37, 99, 235]
/** RGB of positive values (orange). */
export const POSITIVE_RGB: readonly [number, number, number] = [234, 88, 12]

/**
 * A translucent colour for `value` on a scale where `limit` is full strength; 0 is fully transparent so the
 * theme's own background shows through (works in light and dark themes alike).
 */
export function heatColour(value: number, limit: number): string {
  if (!Number.isFinite(value) || value === 0 || !(limit > 0)) return 'transparent'
  const [r, g, b] = value < 0 ? NEGATIVE_RGB : POSITIVE_RGB
  // A floor keeps small non-zero values visibly tinted; sqrt spreads the middle of the range.
  const alpha = 0.12 + 0.78 * Math.sqrt(Math.min(1, Math.abs(value) / limit))
  return `rgba(${r}, ${g}, ${b}, ${alpha.toFixed(3)})`
}

/** Largest magnitude of `values` (0 when empty). */
export function maxMagnitude(values: Iterable<number>): number {
  let max = 0
  for (const v of values) if (Number.isFinite(v) && Math.abs(v) > max) max = Math.abs(v)
  return max
}

/** One end of a heat map's legend: the strongest colour it shows and the value that has it. */
export interface HeatLegendEnd {
  readonly sign: 'negative' | 'positive'
  readonly value: number
}

/**
 * The legend's coloured ends for `values`: only the signs that occur (an all-positive blur's legend showed a blue
 * −0.1592 it has no weight for), each at the shared full-strength magnitude.
 */
export function heatLegendEnds(values: readonly number[]): HeatLegendEnd[] {
  const limit = maxMagnitude(values)
  const ends: HeatLegendEnd[] = []
  if (values.some((v) => Number.isFinite(v) && v < 0)) ends.push({ sign: 'negative', value: -limit })
  if (values.some((v) => Number.isFinite(v) && v > 0)) ends.push({ sign: 'positive', value: limit })
  return ends
}
