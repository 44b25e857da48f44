// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { convolve, outputSize } from '../../../src/engine/convolve'
import { EngineError } from '../../../src/engine/errors'
import { toFloat, toInt } from '../../../src/engine/image'
import { kernelFromRows, parseKernel } from '../../../src/engine/kernel'
import { presetKernel } from '../../../src/engine/presets'
import type { Border, Channels, FloatImage, OutputMode, SignedMode } from '../../../src/engine/types'
import { channelRows, gridImage } from '../../helpers/grid'
import { gridText, LESSON_IMAGE, LESSON_KERNEL } from '../../helpers/lesson'
import { LAYOUTS, randomImage, randomRows, rng } from '../../helpers/random'
import { referenceConvolve, type ReferenceOptions } from './reference'

const SEED_IMAGE = gridText(LESSON_IMAGE)
const SEED_KERNEL = gridText(LESSON_KERNEL)

const MODES: OutputMode[] = ['same', 'valid', 'full']
const BORDERS: Border[] = ['extend', 'reflect', 'wrap', 'zero']

function expectMatchesReference(image: FloatImage, rows: number[][], options: ReferenceOptions): void {
  const kernel = kernelFromRows(rows, { divisor: options.divisor, offset: options.offset })
  const got = convolve(image, kernel, options)
  const want = referenceConvolve(image, rows, options)
  expect([got.height, got.width]).toEqual([want.height, want.width])
  expect(got.channels).toBe(image.channels)
  expect(got.depth).toBe(image.depth)
  for (let i = 0; i < want.values.length; i++) {
    const diff = Math.abs(got.data[i] - want.values[i])
    if (diff > want.tolerance[i]) {
      const where = JSON.stringify({ i, got: got.data[i], want: want.values[i], ...options, rows })
      expect.fail(`sample differs from the reference: ${where}`)
    }
  }
}

describe('the seeds worked examples', () => {
  it('seed 000/001: the 5x5 image with [0 1 2; 2 2 0; 0 1 2], valid output', () => {
    const out = convolve(gridImage(SEED_IMAGE), parseKernel(SEED_KERNEL), { mode: 'valid' })
    expect(channelRows(out)).toEqual([
      [12, 12, 17],
      [10, 17, 19],
      [9, 6, 14]
    ])
  })

  it("seed 002: the farmer's [1 2 3 4 5] with [2 3 4] flipped, full size, zero border", () => {
    const out = convolve(gridImage('1 2 3 4 5'), parseKernel('2 3 4'), { flip: true, mode: 'full', border: 'zero' })
    expect(channelRows(out)).toEqual([[2, 7, 16, 25, 34, 31, 20]])
  })

  it('seed 003: Sobel right on a 7x7 step finds the edge exactly at the step columns', () => {
    const dark = 10
    const bright = 50
    const row = [dark, dark, dark, dark, bright, bright, bright]
    const image = gridImage(Array.from({ length: 7 }, () => row.join(' ')).join('\n'))
    const out = convolve(image, presetKernel('sobel', { direction: 'right' }), { mode: 'valid' })
    expect([out.height, out.width]).toEqual([5, 5])
    // Window c covers input columns c..c+2 with weights -1,-2,-1 | 0 | 1,2,1 per column:
    // only windows 2 (columns 2,3,4) and 3 (columns 3,4,5) see dark on the left and bright on the right.
    const edge = (1 + 2 + 1) * (bright - dark)
    const expected = Array.from({ length: 5 }, () => [0, 0, edge, edge, 0])
    expect(channelRows(out)).toEqual(expected)
  })
})

