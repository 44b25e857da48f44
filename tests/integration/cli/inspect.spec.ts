// @vitest-environment node
// `kernel-studio inspect`: the teaching texts' 5x5 example (the top-left window sums to 12), as a table and JSON.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gridText, LESSON_IMAGE as GRID, LESSON_KERNEL as KERNEL } from '../../helpers/lesson'
import { readWithSharp } from '../../unit/io/images'
import { SAMPLES, ensureCliBuilt, listFolder, runCli } from './cli'

// The seeds' 5x5 image and 3x3 kernel, and their valid output.
const VALID = [
  [12, 12, 17],
  [10, 17, 19],
  [9, 6, 14]
]
const KERNEL_TEXT = gridText(KERNEL)

let work: string

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-cli-inspect-'))
  await sharp(Uint8Array.from(GRID.flat()), { raw: { width: 5, height: 5, channels: 1 } }).toColourspace('b-w').png().toFile(join(work, 'grid.png'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

interface InspectJson {
  row: number
  col: number
  outputWidth: number
  outputHeight: number
  mode: string
  kernel: number[][]
  channels: { name: string; patch: number[][]; products: number[][]; sum: number; value: number }[]
}

async function inspectJson(args: readonly string[]): Promise<InspectJson> {
  const result = await runCli(['inspect', ...args, '--json'], { cwd: work })
  expect(result.code, result.stderr).toBe(0)
  expect(result.stderr).toBe('')
  return JSON.parse(result.stdout) as InspectJson
}

describe('inspect', () => {
  it('prints the patch, kernel and products grids, then sum 12 and the value', async () => {
    const result = await runCli(['inspect', 'grid.png', '--kernel', KERNEL_TEXT, '--mode', 'valid', '--at', '0,0'], { cwd: work })
    expect(result.code, result.stderr).toBe(0)
    const lines = result.stdout.split('\n')
    const at = lines.findIndex((l) => /^\s*patch\s+kernel\s+products\s*$/.test(l))
    expect(at, result.stdout).toBeGreaterThan(0)
    const grids = lines.slice(at + 1, at + 4).map((l) => l.replace(/[x=]/g, ' ').trim().split(/\s+/).map(Number))
    for (let r = 0; r < 3; r++) {
      const patch = GRID[r].slice(0, 3)
      expect(grids[r]).toEqual([...patch, ...KERNEL[r], ...patch.map((v, c) => v * KERNEL[r][c])])
    }
    expect(lines[at + 2]).toMatch(/ x .* = /)
    expect(result.stdout).toMatch(/^\s*sum\s+= 12$/m)
    expect(result.stdout).toMatch(/^\s*\/ 1\s+= 12$/m)
    expect(result.stdout).toMatch(/^\s*\+ 0\s+= 12$/m)
    expect(result.stdout).toMatch(/^\s*clamp to 0\.\.255\s+= 12$/m)
    expect(result.stdout).toMatch(/^\s*value \(rounded\)\s+= 12$/m)
    expect(result.stdout).toContain("pixel row 0, column 0 of the 3x3 'valid' output")
  })

  it('--json gives the seeds\' valid output at every position', async () => {
    for (let row = 0; row < 3; row++) {
      for (let col = 0; col < 3; col++) {
        const json = await inspectJson(['grid.png', '--kernel', KERNEL_TEXT, '--mode', 'valid', '--at', `${row},${col}`])
        expect([json.outputWidth, json.outputHeight, json.mode]).toEqual([3, 3, 'valid'])
        expect(json.kernel).toEqual(KERNEL)
        const [grey] = json.channels
        expect(grey.name).toBe('grey')
        const patch = GRID.slice(row, row + 3).map((r) => r.slice(col, col + 3))
        expect(grey.patch).toEqual(patch)
        expect(grey.products).toEqual(patch.map((r, i) => r.map((v, j) => v * KERNEL[i][j])))
        expect(grey.sum).toBe(VALID[row][col])
        expect(grey.value).toBe(VALID[row][col])
      }
    }
  })

  it('agrees with apply at the same pixel of a photo', async () => {
    const apply = await runCli(['apply', join(SAMPLES, 'chelsea.png'), '-o', 'edges.png', '--preset', 'sobel:direction=bottom', '--signed', 'abs', '--border', 'reflect'], { cwd: work })
    expect(apply.code, apply.stderr).toBe(0)
    const output = await readWithSharp(join(work, 'edges.png'))
    for (const [row, col] of [[0, 0], [120, 200], [299, 450]]) {
      const json = await inspectJson([join(SAMPLES, 'chelsea.png'), '--preset', 'sobel:direction=bottom', '--signed', 'abs', '--border', 'reflect', '--at', `${row},${col}`])
      const values = json.channels.map((c) => c.value)
      const index = (row * output.width + col) * 3
      expect(values).toEqual(Array.from(output.data.slice(index, index + 3)))
    }
  })

  it('takes a --kernel-file and the full mode', async () => {
    await writeFile(join(work, 'seed.txt'), `${KERNEL.map((row) => row.join(' ')).join('\n')}\n`)
    const json = await inspectJson(['grid.png', '--kernel-file', 'seed.txt', '--mode', 'full', '--border', 'zero', '--at', '0,0'])
    expect([json.outputWidth, json.outputHeight]).toEqual([7, 7])
    // Only the bottom-right kernel cell overlaps the image at full (0,0): 2 x 3.
    expect(json.channels[0].sum).toBe(KERNEL[2][2] * GRID[0][0])
  })
})

describe('inspect refuses bad input with one line', () => {
  const refuse = async (args: readonly string[], message: string | RegExp): Promise<void> => {
    const before = await listFolder(work)
    const result = await runCli(['inspect', ...args], { cwd: work })
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    const lines = result.stderr.split('\n').filter(Boolean)
    expect(lines, result.stderr).toHaveLength(1)
    if (typeof message === 'string') expect(lines[0]).toBe(`kernel-studio: error: ${message}`)
    else expect(lines[0]).toMatch(message)
    expect(await listFolder(work)).toEqual(before)
  }

  it('bad or missing --at', async () => {
    await refuse(['grid.png', '--kernel', KERNEL_TEXT, '--at', 'middle'], '--at must be ROW,COL with 0-based whole numbers, e.g. 0,0; got "middle"')
    await refuse(['grid.png', '--kernel', KERNEL_TEXT, '--at', '-1,0'], /^kernel-studio: error: --at must be ROW,COL/)
    await refuse(['grid.png', '--kernel', KERNEL_TEXT, '--at', '1.5,0'], /^kernel-studio: error: --at must be ROW,COL/)
    await refuse(['grid.png', '--kernel', KERNEL_TEXT], "required option '--at <row,col>' not specified")
  })

  it('--at outside the output', async () => {
    await refuse(['grid.png', '--kernel', KERNEL_TEXT, '--mode', 'valid', '--at', '3,0'], /^kernel-studio: error: --at 3,0: row 3 is out of range: .*rows 0 to 2$/)
    await refuse(['grid.png', '--kernel', KERNEL_TEXT, '--at', '0,5'], /^kernel-studio: error: --at 0,5: column 5 is out of range: .*columns 0 to 4$/)
  })

  it('no filter, or more than one', async () => {
    await refuse(['grid.png', '--at', '0,0'], 'inspect needs a filter: give one --kernel, --kernel-file or --preset, or a --recipe')
    await refuse(['grid.png', '--kernel', KERNEL_TEXT, '--preset', 'box-blur', '--at', '0,0'], 'inspect takes exactly one --kernel, --kernel-file or --preset, got 2')
  })

  it('bad kernel, unknown preset, missing image', async () => {
    await refuse(['grid.png', '--kernel', '1 2; 3 4', '--at', '0,0'], /^kernel-studio: error: --kernel "1 2; 3 4": .*even/)
    await refuse(['grid.png', '--preset', 'nope', '--at', '0,0'], /^kernel-studio: error: unknown preset "nope"/)
    await refuse(['gone.png', '--preset', 'box-blur', '--at', '0,0'], 'cannot read gone.png: no such file')
  })
})
