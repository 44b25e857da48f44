// @vitest-environment node
// `kernel-studio apply` on tiny images made in the test: the seeds' worked examples, every mode x border x flip,
// kernel shapes and number syntax, signed mappings, preset ranges, and every channel layout and bit depth, each
// checked against the plain reference convolution of tests/unit/engine/reference.ts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toFloat, toInt } from '../../../src/engine/image'
import { applyStack } from '../../../src/engine/stack'
import type { Border, FilterSpec, IntImage, OutputMode, SignedMode } from '../../../src/engine/types'
import { channelRows, gridIntImage } from '../../helpers/grid'
import { gridText, LESSON_IMAGE, LESSON_KERNEL } from '../../helpers/lesson'
import { LAYOUTS, randomIntImage, randomRows, rng } from '../../helpers/random'
import { referenceConvolve, type ReferenceOptions } from '../../unit/engine/reference'
import { compareSamples, readWithSharp, writeWithSharp } from '../../unit/io/images'
import { ensureCliBuilt, listFolder, runCli } from './cli'

let work: string

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-cli-semantics-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

// The seeds' 5x5 image and 3x3 kernel.
const SEED_IMAGE = gridText(LESSON_IMAGE)
const SEED_KERNEL = LESSON_KERNEL.map((row) => [...row])

const MODES: OutputMode[] = ['same', 'valid', 'full']
const BORDERS: Border[] = ['extend', 'reflect', 'wrap', 'zero']

/** Writes an integer image as a lossless PNG (or TIFF), keeping its channels and depth. */
async function writeImage(name: string, image: IntImage, format: 'png' | 'tiff' = 'png'): Promise<string> {
  await writeWithSharp(join(work, name), image, format)
  return name
}

async function applyOk(args: readonly string[]): Promise<IntImage> {
  const output = args[args.indexOf('-o') + 1]
  const result = await runCli(['apply', ...args, '--force'], { cwd: work })
  expect(result.code, result.stderr).toBe(0)
  expect(result.stderr).toBe('')
  return readWithSharp(join(work, output))
}

/**
 * Every output sample is a nearest-integer rounding of the exact reference value: off by at most 0.5, plus
 * `slack` for float rounding in fast paths (so a value within `slack` of .5 may round either way), plus the
 * reference's own tolerance (colour under a tiny alpha).
 */
function expectRoundedReference(actual: IntImage, input: IntImage, rows: number[][], options: ReferenceOptions, slack = 1e-6): void {
  const want = referenceConvolve(toFloat(input), rows, options)
  expect([actual.width, actual.height, actual.channels, actual.depth]).toEqual([want.width, want.height, input.channels, input.depth])
  for (let i = 0; i < want.values.length; i++) {
    const diff = Math.abs(actual.data[i] - want.values[i])
    if (diff > 0.5 + slack + want.tolerance[i]) {
      expect.fail(`sample ${i}: got ${actual.data[i]}, reference ${want.values[i]} (${JSON.stringify(options)})`)
    }
  }
}

const plain = (options: Partial<ReferenceOptions>): ReferenceOptions => ({
  border: 'extend',
  mode: 'same',
  flip: false,
  divisor: 1,
  offset: 0,
  signed: 'clamp',
  keepAlpha: false,
  ...options
})