describe('convolve against the plain reference', () => {
  const kernelShapes: [number, number][] = [
    [1, 1],
    [3, 3],
    [1, 5],
    [5, 1],
    [3, 7],
    [7, 1],
    [5, 5],
    [9, 9]
  ]
  const imageShapes: [number, number][] = [
    [1, 1],
    [1, 6],
    [6, 1],
    [4, 5],
    [7, 7],
    [2, 3]
  ]

  for (const mode of MODES) {
    for (const border of BORDERS) {
      for (const flip of [false, true]) {
        it(`mode ${mode}, border ${border}, flip ${flip}`, () => {
          const random = rng(MODES.indexOf(mode) * 100 + BORDERS.indexOf(border) * 10 + Number(flip))
          let count = 0
          for (const [kh, kw] of kernelShapes) {
            for (const [h, w] of imageShapes) {
              const [channels, depth] = LAYOUTS[count++ % LAYOUTS.length]
              const image = randomImage(random, w, h, channels, depth)
              const rows = randomRows(random, kh, kw)
              const sum = rows.flat().reduce((a, b) => a + b, 0)
              // Every other case uses divisor = sum, so the alpha-convolving path (weights sum to 1) is hit too.
              const divisor = count % 2 === 0 && sum !== 0 ? sum : 1 + Math.floor(random() * 4)
              const offset = count % 3 === 0 ? Math.floor(random() * 40) - 20 : 0
              const options: ReferenceOptions = { border, mode, flip, divisor, offset, signed: 'clamp', keepAlpha: false }
              if (mode === 'valid' && (kh > h || kw > w)) {
                expect(() => convolve(image, kernelFromRows(rows), { mode })).toThrow(EngineError)
                continue
              }
              expectMatchesReference(image, rows, options)
            }
          }
        })
      }
    }
  }

  for (const signed of ['clamp', 'abs', 'shift', 'stretch'] as SignedMode[]) {
    it(`signed mode ${signed} on every layout`, () => {
      const random = rng(7 + signed.length)
      for (const [channels, depth] of LAYOUTS) {
        for (const border of BORDERS) {
          const image = randomImage(random, 6, 5, channels, depth)
          const rows = randomRows(random, 3, 3)
          const offset = Math.floor(random() * 20) - 10
          expectMatchesReference(image, rows, { border, mode: 'same', flip: false, divisor: 2, offset, signed, keepAlpha: false })
          expectMatchesReference(image, rows, { border, mode: 'full', flip: true, divisor: 1, offset, signed, keepAlpha: true })
        }
      }
    })
  }

  it('keepAlpha takes alpha from the pixel under the kernel centre even for a blur', () => {
    const random = rng(99)
    for (const mode of MODES) {
      for (const border of BORDERS) {
        const image = randomImage(random, 5, 4, 4, 8)
        const rows = [
          [1, 1, 1],
          [1, 1, 1],
          [1, 1, 1]
        ]
        expectMatchesReference(image, rows, { border, mode, flip: false, divisor: 9, offset: 0, signed: 'clamp', keepAlpha: true })
      }
    }
  })

  it('handles 63x63 kernels, and 1x63 / 63x1, in every mode', () => {
    const random = rng(63)
    for (const [kh, kw] of [
      [63, 63],
      [1, 63],
      [63, 1]
    ]) {
      const image = randomImage(random, 70, 66, 3, 8)
      const rows = randomRows(random, kh, kw)
      const sum = rows.flat().reduce((a, b) => a + b, 0)
      for (const mode of MODES) {
        const border = BORDERS[MODES.indexOf(mode)]
        expectMatchesReference(image, rows, { border, mode, flip: mode === 'full', divisor: sum === 0 ? 5 : sum, offset: 0, signed: 'clamp', keepAlpha: false })
      }
    }
  })

  it('handles kernels far larger than the image (reflect folds repeatedly)', () => {
    const random = rng(5)
    for (const border of BORDERS) {
      for (const [h, w] of [
        [1, 1],
        [2, 3],
        [3, 2]
      ]) {
        const image = randomImage(random, w, h, 3, 8)
        const rows = randomRows(random, 15, 13)
        expectMatchesReference(image, rows, { border, mode: 'same', flip: false, divisor: 7, offset: 0, signed: 'clamp', keepAlpha: false })
        expectMatchesReference(image, rows, { border, mode: 'full', flip: true, divisor: 7, offset: 0, signed: 'clamp', keepAlpha: false })
      }
    }
  })
})

describe('borders', () => {
  const row = '1 2 3 4'
  const wide = (border: Border): number[] =>
    channelRows(convolve(gridImage(row), parseKernel('1 0 0 0 0 0 0 0 0'), { border, mode: 'same' }))[0]

  it('reflect is reflect-101 (dcb|abcd|cba), extend replicates, wrap repeats, zero pads', () => {
    // Kernel cell 0 reads 4 pixels left of the output pixel.
    expect(wide('reflect')).toEqual([3, 4, 3, 2])
    expect(wide('extend')).toEqual([1, 1, 1, 1])
    expect(wide('wrap')).toEqual([1, 2, 3, 4])
    expect(wide('zero')).toEqual([0, 0, 0, 0])
  })

  it('a 1-pixel-wide image reflects to itself', () => {
    const out = convolve(gridImage('7\n9'), parseKernel('1 1 1'), { border: 'reflect' })
    expect(channelRows(out)).toEqual([[21], [27]])
  })
})

