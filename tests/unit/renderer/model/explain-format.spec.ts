// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { inspectPixel } from '../../../../src/engine/inspect'
import { kernelFromRows } from '../../../../src/engine/kernel'
import { presetKernel } from '../../../../src/engine/presets'
import { explainSteps, formatValue, sumExpression } from '../../../../src/renderer/model/explain-format'
import { WALKTHROUGH_EXAMPLES, WALKTHROUGH_KERNELS, exampleImage } from '../../../../src/renderer/model/walkthrough-examples'
import type { FloatImage } from '../../../../src/engine/types'

const lesson = WALKTHROUGH_EXAMPLES.find((e) => e.id === 'lesson5')!
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