describe("the seeds' worked examples through the CLI", () => {
  it('seed 000/001: --mode valid writes the 3x3 result [[12,12,17],[10,17,19],[9,6,14]] into a PNG', async () => {
    await writeImage('seed.png', gridIntImage(SEED_IMAGE))
    const out = await applyOk(['seed.png', '-o', 'seed-valid.png', '--kernel', gridText(SEED_KERNEL), '--mode', 'valid'])
    expect([out.width, out.height, out.channels, out.depth]).toEqual([3, 3, 1, 8])
    expect(channelRows(out)).toEqual([
      [12, 12, 17],
      [10, 17, 19],
      [9, 6, 14]
    ])
  })

  it("seed 002: the farmer's [1 2 3 4 5] with [2 3 4], --flip --mode full --border zero", async () => {
    await writeImage('farmer.png', gridIntImage('1 2 3 4 5'))
    const out = await applyOk(['farmer.png', '-o', 'farmer-full.png', '--kernel', '2 3 4', '--flip', '--mode', 'full', '--border', 'zero'])
    expect(channelRows(out)).toEqual([[2, 7, 16, 25, 34, 31, 20]])
    // Without --flip the kernel is applied as written (correlation), which differs for this asymmetric kernel.
    const asWritten = await applyOk(['farmer.png', '-o', 'farmer-corr.png', '--kernel', '2 3 4', '--mode', 'full', '--border', 'zero'])
    expectRoundedReference(asWritten, gridIntImage('1 2 3 4 5'), [[2, 3, 4]], plain({ mode: 'full', border: 'zero' }))
    expect(channelRows(asWritten)).not.toEqual(channelRows(out))
  })

  it.each(MODES)('every --border with and without --flip, --mode %s, equals the reference', async (mode) => {
    await writeImage('seed.png', gridIntImage(SEED_IMAGE))
    const input = gridIntImage(SEED_IMAGE)
    for (const border of BORDERS) {
      for (const flip of [false, true]) {
        const output = `seed-${mode}-${border}-${flip}.png`
        const args = ['seed.png', '-o', output, '--kernel', gridText(SEED_KERNEL), '--mode', mode, '--border', border]
        const out = await applyOk(flip ? [...args, '--flip'] : args)
        expectRoundedReference(out, input, SEED_KERNEL, plain({ border, mode, flip }))
      }
    }
    // The borders really differ from each other here (the test would not notice a border being ignored otherwise).
    const outs = await Promise.all(BORDERS.map((b) => readWithSharp(join(work, `seed-${mode}-${b}-false.png`))))
    if (mode !== 'valid') expect(new Set(outs.map((o) => Array.from(o.data).join())).size).toBe(BORDERS.length)
  })
})

describe('kernel shapes and number syntax', () => {
  const random = rng(31)
  const input = randomIntImage(random, 11, 9, 3, 8)

  it('rectangular and 1xN / Nx1 kernels in every mode', async () => {
    await writeImage('rgb.png', input)
    const shapes = [randomRows(random, 1, 5), randomRows(random, 5, 1), randomRows(random, 3, 7), randomRows(random, 7, 3), randomRows(random, 1, 11)]
    for (const rows of shapes) {
      for (const mode of MODES) {
        const out = await applyOk(['rgb.png', '-o', 'shape.png', '--kernel', gridText(rows), '--mode', mode, '--border', 'reflect', '--offset', '100'])
        expectRoundedReference(out, input, rows, plain({ mode, border: 'reflect', offset: 100 }))
      }
    }
    // 15 CLI processes one after another.
  }, 120_000)

  it('fractions, decimals, exponents and negatives, with commas or spaces', async () => {
    await writeImage('rgb.png', input)
    const kernel = '1/9, -1/16, 2.5e-1; -.5 1.75 0.125e1; 3/8 -2E-1 +1/3'
    const rows = [
      [1 / 9, -1 / 16, 0.25],
      [-0.5, 1.75, 1.25],
      [3 / 8, -0.2, 1 / 3]
    ]
    const out = await applyOk(['rgb.png', '-o', 'numbers.png', '--kernel', kernel, '--border', 'wrap'])
    expectRoundedReference(out, input, rows, plain({ border: 'wrap' }))
  })

  it('--divisor 1/9 multiplies by 9; --divisor and --offset take fractions and negatives', async () => {
    await writeImage('seed.png', gridIntImage(SEED_IMAGE))
    const seed = gridIntImage(SEED_IMAGE)
    const ones = [
      [1, 1, 1],
      [1, 1, 1],
      [1, 1, 1]
    ]
    const ninth = await applyOk(['seed.png', '-o', 'ninth.png', '--kernel', gridText(ones), '--divisor', '1/9'])
    expectRoundedReference(ninth, seed, ones, plain({ divisor: 1 / 9 }))
    const sums = await applyOk(['seed.png', '-o', 'sums.png', '--kernel', gridText(ones)])
    expect(Array.from(ninth.data)).toEqual(Array.from(sums.data, (v) => Math.min(255, v * 9)))
    const negative = await applyOk(['seed.png', '-o', 'neg.png', '--kernel', gridText(ones), '--divisor', '-1/4', '--offset', '60.5'])
    expectRoundedReference(negative, seed, ones, plain({ divisor: -0.25, offset: 60.5 }))
  })

  it('63x63 kernels, in same, full and valid mode, with --flip', async () => {
    const big = randomIntImage(random, 70, 66, 3, 8)
    await writeImage('big.png', big)
    // Positive and negative weights; the divisor keeps results mostly in range so rounding is really checked.
    const rows = randomRows(random, 63, 63)
    const sum = rows.flat().reduce((a, b) => a + b, 0)
    const divisor = Math.abs(sum) > 20 ? sum : 99
    const cases: [OutputMode, Border, boolean][] = [
      ['same', 'extend', false],
      ['full', 'zero', true],
      ['valid', 'reflect', false],
      ['same', 'wrap', true]
    ]
    for (const [mode, border, flip] of cases) {
      const args = ['big.png', '-o', 'big-out.png', '--kernel', gridText(rows), '--mode', mode, '--border', border, '--divisor', String(divisor), '--offset', '128']
      const out = await applyOk(flip ? [...args, '--flip'] : args)
      expectRoundedReference(out, big, rows, plain({ mode, border, flip, divisor, offset: 128 }), 0.05)
    }
  })
})

