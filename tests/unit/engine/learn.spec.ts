// @vitest-environment node
// Learning a kernel from a BEFORE and an AFTER image: known kernels applied by our engine come back within 0.002,
// gaussians made by other tools (sharp/libvips, and OpenCV and ImageMagick where installed) give back their sigma.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { convolve } from '../../../src/engine/convolve'
import { EngineError } from '../../../src/engine/errors'
import { toFloat, toInt } from '../../../src/engine/image'
import { flipKernel, parseKernel } from '../../../src/engine/kernel'
import { defaultMaxWindows, LEARN_TILE, learnKernel, residualMap, residualPicture, windowTiles } from '../../../src/engine/learn'
import type { LearnImage, LearnResult } from '../../../src/engine/learn'
import type { IntImage, Kernel } from '../../../src/engine/types'

const SAMPLES = join(import.meta.dirname, '../../../resources/samples')

/** A 512x512 RGB crop of a sample photo (detail everywhere, hardly any clipped pixels). */
async function photo512(name = 'coffee.png'): Promise<IntImage> {
  const { data, info } = await sharp(join(SAMPLES, name))
    .removeAlpha()
    .resize(512, 512, { fit: 'cover' })
    .raw()
    .toBuffer({ resolveWithObject: true })
  return { width: info.width, height: info.height, channels: 3, depth: 8, data: new Uint8Array(data) }
}

/** `kernel` applied by the engine's reference convolution, rounded to the image's depth. */
function filtered(image: IntImage, kernel: Kernel, flip = false): IntImage {
  return toInt(convolve(toFloat(image), kernel, { flip }))
}

/** Largest |learnt - true| over the weights. */
function weightError(learnt: Kernel, truth: readonly number[]): number {
  return Math.max(...learnt.weights.map((w, i) => Math.abs(w - truth[i])))
}

/**
 * The sigma of a gaussian with the kernel's spread: the square root of its second moment along columns and along
 * rows (weights over their sum), averaged. Exact for a sampled gaussian of sigma >= 0.8 cut at 3 sigma or more.
 */
function gaussianSigma(kernel: Kernel): number {
  const { width, weights } = kernel
  const centre = (width - 1) / 2
  let sum = 0
  let xx = 0
  let yy = 0
  weights.forEach((w, i) => {
    const dy = Math.floor(i / width) - centre
    const dx = (i % width) - centre
    sum += w
    xx += w * dx * dx
    yy += w * dy * dy
  })
  return (Math.sqrt(xx / sum) + Math.sqrt(yy / sum)) / 2
}

/** Raw RGB pixels of an image file. */
async function readRgb(path: string): Promise<IntImage> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  return { width: info.width, height: info.height, channels: 3, depth: 8, data: new Uint8Array(data) }
}

/** Python with OpenCV, if installed (Debian: apt-get install python3-opencv), else null. */
function findOpenCv(): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', 'import cv2'], { stdio: 'ignore' }).status === 0) return python
  }
  return null
}

/** An ImageMagick command that really is ImageMagick (a stand-in `convert` may sit on PATH), else null. */
function findImageMagick(): string | null {
  for (const command of ['magick', 'convert-im6.q16', '/usr/bin/convert', 'convert']) {
    const result = spawnSync(command, ['-version'], { encoding: 'utf8' })
    if (result.status === 0 && /^Version: ImageMagick/m.test(result.stdout)) return command
  }
  return null
}

let before: IntImage
let work: string

