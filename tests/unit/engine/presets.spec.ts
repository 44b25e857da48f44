// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { EngineError } from '../../../src/engine/errors'
import { kernelFromRows, kernelRows, kernelSum, validateKernel } from '../../../src/engine/kernel'
import {
  findPreset,
  gaussian1d,
  gaussianSize,
  parsePresetSpec,
  PRESETS,
  presetDefaults,
  presetKernel,
  presetSpec,
  presetWarning,
  type PresetParam
} from '../../../src/engine/presets'

const fails = (fn: () => unknown, message: string): void => {
  expect(fn).toThrow(new EngineError(message))
}

describe('presets', () => {
  it('each has a name, title, one-line description, typed params with defaults, and a valid default kernel', () => {
    const names = PRESETS.map((p) => p.name)
    expect(new Set(names).size).toBe(names.length)
    for (const name of [
      'identity',
      'box-blur',
      'gaussian-blur',
      'sharpen',
      'edge-detect',
      'sobel',
      'prewitt',
      'emboss',
      'unsharp-mask',
      'motion-blur',
      'laplacian'
    ]) {
      expect(names).toContain(name)
    }
    for (const preset of PRESETS) {
      expect(preset.title).not.toBe('')
      expect(preset.description).not.toMatch(/\n/)
      for (const param of preset.params) {
        expect(['int', 'number', 'enum']).toContain(param.type)
        expect(param.description).not.toBe('')
        if (param.type === 'enum') expect(param.options).toContain(param.default)
        else expect(param.default as number).toBeGreaterThanOrEqual(param.min as number)
      }
      const kernel = presetKernel(preset.name)
      expect(validateKernel(kernel)).toBe(kernel)
      expect(kernel.width % 2).toBe(1)
      expect(kernel.height % 2).toBe(1)
    }
  })

  it('identity is 1 in the centre', () => {
    expect(kernelRows(presetKernel('identity'))).toEqual([
      [0, 0, 0],
      [0, 1, 0],
      [0, 0, 0]
    ])
  })

  it("box-blur defaults to the seeds' 3x3 of 1/9 and scales with size", () => {
    const k = presetKernel('box-blur')
    expect([k.width, k.height, k.divisor]).toEqual([3, 3, 9])
    expect(k.weights).toEqual(new Array(9).fill(1))
    const big = presetKernel('box-blur', { size: 7 })
    expect([big.width, big.divisor, kernelSum(big)]).toEqual([7, 49, 49])
  })

  it('gaussian-blur weights sum to 1 for any size and sigma, peak in the centre, symmetric', () => {
    for (const [size, sigma] of [
      [1, 1],
      [5, 1],
      [11, 3],
      [63, 10]
    ]) {
      const k = presetKernel('gaussian-blur', { size, sigma })
      expect(k.width).toBe(size)
      expect(kernelSum(k)).toBeCloseTo(1, 12)
      const centre = (size * size - 1) / 2
      expect(Math.max(...k.weights)).toBe(k.weights[centre])
      expect(k.weights).toEqual(k.weights.slice().reverse())
    }
  })

  it("sharpen defaults to the seeds' [0 -1 0; -1 5 -1; 0 -1 0] and follows amount", () => {
    expect(kernelRows(presetKernel('sharpen'))).toEqual([
      [0, -1, 0],
      [-1, 5, -1],
      [0, -1, 0]
    ])
    expect(kernelRows(presetKernel('sharpen', { amount: 0.5 }))).toEqual([
      [0, -0.5, 0],
      [-0.5, 3, -0.5],
      [0, -0.5, 0]
    ])
  })

  it('edge-detect is 8 in the centre, -1 around, clamped by default; outline is another name for it', () => {
    const expected = [
      [-1, -1, -1],
      [-1, 8, -1],
      [-1, -1, -1]
    ]
    expect(kernelRows(presetKernel('edge-detect'))).toEqual(expected)
    expect(findPreset('edge-detect')?.signed ?? 'clamp').toBe('clamp')
    expect(PRESETS.map((p) => p.name)).not.toContain('outline')
    expect(findPreset('outline')).toBe(findPreset('edge-detect'))
    expect(kernelRows(presetKernel('outline'))).toEqual(expected)
    expect(parsePresetSpec('outline').preset.name).toBe('edge-detect')
    expect(findPreset('toString')).toBeUndefined()
  })

  it('sobel puts the positive weights on the named side', () => {
    expect(kernelRows(presetKernel('sobel'))).toEqual([
      [-1, 0, 1],
      [-2, 0, 2],
      [-1, 0, 1]
    ])
    expect(kernelRows(presetKernel('sobel', { direction: 'left' }))).toEqual([
      [1, 0, -1],
      [2, 0, -2],
      [1, 0, -1]
    ])
    expect(kernelRows(presetKernel('sobel', { direction: 'bottom' }))).toEqual([
      [-1, -2, -1],
      [0, 0, 0],
      [1, 2, 1]
    ])
    expect(kernelRows(presetKernel('sobel', { direction: 'top' }))).toEqual([
      [1, 2, 1],
      [0, 0, 0],
      [-1, -2, -1]
    ])
    expect(kernelRows(presetKernel('prewitt', { direction: 'right' }))).toEqual([
      [-1, 0, 1],
      [-1, 0, 1],
      [-1, 0, 1]
    ])
  })

  it('emboss defaults to top-left and rotates through 8 compass directions', () => {
    expect(kernelRows(presetKernel('emboss'))).toEqual([
      [-2, -1, 0],
      [-1, 1, 1],
      [0, 1, 2]
    ])
    expect(kernelRows(presetKernel('emboss', { direction: 'bottom-right' }))).toEqual([
      [2, 1, 0],
      [1, 1, -1],
      [0, -1, -2]
    ])
    expect(kernelRows(presetKernel('emboss', { direction: 'top' }))).toEqual([
      [-1, -2, -1],
      [0, 1, 0],
      [1, 2, 1]
    ])
    const options = findPreset('emboss')?.params[0].options ?? []
    expect(options).toHaveLength(8)
    for (const direction of options) expect(kernelSum(presetKernel('emboss', { direction }))).toBe(1)
  })

  it('unsharp-mask is (1 + amount) x identity - amount x gaussian', () => {
    const size = 5
    const sigma = 1.2
    const amount = 0.7
    const k = presetKernel('unsharp-mask', { size, sigma, amount })
    const g = presetKernel('gaussian-blur', { size, sigma })
    k.weights.forEach((w, i) => {
      const identity = i === (size * size - 1) / 2 ? 1 : 0
      expect(w).toBeCloseTo((1 + amount) * identity - amount * g.weights[i], 12)
    })
    expect(kernelSum(k)).toBeCloseTo(1, 12)
  })

  it('motion-blur is a normalised line at the given angle', () => {
    const flat = presetKernel('motion-blur', { length: 5, angle: 0 })
    expect(kernelRows(flat)[2]).toEqual([0.2, 0.2, 0.2, 0.2, 0.2])
    expect(kernelSum(flat)).toBeCloseTo(1, 12)
    const upright = presetKernel('motion-blur', { length: 5, angle: 90 })
    expect(kernelRows(upright).map((row) => row[2])).toEqual([0.2, 0.2, 0.2, 0.2, 0.2])
    const diagonal = kernelRows(presetKernel('motion-blur', { length: 9, angle: 45 }))
    expect(kernelSum(presetKernel('motion-blur', { length: 9, angle: 45 }))).toBeCloseTo(1, 12)
    // Rising to the right: the top-right half of the anti-diagonal is on the line, the other diagonal is not.
    expect(diagonal[3][5]).toBeGreaterThan(0)
    expect(diagonal[3][3]).toBe(0)
  })

  it('laplacian has a 4- and an 8-neighbour variant', () => {
    expect(kernelRows(presetKernel('laplacian'))).toEqual([
      [0, 1, 0],
      [1, -4, 1],
      [0, 1, 0]
    ])
    expect(kernelRows(presetKernel('laplacian', { variant: 8 }))).toEqual([
      [1, 1, 1],
      [1, -8, 1],
      [1, 1, 1]
    ])
  })

  it('high-pass sums to 0 and is shown shifted to mid-grey', () => {
    expect(kernelSum(presetKernel('high-pass'))).toBeCloseTo(0, 12)
    expect(findPreset('high-pass')?.signed).toBe('shift')
  })

  it('presetDefaults lists every parameter', () => {
    expect(presetDefaults(findPreset('gaussian-blur') ?? PRESETS[0])).toEqual({ size: 7, sigma: 1 })
  })
})

