// @vitest-environment node
// runStack's onStretchRange: the whole output's range before the mapping of every `stretch` filter, as the run
// mapped by it (explain uses it instead of a whole-image reference pass), against the reference's signedRange.
import { describe, expect, it } from 'vitest'
import { planConvolution, signedRange } from '../../../src/engine/convolve'
import { toFloat } from '../../../src/engine/image'
import { applyStack, resolveFilter } from '../../../src/engine/stack'
import type { FilterSpec } from '../../../src/engine/types'
import { runStack } from '../../../src/runtime/run-stack'
import { randomIntImage, smoothIntImage } from './helpers'

/** The reference range of filter `index` of `filters` (all enabled) on `image`. */
function referenceRange(image: Parameters<typeof toFloat>[0], filters: FilterSpec[], index: number): { low: number; high: number } {
  const input = applyStack(toFloat(image), filters.slice(0, index))
  const { kernel, options } = resolveFilter(filters[index])
  return signedRange(input, planConvolution(input, kernel, options))
}

describe('onStretchRange', () => {
  it('reports each stretch filter by its index among the enabled filters, with the reference range', async () => {
    const image = smoothIntImage(3, 160, 120, 3)
    const filters: FilterSpec[] = [
      { preset: 'sobel', signed: 'stretch' },
      { preset: 'emboss', enabled: false },
      { preset: 'box-blur', params: { size: 3 } },
      { kernel: [[1, -2, 1], [0, 3, 0], [-1, 0, -1]], signed: 'stretch', border: 'wrap' }
    ]
    for (const threads of [0, 2]) {
      const seen: [number, { low: number; high: number }][] = []
      await runStack(image, filters, { engine: { threads }, onStretchRange: (index, range) => seen.push([index, { ...range }]) })
      const enabled = filters.filter((f) => f.enabled !== false)
      expect(seen.map(([index]) => index)).toEqual([0, 2])
      // Integer kernels on 8-bit samples: the first range is exact; the second follows a float blur.
      expect(seen[0][1]).toEqual(referenceRange(image, enabled, 0))
      const want = referenceRange(image, enabled, 2)
      expect(seen[1][1].low).toBeCloseTo(want.low, 3)
      expect(seen[1][1].high).toBeCloseTo(want.high, 3)
    }
  })

  it('leaves out fully transparent pixels, as the reference does, and reports nothing without a stretch filter', async () => {
    const image = randomIntImage(5, 90, 70, 4)
    const filters: FilterSpec[] = [{ preset: 'laplacian', signed: 'stretch', keepAlpha: true }]
    let range: { low: number; high: number } | undefined
    await runStack(image, filters, { engine: { threads: 0 }, onStretchRange: (_, r) => (range = { ...r }) })
    const want = referenceRange(image, filters, 0)
    expect(range?.low).toBeCloseTo(want.low, 6)
    expect(range?.high).toBeCloseTo(want.high, 6)
    let called = false
    await runStack(image, [{ preset: 'laplacian', signed: 'abs' }], { engine: { threads: 0 }, onStretchRange: () => (called = true) })
    expect(called).toBe(false)
  })
})