beforeAll(async () => {
  before = await photo512()
  work = mkdtempSync(join(tmpdir(), 'ks-learn-'))
  await sharp(before.data, { raw: { width: 512, height: 512, channels: 3 } }).png().toFile(join(work, 'before.png'))
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

// A 5x5 kernel with no symmetry, negative lobes and weights summing to 1 (so the photo is not clipped).
const TRUTH = parseKernel(
  '0.01 0.02 -0.03 0.04 0.01; 0.02 0.06 0.1 0.05 -0.02; 0.03 0.12 0.22 0.1 0.02; -0.01 0.05 0.09 0.06 0.01; 0 0.02 -0.02 0.03 0.02'
)

describe('learnKernel: a known kernel applied by the engine and rounded to 8 bits', () => {
  let result: LearnResult
  let after: IntImage
  beforeAll(() => {
    after = filtered(before, TRUTH)
    result = learnKernel(before, after, { size: 5 })
  })

  it('gives back every weight within 0.002 from a 512x512 photo, offset about 0, residual the rounding noise', () => {
    expect(result.kernels).toHaveLength(1)
    const [learnt] = result.kernels
    expect(learnt.channel).toBe('all')
    expect(weightError(learnt.kernel, TRUTH.weights)).toBeLessThan(0.002)
    expect(Math.abs(learnt.kernel.offset)).toBeLessThan(0.1)
    expect(learnt.kernel.divisor).toBe(1)
    // Rounding to whole levels leaves uniform noise of rms 1/sqrt(12) = 0.289.
    expect(result.rms).toBeGreaterThan(0.25)
    expect(result.rms).toBeLessThan(0.33)
    expect(learnt.poorlyDetermined).toBe(false)
  })

  it('fits every valid window of a 512x512 image (no sampling) and counts them', () => {
    expect(result.windows).toBe(508 * 508)
    expect(result.validWindows).toBe(508 * 508)
    expect(result.sample).toBeNull()
    expect(result.colourChannels).toBe(3)
    // Blacks and whites of the photo stay 0 and 255: left out as clipped, a few per thousand.
    expect(result.clippedSamples).toBeLessThan(0.01 * 3 * 508 * 508)
    expect(result.depth).toBe(8)
  })

  it('the rms from the normal equations is the rms of the residual map computed window by window', () => {
    const unclipped = learnKernel(before, after, { size: 5, skipClipped: false })
    const map = residualMap(before, after, unclipped)
    expect([map.width, map.height]).toEqual([508, 508])
    expect(map.rms).toBeCloseTo(unclipped.rms, 9)
    expect(map.max).toBe(map.data.reduce((a, b) => Math.max(a, b), 0))
    // Rounding error is at most half a level where nothing clips, a little more through the float weights.
    expect(map.max).toBeLessThan(1.5)
  })

  it('learns the flipped kernel when the AFTER image was made with true convolution (--flip)', () => {
    const flipped = learnKernel(before, filtered(before, TRUTH, true), { size: 5 })
    expect(weightError(flipped.kernels[0].kernel, flipKernel(TRUTH).weights)).toBeLessThan(0.002)
  })

  it('puts a divisor into the weights and finds the offset in levels', () => {
    // Weights summing to 0.8 and an offset of 20: at most 224, nothing clips.
    const scaled = parseKernel('1 2 1; 2 4 2; 1 2 1', { divisor: 20, offset: 20 })
    const learnt = learnKernel(before, filtered(before, scaled), { size: 3 }).kernels[0].kernel
    expect(weightError(learnt, scaled.weights.map((w) => w / 20))).toBeLessThan(0.002)
    expect(learnt.offset).toBeCloseTo(20, 1)
  })

  it('with a larger window than the kernel, the extra weights come out about 0', () => {
    const learnt = learnKernel(before, after, { size: 7 }).kernels[0].kernel
    const padded = Array.from({ length: 49 }, (_, i) => {
      const r = Math.floor(i / 7) - 1
      const c = (i % 7) - 1
      return r >= 0 && r < 5 && c >= 0 && c < 5 ? TRUTH.weights[r * 5 + c] : 0
    })
    expect(weightError(learnt, padded)).toBeLessThan(0.002)
  })

  it('a sample of the windows still gives the weights within 0.004', () => {
    const sampled = learnKernel(before, after, { size: 5, maxWindows: 80_000 })
    expect(sampled.windows).toBeLessThanOrEqual(80_000)
    expect(sampled.windows).toBe(18 * LEARN_TILE * LEARN_TILE)
    expect(sampled.sample).toEqual({ tiles: 18, height: LEARN_TILE, width: LEARN_TILE })
    expect(sampled.validWindows).toBe(508 * 508)
    expect(weightError(sampled.kernels[0].kernel, TRUTH.weights)).toBeLessThan(0.004)
  })
})

describe('learnKernel per channel', () => {
  const kernels = [parseKernel('1 2 1; 2 4 2; 1 2 1', { divisor: 16 }), parseKernel('0 -1 0; -1 8 -1; 0 -1 0', { divisor: 4 }), parseKernel('0 0 0; 0 0 1; 0 0 0')]
  let after: IntImage
  beforeAll(() => {
    // Each colour channel filtered by its own kernel: red blurred, green sharpened, blue shifted one pixel left.
    const data = new Uint8Array(before.data.length)
    kernels.forEach((kernel, c) => {
      const grey: IntImage = { width: 512, height: 512, channels: 1, depth: 8, data: before.data.filter((_, i) => i % 3 === c) }
      filtered(grey, kernel).data.forEach((v, i) => (data[i * 3 + c] = v))
    })
    after = { ...before, data }
  })

  it('gives each channel its own kernel, each within 0.002', () => {
    const result = learnKernel(before, after, { size: 3, perChannel: true })
    expect(result.kernels.map((k) => k.channel)).toEqual(['red', 'green', 'blue'])
    result.kernels.forEach((learnt, c) => {
      const truth = kernels[c].weights.map((w) => w / kernels[c].divisor)
      expect(weightError(learnt.kernel, truth)).toBeLessThan(0.002)
    })
    expect(result.kernels[0].rms).toBeLessThan(0.35)
    expect(result.kernels[1].rms).toBeLessThan(0.35)
    expect(result.kernels[2].rms).toBeLessThan(0.01)
  })

  it('leaves out the samples AFTER clipped (1 % of the sharpened channel); fitting them too bends the weights', () => {
    const result = learnKernel(before, after, { size: 3, perChannel: true })
    const green = kernels[1].weights.map((w) => w / kernels[1].divisor)
    expect(result.clippedSamples).toBeGreaterThan(0.005 * 512 * 512)
    const naive = learnKernel(before, after, { size: 3, perChannel: true, skipClipped: false })
    expect(naive.clippedSamples).toBe(0)
    expect(weightError(naive.kernels[1].kernel, green)).toBeGreaterThan(0.02)
  })

  it('a shared kernel cannot fit three different ones: a much larger residual', () => {
    const shared = learnKernel(before, after, { size: 3 })
    const separate = learnKernel(before, after, { size: 3, perChannel: true })
    expect(shared.rms).toBeGreaterThan(5 * separate.rms)
  })
})

describe('learnKernel on 16-bit images and mixed depths', () => {
  it('16-bit in and out: the weights within 0.002 and the offset in 16-bit levels', () => {
    const deep: IntImage = { ...before, depth: 16, data: Uint16Array.from(before.data, (v) => v * 257 + ((v * 31) % 200)) }
    const kernel = parseKernel('0.05 0.1 0.05; 0.1 0.4 0.1; 0.05 0.1 0.05', { offset: 1000 })
    const result = learnKernel(deep, filtered(deep, kernel), { size: 3 })
    expect(weightError(result.kernels[0].kernel, kernel.weights)).toBeLessThan(0.002)
    expect(result.kernels[0].kernel.offset).toBeCloseTo(1000, -1)
    expect(result.depth).toBe(16)
  })

  it('an 8-bit AFTER of a 16-bit BEFORE is rescaled to BEFORE\'s levels', () => {
    const deep: IntImage = { ...before, depth: 16, data: Uint16Array.from(before.data, (v) => v * 257) }
    const shallow = filtered(before, TRUTH)
    const result = learnKernel(deep, shallow, { size: 5 })
    expect(weightError(result.kernels[0].kernel, TRUTH.weights)).toBeLessThan(0.002)
    // Rounding to 8 bits, in 16-bit levels.
    expect(result.rms).toBeLessThan(0.33 * 257)
  })
})

describe('learnKernel: gaussians made by other tools give back their sigma within 2 %', () => {
  const check = (learnt: LearnResult, sigma: number): void => {
    expect(Math.abs(gaussianSigma(learnt.kernels[0].kernel) / sigma - 1)).toBeLessThan(0.02)
    expect(learnt.rms).toBeLessThan(0.6)
  }

  // libvips cuts its mask at minAmplitude (0.2 of the peak by default) and rounds it to integers (precision
  // 'integer', sharp's default): both change the kernel's spread, so the test asks for the gaussian itself.
  it.each([0.8, 1.2, 2])('sharp blur (libvips gaussblur, float mask), sigma %s', async (sigma) => {
    const data = await sharp(before.data, { raw: { width: 512, height: 512, channels: 3 } })
      .blur({ sigma, precision: 'float', minAmplitude: 0.001 })
      .raw()
      .toBuffer()
    const size = 2 * Math.ceil(3.5 * sigma) + 1
    check(learnKernel(before, { ...before, data: new Uint8Array(data) }, { size }), sigma)
  })

  const python = findOpenCv()
  it.skipIf(python === null)(
    `OpenCV GaussianBlur, sigma 1 and 1.5${python === null ? ' (skipped: no python3 with cv2; apt-get install python3-opencv)' : ''}`,
    async () => {
      for (const sigma of [1, 1.5]) {
        const out = join(work, `opencv-${sigma}.png`)
        const script = `import cv2, sys\nimg = cv2.imread(sys.argv[1])\ncv2.imwrite(sys.argv[2], cv2.GaussianBlur(img, (0, 0), ${sigma}))\n`
        execFileSync(python as string, ['-c', script, join(work, 'before.png'), out])
        check(learnKernel(before, await readRgb(out), { size: 2 * Math.ceil(3.5 * sigma) + 1 }), sigma)
      }
    }
  )

  const magick = findImageMagick()
  it.skipIf(magick === null)(
    `ImageMagick -blur 0xSIGMA, sigma 1 and 1.5${magick === null ? ' (skipped: ImageMagick not installed; apt-get install imagemagick)' : ''}`,
    async () => {
      for (const sigma of [1, 1.5]) {
        const out = join(work, `magick-${sigma}.png`)
        execFileSync(magick as string, [join(work, 'before.png'), '-blur', `0x${sigma}`, `PNG24:${out}`])
        const learnt = learnKernel(before, await readRgb(out), { size: 2 * Math.ceil(3.5 * sigma) + 1 })
        // ImageMagick's own kernel, read off a 16-bit impulse: the learnt kernel is that kernel.
        const impulse = join(work, 'impulse.png')
        const response = join(work, `impulse-${sigma}.txt`)
        execFileSync(magick as string, ['-size', '41x1', 'xc:black', '-fill', 'white', '-draw', 'point 20,0', '-depth', '16', impulse])
        execFileSync(magick as string, [impulse, '-blur', `0x${sigma}`, '-depth', '16', `txt:${response}`])
        const taps = readFileSync(response, 'utf8')
          .split('\n')
          .map((line) => /^(\d+),0: \((\d+)/.exec(line))
          .filter((m) => m !== null)
          .map((m) => Number(m[2]) / 65535)
        const size = learnt.size
        const centre = (size - 1) / 2
        const rowSums = Array.from({ length: size }, (_, j) => learnt.kernels[0].kernel.weights.filter((_w, i) => i % size === j).reduce((a, b) => a + b, 0))
        rowSums.forEach((value, j) => expect(Math.abs(value - taps[20 + j - centre])).toBeLessThan(0.002))
        // That kernel is a gaussian averaged over 3 samples per pixel (1/3 pixel apart: ImageMagick 6's KernelRank),
        // which adds 2/27 to its variance; without it, the learnt spread is sigma.
        const spread = gaussianSigma(learnt.kernels[0].kernel)
        expect(Math.abs(Math.sqrt(spread * spread - 2 / 27) / sigma - 1)).toBeLessThan(0.02)
        expect(learnt.rms).toBeLessThan(0.6)
      }
    }
  )
})

describe('residualPicture', () => {
  // 100x60 errors of 0.5 levels, 2 % of them (a 10x12 block) at 40 levels and one pixel at 300.
  const data = new Float32Array(100 * 60).fill(0.5)
  for (let y = 10; y < 20; y++) for (let x = 30; x < 42; x++) data[y * 100 + x] = 40
  data[55 * 100 + 97] = 300
  const map = { width: 100, height: 60, data, rms: 0, max: 300 }

  it('puts white at the 99.9th percentile: one outlier saturates instead of darkening the rest', () => {
    const picture = residualPicture(map)
    expect([picture.width, picture.height]).toEqual([100, 60])
    expect(picture.white).toBeGreaterThanOrEqual(40)
    expect(picture.white).toBeLessThan(41)
    expect(picture.data[15 * 100 + 35]).toBeGreaterThan(245)
    expect(picture.data[55 * 100 + 97]).toBe(255)
    expect(picture.data[0]).toBe(Math.round((0.5 * 255) / picture.white))
  })

  it('shrinks to fit maxSide keeping the largest error of each block, so one bad pixel still shows', () => {
    const picture = residualPicture(map, 25)
    expect([picture.width, picture.height]).toEqual([25, 15])
    expect(picture.data[13 * 25 + 24]).toBe(255)
    expect(picture.data[0]).toBe(Math.round((0.5 * 255) / picture.white))
  })

  it('white is at least 1 level, so a near-perfect fit looks black', () => {
    expect(residualPicture({ width: 2, height: 1, data: Float32Array.of(0.01, 0.02), rms: 0, max: 0.02 }).white).toBe(1)
  })
})

describe('windowTiles', () => {
  it('covers every window exactly once when they fit in the budget', () => {
    const tiles = windowTiles(150, 200, 150 * 200)
    const seen = new Uint8Array(150 * 200)
    for (const t of tiles) for (let y = t.y; y < t.y + t.height; y++) for (let x = t.x; x < t.x + t.width; x++) seen[y * 200 + x]++
    expect(seen.every((v) => v === 1)).toBe(true)
  })

  it('otherwise spreads whole tiles evenly, inside the image, not overlapping, about the budget in total', () => {
    const tiles = windowTiles(2992, 3992, 1_000_000)
    const total = tiles.reduce((n, t) => n + t.height * t.width, 0)
    expect(total).toBeGreaterThan(900_000)
    expect(total).toBeLessThan(1_100_000)
    for (const t of tiles) {
      expect([t.height, t.width]).toEqual([LEARN_TILE, LEARN_TILE])
      expect(t.y >= 0 && t.x >= 0 && t.y + t.height <= 2992 && t.x + t.width <= 3992).toBe(true)
    }
    for (let a = 0; a < tiles.length; a++) {
      for (let b = a + 1; b < tiles.length; b++) {
        const overlap = tiles[a].y < tiles[b].y + LEARN_TILE && tiles[b].y < tiles[a].y + LEARN_TILE && tiles[a].x < tiles[b].x + LEARN_TILE && tiles[b].x < tiles[a].x + LEARN_TILE
        expect(overlap).toBe(false)
      }
    }
    // Tiles reach all four quarters of the image.
    expect(tiles.some((t) => t.y < 500 && t.x < 500)).toBe(true)
    expect(tiles.some((t) => t.y > 2400 && t.x > 3400)).toBe(true)
  })

  it('the default budget is about a million windows for 9x9, more for smaller kernels', () => {
    expect(defaultMaxWindows(9)).toBeGreaterThan(1_000_000)
    expect(defaultMaxWindows(9)).toBeLessThan(1_100_000)
    expect(defaultMaxWindows(3)).toBeGreaterThan(11_000_000)
  })
})

describe('learnKernel refuses what it cannot learn from, with one line', () => {
  const grey = (width: number, height: number, value: (i: number) => number): LearnImage => ({
    width,
    height,
    channels: 1,
    depth: 8,
    data: Uint8Array.from({ length: width * height }, (_, i) => value(i))
  })
  const noise = (i: number): number => (Math.imul(i + 1, 2654435761) >>> 24) & 255

  it('images of different sizes or kinds', () => {
    expect(() => learnKernel(before, grey(512, 511, noise), { size: 3 })).toThrow(
      new EngineError('BEFORE is 512x512 but AFTER is 512x511: the images must be the same size')
    )
    expect(() => learnKernel(before, grey(512, 512, noise), { size: 3 })).toThrow(
      new EngineError('BEFORE is colour but AFTER is grey: both must be grey or both colour')
    )
  })

  it('a bad size, a kernel larger than the image, too few windows', () => {
    expect(() => learnKernel(before, before, { size: 4 })).toThrow(new EngineError('kernel size 4 must be odd, from 1 to 25'))
    expect(() => learnKernel(before, before, { size: 27 })).toThrow(new EngineError('kernel size 27 must be odd, from 1 to 25'))
    const small = grey(8, 8, noise)
    expect(() => learnKernel(small, small, { size: 9 })).toThrow(new EngineError('a 9x9 kernel does not fit in a 8x8 image'))
    expect(() => learnKernel(small, small, { size: 7 })).toThrow(
      new EngineError('a 8x8 image has 4 windows of 7x7: too few for 50 unknowns (the weights and the offset)')
    )
  })

  it('a flat BEFORE', () => {
    expect(() => learnKernel(grey(64, 64, () => 90), grey(64, 64, noise), { size: 3 })).toThrow(
      new EngineError('BEFORE is flat (every window holds the same values): no kernel can be learnt from it')
    )
  })

  it('a BEFORE with detail in one direction only: still an answer, flagged as poorly determined', () => {
    // Columns vary, rows repeat: the kernel's vertical distribution cannot be told apart.
    const stripes = grey(64, 64, (i) => noise(i % 64))
    const result = learnKernel(stripes, stripes, { size: 3 })
    expect(result.kernels[0].poorlyDetermined).toBe(true)
    expect(result.rms).toBeLessThan(0.01)
  })
})
