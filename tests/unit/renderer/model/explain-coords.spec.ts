// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { inspectPixel } from '../../../../src/engine/inspect'
import { WALKTHROUGH_EXAMPLES, WALKTHROUGH_KERNELS, exampleImage } from '../../../../src/renderer/model/walkthrough-examples'
import type { FilterSpec, FloatImage } from '../../../../src/engine/types'
import { applyStack } from '../../../../src/engine/stack'
import { toInt } from '../../../../src/engine/image'
import { imageToOutput, inputRectToImage, insideOutput, layerFrame, outputToImage, spanText } from '../../../../src/renderer/model/explain-coords'

const lesson = WALKTHROUGH_EXAMPLES.find((e) => e.id === 'lesson5')!
const lessonKernel = WALKTHROUGH_KERNELS.find((k) => k.id === 'lesson')!.kernel()

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
    expect(`${spanText('row', result.windowTop, 3)}, ${spanText('column', result.windowLeft, 3)}`).toBe('rows 0 to 2, columns 0 to 2')
    expect(spanText('row', -1, 3)).toBe('rows −1 to 1')
    expect(spanText('column', -4, 3)).toBe('columns −4 to −2')
    expect(spanText('row', -2, 1)).toBe('row −2')
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
