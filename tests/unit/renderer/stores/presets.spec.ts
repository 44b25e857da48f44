// @vitest-environment node
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { PRESETS, findPreset, presetDefaults } from '../../../../src/engine/presets'
import { resolveFilter } from '../../../../src/engine/stack'
import { candidateSpec, searchPresets } from '../../../../src/renderer/model/preset-gallery'
import { usePresetsStore } from '../../../../src/renderer/stores/presets'
import { useStackStore } from '../../../../src/renderer/stores/stack'

describe('usePresetsStore', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
  })

  it('makes the selected preset the candidate at once, with its defaults (a Gaussian\'s size left to follow σ)', () => {
    const presets = usePresetsStore()
    expect(presets.candidate).toBeNull()
    presets.select('gaussian-blur')
    const preset = findPreset('gaussian-blur')!
    expect(presets.candidate).toEqual(candidateSpec(preset, { sigma: 1 }))
    expect(presets.draft).toEqual({ size: 7, sigma: 1 })
    expect(presets.derived).toEqual(['size'])
    expect(presets.modified).toBe(false)
  })

  it('updates the candidate on a valid edit and keeps the last valid one on an invalid edit', () => {
    const presets = usePresetsStore()
    presets.select('gaussian-blur')
    presets.setParam('size', 7)
    presets.setParam('sigma', '2.5')
    expect(presets.candidate?.params).toMatchObject({ size: 7, sigma: 2.5 })
    expect(presets.modified).toBe(true)
    expect(presets.paramError).toBeNull()
    const valid = presets.candidate

    presets.setParam('size', 4)
    expect(presets.paramError).toMatch(/size 4 is even/)
    expect(presets.candidate).toBe(valid)

    presets.setParam('size', 'abc')
    expect(presets.paramError).toMatch(/size "abc" is not a number/)
    expect(presets.draft.size).toBe('abc')

    presets.setParam('size', 9)
    expect(presets.paramError).toBeNull()
    expect(presets.candidate?.params).toMatchObject({ size: 9, sigma: 2.5 })
  })

  it('derives a Gaussian\'s size from σ until the user sets one, and warns when a size cuts it short', () => {
    const presets = usePresetsStore()
    presets.select('unsharp-mask')
    presets.setParam('sigma', 20)
    expect(presets.draft.size).toBe(121)
    expect(presets.candidate?.params).toEqual({ sigma: 20, amount: 1 })
    expect(resolveFilter(presets.candidate!).kernel.width).toBe(121)
    expect(presets.warning).toBeNull()
    presets.setParam('size', 31)
    expect(presets.derived).toEqual([])
    expect(presets.candidate?.params).toEqual({ size: 31, sigma: 20, amount: 1 })
    expect(presets.warning).toMatch(/^size 31 holds the Gaussian only to 0\.75σ each side/)
  })

  it('keeps each preset\'s edits when switching cards, until reset', () => {
    const presets = usePresetsStore()
    presets.select('sharpen')
    presets.setParam('amount', 3)
    presets.select('sobel')
    presets.setParam('direction', 'top')
    presets.select('box-blur')
    expect(presets.modified).toBe(false)
    expect(presets.isModified('sharpen')).toBe(true)
    expect(presets.isModified('sobel')).toBe(true)
    expect(presets.isModified('box-blur')).toBe(false)
    presets.clear()
    presets.select('sharpen')
    expect(presets.candidate?.params).toEqual({ amount: 3 })
    expect(presets.modified).toBe(true)
    presets.resetParams()
    expect(presets.candidate?.params).toEqual({ amount: 1 })
    expect(presets.isModified('sharpen')).toBe(false)
    expect(presets.isModified('sobel')).toBe(true)
  })

  it('sets border, output size and negative values before the layer is added; signed presets show magnitudes', () => {
    const presets = usePresetsStore()
    const stack = useStackStore()
    presets.select('sobel')
    expect(presets.candidate?.signed).toBe('abs')
    presets.select('high-pass')
    expect(presets.candidate?.signed).toBeUndefined()
    presets.select('sharpen')
    expect(presets.candidate?.signed).toBeUndefined()
    presets.select('laplacian')
    presets.setOptions({ signed: 'clamp', border: 'zero', mode: 'valid' })
    expect(presets.candidate).toMatchObject({ preset: 'laplacian', border: 'zero', mode: 'valid' })
    expect(presets.candidate?.signed).toBeUndefined()
    expect(presets.modified).toBe(true)
    presets.addCandidateToStack()
    expect(stack.layers[0].spec).toMatchObject({ preset: 'laplacian', border: 'zero', mode: 'valid' })
    presets.select('laplacian')
    presets.resetParams()
    expect(presets.candidate).toMatchObject({ preset: 'laplacian', signed: 'abs' })
    expect(presets.candidate?.border).toBeUndefined()
  })

  it('resets parameters to the defaults', () => {
    const presets = usePresetsStore()
    presets.select('sobel')
    presets.setParam('direction', 'top')
    expect(presets.modified).toBe(true)
    presets.resetParams()
    expect(presets.modified).toBe(false)
    expect(presets.candidate?.params).toEqual(presetDefaults(findPreset('sobel')!))
    expect(presets.candidate?.signed).toBe('abs')
  })

  it('adds the candidate to the stack as one layer and clears it', () => {
    const presets = usePresetsStore()
    const stack = useStackStore()
    presets.select('unsharp-mask')
    presets.setParam('amount', 2)
    const spec = presets.candidate
    const id = presets.addCandidateToStack()
    expect(id).not.toBeNull()
    expect(stack.layers).toHaveLength(1)
    expect(stack.layers[0].id).toBe(id)
    expect(stack.layers[0].spec).toEqual(spec)
    expect(presets.candidate).toBeNull()
    expect(presets.selectedName).toBeNull()
    expect(stack.canUndo).toBe(true)
  })

  it('does not add an invalid candidate', () => {
    const presets = usePresetsStore()
    const stack = useStackStore()
    expect(presets.addCandidateToStack()).toBeNull()
    presets.select('box-blur')
    presets.setParam('size', 2)
    expect(presets.addCandidateToStack()).toBeNull()
    expect(stack.layers).toHaveLength(0)
  })

  it('ignores an unknown preset name', () => {
    const presets = usePresetsStore()
    presets.select('no-such-preset')
    expect(presets.selectedName).toBeNull()
    expect(presets.candidate).toBeNull()
  })

  it('filters the visible presets by the search text', () => {
    const presets = usePresetsStore()
    presets.setQuery('sobel')
    expect(presets.visible.map((p) => p.name)).toEqual(searchPresets(PRESETS, 'sobel').map((p) => p.name))
    presets.setQuery('')
    expect(presets.visible).toHaveLength(PRESETS.length)
  })
})