describe('--signed on sobel', () => {
  it('each mapping equals the reference, and they differ where sobel is negative', async () => {
    // A bright band: sobel right is positive on its left edge and negative on its right edge.
    const band = gridIntImage(Array.from({ length: 5 }, () => '10 10 40 40 40 10 10').join('\n'))
    await writeImage('band.png', band)
    const rgb = randomIntImage(rng(5), 9, 8, 3, 16)
    await writeImage('rgb16.png', rgb)
    const sobel = [
      [-1, 0, 1],
      [-2, 0, 2],
      [-1, 0, 1]
    ]
    const rows: string[] = []
    for (const signed of ['clamp', 'abs', 'shift', 'stretch'] as SignedMode[]) {
      const out = await applyOk(['band.png', '-o', `band-${signed}.png`, '--preset', 'sobel:direction=right', '--signed', signed])
      expectRoundedReference(out, band, sobel, plain({ signed }))
      rows.push(channelRows(out)[0].join(' '))
      const deep = await applyOk(['rgb16.png', '-o', `rgb16-${signed}.png`, '--preset', 'sobel', '--signed', signed, '--border', 'reflect'])
      expectRoundedReference(deep, rgb, sobel, plain({ signed, border: 'reflect' }))
    }
    expect(new Set(rows).size).toBe(4)
  })
})

