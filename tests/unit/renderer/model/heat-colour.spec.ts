// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { NEGATIVE_RGB, POSITIVE_RGB, heatColour, heatLegendEnds, maxMagnitude } from '../../../../src/renderer/model/heat-colour'

/** The alpha of an `rgba(...)` colour. */
function alpha(colour: string): number {
  return Number(/, ([\d.]+)\)$/.exec(colour)?.[1])
}

describe('heat colours', () => {
  it('colours negatives blue and positives orange, stronger with magnitude, and leaves 0 transparent', () => {
    expect(heatColour(-1, 2).startsWith(`rgba(${NEGATIVE_RGB.join(', ')},`)).toBe(true)
    expect(heatColour(1, 2).startsWith(`rgba(${POSITIVE_RGB.join(', ')},`)).toBe(true)
    expect(alpha(heatColour(2, 2))).toBeGreaterThan(alpha(heatColour(1, 2)))
    expect(alpha(heatColour(5, 2))).toBeCloseTo(0.9, 9)
    expect(alpha(heatColour(0.001, 100))).toBeGreaterThanOrEqual(0.12)
    expect(heatColour(0, 2)).toBe('transparent')
    expect(heatColour(1, 0)).toBe('transparent')
    expect(heatColour(Number.NaN, 2)).toBe('transparent')
  })

  it('scales by the largest finite magnitude', () => {
    expect(maxMagnitude([1, -3, 2, Number.POSITIVE_INFINITY])).toBe(3)
    expect(maxMagnitude([])).toBe(0)
  })

  it('puts in the legend only the signs that occur, at the largest magnitude', () => {
    expect(heatLegendEnds([0.1, 0.4, 0])).toEqual([{ sign: 'positive', value: 0.4 }])
    expect(heatLegendEnds([-1, 0, 2])).toEqual([{ sign: 'negative', value: -2 }, { sign: 'positive', value: 2 }])
    expect(heatLegendEnds([-3, -1])).toEqual([{ sign: 'negative', value: -3 }])
    expect(heatLegendEnds([0, 0])).toEqual([])
  })
})
