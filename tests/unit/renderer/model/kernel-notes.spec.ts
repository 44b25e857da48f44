// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { kernelFromRows } from '../../../../src/engine/kernel'
import { normaliseReason, separableNote, sumNote } from '../../../../src/renderer/model/kernel-notes'

const box = kernelFromRows([[1, 1, 1], [1, 1, 1], [1, 1, 1]])
const sobel = kernelFromRows([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])

describe('kernel notes', () => {
  it('says how the sum changes brightness, with and without a divisor', () => {
    expect(sumNote(kernelFromRows([[0, 1, 0]]))).toBe('Weights sum to 1: overall brightness is kept.')
    expect(sumNote({ ...box, divisor: 9 })).toBe('Weights sum to 9, divided by 9 gives 1: overall brightness is kept.')
    expect(sumNote(box)).toBe('Weights sum to 9: brightness is multiplied by 9; Normalise would keep it unchanged.')
    expect(sumNote({ ...box, divisor: 3 })).toMatch(/^Weights sum to 9 \(÷ 3 = 3\): brightness is multiplied by 3;/)
    expect(sumNote(sobel)).toMatch(/^Weights sum to 0: flat areas become 0/)
    expect(sumNote(null)).toBe('')
  })

  it('writes numbers for people: exact sums, 4 decimals at most, no float noise, the offset said once', () => {
    const ones = kernelFromRows(Array.from({ length: 255 }, () => new Array<number>(255).fill(1)))
    expect(sumNote(ones)).toBe('Weights sum to 65025: brightness is multiplied by 65025; Normalise would keep it unchanged.')
    const noisy = kernelFromRows([[24.907999999999877 - 1, 1, 0]])
    expect(sumNote(noisy)).toBe('Weights sum to 24.908: brightness is multiplied by 24.908; Normalise would keep it unchanged.')
    expect(sumNote({ ...box, divisor: 7 })).toBe(
      'Weights sum to 9 (÷ 7 = 1.2857): brightness is multiplied by 1.2857; Normalise would keep it unchanged.'
    )
    expect(sumNote({ ...box, divisor: 9, offset: 128 })).toBe(
      'Weights sum to 9, divided by 9 gives 1: overall brightness is kept. Then 128 is added to every value.'
    )
    const gauss = kernelFromRows([1, 2, 1].map((a) => [1, 2, 1].map((b) => (a * b) / 273)))
    expect(separableNote(gauss)).toBe('Separable: column [0.06052 0.121 0.06052] × row [0.06052 0.121 0.06052], so it runs as two fast 1-D passes.')
  })

  it('offers Normalise only for a valid kernel with a non-zero sum that differs from the divisor', () => {
    expect(normaliseReason(null)).toBe('Normalise waits for the marked fields to be fixed.')
    expect(normaliseReason(sobel)).toMatch(/sum to 0/)
    expect(normaliseReason({ ...box, divisor: 9 })).toBe("Normalise is off: the divisor already equals the weights' sum, so brightness is kept.")
    expect(normaliseReason(box)).toBeNull()
  })

  it('writes out the factors of a separable kernel and says nothing for others', () => {
    expect(separableNote({ ...box, divisor: 9 })).toMatch(/^Separable: column \[.+\] × row \[.+\], so it runs as two fast 1-D passes\.$/)
    expect(separableNote(kernelFromRows([[0, 1, 0], [1, 1, 1], [0, 1, 0]]))).toBe('')
    expect(separableNote(kernelFromRows([[1, 2, 1]]))).toBe('')
    expect(separableNote(null)).toBe('')
  })

  it('writes the factors as a person would: whole numbers primitive, a symmetric blur as the same 1-D blur twice', () => {
    const pass = (column: string, row: string): string => `Separable: column [${column}] × row [${row}], so it runs as two fast 1-D passes.`
    expect(separableNote(sobel)).toBe(pass('1 2 1', '-1 0 1'))
    expect(separableNote(kernelFromRows([[1, 2, 1], [2, 4, 2], [1, 2, 1]]))).toBe(pass('1 2 1', '1 2 1'))
    expect(separableNote(kernelFromRows([[2, 2, 2], [2, 2, 2], [2, 2, 2]]))).toBe(pass('1 1 1', '2 2 2'))
    const g = [0.0044, 0.054, 0.242, 0.399, 0.242, 0.054, 0.0044]
    const text = g.join(' ')
    expect(separableNote(kernelFromRows(g.map((a) => g.map((b) => a * b))))).toBe(pass(text, text))
  })
})
