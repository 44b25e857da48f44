// @vitest-environment node
// `kernel-studio apply` end to end on real photos: the written pixels equal the engine applied in-process.
import { copyFile, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toFloat, toInt } from '../../../src/engine/image'
import { presetDefaults, findPreset } from '../../../src/engine/presets'
import { applyStack } from '../../../src/engine/stack'
import type { BitDepth, FilterSpec, IntImage } from '../../../src/engine/types'
import { animatedGif, compareSamples, readWithSharp } from '../../unit/io/images'
import { SAMPLES, ensureCliBuilt, listFolder, runCli } from './cli'

let work: string

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-cli-apply-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

/** The engine run in this process, as the CLI should have run it. */
function engine(image: IntImage, filters: readonly FilterSpec[], depth: BitDepth = image.depth): IntImage {
  return toInt(applyStack(toFloat(image), filters), depth)
}

/**
 * Same pixels. The CLI goes through runStack, which may use a faster convolution (float32, SIMD) than the
 * reference: allow a rare off-by-one from rounding, nothing more.
 */
function expectSamePixels(actual: IntImage, expected: IntImage): void {
  expect([actual.width, actual.height, actual.channels, actual.depth]).toEqual([expected.width, expected.height, expected.channels, expected.depth])
  const { maxDiff, differing } = compareSamples(actual, expected)
  expect(maxDiff).toBeLessThanOrEqual(1)
  expect(differing).toBeLessThanOrEqual(expected.data.length / 1000)
}

async function applyOk(args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  const result = await runCli(['apply', ...args], { cwd: work })
  expect(result.code, result.stderr).toBe(0)
  return result
}

const sample = (name: string): string => join(SAMPLES, name)

