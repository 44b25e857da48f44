// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { inspectPixel } from '../../../../src/engine/inspect'
import { kernelFromRows } from '../../../../src/engine/kernel'
import { presetKernel } from '../../../../src/engine/presets'
import { explainSteps, formatValue, sumExpression } from '../../../../src/renderer/model/explain-format'
import {
  WALKTHROUGH_EXAMPLES,
  WALKTHROUGH_KERNELS,
  exampleImage,
  walkthroughFrames
} from '../../../../src/renderer/model/walkthrough-examples'
import type { FilterSpec, FloatImage } from '../../../../src/engine/types'
import { applyStack } from '../../../../src/engine/stack'
import { toInt } from '../../../../src/engine/image'
import {
  imageToOutput,
  inputRectToImage,
  insideOutput,
  layerFrame,
  outputToImage,
  spanText
} from '../../../../src/renderer/model/explain-coords'

const lesson = WALKTHROUGH_EXAMPLES.find((e) => e.id === 'lesson5')!
const edge = WALKTHROUGH_EXAMPLES.find((e) => e.id === 'edge7')!
const lessonKernel = WALKTHROUGH_KERNELS.find((k) => k.id === 'lesson')!.kernel()

describe('explain steps', () => {
  it('writes out the lesson example: sum 12 at output (0, 0), valid mode', () => {
    const result = inspectPixel(exampleImage(lesson), lessonKernel, { row: 0, col: 0 }, { mode: 'valid' })
    const steps = explainSteps(result, result.channels[0])
    expect(steps.map((s) => s.id)).toEqual(['explain-sum', 'explain-divided', 'explain-offset', 'explain-value'])
    expect(steps[0].value).toBe(12)
    expect(steps[0].math).toBe('0×3 + 1×3 + 2×2 + 2×0 + 2×0 + 0×1 + 0×3 + 1×1 + 2×2')
    expect(steps.at(-1)).toMatchObject({ value: 12, final: true })
  })

  it('shows divisor, offset, the signed mapping and clamping', () => {
    const image: FloatImage = { width: 3, height: 1, channels: 1, depth: 8, data: Float32Array.from([200, 10, 10]) }
    const kernel = kernelFromRows([[1, 0, -1]], { divisor: 2, offset: -10 })
    const result = inspectPixel(image, kernel, { row: 0, col: 1 }, { signed: 'shift' })
    const steps = explainSteps(result, result.channels[0])
    const byId = Object.fromEntries(steps.map((s) => [s.id, s.value]))
    expect(byId['explain-sum']).toBe(190)
    expect(byId['explain-divided']).toBe(95)
    expect(byId['explain-offset']).toBe(85)
    expect(byId['explain-mapped']).toBe(85 + 128)
    expect(byId['explain-value']).toBe(213)
    const clamped = inspectPixel(image, kernelFromRows([[0, 3, 0]]), { row: 0, col: 0 })
    expect(explainSteps(clamped, clamped.channels[0]).at(-1)!.value).toBe(255)
  })

  it('summarises big kernels instead of writing 25 terms', () => {
    const image: FloatImage = { width: 5, height: 5, channels: 1, depth: 8, data: new Float32Array(25).fill(9) }
    const result = inspectPixel(image, presetKernel('box-blur', { size: 5 }), { row: 2, col: 2 })
    expect(sumExpression(result, result.channels[0])).toBe('Σ of 25 products')
    expect(formatValue(-0)).toBe('0')
    expect(formatValue(1 / 3)).toBe('0.333')
  })
})

describe('walkthrough frames', () => {
  it('slides over every valid position of the 7x7 edge with the engine', () => {
    const sobel = WALKTHROUGH_KERNELS.find((k) => k.id === 'sobel-right')!.kernel()
    const frames = walkthroughFrames(exampleImage(edge), sobel)
    expect([frames.outHeight, frames.outWidth]).toEqual([5, 5])
    expect(frames.steps).toHaveLength(25)
    const sums = frames.steps.map((s) => s.channels[0].sum)
    // Flat dark region gives 0, the windows straddling the step respond.
    expect(sums[0]).toBe(0)
    expect(sums[1]).toBeGreaterThan(0)
    expect(sums[4]).toBe(0)
    // Each sum equals the products the frame shows, and the window moves left to right, top to bottom.
    frames.steps.forEach((s, i) => {
      expect(s.channels[0].products.flat().reduce((a, b) => a + b, 0)).toBeCloseTo(s.channels[0].sum, 9)
      expect([s.windowTop, s.windowLeft]).toEqual([Math.floor(i / 5), i % 5])
    })
    // Stored pixels come from convolve with the magnitude mapping, clamped.
    expect(frames.stored.data[1]).toBe(Math.min(255, Math.abs(sums[1])))
  })

  it('gives the lesson grid a 3x3 output starting with 12', () => {
    const frames = walkthroughFrames(exampleImage(lesson), lessonKernel)
    expect([frames.outHeight, frames.outWidth]).toEqual([3, 3])
    expect(frames.steps[0].channels[0].sum).toBe(12)
  })

  it('every offered kernel and example works', () => {
    for (const e of WALKTHROUGH_EXAMPLES) {
      for (const k of WALKTHROUGH_KERNELS) expect(walkthroughFrames(exampleImage(e), k.kernel()).steps.length).toBeGreaterThan(0)
    }
  })
})

