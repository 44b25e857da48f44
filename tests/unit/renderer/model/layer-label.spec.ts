// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { findPreset } from '../../../../src/engine/presets'
import { layerDetail, layerLabel } from '../../../../src/renderer/model/layer-label'

describe('layer labels', () => {
  it('names a layer by its own name, else its preset title, else the kernel size', () => {
    expect(layerLabel({ name: 'Soft', preset: 'box-blur' })).toBe('Soft')
    expect(layerLabel({ preset: 'box-blur' })).toBe(findPreset('box-blur')?.title)
    expect(layerLabel({ preset: 'no-such-preset' })).toBe('no-such-preset')
    expect(layerLabel({ kernel: [[1, 2, 1]] })).toBe('Custom kernel 3×1')
  })

  it('describes a preset by the parameters that differ from its defaults, and a kernel by its size', () => {
    expect(layerDetail({ preset: 'box-blur', params: { size: 5 } })).toBe('box-blur:size=5')
    expect(layerDetail({ preset: 'box-blur', params: { size: 3 } })).toBe('box-blur')
    expect(layerDetail({ kernel: [[0, 1, 0], [1, -4, 1], [0, 1, 0]] })).toBe('kernel 3×3')
  })
})
