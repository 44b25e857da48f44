// @vitest-environment node
// `kernel-studio inspect --frequency`: a kernel's frequency response without an image, as a table and as JSON.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureCliBuilt, listFolder, runCli } from './cli'

let work: string

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-cli-frequency-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

interface FrequencyJson {
  flip: boolean
  divisor: number
  offset: number
  size: number
  frequencies: number[]
  dcGain: number
  nyquist: { horizontal: number; vertical: number; diagonal: number }
  profile: { radius: number; mean: number; min: number; max: number; count: number }[]
  magnitude: number[][]
}

async function frequencyJson(args: readonly string[]): Promise<FrequencyJson> {
  const result = await runCli(['inspect', ...args, '--frequency', '--json'], { cwd: work })
  expect(result.code, result.stderr).toBe(0)
  expect(result.stderr).toBe('')
  return JSON.parse(result.stdout) as FrequencyJson
}

/** The profile rows of the text table: radius, period, mean, min, max. */
function profileRows(stdout: string): number[][] {
  const lines = stdout.split('\n')
  const at = lines.findIndex((l) => /^\s*cycles\/pixel\s+period \(px\)\s+mean\s+min\s+max$/.test(l))
  expect(at, stdout).toBeGreaterThan(0)
  return lines
    .slice(at + 1)
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s+/).map((cell) => (cell === '-' ? NaN : Number(cell))))
}

describe('inspect --frequency', () => {
  it('prints DC and Nyquist gains and the radial profile of a box blur, sidelobe included', async () => {
    const result = await runCli(['inspect', '--preset', 'box-blur', '--frequency'], { cwd: work })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout).toContain('on a 64x64 grid')
    expect(result.stdout).toMatch(/^DC gain \(weights' sum \/ divisor\): 1$/m)
    expect(result.stdout).toMatch(/^gain at Nyquist \(0\.5\): horizontal 0\.3333, vertical 0\.3333, diagonal 0\.1111$/m)
    const rows = profileRows(result.stdout)
    expect(rows.map((r) => r[0])).toEqual([0, 0.0625, 0.125, 0.1875, 0.25, 0.3125, 0.375, 0.4375, 0.5])
    expect(rows[0].slice(2)).toEqual([1, 1, 1])
    expect(rows[8][1]).toBe(2)
    // The mean dips near a third of a cycle and rises again: a box blur lets fine detail through.
    const means = rows.map((r) => r[2])
    expect(Math.min(...means)).toBe(means[6])
    expect(means[8]).toBeGreaterThan(means[6])
  })

  it('--json has the whole grid, and the table agrees with it', async () => {
    const json = await frequencyJson(['--kernel', '0 -1 0; -1 5 -1; 0 -1 0'])
    expect(json.size).toBe(64)
    expect(json.magnitude).toHaveLength(64)
    for (const row of json.magnitude) expect(row).toHaveLength(64)
    expect(json.frequencies[0]).toBe(-0.5)
    expect(json.frequencies[32]).toBe(0)
    expect(json.dcGain).toBe(1)
    // Sharpen: 5 - 2 cos(2 pi fy) - 2 cos(2 pi fx), so 5 at Nyquist along an axis and 9 on the diagonal.
    for (const [ky, kx] of [[32, 32], [32, 0], [0, 32], [0, 0], [40, 20], [7, 51]]) {
      const expected = 5 - 2 * Math.cos(2 * Math.PI * json.frequencies[ky]) - 2 * Math.cos(2 * Math.PI * json.frequencies[kx])
      expect(json.magnitude[ky][kx]).toBeCloseTo(expected, 12)
    }
    expect(json.nyquist.horizontal).toBeCloseTo(5, 12)
    expect(json.nyquist.diagonal).toBeCloseTo(9, 12)
    expect(json.profile).toHaveLength(33)
    expect(json.profile[32].radius).toBe(0.5)

    const text = await runCli(['inspect', '--kernel', '0 -1 0; -1 5 -1; 0 -1 0', '--frequency'], { cwd: work })
    const rows = profileRows(text.stdout)
    rows.forEach((row, i) => expect(row[2]).toBeCloseTo(json.profile[i * 4].mean, 4))
  })

  it('includes the divisor, says the offset is not in the response, and gives the same magnitude flipped', async () => {
    const kernel = '1 2 0; 0 1 4; 0 0 1'
    const plain = await frequencyJson(['--kernel', kernel, '--divisor', '9'])
    expect(plain.dcGain).toBe(1)
    expect(plain.divisor).toBe(9)
    const flipped = await frequencyJson(['--kernel', kernel, '--divisor', '9', '--flip'])
    expect(flipped.flip).toBe(true)
    flipped.magnitude.forEach((row, ky) => row.forEach((value, kx) => expect(value).toBeCloseTo(plain.magnitude[ky][kx], 12)))

    const text = await runCli(['inspect', '--kernel', kernel, '--flip', '--offset', '10', '--frequency'], { cwd: work })
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain('flipped 180 degrees (true convolution: the response is conjugated, its magnitude is the same)')
    expect(text.stdout).toContain('offset 10 is not in the response: it adds a constant whatever the input')
  })

  it('reads --kernel-file, and notes flags that only act on images', async () => {
    await writeFile(join(work, 'edge.txt'), '# vertical edges\n-1 0 1\n-2 0 2\n-1 0 1\n')
    const result = await runCli(['inspect', '--kernel-file', 'edge.txt', '--frequency', '--border', 'wrap'], { cwd: work })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toBe('note: --border does not change the frequency response (it acts on images, not on the kernel)\n')
    expect(result.stdout).toMatch(/^DC gain \(weights' sum \/ divisor\): 0$/m)
  })
})

describe('inspect --frequency refuses bad input with one line', () => {
  const refuse = async (args: readonly string[], message: string): Promise<void> => {
    const before = await listFolder(work)
    const result = await runCli(['inspect', ...args], { cwd: work })
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(`kernel-studio: error: ${message}\n`)
    expect(await listFolder(work)).toEqual(before)
  }

  it('an image or --at with --frequency', async () => {
    await refuse(['photo.png', '--preset', 'sharpen', '--frequency'], '--frequency describes the kernel alone: drop the image photo.png')
    await refuse(['--preset', 'sharpen', '--frequency', '--at', '0,0'], '--frequency describes the whole kernel, not one pixel: drop --at')
    await refuse(['--preset', 'sharpen', '--frequency', '--histogram'], '--frequency and --histogram are two different views: give one of them')
  })

  it('no filter or two, a bad kernel', async () => {
    await refuse(['--frequency'], 'inspect needs a filter: give one --kernel, --kernel-file or --preset')
    await refuse(['--frequency', '--preset', 'sharpen', '--kernel', '1'], 'inspect takes exactly one --kernel, --kernel-file or --preset, got 2')
    await refuse(['--frequency', '--kernel', '1 2'], '--kernel "1 2": kernel width 2 is even: kernels need odd height and width')
  })

  it('without --frequency, the image and --at stay required with commander\'s own messages', async () => {
    await refuse(['--kernel', '1'], "required option '--at <row,col>' not specified")
    await refuse(['--kernel', '1', '--at', '0,0'], "missing required argument 'input'")
  })
})
