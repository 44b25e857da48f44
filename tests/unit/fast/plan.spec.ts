// @vitest-environment node
// Planning: low-rank splits, border runs, method choice and eligibility.
import { describe, expect, it } from 'vitest'
import { indexTable } from '../../../src/engine/border'
import { decompose } from '../../../src/engine/fast/decompose'
import { FIXED_MAX_ERROR, FIXED_MAX_RMS, fixedSplit } from '../../../src/engine/fast/fixed-point'
import { planFilter, runs, type SourceShape } from '../../../src/engine/fast/plan'
import { presetKernel } from '../../../src/engine/presets'
import { resolveFilter } from '../../../src/engine/stack'
import type { Border, FilterSpec } from '../../../src/engine/types'
import { randomFloatRows } from './helpers'

function rebuild(terms: ReturnType<typeof decompose>['terms'], count: number, h: number, w: number): number[] {
  const out = new Array<number>(h * w).fill(0)
  for (let t = 0; t < count; t++) {
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) out[i * w + j] += terms[t].column[i] * terms[t].row[j]
  }
  return out
}

describe('decompose', () => {
  it('finds rank 1 for a gaussian and rebuilds it', () => {
    const k = presetKernel('gaussian-blur', { size: 9, sigma: 2 })
    const d = decompose(k.weights, 9, 9)
    expect(d.tail[1]).toBeLessThan(1e-12)
    const back = rebuild(d.terms, 1, 9, 9)
    back.forEach((v, i) => expect(v).toBeCloseTo(k.weights[i], 14))
  })

  it('finds rank 2 for sharpen and for an unsharp mask', () => {
    for (const k of [presetKernel('sharpen', {}), presetKernel('unsharp-mask', { size: 7, sigma: 1.5, amount: 1 })]) {
      const d = decompose(k.weights, k.height, k.width)
      expect(d.tail[1]).toBeGreaterThan(0.1)
      expect(d.tail[2]).toBeLessThan(1e-12)
    }
  })

  it('bounds what dropping terms changes, for a full-rank random kernel', () => {
    const rows = randomFloatRows(1, 7, 5)
    const weights = rows.flat()
    const d = decompose(weights, 7, 5)
    expect(d.terms).toHaveLength(5)
    for (let r = 0; r <= 5; r++) {
      const back = rebuild(d.terms, r, 7, 5)
      const change = weights.reduce((s, w, i) => s + Math.abs(w - back[i]), 0)
      expect(change).toBeLessThanOrEqual(d.tail[r] + 1e-12)
    }
  })

  it('only tests rank 1 above the SVD size limit', () => {
    const column = Array.from({ length: 71 }, (_, i) => Math.exp(-((i - 35) ** 2) / 200))
    const row = Array.from({ length: 65 }, (_, j) => 1 + (j % 3))
    const weights = column.flatMap((c) => row.map((r) => c * r))
    expect(decompose(weights, 71, 65).terms).toHaveLength(1)
    weights[100] += 1
    expect(decompose(weights, 71, 65).terms).toHaveLength(0)
  })
})

describe('runs', () => {
  it.each(['extend', 'reflect', 'wrap', 'zero'] as Border[])('covers the %s border table exactly', (border) => {
    const table = indexTable(6, 15, 7, 4, border)
    const triples = runs(table)
    const rebuilt: number[] = []
    for (let g = 0; g < triples.length; g += 3) {
      expect(triples[g]).toBe(rebuilt.length)
      for (let k = 0; k < triples[g + 2]; k++) rebuilt.push(triples[g + 1] < 0 ? -1 : triples[g + 1] + k)
    }
    expect(rebuilt).toEqual(Array.from(table))
  })
})

