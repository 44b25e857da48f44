// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { kernelFromRows } from '../../../../src/engine/kernel'
import { inspectPixel } from '../../../../src/engine/inspect'
import type { Border, FloatImage } from '../../../../src/engine/types'
import { WALKTHROUGH_EXAMPLES, WALKTHROUGH_KERNELS, walkthroughFrames } from '../../../../src/renderer/model/walkthrough-examples'
import {
  CROP_SIZE,
  FLIP_KERNEL,
  FLIP_SIGNAL,
  cropCentre,
  edgeNote,
  cropFilter,
  cropImage,
  modeFormula,
  paddedGrid,
  signalImage,
  signalKernel
} from '../../../../src/renderer/model/walkthrough-lessons'

// The renderer's copy of the lessons' 5x5 example (tests/helpers/lesson.ts is outside this side's project).
const LESSON_IMAGE = WALKTHROUGH_EXAMPLES.find((e) => e.id === 'lesson5')!.rows
const image: FloatImage = { width: 5, height: 5, channels: 1, depth: 8, data: Float32Array.from(LESSON_IMAGE.flat()) }
const kernel = WALKTHROUGH_KERNELS.find((k) => k.id === 'lesson')!.kernel()

describe('padding ring on the 5x5 lesson grid', () => {
  const ring = (border: Border, mode: 'same' | 'full' = 'same') => paddedGrid(image, kernel, mode, border)

  it('fills the top ring row and the left ring column by each border rule (hand-computed)', () => {
    // Same mode, 3x3 kernel: one ring cell on each side, so a 7x7 grid with the image at (1, 1).
    const expected: Record<Border, { top: number[]; left: number[] }> = {
      zero: { top: [0, 0, 0, 0, 0, 0, 0], left: [0, 0, 0, 0, 0] },
      extend: { top: [3, 3, 3, 2, 1, 0, 0], left: [3, 0, 3, 2, 2] },
      reflect: { top: [0, 0, 0, 1, 3, 1, 3], left: [3, 0, 1, 0, 0] },
      wrap: { top: [1, 2, 0, 0, 0, 1, 2], left: [0, 1, 3, 2, 1] }
    }
    for (const border of ['zero', 'extend', 'reflect', 'wrap'] as const) {
      const grid = ring(border)
      expect([grid.top, grid.left, grid.rows.length, grid.rows[0].length]).toEqual([1, 1, 7, 7])
      expect(grid.rows[0].map((c) => c.value)).toEqual(expected[border].top)
      expect(grid.rows.slice(1, 6).map((r) => r[0].value)).toEqual(expected[border].left)
      expect(grid.rows[0].every((c) => c.ring)).toBe(true)
      // The inside is the image itself.
      expect(grid.rows.slice(1, 6).map((r) => r.slice(1, 6).map((c) => c.value))).toEqual(LESSON_IMAGE)
      expect(grid.rows[3][3]).toEqual({ value: 2, source: { row: 2, col: 2 }, ring: false })
    }
    expect(ring('zero').rows[0][0].source).toBeNull()
    expect(ring('reflect').rows[0][0].source).toEqual({ row: 1, col: 1 })
  })

  it('gives full mode a ring of two, whose corners come from the rule', () => {
    const corner = (border: Border) => ring(border, 'full').rows[0][0].value
    expect(ring('reflect', 'full').rows.length).toBe(9)
    expect([corner('zero'), corner('extend'), corner('reflect'), corner('wrap')]).toEqual([0, 3, 2, 2])
  })

  it('matches what the window reads: first sums by hand, and the engine\'s patches everywhere', () => {
    const sum = (border: Border, mode: 'same' | 'full') => walkthroughFrames(image, kernel, { mode, border }).steps[0].channels[0].sum
    expect(sum('reflect', 'same')).toBe(12) // rows 1, 0, 1 and columns 1, 0, 1
    expect(sum('zero', 'same')).toBe(6)
    expect(sum('zero', 'full')).toBe(6) // only the kernel's corner 2 over the 3
    for (const border of ['zero', 'extend', 'reflect', 'wrap'] as const) {
      for (const mode of ['same', 'full'] as const) {
        const grid = ring(border, mode)
        for (const step of walkthroughFrames(image, kernel, { mode, border }).steps) {
          const window = grid.rows.slice(step.row, step.row + 3).map((r) => r.slice(step.col, step.col + 3).map((c) => c.value))
          expect(window).toEqual(step.channels[0].patch)
        }
      }
    }
  })
})

