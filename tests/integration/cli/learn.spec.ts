// @vitest-environment node
// `kernel-studio learn`: real processes on images made here. A kernel applied with `apply` comes back from
// `learn`, and applying the learnt kernel gives the AFTER image again; bad input gets one line and writes nothing.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseKernel } from '../../../src/engine/kernel'
import { SAMPLES, ensureCliBuilt, listFolder, runCli } from './cli'

let work: string

// No symmetry, negative lobes, weights summing to 1.
const TRUTH_TEXT =
  '0.01 0.02 -0.03 0.04 0.01; 0.02 0.06 0.1 0.05 -0.02; 0.03 0.12 0.22 0.1 0.02; -0.01 0.05 0.09 0.06 0.01; 0 0.02 -0.02 0.03 0.02'
const TRUTH = parseKernel(TRUTH_TEXT).weights

interface LearnJson {
  size: number
  perChannel: boolean
  depth: number
  windows: number
  validWindows: number
  sampled: boolean
  colourChannels: number
  clippedSamples: number
  rms: number
  kernels: { channel: string; text: string; weights: number[][]; offset: number; rms: number; poorlyDetermined: boolean }[]
  written: string[]
  residual?: { path: string; width: number; height: number; rms: number; max: number; white: number }
}

async function ok(args: readonly string[]): Promise<string> {
  const result = await runCli(args, { cwd: work })
  expect(result.code, result.stderr).toBe(0)
  return result.stdout
}

async function learnJson(args: readonly string[]): Promise<LearnJson> {
  return JSON.parse(await ok(['learn', ...args, '--json'])) as LearnJson
}

