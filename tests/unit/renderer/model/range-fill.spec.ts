// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { rangeFill } from '../../../../src/renderer/model/range-fill'

describe('rangeFill', () => {
  it("puts the track's end under the thumb: the value's share of min..max", () => {
    expect(rangeFill(0, 0, 10)).toBe('0%')
    expect(rangeFill(2.5, 0, 10)).toBe('25%')
    expect(rangeFill(10, 0, 10)).toBe('100%')
    expect(rangeFill(0.1525, 0.005, 0.3)).toBe('50%')
    expect(rangeFill(90, 1, 100)).toBe('89.9%')
  })

  it('clamps values outside the range and survives an empty range or a missing value', () => {
    expect(rangeFill(-3, 0, 10)).toBe('0%')
    expect(rangeFill(25, 0, 10)).toBe('100%')
    expect(rangeFill(5, 5, 5)).toBe('0%')
    expect(rangeFill(Number.NaN, 0, 1)).toBe('0%')
  })
})
