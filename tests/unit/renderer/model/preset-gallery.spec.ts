// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { PRESETS, presetDefaults, presetKernel } from '../../../../src/engine/presets'
import { resolveFilter } from '../../../../src/engine/stack'
import { appSigned, candidateSpec, isEdited, plainText, searchPresets, storedParams } from '../../../../src/renderer/model/preset-gallery'

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

describe('appSigned', () => {
  it('shows the magnitude of presets whose kernel sums to 0, keeps a preset\'s own mapping, clamps the rest', () => {
    const signed = Object.fromEntries(PRESETS.map((p) => [p.name, appSigned(p)]))
    expect(signed).toMatchObject({ 'edge-detect': 'abs', sobel: 'abs', prewitt: 'abs', laplacian: 'abs', 'high-pass': 'shift' })
    expect(signed).toMatchObject({ identity: 'clamp', 'gaussian-blur': 'clamp', sharpen: 'clamp', emboss: 'clamp' })
  })
})

describe('storedParams and isEdited', () => {
  const gauss = PRESETS.find((p) => p.name === 'gaussian-blur')!
  it('leave a derived size out until the user sets it, which counts as an edit even at the default', () => {
    expect(storedParams(gauss, { size: 19, sigma: 3 }, { sigma: 3 })).toEqual({ sigma: 3 })
    expect(storedParams(gauss, { size: 7, sigma: 3 }, { size: 7, sigma: 3 })).toEqual({ size: 7, sigma: 3 })
    expect(isEdited(gauss, {})).toBe(false)
    expect(isEdited(gauss, { sigma: 1 })).toBe(false)
    expect(isEdited(gauss, { sigma: '1' })).toBe(false)
    expect(isEdited(gauss, { size: 7 })).toBe(true)
    expect(isEdited(gauss, {}, { border: 'wrap' })).toBe(true)
    expect(isEdited(gauss, {}, { flip: undefined })).toBe(false)
  })

  it('candidateSpec carries the options that are set', () => {
    expect(candidateSpec(gauss, { sigma: 2 }, { border: 'zero', signed: undefined })).toEqual({
      name: 'Gaussian blur',
      preset: 'gaussian-blur',
      params: { sigma: 2 },
      border: 'zero'
    })
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
