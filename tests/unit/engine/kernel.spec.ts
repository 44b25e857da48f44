// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { EngineError } from '../../../src/engine/errors'
import {
  flipKernel,
  kernelFromRows,
  kernelRows,
  kernelSum,
  kernelToText,
  MAX_KERNEL_SIZE,
  normaliseKernel,
  parseKernel,
  parseNumber,
  rotateKernel90,
  separableFactors,
  transposeKernel,
  validateKernel
} from '../../../src/engine/kernel'
import type { Kernel } from '../../../src/engine/types'

const fails = (fn: () => unknown, message: string): void => {
  expect(fn).toThrow(EngineError)
  expect(fn).toThrow(new EngineError(message, 'bad-kernel'))
}

describe('parseNumber', () => {
  it('reads integers, decimals, exponents and fractions', () => {
    expect(parseNumber('3')).toBe(3)
    expect(parseNumber('-7')).toBe(-7)
    expect(parseNumber('+2')).toBe(2)
    expect(parseNumber('.5')).toBe(0.5)
    expect(parseNumber('-0.25')).toBe(-0.25)
    expect(parseNumber('2.')).toBe(2)
    expect(parseNumber('1e-3')).toBe(0.001)
    expect(parseNumber('2.5E2')).toBe(250)
    expect(parseNumber('1/9')).toBe(1 / 9)
    expect(parseNumber('-3/16')).toBe(-3 / 16)
    expect(parseNumber('1.5/3')).toBe(0.5)
  })

  it('rejects everything else, naming the token', () => {
    fails(() => parseNumber('NaN'), '"NaN" is not a number')
    fails(() => parseNumber('Infinity'), '"Infinity" is not a number')
    fails(() => parseNumber('-Infinity'), '"-Infinity" is not a number')
    fails(() => parseNumber('abc'), '"abc" is not a number')
    fails(() => parseNumber('0x10'), '"0x10" is not a number')
    fails(() => parseNumber('1/0'), '"1/0" divides by zero')
    fails(() => parseNumber('1/2/3'), '"1/2/3" is not a number')
    fails(() => parseNumber('/3'), '"/3" is not a number')
    fails(() => parseNumber('1e999'), '"1e999" is not a finite number')
    fails(() => parseNumber(''), 'empty number')
  })
})

describe('parseKernel', () => {
  it('reads rows separated by ; or newlines and values by spaces and/or commas', () => {
    const expected = [
      [0, -1, 0],
      [-1, 5, -1],
      [0, -1, 0]
    ]
    expect(kernelRows(parseKernel('0 -1 0; -1 5 -1; 0 -1 0'))).toEqual(expected)
    expect(kernelRows(parseKernel('0,-1,0\n-1, 5, -1\n0 , -1 ,0\n'))).toEqual(expected)
    expect(kernelRows(parseKernel('[0 -1 0; -1 5 -1; 0 -1 0]'))).toEqual(expected)
    expect(kernelRows(parseKernel('[[0,-1,0],[-1,5,-1],[0,-1,0]]'))).toEqual(expected)
  })

  it('gives divisor 1 and offset 0 unless told otherwise', () => {
    const k = parseKernel('1 1 1; 1 1 1; 1 1 1')
    expect([k.width, k.height, k.divisor, k.offset]).toEqual([3, 3, 1, 0])
    const scaled = parseKernel('1 2 1', { divisor: 4, offset: 10 })
    expect([scaled.divisor, scaled.offset]).toEqual([4, 10])
  })

  it('reads fractions exactly, like the seeds\' box blur of 1/9', () => {
    expect(parseKernel('1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9').weights).toEqual(new Array(9).fill(1 / 9))
  })

  it('accepts rectangular kernels and 1xN', () => {
    const k = parseKernel('1 2 3 4 5')
    expect([k.width, k.height]).toEqual([5, 1])
    const tall = parseKernel('1;2;3;4;5;6;7')
    expect([tall.width, tall.height]).toEqual([1, 7])
  })

  it('accepts 63x63 and the maximum size, rejects larger', () => {
    const text = (n: number, m = n): string => Array.from({ length: n }, () => new Array(m).fill('1').join(' ')).join(';')
    expect(parseKernel(text(63)).weights).toHaveLength(63 * 63)
    expect(parseKernel(text(MAX_KERNEL_SIZE, 1)).height).toBe(255)
    fails(() => parseKernel(text(257, 3)), 'kernel 3x257 is too large: at most 255x255')
  })

  it('names the bad token, row or size', () => {
    fails(() => parseKernel(''), 'kernel is empty')
    fails(() => parseKernel('  ;\n '), 'kernel is empty')
    fails(() => parseKernel('1 2 3; 4 5; 6 7 8'), 'kernel row 2 has 2 values, expected 3')
    fails(() => parseKernel('1 2 3; 4 x 6; 7 8 9'), 'kernel row 2, value 2: "x" is not a number')
    fails(() => parseKernel('1 NaN 3'), 'kernel row 1, value 2: "NaN" is not a number')
    fails(() => parseKernel('1 Infinity 3'), 'kernel row 1, value 2: "Infinity" is not a number')
    fails(() => parseKernel('1 1/0 3'), 'kernel row 1, value 2: "1/0" divides by zero')
    fails(() => parseKernel('1 2; 3 4; 5 6; 7 8'), 'kernel height 4 is even: kernels need odd height and width')
    fails(() => parseKernel('1 2; 3 4; 5 6'), 'kernel width 2 is even: kernels need odd height and width')
    fails(() => parseKernel('[[1,2,3],4]'), 'kernel brackets do not match: write rows as [a, b, c]')
    fails(() => parseKernel('1 2 3', { divisor: 0 }), 'kernel divisor must not be 0')
    fails(() => parseKernel('1 2 3', { divisor: NaN }), 'kernel divisor NaN is not a finite number')
    fails(() => parseKernel('1 2 3', { offset: Infinity }), 'kernel offset Infinity is not a finite number')
  })
})