describe('apply on the sample photos matches the engine', () => {
  it('gaussian blur', async () => {
    const { stdout } = await applyOk([sample('chelsea.png'), '-o', 'blur.png', '--preset', 'gaussian-blur:size=7,sigma=2'])
    expect(stdout).toBe('wrote blur.png: 451x300 RGB 8-bit PNG (1 filter)\n')
    const input = await readWithSharp(sample('chelsea.png'))
    const expected = engine(input, [{ preset: 'gaussian-blur', params: { size: 7, sigma: 2 } }])
    expectSamePixels(await readWithSharp(join(work, 'blur.png')), expected)
    expect(compareSamples(expected, input).differing).toBeGreaterThan(input.data.length / 2)
  })

  it('sobel with --signed abs keeps the negative edges', async () => {
    await applyOk([sample('astronaut.png'), '-o', 'sobel.png', '--preset', 'sobel:direction=right', '--signed', 'abs'])
    const input = await readWithSharp(sample('astronaut.png'))
    const expected = engine(input, [{ preset: 'sobel', params: { direction: 'right' }, signed: 'abs' }])
    const clamped = engine(input, [{ preset: 'sobel', params: { direction: 'right' }, signed: 'clamp' }])
    const actual = await readWithSharp(join(work, 'sobel.png'))
    expectSamePixels(actual, expected)
    const sum = (img: IntImage): number => Array.from(img.data).reduce((a, v) => a + v, 0)
    expect(sum(actual)).toBeGreaterThan(sum(clamped) * 1.5)
  })

  it('a JPEG photo with an Adobe RGB profile: pixels filtered as stored, profile kept', async () => {
    await applyOk([sample('rocket.jpg'), '-o', 'rocket.png', '--preset', 'sharpen'])
    const input = await readWithSharp(sample('rocket.jpg'))
    const actual = await readWithSharp(join(work, 'rocket.png'))
    expectSamePixels(actual, engine(input, [{ preset: 'sharpen' }]))
    expect(actual.icc?.equals(input.icc as Buffer)).toBe(true)
  })

  it('identity leaves every photo pixel-identical', async () => {
    for (const name of ['astronaut.png', 'chelsea.png', 'coffee.png', 'rocket.jpg']) {
      const output = `same-${name}.png`
      await applyOk([sample(name), '-o', output, '--preset', 'identity'])
      const input = await readWithSharp(sample(name))
      const actual = await readWithSharp(join(work, output))
      expect(compareSamples(actual, input).differing, name).toBe(0)
    }
  })

  it('chains --kernel and --preset in command-line order', async () => {
    const sharpen = '0 -1 0; -1 5 -1; 0 -1 0'
    await applyOk([sample('coffee.png'), '-o', 'ks.png', '--kernel', sharpen, '--preset', 'box-blur:size=5'])
    await applyOk([sample('coffee.png'), '-o', 'sk.png', '--preset', 'box-blur:size=5', '--kernel', sharpen])
    const input = await readWithSharp(sample('coffee.png'))
    const rows = [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]
    const kernelFirst = engine(input, [{ kernel: rows }, { preset: 'box-blur', params: { size: 5 } }])
    const presetFirst = engine(input, [{ preset: 'box-blur', params: { size: 5 } }, { kernel: rows }])
    expectSamePixels(await readWithSharp(join(work, 'ks.png')), kernelFirst)
    expectSamePixels(await readWithSharp(join(work, 'sk.png')), presetFirst)
    expect(compareSamples(kernelFirst, presetFirst).differing).toBeGreaterThan(1000)
  })

  it('runs the recipe first, then the command-line filters with their options', async () => {
    const recipe = {
      format: 'kernel-studio/stack',
      version: 1,
      filters: [
        { preset: 'gaussian-blur', params: { size: 5, sigma: 1.0 } },
        { kernel: [[0, -1, 0], [-1, 5, -1], [0, -1, 0]], border: 'reflect' },
        { preset: 'edge-detect', enabled: false },
        { kernel: '1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9', opacity: 0.5 }
      ]
    }
    await writeFile(join(work, 'look.json'), JSON.stringify(recipe))
    const { stdout } = await applyOk([sample('chelsea.png'), '-o', 'recipe.png', '--recipe', 'look.json', '--preset', 'emboss', '--border', 'wrap', '--signed', 'shift'])
    expect(stdout).toContain('(4 filters)')
    const input = await readWithSharp(sample('chelsea.png'))
    const emboss = findPreset('emboss')
    expect(emboss).toBeDefined()
    const expected = engine(input, [...(recipe.filters as FilterSpec[]), { preset: 'emboss', params: presetDefaults(emboss!), border: 'wrap', signed: 'shift' }])
    expectSamePixels(await readWithSharp(join(work, 'recipe.png')), expected)
  })

  it('reads the Gaussian of a version 1 recipe without a size as 5x5, byte for byte; version 2 derives it from σ', async () => {
    const look = (version: number) => ({ format: 'kernel-studio/stack', version, filters: [{ preset: 'gaussian-blur', params: { sigma: 3 } }] })
    await writeFile(join(work, 'v1.json'), JSON.stringify(look(1)))
    await writeFile(join(work, 'v2.json'), JSON.stringify(look(2)))
    await applyOk([sample('coffee.png'), '-o', 'v1.png', '--recipe', 'v1.json'])
    await applyOk([sample('coffee.png'), '-o', 'v1-sized.png', '--preset', 'gaussian-blur:size=5,sigma=3'])
    await applyOk([sample('coffee.png'), '-o', 'v2.png', '--recipe', 'v2.json'])
    await applyOk([sample('coffee.png'), '-o', 'v2-sized.png', '--preset', 'gaussian-blur:size=19,sigma=3'])
    const [v1, v1Sized, v2, v2Sized] = await Promise.all(['v1', 'v1-sized', 'v2', 'v2-sized'].map((name) => readWithSharp(join(work, `${name}.png`))))
    expect(Buffer.from(v1.data.buffer).equals(Buffer.from(v1Sized.data.buffer))).toBe(true)
    expect(Buffer.from(v2.data.buffer).equals(Buffer.from(v2Sized.data.buffer))).toBe(true)
    expect(compareSamples(v1, v2).maxDiff).toBeGreaterThan(0)
  })

  it('--mode valid shrinks, --flip rotates the kernel, --divisor and --offset apply', async () => {
    const kernel = '1 2 0; 0 0 0; 0 0 -1'
    await applyOk([sample('coffee.png'), '-o', 'valid.png', '--kernel', kernel, '--mode', 'valid', '--flip', '--divisor', '2', '--offset', '64', '--border', 'zero'])
    const input = await readWithSharp(sample('coffee.png'))
    const expected = engine(input, [{ kernel, mode: 'valid', flip: true, divisor: 2, offset: 64, border: 'zero' }])
    const actual = await readWithSharp(join(work, 'valid.png'))
    expect([actual.width, actual.height]).toEqual([598, 398])
    expectSamePixels(actual, expected)
    expect(compareSamples(expected, engine(input, [{ kernel, mode: 'valid', divisor: 2, offset: 64, border: 'zero' }])).differing).toBeGreaterThan(1000)
  })

  it('--kernel-file reads text kernels and Photoshop .acf files', async () => {
    await writeFile(join(work, 'laplace.txt'), '# a Laplacian\n0 1 0\n1 -4 1\n0 1 0\n')
    const acf = new DataView(new ArrayBuffer(54))
    const weights = [
      [0, 0, 0, 0, 0],
      [0, 1, 2, 1, 0],
      [0, 2, 4, 2, 0],
      [0, 1, 2, 1, 0],
      [0, 0, 0, 0, 0]
    ]
    weights.flat().forEach((w, i) => acf.setInt16(i * 2, w, false))
    acf.setInt16(50, 16, false)
    acf.setInt16(52, 10, false)
    await writeFile(join(work, 'soft.acf'), new Uint8Array(acf.buffer))
    await applyOk([sample('chelsea.png'), '-o', 'files.png', '--kernel-file', 'laplace.txt', '--signed', 'abs', '--kernel-file', 'soft.acf'])
    const input = await readWithSharp(sample('chelsea.png'))
    const expected = engine(input, [
      { kernel: [[0, 1, 0], [1, -4, 1], [0, 1, 0]], signed: 'abs' },
      { kernel: [[1, 2, 1], [2, 4, 2], [1, 2, 1]], divisor: 16, offset: 10, signed: 'abs' }
    ])
    expectSamePixels(await readWithSharp(join(work, 'files.png')), expected)
  })
})