describe('preset parameters at the ends of their ranges', () => {
  const random = rng(77)
  const input = randomIntImage(random, 24, 18, 3, 8)
  const engine = (filters: readonly FilterSpec[]): IntImage => toInt(applyStack(toFloat(input), filters))

  it.each([
    ['box-blur:size=1', { preset: 'box-blur', params: { size: 1 } }],
    ['box-blur:size=63', { preset: 'box-blur', params: { size: 63 } }],
    ['gaussian-blur:size=1,sigma=0.1', { preset: 'gaussian-blur', params: { size: 1, sigma: 0.1 } }],
    ['gaussian-blur:size=63,sigma=64', { preset: 'gaussian-blur', params: { size: 63, sigma: 64 } }],
    ['sharpen:amount=0', { preset: 'sharpen', params: { amount: 0 } }],
    ['sharpen:amount=10', { preset: 'sharpen', params: { amount: 10 } }],
    ['unsharp-mask:size=63,sigma=64,amount=10', { preset: 'unsharp-mask', params: { size: 63, sigma: 64, amount: 10 } }],
    ['motion-blur:length=63,angle=-360', { preset: 'motion-blur', params: { length: 63, angle: -360 } }],
    ['motion-blur:length=1,angle=360', { preset: 'motion-blur', params: { length: 1, angle: 360 } }],
    ['high-pass:size=63,sigma=0.1', { preset: 'high-pass', params: { size: 63, sigma: 0.1 } }]
  ] as [string, FilterSpec][])('%s runs and matches the engine', async (spec, filter) => {
    await writeImage('preset-in.png', input)
    const out = await applyOk(['preset-in.png', '-o', 'preset-out.png', '--preset', spec])
    const expected = engine([filter])
    const { maxDiff, differing } = compareSamples(out, expected)
    expect(maxDiff).toBeLessThanOrEqual(1)
    expect(differing).toBeLessThanOrEqual(Math.ceil(expected.data.length / 1000))
  })

  it.each([
    ['box-blur:size=257', 'preset "box-blur": size 257 is out of range: expected 1 to 255'],
    ['box-blur:size=-1', 'preset "box-blur": size -1 is out of range: expected 1 to 255'],
    ['gaussian-blur:sigma=0.09', 'preset "gaussian-blur": sigma 0.09 is out of range: expected 0.1 to 64'],
    ['gaussian-blur:sigma=64.5', 'preset "gaussian-blur": sigma 64.5 is out of range: expected 0.1 to 64'],
    ['sharpen:amount=-0.1', 'preset "sharpen": amount -0.1 is out of range: expected 0 to 10'],
    ['unsharp-mask:amount=10.5', 'preset "unsharp-mask": amount 10.5 is out of range: expected 0 to 10'],
    ['motion-blur:angle=361', 'preset "motion-blur": angle 361 is out of range: expected -360 to 360'],
    ['motion-blur:length=257', 'preset "motion-blur": length 257 is out of range: expected 1 to 255'],
    ['high-pass:size=0', 'preset "high-pass": size 0 is out of range: expected 1 to 255'],
    ['emboss:direction=north', 'preset "emboss": direction "north" is not one of top-left, top, top-right, right, bottom-right, bottom, bottom-left, left'],
    ['laplacian:variant=6', 'preset "laplacian": variant "6" is not one of 4, 8']
  ])('%s just outside the range is refused in one line', async (spec, message) => {
    await writeImage('preset-in.png', input)
    const before = await listFolder(work)
    const result = await runCli(['apply', 'preset-in.png', '-o', 'refused.png', '--preset', spec], { cwd: work })
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(`kernel-studio: error: ${message}\n`)
    expect(await listFolder(work)).toEqual(before)
  })
})

