// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { convolve } from '../../../src/engine/convolve'
import { kernelFromRows } from '../../../src/engine/kernel'
import { stridedCorrelate, stridedOutputLength, stridedTaps } from '../../../src/engine/strided'
import type { FloatImage, OutputMode } from '../../../src/engine/types'
import { LESSON_IMAGE, LESSON_KERNEL } from '../../helpers/lesson'

function asImage(rows: readonly (readonly number[])[]): FloatImage {
  return { width: rows[0].length, height: rows.length, channels: 1, depth: 8, data: Float32Array.from(rows.flat()) }
}

function engineRows(mode: OutputMode): number[][] {
  const out = convolve(asImage(LESSON_IMAGE), kernelFromRows(LESSON_KERNEL), { mode, border: 'zero' })
  return Array.from({ length: out.height }, (_, r) => Array.from(out.data.subarray(r * out.width, (r + 1) * out.width)))
}

describe('strided output size floor((N + 2P − D(K−1) − 1)/S) + 1', () => {
  it('gives the three modes of an image filter', () => {
    expect(stridedOutputLength(5, 3)).toBe(3) // valid: N − K + 1
    expect(stridedOutputLength(5, 3, { padding: 1 })).toBe(5) // same
    expect(stridedOutputLength(5, 3, { padding: 2 })).toBe(7) // full: N + K − 1
    expect(stridedOutputLength(7, 3)).toBe(5) // the course chapter's 7x7 with a 3x3 Sobel
  })

  it('counts stride and dilation by hand', () => {
    // (224 + 2·3 − 1·6 − 1)/2 + 1 = 112.5 → 112: a 7x7 stride-2 layer on a 224 input.
    expect(stridedOutputLength(224, 7, { padding: 3, stride: 2 })).toBe(112)
    expect(stridedOutputLength(5, 3, { stride: 2 })).toBe(2) // (5 − 2 − 1)/2 + 1
    expect(stridedOutputLength(5, 3, { dilation: 2 })).toBe(1) // taps 0, 2, 4: one position
    expect(stridedOutputLength(6, 3, { stride: 2 })).toBe(2) // floor(3/2) + 1
    expect(stridedOutputLength(5, 3, { dilation: 3 })).toBe(0) // reach 7 > 5: no output
    expect(stridedOutputLength(28, 3, { padding: 1, stride: 1, dilation: 2 })).toBe(26)
  })

  it('refuses sizes that are not whole numbers in range', () => {
    expect(() => stridedOutputLength(5, 3, { stride: 0 })).toThrow(/stride 0/)
    expect(() => stridedOutputLength(5, 3, { padding: -1 })).toThrow(/padding -1/)
    expect(() => stridedOutputLength(5, 3, { dilation: 1.5 })).toThrow(/dilation 1.5/)
    expect(() => stridedOutputLength(0, 3)).toThrow(/input size 0/)
  })
})

describe('strided and dilated correlation', () => {
  it('is the reference convolution with a zero border when S = D = 1 (P = 0, 1, 2: valid, same, full)', () => {
    expect(stridedCorrelate(LESSON_IMAGE, LESSON_KERNEL)).toEqual(engineRows('valid'))
    expect(stridedCorrelate(LESSON_IMAGE, LESSON_KERNEL, { padding: 1 })).toEqual(engineRows('same'))
    expect(stridedCorrelate(LESSON_IMAGE, LESSON_KERNEL, { padding: 2 })).toEqual(engineRows('full'))
    expect(stridedCorrelate(LESSON_IMAGE, LESSON_KERNEL)[0][0]).toBe(12) // the lessons' first window
  })

  it('keeps every second window with stride 2 (hand-computed on the lesson grid)', () => {
    // The valid result is [12 12 17; 10 17 19; 9 6 14]; stride 2 keeps its corners.
    expect(stridedCorrelate(LESSON_IMAGE, LESSON_KERNEL, { stride: 2 })).toEqual([[12, 17], [9, 14]])
  })

  it('spreads the taps with dilation 2 (hand-computed: rows and columns 0, 2, 4)', () => {
    // Samples [3 2 0; 3 2 3; 2 0 1] x kernel [0 1 2; 2 2 0; 0 1 2] = 2 + 6 + 4 + 2.
    expect(stridedCorrelate(LESSON_IMAGE, LESSON_KERNEL, { dilation: 2 })).toEqual([[14]])
    expect(stridedTaps(0, 0, 3, 3, { dilation: 2 }).map((t) => [t.row, t.col])).toEqual([
      [0, 0], [0, 2], [0, 4], [2, 0], [2, 2], [2, 4], [4, 0], [4, 2], [4, 4]
    ])
  })

  it('pads with zeros and strides together (hand-computed)', () => {
    // P = 1, S = 2 on 5x5: outputs at window tops −1, 1, 3. Output (0, 0) reads rows/cols −1..1: only
    // x(0,0)=3, x(0,1)=3, x(1,0)=0, x(1,1)=0 under kernel cells (1,1)=2, (1,2)=0, (2,1)=1, (2,2)=2: 6.
    const out = stridedCorrelate(LESSON_IMAGE, LESSON_KERNEL, { padding: 1, stride: 2 })
    expect(out.length).toBe(3)
    expect(out[0][0]).toBe(6)
    expect(out[1][1]).toBe(engineRows('valid')[1][1]) // window tops 1, 1: the valid window (1, 1)
  })

  it('runs the seeds\' 1-D example as a one-row grid (full size is P = K − 1 on the row)', () => {
    const padded = [[0, 0, 1, 2, 3, 4, 5, 0, 0]]
    expect(stridedCorrelate(padded, [[2, 3, 4]])).toEqual([[4, 11, 20, 29, 38, 23, 10]])
    expect(stridedCorrelate(padded, [[4, 3, 2]])).toEqual([[2, 7, 16, 25, 34, 31, 20]])
  })
})