describe('output size', () => {
  it('is H x W for same, H-kh+1 x W-kw+1 for valid, H+kh-1 x W+kw-1 for full', () => {
    const kernel = { width: 3, height: 5 }
    expect(outputSize(10, 20, kernel, 'same')).toEqual({ height: 10, width: 20 })
    expect(outputSize(10, 20, kernel, 'valid')).toEqual({ height: 6, width: 18 })
    expect(outputSize(10, 20, kernel, 'full')).toEqual({ height: 14, width: 22 })
  })

  it('rejects a valid output when the kernel does not fit', () => {
    const image = gridImage('1 2 3\n4 5 6\n7 8 9')
    expect(() => convolve(image, presetKernel('box-blur', { size: 5 }), { mode: 'valid' })).toThrow(
      new EngineError("kernel 5x5 does not fit the 3x3 image for 'valid' output")
    )
  })
})

describe('alpha and colour', () => {
  it('an opaque RGBA image gives exactly the RGB result', () => {
    // Not with the zero border: there the outside is transparent for RGBA but black for RGB.
    const random = rng(3)
    const rgb = randomImage(random, 12, 10, 3, 8)
    const rgba: FloatImage = {
      ...rgb,
      channels: 4,
      data: Float32Array.from({ length: 12 * 10 * 4 }, (_v, i) => (i % 4 === 3 ? 255 : rgb.data[(i >> 2) * 3 + (i % 4)]))
    }
    const kernels = [
      presetKernel('gaussian-blur'),
      presetKernel('box-blur'),
      presetKernel('edge-detect'),
      presetKernel('sobel'),
      presetKernel('motion-blur', { angle: 30 })
    ]
    for (const kernel of kernels) {
      for (const mode of MODES) {
        for (const border of BORDERS.filter((b) => b !== 'zero')) {
          const a = convolve(rgb, kernel, { mode, border })
          const b = convolve(rgba, kernel, { mode, border })
          for (let p = 0; p < a.width * a.height; p++) {
            const colour = Array.from(b.data.subarray(p * 4, p * 4 + 3))
            expect(colour).toEqual(Array.from(a.data.subarray(p * 3, p * 3 + 3)))
            expect(b.data[p * 4 + 3]).toBe(255)
          }
        }
      }
    }
  })

  it.each([
    ['black', [0, 0, 0, 0]],
    ['blue', [0, 0, 255, 0]]
  ])('blurring a cut-out has no dark fringe (transparent %s around it)', (_name, hidden) => {
    // A red opaque square on fully transparent pixels whose hidden colour must not bleed in.
    const size = 9
    const data = new Float32Array(size * size * 4)
    for (let p = 0; p < size * size; p++) data.set(hidden, p * 4)
    for (let r = 3; r < 6; r++) {
      for (let c = 3; c < 6; c++) data.set([255, 0, 0, 255], (r * size + c) * 4)
    }
    const image: FloatImage = { width: size, height: size, channels: 4, depth: 8, data }
    const out = toInt(convolve(image, presetKernel('gaussian-blur', { size: 5, sigma: 1.5 })))
    let translucent = 0
    for (let p = 0; p < size * size; p++) {
      const alpha = out.data[p * 4 + 3]
      if (alpha === 0) continue
      if (alpha < 255) translucent++
      expect(Array.from(out.data.subarray(p * 4, p * 4 + 3))).toEqual([255, 0, 0])
    }
    expect(translucent).toBeGreaterThan(20)
  })

  it('an edge kernel keeps an opaque image opaque', () => {
    const random = rng(11)
    const image = randomImage(random, 6, 6, 2, 16)
    for (let p = 1; p < image.data.length; p += 2) image.data[p] = 65535
    const out = convolve(image, presetKernel('edge-detect'))
    for (let p = 1; p < out.data.length; p += 2) expect(out.data[p]).toBe(65535)
  })

  it('identity leaves every layout unchanged, in every border (fully transparent colour becomes 0)', () => {
    const random = rng(21)
    for (const channels of [1, 2, 3, 4] as Channels[]) {
      for (const depth of [8, 16] as const) {
        const image = randomImage(random, 8, 5, channels, depth)
        const expected = image.data.slice()
        if (channels === 2 || channels === 4) {
          for (let p = 0; p < expected.length; p += channels) {
            if (expected[p + channels - 1] === 0) expected.fill(0, p, p + channels - 1)
          }
        }
        for (const border of BORDERS) {
          expect(toInt(convolve(image, presetKernel('identity'), { border })).data).toEqual(
            toInt({ ...image, data: expected }).data
          )
        }
      }
    }
  })

  it('identity leaves a photo unchanged', async () => {
    const { default: sharp } = await import('sharp')
    const { data, info } = await sharp('resources/samples/chelsea.png').raw().toBuffer({ resolveWithObject: true })
    const image = toFloat({
      width: info.width,
      height: info.height,
      channels: info.channels as Channels,
      depth: 8,
      data: new Uint8Array(data.buffer, data.byteOffset, data.length)
    })
    const out = toInt(convolve(image, presetKernel('identity')))
    expect(Buffer.from(out.data.buffer, out.data.byteOffset, out.data.byteLength).equals(data)).toBe(true)
  })

  it('edge-detect on a flat image is 0', () => {
    for (const depth of [8, 16] as const) {
      const image = gridImage('90 90 90 90\n90 90 90 90\n90 90 90 90', { depth })
      for (const border of BORDERS.filter((b) => b !== 'zero')) {
        for (const mode of MODES) {
          const out = convolve(image, presetKernel('edge-detect'), { border, mode })
          expect(Array.from(out.data).every((v) => v === 0)).toBe(true)
        }
      }
    }
  })
})

