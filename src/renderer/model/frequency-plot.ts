// Runs in the renderer (pure, unit-tested in Node). How the kernel editor draws a frequency response: the grid size,
// the colour of a gain, the radial profile as SVG paths, and the sentence that sums it up.
import type { FrequencyResponse, RadialBin } from '../../engine/frequency'
import type { Kernel } from '../../engine/types'

/**
 * The editor's grid: the smallest power of two that is at least 64 and the kernel's larger side. Half the CLI's
 * default for big kernels, so that a 255x255 kernel still redraws within about a tenth of a second as it is edited.
 */
export function plotGridSize(kernel: Kernel): number {
  return 2 ** Math.ceil(Math.log2(Math.max(64, kernel.width, kernel.height)))
}

// A dark-to-light sequential scale (after matplotlib's viridis): gain 0 dark, the top of the scale bright yellow.
const STOPS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37]
]

/** RGB of `gain` on a scale from 0 to `top` (values past `top` get its colour). */
export function gainRgb(gain: number, top: number): [number, number, number] {
  const t = top > 0 && Number.isFinite(gain) ? Math.min(1, Math.max(0, gain / top)) : 0
  const at = t * (STOPS.length - 1)
  const i = Math.min(STOPS.length - 2, Math.floor(at))
  const f = at - i
  const [a, b] = [STOPS[i], STOPS[i + 1]]
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as [number, number, number]
}

/** Top of the gain scale: the largest gain, and never under 1, so that "unchanged" always has a place on it. */
export function gainTop(response: FrequencyResponse): number {
  let top = 1
  for (const bin of response.profile) top = Math.max(top, bin.max)
  for (const value of response.magnitude) top = Math.max(top, value)
  return top
}

/** SVG path data of the radial profile in a `width` x `height` box: the mean as a line, min..max as a band. */
export function profilePaths(profile: readonly RadialBin[], width: number, height: number, top: number): { mean: string; band: string } {
  const last = profile.length - 1
  const x = (i: number): string => ((i / last) * width).toFixed(1)
  const y = (gain: number): string => (height - (Math.min(gain, top) / top) * height).toFixed(1)
  const mean = profile.map((bin, i) => `${i === 0 ? 'M' : 'L'}${x(i)},${y(bin.mean)}`).join(' ')
  const upper = profile.map((bin, i) => `${i === 0 ? 'M' : 'L'}${x(i)},${y(bin.max)}`)
  const lower = profile.map((bin, i) => `L${x(i)},${y(bin.min)}`).reverse()
  return { mean, band: `${[...upper, ...lower].join(' ')} Z` }
}

function gain(value: number): string {
  return Number(value.toFixed(value >= 10 ? 1 : 3)).toString()
}

/**
 * What the response says, in one sentence: the DC gain, the gains at Nyquist, and whether the kernel keeps, cuts or
 * boosts the finest detail; a cut that rises again before Nyquist is called out as a sidelobe (the box blur's leak).
 */
export function frequencySummary(response: FrequencyResponse): string {
  const { dcGain, nyquist, profile } = response
  const means = profile.map((bin) => bin.mean)
  const lowest = Math.min(...means)
  const end = means[means.length - 1]
  const start = Math.abs(dcGain)
  let shape: string
  if (start < 1e-9) shape = 'it blocks flat areas (DC gain 0) and passes changes'
  else if (end > start * 1.05) shape = 'it boosts fine detail'
  else if (end < start * 0.95) {
    // A dip that rises again by more than 2 % of DC before Nyquist: detail beyond the cut leaks through.
    shape = end - lowest > 0.02 * start ? 'it cuts fine detail but lets some back through past its first dip (a sidelobe)' : 'it cuts fine detail, more the finer it is'
  } else shape = 'it keeps detail at every scale about the same'
  return `DC gain ${gain(dcGain)}; at Nyquist ${gain(nyquist.horizontal)} horizontally, ${gain(nyquist.vertical)} vertically, ${gain(nyquist.diagonal)} diagonally: ${shape}.`
}