describe('planFilter', () => {
  const rgb8: SourceShape = { width: 4000, height: 3000, channels: 3, depth: 8, kind: 0 }
  const plan = (spec: FilterSpec, source = rgb8) => planFilter(source, resolveFilter(spec), { kind: 0, depth: 8 })

  it('chooses by cost on a 12 MP photo', () => {
    expect(plan({ preset: 'sharpen' }).method).toBe('direct-i16')
    expect(plan({ preset: 'gaussian-blur', params: { size: 5, sigma: 1 } }).method).toBe('separable-i16')
    expect(plan({ preset: 'gaussian-blur', params: { size: 5, sigma: 0.5 } }).method).toBe('separable')
    expect(plan({ preset: 'gaussian-blur', params: { size: 15, sigma: 3 } }).method).toBe('separable-i16')
    expect(plan({ kernel: randomFloatRows(2, 15, 15) }).method).toBe('fft')
    expect(plan({ kernel: randomFloatRows(3, 31, 31) }).method).toBe('fft')
  })

  it('keeps the integer path to 8-bit sources without alpha, integer weights and no blend', () => {
    expect(plan({ preset: 'sharpen' }).applicable).toContain('direct-i16')
    expect(plan({ preset: 'sharpen' }, { ...rgb8, channels: 4 }).applicable).not.toContain('direct-i16')
    expect(plan({ preset: 'sharpen' }, { ...rgb8, depth: 16, kind: 1 }).applicable).not.toContain('direct-i16')
    expect(plan({ preset: 'sharpen', opacity: 0.5 }).applicable).not.toContain('direct-i16')
    expect(plan({ preset: 'box-blur' }).applicable).toContain('direct-i16')
    expect(plan({ preset: 'gaussian-blur' }).applicable).not.toContain('direct-i16')
    expect(plan({ kernel: '200 200 200' }).applicable).not.toContain('direct-i16')
    expect(() => planFilter(rgb8, resolveFilter({ preset: 'gaussian-blur' }), { kind: 0, depth: 8 }, { method: 'direct-i16' })).toThrow(
      /integer path/
    )
  })

  it('finishes integer sums in integers only when nothing else is needed', () => {
    const forced = (spec: FilterSpec) =>
      planFilter(rgb8, resolveFilter(spec), { kind: 0, depth: 8 }, { method: 'direct-i16' }).intFinish
    expect(forced({ preset: 'sharpen' })).toBe(true)
    expect(forced({ preset: 'edge-detect', signed: 'abs', offset: 10 })).toBe(true)
    expect(forced({ preset: 'sharpen', divisor: 2 })).toBe(false)
    expect(forced({ preset: 'sharpen', signed: 'stretch' })).toBe(false)
  })

  it('folds a symmetric row in fixed point only where the 7-bit row stays within the error limits', () => {
    const fixed = (size: number, sigma: number) => plan({ preset: 'gaussian-blur', params: { size, sigma } }).fixed
    for (const [size, sigma] of [[15, 3], [15, 5], [31, 8]]) {
      const f = fixed(size, sigma)
      expect(f?.rowFolded, `${size} sigma ${sigma}`).toBe(true)
      // Folded pairs (4 offsets each) and the last step (3), one weight word each.
      expect(f?.rowOffsets.length).toBe(4 * ((f?.rowWeights.length ?? 0) - 1) + 3)
      expect(f?.rms).toBeLessThanOrEqual(FIXED_MAX_RMS)
      expect(f?.bound).toBeLessThanOrEqual(FIXED_MAX_ERROR)
    }
    // Sharper rows need the 8th fractional bit: they keep every tap.
    expect(fixed(5, 1)?.rowFolded).toBe(false)
    expect(fixed(9, 2)?.rowFolded).toBe(false)
    // A row that is not symmetric cannot fold.
    const skew = plan({ kernel: [[1, 2, 3, 4, 5, 6, 7].map((v) => v / 28)] }).fixed
    expect(skew?.rowFolded ?? false).toBe(false)
  })

  it('offers the fixed-point path only for 8-bit rank-1 filters with bytes out, clamp or shift, and no blend', () => {
    const blur: FilterSpec = { preset: 'gaussian-blur', params: { size: 15, sigma: 3 } }
    expect(plan(blur).applicable).toContain('separable-i16')
    expect(plan({ ...blur, signed: 'shift', offset: -128 }).applicable).toContain('separable-i16')
    expect(plan(blur, { ...rgb8, channels: 4 }).applicable).not.toContain('separable-i16')
    expect(plan(blur, { ...rgb8, depth: 16, kind: 1 }).applicable).not.toContain('separable-i16')
    expect(plan(blur, { ...rgb8, kind: 2 }).applicable).not.toContain('separable-i16')
    expect(plan({ ...blur, opacity: 0.5 }).applicable).not.toContain('separable-i16')
    expect(plan({ ...blur, signed: 'abs' }).applicable).not.toContain('separable-i16')
    expect(planFilter(rgb8, resolveFilter(blur), { kind: 1, depth: 16 }).applicable).not.toContain('separable-i16')
    expect(plan({ preset: 'unsharp-mask', params: { size: 7, sigma: 1.5, amount: 1 } }).applicable).not.toContain('separable-i16')
    // Wide flat kernels: the worst case over correlated inputs is too large.
    expect(plan({ preset: 'box-blur', params: { size: 63 } }).applicable).not.toContain('separable-i16')
    expect(plan({ preset: 'box-blur', params: { size: 15 } }).applicable).toContain('separable-i16')
    expect(() => planFilter(rgb8, resolveFilter({ ...blur, opacity: 0.5 }), { kind: 0, depth: 8 }, { method: 'separable-i16' })).toThrow(
      /fixed-point path/
    )
  })

  it('offers the fixed-point path exactly where its error bound and rms estimate hold', () => {
    let accepted = 0
    let refused = 0
    for (const size of [3, 5, 9, 15, 31]) {
      for (const sigma of [0.5, 1, 2, 4, 8]) {
        const spec: FilterSpec = { preset: 'gaussian-blur', params: { size, sigma } }
        const auto = plan(spec)
        const kernel = resolveFilter(spec).kernel
        const split = decompose(kernel.weights, size, size)
        const fixed = fixedSplit(split.terms[0].column, split.terms[0].row, kernel.divisor, 0, split.tail[1] * 255, 3)
        const holds = fixed !== null && fixed.bound <= FIXED_MAX_ERROR && fixed.rms <= FIXED_MAX_RMS
        expect(auto.applicable.includes('separable-i16'), `${size} ${sigma}`).toBe(holds)
        if (holds) {
          accepted++
          // Proven: never more than one level off; the i32 sums never leave their range (checked by fixedSplit).
          expect(fixed.bound).toBeLessThan(1)
        } else refused++
      }
    }
    expect(accepted).toBeGreaterThan(10)
    expect(refused).toBeGreaterThan(0)
  })
})
