// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { presetKernel } from '../../../../src/engine/presets'
import { kernelPatch, specKernel } from '../../../../src/renderer/model/kernel-spec'

describe('kernel specs', () => {
  it('resolves a layer to the kernel it renders with, overrides applied, or null when invalid', () => {
    expect(specKernel({ kernel: [[1, 2, 1]], divisor: 4 })).toEqual({ width: 3, height: 1, weights: [1, 2, 1], divisor: 4, offset: 0 })
    expect(specKernel({ preset: 'box-blur', params: { size: 3 } })).toEqual(presetKernel('box-blur', { size: 3 }))
    expect(specKernel({ kernel: [[1, 2]] })).toBeNull()
  })

  it('stores divisor and offset only when they differ from the defaults, so saved specs stay minimal', () => {
    expect(kernelPatch({ width: 1, height: 1, weights: [1], divisor: 1, offset: 0 })).toEqual({ kernel: [[1]], divisor: undefined, offset: undefined })
    expect(kernelPatch({ width: 3, height: 1, weights: [1, 2, 1], divisor: 4, offset: 8 })).toEqual({ kernel: [[1, 2, 1]], divisor: 4, offset: 8 })
  })
})