/** rms of the difference of two same-size images over the pixels at least `margin` from the border. */
async function rmsBetween(a: string, b: string, margin: number): Promise<number> {
  const [x, y] = await Promise.all([sharp(a).raw().toBuffer({ resolveWithObject: true }), sharp(b).raw().toBuffer()])
  const { width, height, channels } = x.info
  let sum = 0
  let n = 0
  for (let row = margin; row < height - margin; row++) {
    for (let col = margin; col < width - margin; col++) {
      for (let c = 0; c < channels; c++) {
        const i = (row * width + col) * channels + c
        sum += (x.data[i] - y[i]) ** 2
        n++
      }
    }
  }
  return Math.sqrt(sum / n)
}

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-cli-learn-'))
  const photo = sharp(join(SAMPLES, 'coffee.png')).removeAlpha().resize(512, 512, { fit: 'cover' })
  await photo.clone().png().toFile(join(work, 'before.png'))
  await photo.clone().resize(256, 256).png().toFile(join(work, 'small.png'))
  await photo.clone().toColourspace('b-w').png().toFile(join(work, 'grey.png'))
  await photo.clone().toColourspace('rgb16').png().toFile(join(work, 'before16.png'))
  await ok(['apply', 'before.png', '-o', 'after.png', '--kernel', TRUTH_TEXT])
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('learn', () => {
  it('gives back a kernel applied by apply, every weight within 0.002, and writes it in the --kernel syntax', async () => {
    const stdout = await ok(['learn', 'before.png', 'after.png', '--size', '5', '-o', 'kernel.txt'])
    expect(stdout).toMatch(/^learnt a 5x5 kernel from before\.png to after\.png \(shared by the red, green and blue channels\)$/m)
    expect(stdout).toMatch(/^fitted: every valid window \(258064\) x 3 channels/m)
    const rms = Number(/^rms residual: ([\d.]+) levels \(of 255\)$/m.exec(stdout)?.[1])
    expect(rms).toBeGreaterThan(0.25)
    expect(rms).toBeLessThan(0.33)
    expect(stdout).toMatch(/^wrote kernel\.txt$/m)

    const file = await readFile(join(work, 'kernel.txt'), 'utf8')
    const lines = file.trimEnd().split('\n')
    expect(lines.slice(0, 3).every((l) => l.startsWith('# '))).toBe(true)
    expect(lines.slice(3)).toHaveLength(5)
    const learnt = parseKernel(lines.slice(3).join('\n'))
    learnt.weights.forEach((w, i) => expect(Math.abs(w - TRUTH[i])).toBeLessThan(0.002))
    // The one-line form on stdout is the same kernel.
    const text = /^kernel: (.*)$/m.exec(stdout)?.[1] ?? ''
    expect(parseKernel(text).weights).toEqual(learnt.weights)
  })

  it('applying the learnt kernel and offset reproduces AFTER up to rounding', async () => {
    const json = await learnJson(['before.png', 'after.png', '--size', '5', '-o', 'loop.txt'])
    const [kernel] = json.kernels
    await ok(['apply', 'before.png', '-o', 'again.png', '--kernel-file', 'loop.txt', '--offset', String(kernel.offset)])
    expect(await rmsBetween(join(work, 'after.png'), join(work, 'again.png'), 2)).toBeLessThan(0.35)
  })

  it('--json: counts, the kernel as rows and as text, the offset, and what was written', async () => {
    const json = await learnJson(['before.png', 'after.png', '--size', '3'])
    expect(json).toMatchObject({ size: 3, perChannel: false, depth: 8, windows: 510 * 510, validWindows: 510 * 510, sampled: false, colourChannels: 3, written: [] })
    expect(json.kernels).toHaveLength(1)
    expect(json.kernels[0].channel).toBe('all')
    expect(json.kernels[0].weights).toHaveLength(3)
    expect(parseKernel(json.kernels[0].text).weights.length).toBe(9)
    // A 3x3 window cannot hold the 5x5 kernel: the residual is well above rounding noise (0.29).
    expect(json.rms).toBeGreaterThan(0.5)
    expect(json.residual).toBeUndefined()
  })

  it('--max-windows samples tiles of windows and says how many', async () => {
    const stdout = await ok(['learn', 'before.png', 'after.png', '--size', '5', '--max-windows', '20000'])
    expect(stdout).toMatch(/^fitted: 16384 of the 258064 valid windows \(4 tiles of 64x64 spread over the image\) x 3 channels/m)
    const json = await learnJson(['before.png', 'after.png', '--size', '5', '--max-windows', '20000'])
    expect(json.sampled).toBe(true)
    expect(json.windows).toBe(16384)
    json.kernels[0].weights.flat().forEach((w, i) => expect(Math.abs(w - TRUTH[i])).toBeLessThan(0.01))
  })

  it('--per-channel writes one kernel file per colour channel; a grey pair gives one grey kernel', async () => {
    const json = await learnJson(['before.png', 'after.png', '--size', '5', '--per-channel', '-o', 'rgb.txt'])
    expect(json.kernels.map((k) => k.channel)).toEqual(['red', 'green', 'blue'])
    expect(json.written).toEqual(['rgb.red.txt', 'rgb.green.txt', 'rgb.blue.txt'])
    for (const name of json.written) {
      const text = (await readFile(join(work, name), 'utf8')).split('\n').filter((l) => !l.startsWith('#')).join('\n')
      parseKernel(text).weights.forEach((w, i) => expect(Math.abs(w - TRUTH[i])).toBeLessThan(0.003))
    }
    await ok(['apply', 'grey.png', '-o', 'grey-after.png', '--preset', 'gaussian-blur:size=5,sigma=1'])
    const grey = await learnJson(['grey.png', 'grey-after.png', '--size', '5', '--per-channel', '-o', 'g.txt'])
    expect(grey.colourChannels).toBe(1)
    expect(grey.written).toEqual(['g.grey.txt'])
  })

  it('--residual maps where the fit fails: bright where the other tool clipped', async () => {
    // A strong sharpen clips at 0 and 255; the linear fit cannot follow it there.
    await ok(['apply', 'before.png', '-o', 'sharp.png', '--kernel', '0 -1 0; -1 5 -1; 0 -1 0'])
    const json = await learnJson(['before.png', 'sharp.png', '--size', '3', '--residual', 'where.png'])
    expect(json.clippedSamples).toBeGreaterThan(1000)
    // Left out of the fit, the clipped samples do not bend the kernel: sharpen itself comes back.
    json.kernels[0].weights.flat().forEach((w, i) => expect(Math.abs(w - [0, -1, 0, -1, 5, -1, 0, -1, 0][i])).toBeLessThan(0.002))
    expect(json.residual).toMatchObject({ path: 'where.png', width: 510, height: 510 })
    const residual = json.residual as NonNullable<LearnJson['residual']>
    // White is the 99.9th percentile of the errors: the worst 0.1 % saturate.
    expect(residual.white).toBeGreaterThanOrEqual(1)
    expect(residual.white).toBeLessThan(residual.max)
    const meta = await sharp(join(work, 'where.png')).metadata()
    expect([meta.width, meta.height, meta.channels, meta.depth]).toEqual([510, 510, 1, 'uchar'])
    const map = await sharp(join(work, 'where.png')).extractChannel(0).raw().toBuffer({ resolveWithObject: true })
    const after = await sharp(join(work, 'sharp.png')).raw().toBuffer()
    let clippedSum = 0
    let clippedCount = 0
    let otherSum = 0
    let otherCount = 0
    for (let y = 0; y < 510; y++) {
      for (let x = 0; x < 510; x++) {
        const i = ((y + 1) * 512 + x + 1) * 3
        const clipped = [0, 1, 2].some((c) => after[i + c] === 0 || after[i + c] === 255)
        if (clipped) {
          clippedSum += map.data[y * 510 + x]
          clippedCount++
        } else {
          otherSum += map.data[y * 510 + x]
          otherCount++
        }
      }
    }
    expect(clippedSum / clippedCount).toBeGreaterThan(20 * (otherSum / otherCount))
    const white = map.data.filter((v) => v === 255).length
    expect(white).toBeGreaterThan(0)
    expect(white).toBeLessThan(0.005 * 510 * 510)
  })

  it('16-bit BEFORE and AFTER: the offset is in 16-bit levels', async () => {
    await ok(['apply', 'before16.png', '-o', 'after16.png', '--kernel', '0.05 0.1 0.05; 0.1 0.4 0.1; 0.05 0.1 0.05', '--offset', '1000', '--depth', '16'])
    const json = await learnJson(['before16.png', 'after16.png', '--size', '3'])
    expect(json.depth).toBe(16)
    expect(json.kernels[0].offset).toBeGreaterThan(990)
    expect(json.kernels[0].offset).toBeLessThan(1010)
    json.kernels[0].weights.flat().forEach((w, i) => expect(Math.abs(w - [0.05, 0.1, 0.05, 0.1, 0.4, 0.1, 0.05, 0.1, 0.05][i])).toBeLessThan(0.002))
    const text = await ok(['learn', 'before16.png', 'after16.png', '--size', '3'])
    expect(text).toMatch(/^rms residual: [\d.]+ levels \(of 65535\)$/m)
  })

  it('--force replaces an existing kernel file', async () => {
    await writeFile(join(work, 'old.txt'), 'old\n')
    await ok(['learn', 'before.png', 'after.png', '--size', '3', '-o', 'old.txt', '--force'])
    expect(await readFile(join(work, 'old.txt'), 'utf8')).toMatch(/^# learnt by kernel-studio learn/)
  })
})

describe('learn refuses bad input with one line and writes nothing', () => {
  const refuse = async (args: readonly string[], message: string | RegExp): Promise<void> => {
    const before = await listFolder(work)
    const result = await runCli(['learn', ...args], { cwd: work })
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    const lines = result.stderr.split('\n').filter(Boolean)
    expect(lines, result.stderr).toHaveLength(1)
    if (typeof message === 'string') expect(lines[0]).toBe(`kernel-studio: error: ${message}`)
    else expect(lines[0]).toMatch(message)
    expect(await listFolder(work)).toEqual(before)
  }

  it('a missing or bad --size or --max-windows', async () => {
    await refuse(['before.png', 'after.png'], "required option '--size <k>' not specified")
    await refuse(['before.png', 'after.png', '--size', '4'], '--size must be an odd whole number from 1 to 25, got "4"')
    await refuse(['before.png', 'after.png', '--size', '27'], '--size must be an odd whole number from 1 to 25, got "27"')
    await refuse(['before.png', 'after.png', '--size', 'big'], '--size must be an odd whole number from 1 to 25, got "big"')
    await refuse(['before.png', 'after.png', '--size', '3', '--max-windows', '0'], '--max-windows must be a whole number >= 1 or "all", got "0"')
  })

  it('images that differ in size or kind, or are missing', async () => {
    await refuse(['before.png', 'small.png', '--size', '3'], 'BEFORE is 512x512 but AFTER is 256x256: the images must be the same size')
    await refuse(['before.png', 'grey.png', '--size', '3'], 'BEFORE is colour but AFTER is grey: both must be grey or both colour')
    await refuse(['before.png', 'gone.png', '--size', '3'], 'cannot read gone.png: no such file')
    await writeFile(join(work, 'broken.png'), 'not a png')
    await refuse(['before.png', 'broken.png', '--size', '3'], /^kernel-studio: error: cannot read broken\.png: /)
    await rm(join(work, 'broken.png'))
  })

  it('an existing -o without --force keeps its content; outputs that name an input or each other', async () => {
    await writeFile(join(work, 'keep.txt'), 'keep me\n')
    await refuse(['before.png', 'after.png', '--size', '3', '-o', 'keep.txt'], /^kernel-studio: error: keep\.txt already exists/)
    expect(await readFile(join(work, 'keep.txt'), 'utf8')).toBe('keep me\n')
    await refuse(['before.png', 'after.png', '--size', '3', '-o', 'after.png', '--force'], '-o after.png is the input image after.png: choose another name')
    await refuse(['before.png', 'after.png', '--size', '3', '--residual', 'before.png', '--force'], '--residual before.png is the input image before.png: choose another name')
    await refuse(['before.png', 'after.png', '--size', '3', '-o', 'same.png', '--residual', 'same.png'], '--residual same.png is also the -o file: choose another name')
    await refuse(['before.png', 'after.png', '--size', '3', '--residual', 'map.bmp'], /^kernel-studio: error: cannot write map\.bmp: .*unknown extension/)
    await writeFile(join(work, 'rgb2.red.txt'), 'taken\n')
    await refuse(['before.png', 'after.png', '--size', '3', '--per-channel', '-o', 'rgb2.txt'], /^kernel-studio: error: rgb2\.red\.txt already exists/)
  })
})