describe('gaussian sizes derived from sigma', () => {
  it('gaussianSize is the odd 2 x ceil(3 sigma) + 1, at most the largest kernel', () => {
    expect([0.1, 0.5, 1, 1.2, 3, 10, 42, 42.4, 64].map(gaussianSize)).toEqual([3, 5, 7, 9, 19, 61, 253, 255, 255])
  })

  it('difference-of-gaussians is the narrow Gaussian minus the wider one, sized by the wider one', () => {
    const k = presetKernel('difference-of-gaussians', { sigma: 2 })
    expect(k.width).toBe(21) // sigma 2 x ratio 1.6 = 3.2: 2 x ceil(9.6) + 1
    expect(kernelSum(k)).toBeCloseTo(0, 12)
    const narrow = presetKernel('gaussian-blur', { size: 21, sigma: 2 })
    const wide = presetKernel('gaussian-blur', { size: 21, sigma: 3.2 })
    k.weights.forEach((w, i) => expect(w).toBeCloseTo(narrow.weights[i] - wide.weights[i], 15))
    expect(presetKernel('difference-of-gaussians', { size: 5, sigma: 2, ratio: 3 }).width).toBe(5)
  })

  it('a spec without size gets the size derived from sigma, for every Gaussian preset', () => {
    for (const name of ['gaussian-blur', 'unsharp-mask', 'high-pass']) {
      expect(parsePresetSpec(`${name}:sigma=3`).params.size, name).toBe(19)
      expect(presetKernel(name, { sigma: 20 }).width, name).toBe(121)
      expect(presetKernel(name).width, name).toBe(7)
    }
  })

  it('an explicit size is used exactly as given, whatever sigma is', () => {
    const k = presetKernel('gaussian-blur', { size: 5, sigma: 1 })
    expect(k.width).toBe(5)
    expect(k.weights).toEqual(kernelRows(kernelFromRows(gaussian1d(5, 1).map((a) => gaussian1d(5, 1).map((b) => a * b)))).flat())
    expect(parsePresetSpec('unsharp-mask:size=3,sigma=10').params).toEqual({ size: 3, sigma: 10, amount: 1 })
  })

  it('warns when the size cuts the Gaussian short of 2 sigma, and not otherwise', () => {
    const gauss = findPreset('gaussian-blur') ?? PRESETS[0]
    const warn = (spec: string): string | null => {
      const { preset, params } = parsePresetSpec(spec)
      return presetWarning(preset, params)
    }
    expect(warn('gaussian-blur:sigma=12')).toBeNull()
    expect(warn('gaussian-blur:size=5,sigma=1')).toBeNull()
    expect(warn('gaussian-blur:size=63,sigma=20')).toBe(
      'size 63 holds the Gaussian only to 1.55σ each side, so it acts partly like a box blur: size 121 holds it to 3σ'
    )
    expect(warn('high-pass:sigma=60')).toBe(
      'σ 60 needs size 361 to hold the Gaussian to 3σ, more than the largest kernel (255): size 255 holds it to 2.12σ each side'
    )
    expect(warn('unsharp-mask:size=3,sigma=4')).toMatch(/^size 3 holds the Gaussian only to 0\.25σ each side/)
    expect(warn('difference-of-gaussians:sigma=30')).toMatch(/^σ 48 needs size 289 to hold the Gaussian to 3σ/)
    expect(warn('difference-of-gaussians:sigma=3')).toBeNull()
    expect(presetWarning(findPreset('sharpen') ?? gauss, { amount: 1 })).toBeNull()
  })

  it('presetSpec leaves out a size equal to the derived one and keeps an overriding one', () => {
    const gauss = findPreset('gaussian-blur') ?? PRESETS[0]
    expect(presetSpec(gauss, { size: 19, sigma: 3 })).toBe('gaussian-blur:sigma=3')
    expect(presetSpec(gauss, { size: 7, sigma: 3 })).toBe('gaussian-blur:size=7,sigma=3')
    expect(parsePresetSpec(presetSpec(gauss, { size: 7, sigma: 3 })).params).toEqual({ size: 7, sigma: 3 })
    expect(presetSpec(gauss, { size: 7, sigma: 1 })).toBe('gaussian-blur')
  })
})