describe('apply keeps channels and depth', () => {
  it('16-bit PNG and TIFF stay 16-bit', async () => {
    await sharp(sample('chelsea.png')).toColourspace('rgb16').png().toFile(join(work, 'deep.png'))
    await sharp(sample('chelsea.png')).toColourspace('rgb16').tiff({ compression: 'deflate' }).toFile(join(work, 'deep.tif'))
    for (const name of ['deep.png', 'deep.tif']) {
      const output = `out-${name}`
      const { stdout } = await applyOk([name, '-o', output, '--preset', 'gaussian-blur'])
      expect(stdout).toContain('16-bit')
      const input = await readWithSharp(join(work, name))
      expect(input.depth).toBe(16)
      const actual = await readWithSharp(join(work, output))
      expect(actual.depth).toBe(16)
      expectSamePixels(actual, engine(input, [{ preset: 'gaussian-blur' }]))
    }
  })

  it('grey and RGBA inputs keep their channels', async () => {
    await sharp(sample('coffee.png')).greyscale().toColourspace('b-w').png().toFile(join(work, 'grey.png'))
    const alpha = Buffer.alloc(512 * 512)
    for (let y = 0; y < 512; y++) alpha.fill(Math.floor(y / 2), y * 512, (y + 1) * 512)
    await sharp(sample('astronaut.png'))
      .joinChannel(alpha, { raw: { width: 512, height: 512, channels: 1 } })
      .png()
      .toFile(join(work, 'cutout.png'))
    for (const [name, channels, label] of [['grey.png', 1, 'grey'], ['cutout.png', 4, 'RGBA']] as const) {
      const output = `blur-${name}`
      const { stdout } = await applyOk([name, '-o', output, '--preset', 'box-blur:size=5'])
      expect(stdout).toContain(` ${label} 8-bit`)
      const input = await readWithSharp(join(work, name))
      expect(input.channels).toBe(channels)
      const actual = await readWithSharp(join(work, output))
      expectSamePixels(actual, engine(input, [{ preset: 'box-blur', params: { size: 5 } }]))
    }
  })

  it('--depth 16 widens an 8-bit photo; --depth 8 narrows a 16-bit one', async () => {
    await applyOk([sample('coffee.png'), '-o', 'wide.png', '--preset', 'box-blur', '--depth', '16'])
    const input = await readWithSharp(sample('coffee.png'))
    const wide = await readWithSharp(join(work, 'wide.png'))
    expect(wide.depth).toBe(16)
    expectSamePixels(wide, engine(input, [{ preset: 'box-blur' }], 16))

    await sharp(sample('coffee.png')).toColourspace('rgb16').png().toFile(join(work, 'coffee16.png'))
    await applyOk(['coffee16.png', '-o', 'narrow.tif', '--preset', 'box-blur', '--depth', '8'])
    const deep = await readWithSharp(join(work, 'coffee16.png'))
    const narrow = await readWithSharp(join(work, 'narrow.tif'))
    expect(narrow.depth).toBe(8)
    expectSamePixels(narrow, engine(deep, [{ preset: 'box-blur' }], 8))
  })

  it('16-bit input to JPEG is written as 8-bit without complaint', async () => {
    await sharp(sample('chelsea.png')).toColourspace('rgb16').png().toFile(join(work, 'chelsea16.png'))
    const { stdout } = await applyOk(['chelsea16.png', '-o', 'deep.jpg', '--preset', 'identity'])
    expect(stdout).toContain('8-bit JPEG')
    expect((await sharp(join(work, 'deep.jpg')).metadata()).depth).toBe('uchar')
  })
})