describe('signed mapping', () => {
  // Horizontal difference [-1 0 1] on a ramp up then down: +20 where it rises, -20 where it falls.
  const image = gridImage('0 10 30 10 0')
  const kernel = parseKernel('-1 0 1')
  const run = (signed: SignedMode, depth: 8 | 16 = 8): number[] =>
    channelRows(convolve({ ...image, depth }, kernel, { signed, mode: 'valid' }))[0]

  it('clamp cuts negatives to 0', () => expect(run('clamp')).toEqual([30, 0, 0]))
  it('abs keeps the magnitude', () => expect(run('abs')).toEqual([30, 0, 30]))
  it('shift adds mid-grey (128 for 8-bit, 32768 for 16-bit)', () => {
    expect(run('shift')).toEqual([158, 128, 98])
    expect(run('shift', 16)).toEqual([32798, 32768, 32738])
  })
  it('stretch maps min..max to 0..max', () => expect(run('stretch')).toEqual([255, 127.5, 0]))
  it('stretch of a constant result falls back to clamping', () => {
    const out = convolve(gridImage('5 5 5'), parseKernel('1'), { signed: 'stretch' })
    expect(channelRows(out)).toEqual([[5, 5, 5]])
  })
})

describe('input', () => {
  it('is never mutated', () => {
    const image = gridImage(SEED_IMAGE)
    const copy = image.data.slice()
    convolve(image, parseKernel(SEED_KERNEL), { mode: 'full', border: 'wrap', flip: true, signed: 'stretch' })
    expect(image.data).toEqual(copy)
  })

  it('rejects bad options and inconsistent images with one-line messages', () => {
    const image = gridImage('1 2 3')
    const kernel = parseKernel('1')
    expect(() => convolve(image, kernel, { border: 'mirror' as Border })).toThrow(
      new EngineError('unknown border "mirror": expected one of extend, reflect, wrap, zero')
    )
    expect(() => convolve(image, kernel, { mode: 'half' as OutputMode })).toThrow(
      new EngineError('unknown output mode "half": expected one of same, valid, full')
    )
    expect(() => convolve(image, kernel, { signed: 'wrap' as SignedMode })).toThrow(
      new EngineError('unknown signed mode "wrap": expected one of clamp, abs, shift, stretch')
    )
    expect(() => convolve({ ...image, data: new Float32Array(2) }, kernel)).toThrow(
      new EngineError('image data has 2 samples, expected 3x1x1 = 3')
    )
  })
})