describe('preset parameter ranges', () => {
  // The smallest value above/below a bound that the parameter's type still accepts (odd sizes step by 2).
  const outside = (param: PresetParam, bound: number, direction: 1 | -1): number =>
    bound + direction * (param.type === 'int' ? (param.odd ? 2 : 1) : (param.step ?? 0.1) / 2)

  it('every numeric parameter works at its min and max, with the others at their defaults, and is refused just outside', () => {
    let checked = 0
    for (const preset of PRESETS) {
      for (const param of preset.params) {
        if (param.type === 'enum') continue
        expect(param.min, `${preset.name}.${param.name}`).toBeDefined()
        expect(param.max, `${preset.name}.${param.name}`).toBeDefined()
        for (const [bound, direction] of [
          [param.min as number, -1],
          [param.max as number, 1]
        ] as const) {
          const kernel = presetKernel(preset.name, { [param.name]: bound })
          expect(validateKernel(kernel)).toBe(kernel)
          expect(kernel.weights.every(Number.isFinite), `${preset.name}:${param.name}=${bound}`).toBe(true)
          expect(parsePresetSpec(`${preset.name}:${param.name}=${bound}`).params[param.name]).toBe(bound)
          const beyond = outside(param, bound, direction)
          fails(
            () => parsePresetSpec(`${preset.name}:${param.name}=${beyond}`),
            `preset "${preset.name}": ${param.name} ${beyond} is out of range: expected ${param.min} to ${param.max}`
          )
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(20)
  })

  it('every parameter at its min together, and at its max together', () => {
    for (const preset of PRESETS) {
      for (const pick of ['min', 'max'] as const) {
        const params = Object.fromEntries(
          preset.params.map((param) => [param.name, param.type === 'enum' ? param.default : (param[pick] as number)])
        )
        const kernel = presetKernel(preset.name, params)
        expect(validateKernel(kernel)).toBe(kernel)
        if (preset.params.some((param) => param.name === 'size' || param.name === 'length')) {
          expect(kernel.width, `${preset.name} at ${pick}`).toBe(pick === 'min' ? 1 : 255)
        }
      }
    }
  })

  it('every enum option works and anything else is refused', () => {
    for (const preset of PRESETS) {
      for (const param of preset.params) {
        if (param.type !== 'enum') continue
        const kernels = (param.options ?? []).map((option) => kernelRows(presetKernel(preset.name, { [param.name]: option })))
        expect(new Set(kernels.map((k) => JSON.stringify(k))).size, `${preset.name}.${param.name}`).toBe(kernels.length)
        fails(
          () => presetKernel(preset.name, { [param.name]: 'sideways' }),
          `preset "${preset.name}": ${param.name} "sideways" is not one of ${(param.options ?? []).join(', ')}`
        )
      }
    }
  })
})

describe('preset specs', () => {
  it('read `name` and `name:key=value,key=value`, filling defaults', () => {
    const plain = parsePresetSpec('gaussian-blur')
    expect(plain.preset.name).toBe('gaussian-blur')
    expect(plain.params).toEqual({ size: 7, sigma: 1 })
    expect(parsePresetSpec('gaussian-blur:size=7,sigma=2.5').params).toEqual({ size: 7, sigma: 2.5 })
    expect(parsePresetSpec(' sobel : direction = top ').params).toEqual({ direction: 'top' })
    expect(parsePresetSpec('sharpen:amount=.5').params).toEqual({ amount: 0.5 })
  })

  it('reject bad specs and parameters with a message naming them', () => {
    fails(
      () => parsePresetSpec('blurr'),
      `unknown preset "blurr": expected one of ${PRESETS.map((p) => p.name).join(', ')}`
    )
    fails(() => parsePresetSpec(''), 'preset spec is empty')
    fails(() => parsePresetSpec('gaussian-blur:size'), 'preset spec "gaussian-blur:size": expected key=value, got "size"')
    fails(() => parsePresetSpec('gaussian-blur:size=3,size=5'), 'preset spec "gaussian-blur:size=3,size=5": parameter "size" is given twice')
    fails(() => parsePresetSpec('gaussian-blur:radius=3'), 'preset "gaussian-blur" has no parameter "radius": expected size, sigma')
    fails(() => parsePresetSpec('identity:size=3'), 'preset "identity" has no parameter "size": it takes none')
    fails(() => parsePresetSpec('gaussian-blur:size=abc'), 'preset "gaussian-blur": size "abc" is not a number')
    fails(() => parsePresetSpec('gaussian-blur:size=NaN'), 'preset "gaussian-blur": size "NaN" is not a number')
    fails(() => parsePresetSpec('gaussian-blur:size=4'), 'preset "gaussian-blur": size 4 is even: it must be odd')
    fails(() => parsePresetSpec('gaussian-blur:size=2.5'), 'preset "gaussian-blur": size 2.5 is not a whole number')
    fails(() => parsePresetSpec('gaussian-blur:size=257'), 'preset "gaussian-blur": size 257 is out of range: expected 1 to 255')
    fails(() => parsePresetSpec('gaussian-blur:sigma=0'), 'preset "gaussian-blur": sigma 0 is out of range: expected 0.1 to 64')
    fails(() => parsePresetSpec('sobel:direction=up'), 'preset "sobel": direction "up" is not one of right, left, top, bottom')
    fails(() => presetKernel('box-blur', { size: Infinity }), 'preset "box-blur": size Infinity is not a finite number')
    fails(() => presetKernel('nope'), `unknown preset "nope": expected one of ${PRESETS.map((p) => p.name).join(', ')}`)
  })
})