describe('output size formulas', () => {
  it('fills in N and K per mode', () => {
    expect(modeFormula('valid', 5, 3)).toEqual({ letters: 'N − K + 1', numbers: '5 − 3 + 1', result: 3 })
    expect(modeFormula('same', 5, 3)).toEqual({ letters: 'N', numbers: '5', result: 5 })
    expect(modeFormula('full', 5, 3)).toEqual({ letters: 'N + K − 1', numbers: '5 + 3 − 1', result: 7 })
  })
})

describe('flip: the seeds\' 1-D example through the walkthrough\'s engine path', () => {
  const sums = (flip: boolean) =>
    walkthroughFrames(signalImage(FLIP_SIGNAL), signalKernel(FLIP_KERNEL), { mode: 'full', border: 'zero', flip })

  it('correlation gives 4 11 20 29 38 23 10, convolution 2 7 16 25 34 31 20', () => {
    const correlation = sums(false)
    const convolution = sums(true)
    expect(correlation.steps.map((s) => s.channels[0].sum)).toEqual([4, 11, 20, 29, 38, 23, 10])
    expect(convolution.steps.map((s) => s.channels[0].sum)).toEqual([2, 7, 16, 25, 34, 31, 20])
    // The stored output (engine convolve) agrees, and the flipped kernel is the one applied.
    expect(Array.from(correlation.stored.data)).toEqual([4, 11, 20, 29, 38, 23, 10])
    expect(Array.from(convolution.stored.data)).toEqual([2, 7, 16, 25, 34, 31, 20])
    expect(convolution.steps[0].kernel).toEqual([[4, 3, 2]])
    // Month two: samples 0 1 2 under the flipped 4 3 2 (the seeds' 2·2 + 1·3).
    expect(convolution.steps[1].channels[0].products).toEqual([[0, 3, 4]])
  })
})

describe('photo crop', () => {
  it('keeps the crop inside the image', () => {
    expect(cropCentre(0, 0, 300, 451)).toEqual({ row: 4, col: 4 })
    expect(cropCentre(299, 450, 300, 451)).toEqual({ row: 295, col: 446 })
    expect(cropCentre(120.4, 200.6, 300, 451)).toEqual({ row: 120, col: 201 })
    expect(cropCentre(0, 0, 5, 5)).toEqual({ row: 2, col: 2 })
  })

  it('inspecting the crop filter at the centre returns the square of samples around it, per channel', () => {
    const width = 20
    const height = 15
    const rgb = new Float32Array(width * height * 3).map((_, i) => (i * 37) % 256)
    const photo: FloatImage = { width, height, channels: 3, depth: 8, data: rgb }
    const spec = cropFilter()
    const k = kernelFromRows(spec.kernel as number[][])
    const res = inspectPixel(photo, k, { row: 7, col: 10 }, { mode: spec.mode, border: spec.border })
    const green = cropImage(res.channels[1], 8)
    expect([green.width, green.height]).toEqual([CROP_SIZE, CROP_SIZE])
    // Crop cell (r, c) is photo pixel (7 − 4 + r, 10 − 4 + c), channel 1.
    for (const [r, c] of [[0, 0], [4, 4], [8, 8], [2, 7]]) {
      expect(green.data[r * CROP_SIZE + c]).toBe(rgb[((3 + r) * width + 6 + c) * 3 + 1])
    }
  })
})

describe('edge notes', () => {
  it('say how far the window hangs over each edge and the size that follows', () => {
    expect(edgeNote('full', 5, 3, 0, 'column')).toBe(
      'First column: the window reaches 2 columns past the left edge, into the ring. Output columns = N + K − 1 = 5 + 3 − 1 = 7'
    )
    expect(edgeNote('full', 5, 3, 6, 'row')).toBe(
      'Last row: the window reaches 2 rows past the bottom edge, into the ring. Output rows = N + K − 1 = 5 + 3 − 1 = 7'
    )
    expect(edgeNote('same', 5, 3, 4, 'column')).toMatch(/^Last column: the window reaches 1 column past the right edge.* = N = 5$/)
    expect(edgeNote('valid', 5, 3, 2, 'column')).toBe('Last column: the window is flush with the right edge. Output columns = N − K + 1 = 5 − 3 + 1 = 3')
    expect(edgeNote('same', 5, 3, 2, 'column')).toBeNull()
  })
})