describe('apply export options', () => {
  it('--quality changes the JPEG size', async () => {
    await applyOk([sample('coffee.png'), '-o', 'q30.jpg', '--preset', 'identity', '--quality', '30'])
    await applyOk([sample('coffee.png'), '-o', 'q95.jpg', '--preset', 'identity', '--quality', '95'])
    const small = (await stat(join(work, 'q30.jpg'))).size
    const large = (await stat(join(work, 'q95.jpg'))).size
    expect(small).toBeLessThan(large * 0.6)
  })

  it('writes every output format', async () => {
    for (const [ext, format] of [['webp', 'webp'], ['avif', 'heif'], ['tiff', 'tiff'], ['jpeg', 'jpeg'], ['gif', 'gif']]) {
      await applyOk([sample('chelsea.png'), '-o', `fmt.${ext}`, '--preset', 'box-blur'])
      expect((await sharp(join(work, `fmt.${ext}`)).metadata()).format).toBe(format)
    }
  })

  it('--force overwrites an existing output (and even the input)', async () => {
    await writeFile(join(work, 'taken.png'), 'old')
    await applyOk([sample('chelsea.png'), '-o', 'taken.png', '--preset', 'box-blur', '--force'])
    expect((await sharp(join(work, 'taken.png')).metadata()).width).toBe(451)
    await copyFile(sample('coffee.png'), join(work, 'self.png'))
    const before = await readWithSharp(join(work, 'self.png'))
    await applyOk(['self.png', '-o', 'self.png', '--preset', 'box-blur', '--force'])
    expectSamePixels(await readWithSharp(join(work, 'self.png')), engine(before, [{ preset: 'box-blur' }]))
    expect((await readdir(work)).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })
})

describe('apply input handling', () => {
  it('applies EXIF orientation', async () => {
    await sharp(sample('chelsea.png')).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toFile(join(work, 'turned.jpg'))
    const { stdout } = await applyOk(['turned.jpg', '-o', 'upright.png', '--preset', 'identity'])
    expect(stdout).toContain('300x451')
    const meta = await sharp(join(work, 'upright.png')).metadata()
    expect([meta.width, meta.height]).toEqual([300, 451])
  })

  it('uses the first GIF frame and says so on stderr', async () => {
    await writeFile(join(work, 'anim.gif'), await animatedGif(20, 10, 3))
    const before = await listFolder(work)
    const result = await applyOk(['anim.gif', '-o', 'frame.png', '--preset', 'box-blur'])
    expect(result.stderr).toBe('note: GIF has 3 frames; only the first is used\n')
    expect(await listFolder(work)).toEqual([...before, 'frame.png'].sort())
    const frame = await readWithSharp(join(work, 'frame.png'))
    expect([frame.width, frame.height]).toEqual([20, 10])
  })
})