describe('kernelFromRows and validateKernel', () => {
  it('check rows given as data', () => {
    fails(() => kernelFromRows([]), 'kernel is empty')
    fails(() => kernelFromRows([[]]), 'kernel row 1 is empty')
    fails(() => kernelFromRows([[1, 2, 3], [4, 5]]), 'kernel row 2 has 2 values, expected 3')
    fails(() => kernelFromRows([[1, NaN, 3]]), 'kernel row 1, value 2: NaN is not a finite number')
  })

  it('check kernels given as objects', () => {
    const good: Kernel = { width: 3, height: 1, weights: [1, 2, 1], divisor: 4, offset: 0 }
    expect(validateKernel(good)).toBe(good)
    fails(() => validateKernel({ ...good, width: 2, weights: [1, 2] }), 'kernel width 2 is even: kernels need odd height and width')
    fails(() => validateKernel({ ...good, weights: [1, 2] }), 'kernel 3x1 needs 3 weights, got 2')
    fails(() => validateKernel({ ...good, weights: [1, Infinity, 1] }), 'kernel row 1, value 2: Infinity is not a finite number')
    fails(() => validateKernel({ ...good, divisor: 0 }), 'kernel divisor must not be 0')
    fails(() => validateKernel({ ...good, width: 1.5 }), 'kernel size 1.5x1 is not a positive whole number')
  })
})

describe('kernel helpers', () => {
  const k = parseKernel('1 2 3; 4 5 6; 7 8 9')

  it('flip rotates 180 degrees', () => {
    expect(kernelRows(flipKernel(k))).toEqual([
      [9, 8, 7],
      [6, 5, 4],
      [3, 2, 1]
    ])
  })

  it('rotate turns 90 degrees clockwise, also for rectangles', () => {
    expect(kernelRows(rotateKernel90(k))).toEqual([
      [7, 4, 1],
      [8, 5, 2],
      [9, 6, 3]
    ])
    const wide = rotateKernel90(parseKernel('1 2 3'))
    expect([wide.width, wide.height]).toEqual([1, 3])
    expect(kernelRows(wide)).toEqual([[1], [2], [3]])
  })

  it('transpose swaps rows and columns', () => {
    expect(kernelRows(transposeKernel(k))).toEqual([
      [1, 4, 7],
      [2, 5, 8],
      [3, 6, 9]
    ])
  })

  it('text round-trips, writing small fractions as fractions', () => {
    const box = parseKernel('1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9')
    expect(kernelToText(box)).toBe('1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9')
    const odd = parseKernel('0.1234567 -2 1e-7')
    expect(parseKernel(kernelToText(odd)).weights).toEqual(odd.weights)
  })

  it('normalise sets the divisor to the weight sum and refuses a zero sum', () => {
    const n = normaliseKernel(parseKernel('1 2 1; 2 4 2; 1 2 1'))
    expect(n.divisor).toBe(16)
    expect(kernelSum(n)).toBe(16)
    fails(() => normaliseKernel(parseKernel('-1 0 1')), 'kernel weights sum to 0: it cannot be normalised')
  })

  it('separableFactors splits outer products and refuses the rest', () => {
    const f = separableFactors(parseKernel('1 2 1; 2 4 2; 1 2 1'))
    expect(f).not.toBeNull()
    const { column, row } = f as { column: number[]; row: number[] }
    const product = column.flatMap((a) => row.map((b) => a * b))
    expect(product).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1])
    expect(separableFactors(parseKernel('-1 0 1; -2 0 2; -1 0 1'))).not.toBeNull()
    expect(separableFactors(parseKernel('0 -1 0; -1 5 -1; 0 -1 0'))).toBeNull()
  })
})
