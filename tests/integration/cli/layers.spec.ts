// @vitest-environment node
// The CLI with layer effects: --blend, --channels and --light on command-line filters, recipes (version 2) with a
// mask, `inspect` through channels, blend and mask, and `inspect --histogram`.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { computeHistogram } from '../../../src/engine/histogram'
import type { FilterSpec, IntImage } from '../../../src/engine/types'
import { compare, referenceResult, smoothIntImage } from '../../unit/fast/helpers'
import { readWithSharp, writeWithSharp } from '../../unit/io/images'
import { ensureCliBuilt, runCli } from './cli'

let work: string
const image = smoothIntImage(21, 80, 60, 3)

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-cli-layers-'))
  await writeWithSharp(join(work, 'in.png'), image, 'png')
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

async function apply(args: readonly string[], output: string): Promise<IntImage> {
  const result = await runCli(['apply', 'in.png', '-o', output, ...args, '--force'], { cwd: work })
  expect(result.code, result.stderr).toBe(0)
  return readWithSharp(join(work, output))
}

const recipe = async (name: string, filters: readonly FilterSpec[], version = 2): Promise<string> => {
  await writeFile(join(work, name), JSON.stringify({ format: 'kernel-studio/stack', version, filters }))
  return name
}

const MASKED: FilterSpec = {
  preset: 'unsharp-mask',
  params: { size: 5, sigma: 1, amount: 2 },
  channels: 'luminance',
  blend: 'overlay',
  opacity: 0.9,
  mask: { shapes: [{ type: 'rect', x: 0.25, y: 0.25, width: 0.5, height: 0.5 }] }
}

describe('apply --blend --channels --light', () => {
  it('gives the reference result of the same filter, and the same bytes as the equivalent recipe', async () => {
    const flags = ['--preset', 'gaussian-blur:size=5,sigma=1.5', '--blend', 'soft-light', '--channels', 'g', '--light', 'linear']
    const out = await apply(flags, 'flags.png')
    const spec: FilterSpec = { preset: 'gaussian-blur', params: { size: 5, sigma: 1.5 }, blend: 'soft-light', channels: 'g', light: 'linear' }
    expect(compare(out, referenceResult(image, [spec])).max).toBeLessThanOrEqual(1)
    const viaRecipe = await apply(['--recipe', await recipe('flags.json', [spec])], 'recipe.png')
    expect(viaRecipe.data).toEqual(out.data)
  })

  it('refuses a bad value in one line', async () => {
    const result = await runCli(['apply', 'in.png', '-o', 'x.png', '--preset', 'sharpen', '--blend', 'add'], { cwd: work })
    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toContain("'add' is invalid")
  })
})

describe('a recipe with a mask', () => {
  it('changes only the inside of a rect mask and matches the reference', async () => {
    const out = await apply(['--recipe', await recipe('masked.json', [MASKED])], 'masked.png')
    expect(compare(out, referenceResult(image, [MASKED])).max).toBeLessThanOrEqual(1)
    let inside = 0
    for (let y = 0; y < 60; y++) {
      for (let x = 0; x < 80; x++) {
        const p = (y * 80 + x) * 3
        const isInside = x >= 20 && x < 60 && y >= 15 && y < 45
        for (let c = 0; c < 3; c++) {
          if (!isInside) expect(out.data[p + c]).toBe(image.data[p + c])
          else if (out.data[p + c] !== image.data[p + c]) inside++
        }
      }
    }
    expect(inside).toBeGreaterThan(100)
  })

  it('is refused in a version 1 file, naming the field', async () => {
    const result = await runCli(['apply', 'in.png', '-o', 'x.png', '--recipe', await recipe('v1.json', [MASKED], 1)], { cwd: work })
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toBe('kernel-studio: error: v1.json: filters[0].channels: needs "version": 2')
  })
})

describe('inspect', () => {
  it('explains a pixel through channels, blend and mask, ending on the value apply writes', async () => {
    const out = await apply(['--recipe', await recipe('explain.json', [MASKED])], 'explain.png')
    for (const [row, col] of [[30, 40], [5, 5]]) {
      const result = await runCli(['inspect', 'in.png', '--recipe', 'explain.json', '--at', `${row},${col}`, '--json'], { cwd: work })
      expect(result.code, result.stderr).toBe(0)
      const json = JSON.parse(result.stdout) as { layer: { mask: number; weight: number; value: number[] }; channels: { name: string }[] }
      expect(json.channels[0].name).toBe('luminance (Y)')
      const p = (row * 80 + col) * 3
      const written = Array.from(out.data.subarray(p, p + 3))
      json.layer.value.forEach((v, c) => expect(Math.abs(v - written[c])).toBeLessThanOrEqual(1))
      expect(json.layer.mask).toBe(row === 30 ? 1 : 0)
    }
    const text = await runCli(['inspect', 'in.png', '--recipe', 'explain.json', '--at', '30,40'], { cwd: work })
    expect(text.stdout).toContain('layer: filters the luminance Y = 0.2126 R + 0.7152 G + 0.0722 B')
    expect(text.stdout).toContain('overlay(backdrop, layer)')
    expect(text.stdout).toMatch(/weight = opacity 0\.9 x mask 1 +=/)
  })
})

describe('inspect --histogram', () => {
  it('counts the image before and after the recipe, the same numbers as the engine', async () => {
    const out = await apply(['--recipe', await recipe('histo.json', [MASKED])], 'histo.png')
    const result = await runCli(['inspect', 'in.png', '--histogram', '--recipe', 'histo.json', '--json'], { cwd: work })
    expect(result.code, result.stderr).toBe(0)
    const json = JSON.parse(result.stdout) as { before: unknown; after: unknown }
    expect(json.before).toEqual(computeHistogram(image))
    expect(json.after).toEqual(computeHistogram(out))
    const text = await runCli(['inspect', 'in.png', '--histogram'], { cwd: work })
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^before: 4800 pixels; clipped shadows \(a colour channel at 0\) \d+/)
    expect(text.stdout).toContain('luminance')
    // The means with two decimals in every column, as the app's panel shows them.
    const means = computeHistogram(image).channels.map((c) => c.mean.toFixed(2).replace('.', '\\.'))
    expect(text.stdout).toMatch(new RegExp(`\\n +mean +${means.join(' +')}\\n`))
    const at = await runCli(['inspect', 'in.png', '--histogram', '--at', '1,1'], { cwd: work })
    expect(at.code).toBe(1)
    expect(at.stderr.trim()).toBe('kernel-studio: error: --histogram counts the whole image, not one pixel: drop --at')
  })
})
