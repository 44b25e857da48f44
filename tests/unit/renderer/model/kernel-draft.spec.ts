// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { blankKernel, checkDraft, formatWeight, kernelSignature, resizeCells } from '../../../../src/renderer/model/kernel-draft'

describe('kernel draft helpers', () => {
  it('formats exact fractions and parses them back', () => {
    expect(formatWeight(1 / 9)).toBe('1/9')
    expect(formatWeight(-2)).toBe('-2')
    const draft = { cells: [['1/9', '2', '.5']], divisor: '1', offset: '0' }
    expect(checkDraft(draft).kernel?.weights).toEqual([1 / 9, 2, 0.5])
  })

  it('marks each bad cell with its own message and builds no kernel', () => {
    const checked = checkDraft({ cells: [['1', 'abc', ''], ['1', '1/0', '2'], ['0', '0', '0']], divisor: '0', offset: 'x' })
    expect(checked.kernel).toBeNull()
    expect(checked.cellErrors[0][1]).toMatch(/"abc" is not a number/)
    expect(checked.cellErrors[0][2]).toMatch(/empty/)
    expect(checked.cellErrors[1][1]).toMatch(/divides by zero/)
    expect(checked.cellErrors[0][0]).toBeNull()
    expect(checked.divisorError).toMatch(/must not be 0/)
    expect(checked.offsetError).toMatch(/not a number/)
    expect(checked.errorCount).toBe(5)
  })

  it('refuses weights and offsets beyond the engine\'s range under the field itself, never as Infinity', () => {
    const checked = checkDraft({ cells: [['1e308', '1e308', '1e9']], divisor: '2', offset: '-2e9' })
    expect(checked.kernel).toBeNull()
    expect(checked.cellErrors[0]).toEqual(['1e308 is out of range: at most 1e9 either way', '1e308 is out of range: at most 1e9 either way', null])
    expect(checked.offsetError).toBe('-2e9 is out of range: at most 1e9 either way')
    expect(checked.divisorError).toBeNull()
    expect(checked.errorCount).toBe(3)
    const tiny = checkDraft({ cells: [['1']], divisor: '1e-12', offset: '0' })
    expect(tiny.kernel).toBeNull()
    expect(tiny.divisorError).toMatch(/divisor 1e-12 is out of range/)
  })

  it('resizes symmetrically in pairs, keeping the centre', () => {
    const grown = resizeCells([['5']], 1, 2)
    expect(grown).toEqual([
      ['0', '0', '0', '0', '0'],
      ['0', '0', '5', '0', '0'],
      ['0', '0', '0', '0', '0']
    ])
    expect(resizeCells(grown, -1, -1)).toEqual([['0', '5', '0']])
    expect(resizeCells([['1']], -3, -3)).toEqual([['1']])
  })

  it('starts blank kernels as the identity and tells kernels apart by their numbers', () => {
    expect(blankKernel(3).weights).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0])
    expect(kernelSignature(blankKernel(3))).toBe(kernelSignature(blankKernel(3)))
    expect(kernelSignature({ ...blankKernel(3), divisor: 2 })).not.toBe(kernelSignature(blankKernel(3)))
    expect(kernelSignature(null)).toBe('')
  })
})
