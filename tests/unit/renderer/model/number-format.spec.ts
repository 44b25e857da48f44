// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { formatForPeople, readableWeight, shortNumberText } from '../../../../src/renderer/model/number-format'

describe('formatForPeople', () => {
  it('keeps whole numbers exact and rounds the rest to 4 decimals or 4 significant digits', () => {
    expect(formatForPeople(65025)).toBe('65025')
    expect(formatForPeople(24.907999999999877)).toBe('24.908')
    expect(formatForPeople(-1.23456789)).toBe('-1.2346')
    expect(formatForPeople(1 / 273)).toBe('0.003663')
    expect(formatForPeople(-0)).toBe('0')
    expect(formatForPeople(-1e-20)).toBe('-1e-20')
    expect(formatForPeople(Infinity)).toBe('Infinity')
  })
})

describe('readableWeight', () => {
  it('writes short exact fractions as fractions and rounds the rest', () => {
    expect(readableWeight(1 / 9)).toBe('1/9')
    expect(readableWeight(-3 / 16)).toBe('-3/16')
    expect(readableWeight(1 / 273)).toBe('0.003663')
    expect(readableWeight(24.907999999999877)).toBe('24.908')
  })
})

describe('shortNumberText', () => {
  it('shortens long numbers to the width and leaves short or non-numeric text alone', () => {
    expect(shortNumberText(String(1 / 273))).toBe('0.0037')
    expect(shortNumberText('1/273')).toBe('1/273')
    expect(shortNumberText('-0.0625')).toBe('-0.063')
    expect(shortNumberText('12345678')).toBe('1e+7')
    expect(shortNumberText('0.5')).toBe('0.5')
    expect(shortNumberText('abcdefghij')).toBe('abcdefghij')
    expect(shortNumberText('  -2  ')).toBe('-2')
  })
  it('drops the leading zero of a fraction where the usual form cannot keep two significant digits', () => {
    expect(shortNumberText('0.0136364', 5)).toBe('0.014')
    expect(shortNumberText('0.0021554', 5)).toBe('.0022')
    expect(shortNumberText('0.0021554', 4)).toBe('.002')
    expect(shortNumberText('-0.0915', 4)).toBe('-.09')
    expect(shortNumberText('0.15915', 3)).toBe('.16')
    expect(shortNumberText('0.0000217', 4)).toBe('2e-5')
    expect(shortNumberText('123.456', 3)).toBe('123')
    expect(shortNumberText('-273.15', 3)).toBe('-3e+2')
  })
  it('takes a test of the measured width instead of a character count', () => {
    // Digits 2 wide, everything else 1 (a proportional font): 0.0136 is 10 wide, .0136 is 9.
    const width = (t: string): number => [...t].reduce((w, ch) => w + (/\d/.test(ch) ? 2 : 1), 0)
    expect(shortNumberText('0.0136364', (t) => width(t) <= 9)).toBe('0.014')
    expect(shortNumberText('0.0021554', (t) => width(t) <= 9)).toBe('.0022')
    expect(shortNumberText('0.0021554', (t) => width(t) <= 7)).toBe('.002')
  })
})