describe('output alpha that rounds to 0', () => {
  /** A cut-out: a fully transparent left part and frame hiding bright colour, translucent and opaque pixels inside. */
  function cutout(channels: 2 | 4, seed: number): FloatImage {
    const random = rng(seed)
    const width = 16
    const height = 12
    const data = new Float32Array(width * height * channels)
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        const p = (r * width + c) * channels
        const hidden = c < 5 || r === 0 || r === height - 1 || (r === 6 && c === 10)
        for (let ch = 0; ch < channels - 1; ch++) data[p + ch] = hidden ? 255 : Math.floor(random() * 256)
        data[p + channels - 1] = hidden ? 0 : random() < 0.5 ? 255 : 1 + Math.floor(random() * 254)
      }
    }
    return { width, height, channels, depth: 8, data }
  }

  /** The convolved alpha before any snapping: the alpha plane convolved on its own as a grey image. */
  function rawAlpha(image: FloatImage, kernel: ReturnType<typeof parseKernel>): Float32Array {
    const plane = Float32Array.from({ length: image.width * image.height }, (_v, p) => image.data[p * image.channels + image.channels - 1])
    const grey: FloatImage = { width: image.width, height: image.height, channels: 1, depth: image.depth, data: plane }
    // Signed 'abs' keeps tiny negative sums visible as tiny positives rather than clamping them to 0.
    return convolve(grey, kernel, { border: 'zero', mode: 'full', signed: 'abs' }).data
  }

  // Integer weights over their own sum: the weights sum to 1 after the divisor, so alpha is convolved.
  const edgeRows = randomRows(rng(71), 9, 9)
  if (edgeRows.flat().reduce((s, v) => s + v, 0) === 0) edgeRows[4][4] += 1
  const edgeSum = edgeRows.flat().reduce((s, v) => s + v, 0)
  const kernels: [string, ReturnType<typeof parseKernel>][] = [
    ['gaussian 63, sigma 10', presetKernel('gaussian-blur', { size: 63, sigma: 10 })],
    ['gaussian 7, sigma 2', presetKernel('gaussian-blur', { size: 7, sigma: 2 })],
    ['integer sharpen (sum 1)', parseKernel('-1 -1 -1; -1 9 -1; -1 -1 -1')],
    ['random integer 9x9 / its sum', kernelFromRows(edgeRows, { divisor: edgeSum })]
  ]

  for (const channels of [2, 4] as const) {
    it.each(kernels)(`${channels} channels, %s, zero border, full: colour and alpha 0 wherever alpha rounds to 0`, (_name, kernel) => {
      const image = cutout(channels, 70 + channels)
      const out = convolve(image, kernel, { border: 'zero', mode: 'full' })
      const rounded = toInt(out)
      let transparent = 0
      let coloured = 0
      for (let p = 0; p < out.width * out.height; p++) {
        const a = p * channels + channels - 1
        const colour = Array.from(out.data.subarray(p * channels, a))
        if (out.data[a] < 0.5) {
          transparent++
          expect(out.data[a]).toBe(0)
          expect(colour.every((v) => v === 0)).toBe(true)
        } else if (colour.some((v) => v > 0)) {
          coloured++
        }
        if (rounded.data[a] === 0) expect(Array.from(rounded.data.subarray(p * channels, a)).every((v) => v === 0)).toBe(true)
      }
      expect(transparent).toBeGreaterThan(0)
      expect(coloured).toBeGreaterThan(0)
    })
  }

  it('the wide blur really produces alpha strictly between 0 and half a level (the case being tested)', () => {
    const image = cutout(2, 72)
    const kernel = presetKernel('gaussian-blur', { size: 63, sigma: 10 })
    const raw = rawAlpha(image, kernel)
    const out = convolve(image, kernel, { border: 'zero', mode: 'full' })
    let tiny = 0
    for (let p = 0; p < raw.length; p++) {
      if (raw[p] > 0 && raw[p] < 0.5) {
        tiny++
        expect([out.data[p * 2], out.data[p * 2 + 1]]).toEqual([0, 0])
      }
    }
    expect(tiny).toBeGreaterThan(0)
  })
})