describe('channels and bit depth in and out', () => {
  const names = ['', 'grey', 'grey+alpha', 'RGB', 'RGBA']

  it.each(LAYOUTS)('%i channel(s) at %i bits stay so through PNG and TIFF, filtered like the reference', async (channels, depth) => {
    const random = rng(channels * 100 + depth)
    const input = randomIntImage(random, 13, 10, channels, depth)
    const rows = [
      [1, 2, 1],
      [2, 4, 2],
      [1, 2, 1]
    ]
    for (const format of ['png', 'tiff'] as const) {
      const name = await writeImage(`layout-${channels}-${depth}.${format}`, input, format)
      const output = `layout-out-${channels}-${depth}.${format === 'png' ? 'png' : 'tif'}`
      const result = await runCli(['apply', name, '-o', output, '--kernel', gridText(rows), '--divisor', '16', '--force'], { cwd: work })
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout).toContain(` ${names[channels]} ${depth}-bit ${format === 'png' ? 'PNG' : 'TIFF'} `)
      const out = await readWithSharp(join(work, output))
      expectRoundedReference(out, input, rows, plain({ divisor: 16 }))
    }
  })

  it('alpha is blurred with the colour (premultiplied) unless --keep-alpha', async () => {
    const input = randomIntImage(rng(12), 10, 8, 4, 8)
    await writeImage('cutout.png', input)
    const blur = [
      [1, 1, 1],
      [1, 1, 1],
      [1, 1, 1]
    ]
    const blurred = await applyOk(['cutout.png', '-o', 'cutout-blur.png', '--preset', 'box-blur'])
    expectRoundedReference(blurred, input, blur, plain({ divisor: 9 }))
    const kept = await applyOk(['cutout.png', '-o', 'cutout-kept.png', '--preset', 'box-blur', '--keep-alpha'])
    expectRoundedReference(kept, input, blur, plain({ divisor: 9, keepAlpha: true }))
    const alpha = (image: IntImage): number[] => Array.from(image.data).filter((_v, i) => i % 4 === 3)
    expect(alpha(kept)).toEqual(alpha(input))
    expect(alpha(blurred)).not.toEqual(alpha(input))
  })

  it('reads WebP, AVIF and GIF (lossless here), pixels as sharp decodes them', async () => {
    const random = rng(9)
    const rgba = randomIntImage(random, 12, 8, 4, 8)
    // Opaque or fully transparent only, so GIF can hold it too.
    for (let p = 3; p < rgba.data.length; p += 4) rgba.data[p] = rgba.data[p] < 128 ? 0 : 255
    const raw = { raw: { width: 12, height: 8, channels: 4 as const } }
    await sharp(rgba.data, raw).webp({ lossless: true }).toFile(join(work, 'in.webp'))
    await sharp(rgba.data, raw).avif({ lossless: true }).toFile(join(work, 'in.avif'))
    await sharp(rgba.data, raw).gif().toFile(join(work, 'in.gif'))
    for (const name of ['in.webp', 'in.avif', 'in.gif']) {
      const out = await applyOk([name, '-o', `from-${name}.png`, '--preset', 'identity'])
      const decoded = await readWithSharp(join(work, name))
      expect([out.width, out.height, out.channels], name).toEqual([12, 8, 4])
      const transparentColour = Array.from(decoded.data, (v, i) => (i % 4 !== 3 && decoded.data[i - (i % 4) + 3] === 0 ? 0 : v))
      expect(Array.from(out.data), name).toEqual(transparentColour)
    }
  })
})

describe('output alpha that rounds to 0', () => {
  it('a 63x63 integer kernel over its own sum, zero border, full: colour 0 wherever alpha is 0 (QA repro)', async () => {
    // A grey+alpha image with a fifth of its pixels fully transparent over random (hidden) grey. Where the exact
    // alpha is 0, float error in the fast paths used to leave a tiny alpha that blew the grey up to 255.
    const input = randomIntImage(rng(31), 100, 80, 2, 8)
    await writeImage('transparent.png', input)
    const rows = randomRows(rng(32), 63, 63)
    const sum = rows.flat().reduce((s, v) => s + v, 0)
    expect(sum).not.toBe(0)
    await writeFile(join(work, 'k63.txt'), rows.map((row) => row.join(' ')).join('; '))
    const args = ['transparent.png', '-o', 'transparent-out.png', '--kernel-file', 'k63.txt', '--border', 'zero', '--mode', 'full']
    const out = await applyOk([...args, '--divisor', String(sum)])
    expect([out.width, out.height, out.channels]).toEqual([162, 142, 2])
    let transparent = 0
    let coloured = 0
    for (let p = 0; p < out.data.length; p += 2) {
      if (out.data[p + 1] === 0) {
        transparent++
        if (out.data[p] !== 0) expect.fail(`pixel row ${Math.floor(p / 2 / 162)} col ${(p / 2) % 162}: grey ${out.data[p]} under alpha 0`)
      } else if (out.data[p] > 0) {
        coloured++
      }
    }
    expect(transparent).toBeGreaterThan(100)
    expect(coloured).toBeGreaterThan(100)
  })
})
