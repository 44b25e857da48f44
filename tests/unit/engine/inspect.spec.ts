// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { convolve } from '../../../src/engine/convolve'
import { EngineError } from '../../../src/engine/errors'
import { toInt } from '../../../src/engine/image'
import { inspectPixel } from '../../../src/engine/inspect'
import { kernelFromRows, parseKernel } from '../../../src/engine/kernel'
import { presetKernel } from '../../../src/engine/presets'
import type { Border, Channels, OutputMode, SignedMode } from '../../../src/engine/types'
import { gridImage } from '../../helpers/grid'
import { gridText, LESSON_IMAGE, LESSON_KERNEL } from '../../helpers/lesson'
import { randomImage, randomRows, rng } from '../../helpers/random'

const SEED_IMAGE = gridImage(gridText(LESSON_IMAGE))

describe('inspectPixel', () => {
  it("shows the seeds' [0, 0] window: patch, kernel, products, sum 12", () => {
    const result = inspectPixel(SEED_IMAGE, parseKernel(gridText(LESSON_KERNEL)), { row: 0, col: 0 }, { mode: 'valid' })
    expect(result.kernel).toEqual([
      [0, 1, 2],
      [2, 2, 0],
      [0, 1, 2]
    ])
    expect([result.outputHeight, result.outputWidth]).toEqual([3, 3])
    const [grey] = result.channels
    expect(grey.name).toBe('grey')
    expect(grey.patch).toEqual([
      [3, 3, 2],
      [0, 0, 1],
      [3, 1, 2]
    ])
    expect(grey.products).toEqual([
      [0, 3, 4],
      [0, 0, 0],
      [0, 1, 4]
    ])
    expect([grey.sum, grey.divided, grey.withOffset, grey.mapped, grey.value]).toEqual([12, 12, 12, 12, 12])
    expect(result.sourceRows).toEqual([0, 1, 2])
    expect([result.windowTop, result.windowLeft]).toEqual([0, 0])
    expect(result.note).toBeUndefined()
  })

  it('shows the flipped kernel, border-resolved patch and divisor/offset steps', () => {
    const result = inspectPixel(gridImage('1 2 3 4 5'), parseKernel('2 3 4', { divisor: 2, offset: 1 }), { row: 0, col: 0 }, {
      mode: 'full',
      border: 'zero',
      flip: true
    })
    expect(result.kernel).toEqual([[4, 3, 2]])
    const [grey] = result.channels
    expect(grey.patch).toEqual([[0, 0, 1]])
    expect(result.sourceCols).toEqual([null, null, 0])
    expect(result.windowLeft).toBe(-2)
    expect([grey.sum, grey.divided, grey.withOffset, grey.value]).toEqual([2, 1, 2, 2])
  })

  it('gives exactly what convolve + toInt give, at every pixel, for every option and layout', () => {
    const random = rng(1234)
    const modes: OutputMode[] = ['same', 'valid', 'full']
    const borders: Border[] = ['extend', 'reflect', 'wrap', 'zero']
    const signedModes: SignedMode[] = ['clamp', 'abs', 'shift', 'stretch']
    let n = 0
    for (const mode of modes) {
      for (const border of borders) {
        for (const signed of signedModes) {
          const channels = ((n % 4) + 1) as Channels
          const depth = n % 3 === 0 ? 16 : 8
          const flip = n % 2 === 1
          n++
          const image = randomImage(random, 5, 4, channels, depth)
          const rows = randomRows(random, 3, n % 2 === 0 ? 3 : 1)
          const sum = rows.flat().reduce((a, b) => a + b, 0)
          const kernel = kernelFromRows(rows, { divisor: sum !== 0 && n % 3 !== 0 ? sum : 3, offset: (n % 5) - 2 })
          const options = { mode, border, signed, flip, keepAlpha: n % 7 === 0 }
          const expected = toInt(convolve(image, kernel, options))
          for (let row = 0; row < expected.height; row++) {
            for (let col = 0; col < expected.width; col++) {
              const result = inspectPixel(image, kernel, { row, col }, options)
              const values = result.channels.map((c) => c.value)
              const want = Array.from(expected.data.subarray((row * expected.width + col) * channels, (row * expected.width + col + 1) * channels))
              expect(values).toEqual(want)
            }
          }
        }
      }
    }
  })

  it('says colour is premultiplied for images with alpha, and where alpha comes from', () => {
    const image = gridImage('200,0,0,255 0,0,0,0 0,200,0,128', { channels: 4 })
    const blur = inspectPixel(image, parseKernel('1 1 1', { divisor: 3 }), { row: 0, col: 1 })
    expect(blur.note).toMatch(/premultiplied/)
    expect(blur.note).toMatch(/convolved/)
    expect(blur.channels.map((c) => c.name)).toEqual(['red', 'green', 'blue', 'alpha'])
    expect(blur.channels[1].patch[0]).toEqual([0, 0, (200 * 128) / 255])
    expect(blur.channels[3].fromCentre).toBeUndefined()
    const edge = inspectPixel(image, parseKernel('-1 2 -1'), { row: 0, col: 1 })
    expect(edge.channels[3].fromCentre).toBe(true)
    expect(edge.channels[3].value).toBe(0)
    expect(edge.note).toMatch(/do not sum to 1/)
  })

  it('reports the stretch range', () => {
    const result = inspectPixel(gridImage('0 10 30 10 0'), parseKernel('-1 0 1'), { row: 0, col: 1 }, { mode: 'valid', signed: 'stretch' })
    expect(result.range).toEqual({ low: -30, high: 30 })
    expect(result.channels[0].mapped).toBe(127.5)
    expect(result.channels[0].value).toBe(128)
  })

  it('maps by a given whole-image range when it sees only the window (explain on a crop)', () => {
    const whole = gridImage('0 10 30 10 0 5')
    const options = { mode: 'valid', signed: 'stretch' } as const
    const want = inspectPixel(whole, parseKernel('-1 0 1'), { row: 0, col: 3 }, options)
    const crop = gridImage('10 0 5')
    // Measured on the crop alone the range is -10..5, which maps the pixel elsewhere.
    expect(inspectPixel(crop, parseKernel('-1 0 1'), { row: 0, col: 0 }, options).channels[0].value).not.toBe(want.channels[0].value)
    const got = inspectPixel(crop, parseKernel('-1 0 1'), { row: 0, col: 0 }, options, { low: -30, high: 30 })
    expect(got.range).toEqual({ low: -30, high: 30 })
    expect(got.channels).toEqual(want.channels)
  })

  it('rejects positions outside the output, naming the valid range', () => {
    const kernel = presetKernel('identity')
    expect(() => inspectPixel(SEED_IMAGE, kernel, { row: 3, col: 0 }, { mode: 'valid' })).toThrow(
      new EngineError("row 3 is out of range: the 3x3 'valid' output has rows 0 to 2")
    )
    expect(() => inspectPixel(SEED_IMAGE, kernel, { row: 0, col: -1 })).toThrow(
      new EngineError("column -1 is out of range: the 5x5 'same' output has columns 0 to 4")
    )
    expect(() => inspectPixel(SEED_IMAGE, kernel, { row: 0, col: 6 }, { mode: 'full' })).not.toThrow()
  })
})
