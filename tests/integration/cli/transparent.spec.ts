// @vitest-environment node
// A pixel whose output alpha rounds to 0 is fully transparent, so its colour is 0 too (README, Command line,
// Colour): also under --offset and the signed mappings, in `apply` (in-process and on the worker threads) and
// `inspect`, and in the reference they are checked against.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toFloat, toInt } from '../../../src/engine/image'
import { applyStack } from '../../../src/engine/stack'
import type { FilterSpec, IntImage } from '../../../src/engine/types'
import { readWithSharp, writeWithSharp } from '../../unit/io/images'
import { ensureCliBuilt, runCli } from './cli'

let work: string

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-cli-transparent-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

/** 3x3 RGBA, every sample 100 and alpha 255, but the centre pixel fully transparent (colour 100, alpha 0). */
const HOLE: IntImage = {
  width: 3,
  height: 3,
  channels: 4,
  depth: 8,
  data: Uint8Array.from({ length: 36 }, (_, i) => (i === 19 ? 0 : i % 4 === 3 ? 255 : 100))
}

/**
 * A 16-bit RGBA image large enough for the worker threads: gradients and noise, with every seventh pixel and a
 * transparent block fully transparent (colour kept underneath, as editors leave it).
 */
function holes(width: number, height: number): IntImage {
  const data = new Uint16Array(width * height * 4)
  let seed = 7
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
  for (let p = 0; p < width * height; p++) {
    const x = p % width
    const y = Math.floor(p / width)
    for (let c = 0; c < 3; c++) data[p * 4 + c] = Math.floor(20000 + 15000 * Math.sin((x * (c + 1)) / 23 + y / 31) + 20000 * random())
    const hole = p % 7 === 0 || (x > 40 && x < 70 && y > 30 && y < 60)
    data[p * 4 + 3] = hole ? 0 : 65535
  }
  return { width, height, channels: 4, depth: 16, data }
}

async function apply(name: string, image: IntImage, args: readonly string[]): Promise<IntImage> {
  await writeWithSharp(join(work, name), image)
  const out = `out-${name}`
  const result = await runCli(['apply', name, '-o', out, ...args, '--force'], { cwd: work })
  expect(result.code, result.stderr).toBe(0)
  return readWithSharp(join(work, out))
}

function pixel(image: IntImage, x: number, y: number): number[] {
  const p = (y * image.width + x) * image.channels
  return Array.from(image.data.subarray(p, p + image.channels))
}

/** Every pixel with alpha 0 has colour 0; returns how many there are. */
function transparentAreBlack(image: IntImage): number {
  let count = 0
  for (let p = 3; p < image.data.length; p += 4) {
    if (image.data[p] !== 0) continue
    count++
    expect(Array.from(image.data.subarray(p - 3, p)), `pixel ${(p - 3) / 4}`).toEqual([0, 0, 0])
  }
  return count
}

describe('a fully transparent output pixel has colour 0', () => {
  const cases: [string, string[], FilterSpec][] = [
    ['identity, --offset 20', ['--kernel', '0 0 0; 0 1 0; 0 0 0', '--offset', '20'], { kernel: '0 0 0; 0 1 0; 0 0 0', offset: 20 }],
    ['laplacian, --signed shift', ['--preset', 'laplacian:variant=4', '--signed', 'shift'], { preset: 'laplacian', params: { variant: '4' }, signed: 'shift' }],
    ['laplacian, --signed stretch', ['--preset', 'laplacian:variant=4', '--signed', 'stretch'], { preset: 'laplacian', params: { variant: '4' }, signed: 'stretch' }],
    ['edge-detect, --signed abs --offset 9', ['--preset', 'edge-detect', '--signed', 'abs', '--offset', '9'], { preset: 'edge-detect', signed: 'abs', offset: 9 }]
  ]
  it.each(cases)('3x3 hole, %s: apply gives [0 0 0 0] in the centre, like the reference', async (_label, args, spec) => {
    const out = await apply(`hole-${args.join('').replace(/[^a-z0-9]/gi, '')}.png`, HOLE, args)
    expect(pixel(out, 1, 1)).toEqual([0, 0, 0, 0])
    const reference = toInt(applyStack(toFloat(HOLE), [spec]))
    expect(pixel(reference, 1, 1)).toEqual([0, 0, 0, 0])
    expect(Array.from(out.data)).toEqual(Array.from(reference.data))
  })

  it('inspect reports the centre as 0 0 0 0 with --offset and --signed shift', async () => {
    await writeWithSharp(join(work, 'hole.png'), HOLE)
    for (const args of [
      ['--kernel', '0 0 0; 0 1 0; 0 0 0', '--offset', '20'],
      ['--preset', 'laplacian:variant=4', '--signed', 'shift']
    ]) {
      const result = await runCli(['inspect', 'hole.png', ...args, '--at', '1,1', '--json'], { cwd: work })
      expect(result.code, result.stderr).toBe(0)
      const json = JSON.parse(result.stdout) as { channels: { name: string; value: number }[] }
      expect(json.channels.map((c) => c.value), args.join(' ')).toEqual([0, 0, 0, 0])
    }
  })

  it.each([
    ['offset 20', ['--kernel', '0 0 0; 0 1 0; 0 0 0', '--offset', '20'], { kernel: '0 0 0; 0 1 0; 0 0 0', offset: 20 }],
    ['emboss, --signed shift', ['--preset', 'emboss', '--signed', 'shift'], { preset: 'emboss', signed: 'shift' }],
    ['sobel, --signed stretch', ['--preset', 'sobel', '--signed', 'stretch'], { preset: 'sobel', signed: 'stretch' }]
  ] as [string, string[], FilterSpec][])('16-bit RGBA on the worker threads, %s', async (label, args, spec) => {
    const image = holes(320, 240)
    const out = await apply(`holes-${label.replace(/[^a-z0-9]/gi, '')}.png`, image, args)
    expect(transparentAreBlack(out)).toBeGreaterThan(320 * 240 * 0.1)
    const reference = toInt(applyStack(toFloat(image), [spec]))
    let worst = 0
    for (let i = 0; i < out.data.length; i++) worst = Math.max(worst, Math.abs(out.data[i] - reference.data[i]))
    expect(worst).toBeLessThanOrEqual(1)
  })
})