describe('explain coordinates: viewer image <-> layer input and output', () => {
  const lessonSpec: FilterSpec = { kernel: '0 1 2; 2 2 0; 0 1 2', mode: 'valid' }

  it('maps the lesson example in valid mode: output (0, 0) shows at image (1, 1) and reads rows 0-2, columns 0-2', () => {
    const image = exampleImage(lesson)
    const frame = layerFrame([lessonSpec], 0, image)
    expect(frame).toMatchObject({ input: { row: 0, col: 0 }, output: { row: 1, col: 1 }, outputSize: { height: 3, width: 3 }, mode: 'valid' })
    const o = imageToOutput({ row: 1, col: 1 }, frame)
    expect(o).toEqual({ row: 0, col: 0 })
    expect(outputToImage(o, frame)).toEqual({ row: 1, col: 1 })
    const result = inspectPixel(image, lessonKernel, o, { mode: 'valid' })
    expect(result.channels[0].sum).toBe(12)
    expect(inputRectToImage({ top: result.windowTop, left: result.windowLeft, height: 3, width: 3 }, frame)).toEqual({
      top: 0,
      left: 0,
      height: 3,
      width: 3
    })
    expect(`${spanText('row', result.windowTop, 3)}, ${spanText('column', result.windowLeft, 3)}`).toBe('rows 0–2, columns 0–2')
    // The image's edge pixels are not part of the valid output.
    expect(insideOutput(imageToOutput({ row: 0, col: 2 }, frame), frame)).toBe(false)
    expect(insideOutput(imageToOutput({ row: 3, col: 3 }, frame), frame)).toBe(true)
    expect(insideOutput(imageToOutput({ row: 4, col: 3 }, frame), frame)).toBe(false)
  })

  it('maps full mode: output (r, c) reads input rows r-(kh-1)..r', () => {
    const image = exampleImage(lesson)
    const frame = layerFrame([{ ...lessonSpec, mode: 'full' }], 0, image)
    expect(frame.output).toEqual({ row: -1, col: -1 })
    expect(frame.outputSize).toEqual({ height: 7, width: 7 })
    const o = imageToOutput({ row: 0, col: 0 }, frame)
    expect(o).toEqual({ row: 1, col: 1 })
    const result = inspectPixel(image, lessonKernel, o, { mode: 'full' })
    expect([result.windowTop, result.windowLeft]).toEqual([o.row - 2, o.col - 2])
    expect(inputRectToImage({ top: result.windowTop, left: result.windowLeft }, frame)).toEqual({ top: -1, left: -1 })
  })

  it('through a stack of valid, full and same layers, every shown pixel is the inspected value, centred on its window', () => {
    const image: FloatImage = { width: 9, height: 8, channels: 1, depth: 8, data: Float32Array.from({ length: 72 }, (_v, i) => (i * 53) % 256) }
    const filters: FilterSpec[] = [
      { preset: 'box-blur', params: { size: 3 }, mode: 'valid' },
      { preset: 'sharpen', enabled: false, mode: 'valid' },
      { kernel: '1 0 -1 0 2; 0 1 1 1 0; 2 0 1 0 1', mode: 'full', signed: 'abs' },
      { preset: 'sharpen' }
    ]
    const shown = toInt(applyStack(image, filters))
    // The viewer centres the final result on the image.
    const offRow = (image.height - shown.height) / 2
    const offCol = (image.width - shown.width) / 2
    const last = layerFrame(filters, 3, image)
    expect(last.output).toEqual({ row: offRow, col: offCol })
    // Layer 2 is off: it does not shift anything.
    expect(layerFrame(filters, 2, image).input).toEqual({ row: 1, col: 1 })
    expect(layerFrame(filters, 2, image).output).toEqual({ row: 0, col: -1 })
    const prefix = applyStack(image, filters.slice(0, 3))
    for (const p of [{ row: 0, col: 0 }, { row: 3, col: 4 }, { row: 7, col: 8 }]) {
      const o = imageToOutput(p, last)
      expect(insideOutput(o, last)).toBe(true)
      const result = inspectPixel(prefix, { width: 3, height: 3, weights: [0, -1, 0, -1, 5, -1, 0, -1, 0], divisor: 1, offset: 0 }, o)
      expect(result.channels[0].value).toBe(shown.data[o.row * shown.width + o.col])
      const rect = inputRectToImage({ top: result.windowTop, left: result.windowLeft }, last)
      expect([rect.top + 1, rect.left + 1]).toEqual([p.row, p.col])
    }
    // The full-mode layer's window (3 rows, 5 columns) is centred on the pixel too.
    const full = layerFrame(filters, 2, image)
    const o = imageToOutput({ row: 4, col: 4 }, full)
    const r = inspectPixel(applyStack(image, filters.slice(0, 2)), { width: 5, height: 3, weights: [1, 0, -1, 0, 2, 0, 1, 1, 1, 0, 2, 0, 1, 0, 1], divisor: 1, offset: 0 }, o, { mode: 'full' })
    const rect = inputRectToImage({ top: r.windowTop, left: r.windowLeft }, full)
    expect([rect.top + 1, rect.left + 2]).toEqual([4, 4])
  })

  it('names a layer that does not fit or does not exist', () => {
    expect(() => layerFrame([{ preset: 'box-blur', params: { size: 7 }, mode: 'valid' }, { preset: 'sharpen' }], 1, { height: 5, width: 5 })).toThrow(
      /does not fit the 5x5 image/
    )
    expect(() => layerFrame([], 0, { height: 5, width: 5 })).toThrow(/layer 1 does not exist/)
  })
})
