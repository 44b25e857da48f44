// @vitest-environment node
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { PRESETS, findPreset, presetDefaults } from '../../../../src/engine/presets'
import { candidateSpec, searchPresets } from '../../../../src/renderer/model/preset-gallery'
import { usePresetsStore } from '../../../../src/renderer/stores/presets'
import { useStackStore } from '../../../../src/renderer/stores/stack'

describe('usePresetsStore', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
  })

  it('makes the selected preset the candidate at once, with its defaults', () => {
    const presets = usePresetsStore()
    expect(presets.candidate).toBeNull()
    presets.select('gaussian-blur')
    const preset = findPreset('gaussian-blur')!
    expect(presets.candidate).toEqual(candidateSpec(preset, presetDefaults(preset)))
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

    presets.setParam('size', 9)
    expect(presets.paramError).toBeNull()
    expect(presets.candidate?.params).toMatchObject({ size: 9, sigma: 2.5 })
  })

  it('resets parameters to the defaults', () => {
    const presets = usePresetsStore()
    presets.select('sobel')
    presets.setParam('direction', 'top')
    expect(presets.modified).toBe(true)
    presets.resetParams()
    expect(presets.modified).toBe(false)
    expect(presets.candidate?.params).toEqual(presetDefaults(findPreset('sobel')!))
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

  it('reports an unknown preset instead of throwing', () => {
    const presets = usePresetsStore()
    presets.select('no-such-preset')
    expect(presets.candidate).toBeNull()
    expect(presets.paramError).toMatch(/unknown preset "no-such-preset"/)
  })

  it('filters the visible presets by the search text', () => {
    const presets = usePresetsStore()
    presets.setQuery('sobel')
    expect(presets.visible.map((p) => p.name)).toEqual(searchPresets(PRESETS, 'sobel').map((p) => p.name))
    presets.setQuery('')
    expect(presets.visible).toHaveLength(PRESETS.length)
  })
})
