// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { PRESETS, presetDefaults, presetKernel } from '../../../../src/engine/presets'
import { resolveFilter } from '../../../../src/engine/stack'
import { candidateSpec, plainText, searchPresets } from '../../../../src/renderer/model/preset-gallery'

describe('candidateSpec', () => {
  it('is a recipe-shaped filter the engine resolves to the preset kernel', () => {
    for (const preset of PRESETS) {
      const spec = candidateSpec(preset, presetDefaults(preset))
      expect(spec.preset).toBe(preset.name)
      expect(spec.name).toBe(preset.title)
      expect(resolveFilter(spec).kernel).toEqual(presetKernel(preset.name, presetDefaults(preset)))
    }
  })
})

describe('searchPresets', () => {
  it('matches every word against title, name and description, ignoring case', () => {
    const blur = searchPresets(PRESETS, 'BLUR')
    expect(blur.length).toBeGreaterThan(1)
    for (const p of blur) expect(`${p.title} ${p.name} ${p.description}`.toLowerCase()).toContain('blur')
    const gauss = searchPresets(PRESETS, 'gaussian blur')
    expect(gauss.map((p) => p.name)).toContain('gaussian-blur')
    expect(gauss.every((p) => `${p.title} ${p.name} ${p.description}`.toLowerCase().includes('gaussian'))).toBe(true)
    expect(searchPresets(PRESETS, '  ')).toHaveLength(PRESETS.length)
    expect(searchPresets(PRESETS, 'no-such-thing-xyz')).toEqual([])
  })
})

describe('plainText', () => {
  it('drops the backticks engine descriptions use around parameter names', () => {
    expect(plainText('Raised relief lit from `direction` (top-left)')).toBe('Raised relief lit from direction (top-left)')
    expect(plainText('no marks')).toBe('no marks')
  })
})
