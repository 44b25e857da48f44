// @vitest-environment node
// Extreme kernel numbers: a 1e38 centre over a 1e38 divisor (an identity on paper) wrote white where the exact
// reference said otherwise; such kernels are refused in one line, and at the limit (1e9) the result is exact.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SAMPLES, ensureCliBuilt, listFolder, runCli } from './cli'

let work: string
const photo = join(SAMPLES, 'chelsea.png')

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-extreme-'))
})

afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('kernels with extreme numbers', () => {
  it.each([
    [['--kernel', '0 0 0; 0 1e38 0; 0 0 0', '--divisor', '1e38'], '--kernel "0 0 0; 0 1e38 0; 0 0 0": kernel row 2, value 2: 1e+38 is out of range (at most 1e9 either way)'],
    [['--kernel', '0 0 0; 0 1e39 0; 0 0 0', '--divisor', '1e39'], '--kernel "0 0 0; 0 1e39 0; 0 0 0": kernel row 2, value 2: 1e+39 is out of range (at most 1e9 either way)'],
    [['--kernel', '1', '--divisor', '1e-12'], '--kernel "1": kernel divisor 1e-12 is out of range (its size must be from 1e-9 to 1e9)'],
    [['--kernel', '1', '--offset', '-1e20'], '--kernel "1": kernel offset -100000000000000000000 is out of range (at most 1e9 either way)']
  ])('refuses %j in one line, writing nothing', async (flags, message) => {
    const result = await runCli(['apply', photo, '-o', 'out.png', ...flags], { cwd: work })
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(`kernel-studio: error: ${message}\n`)
    expect(await listFolder(work)).toEqual([])
  })

  it('computes an identity at the limit (1e9 over 1e9) exactly', async () => {
    const result = await runCli(['apply', photo, '-o', 'same.png', '--kernel', '0 0 0; 0 1e9 0; 0 0 0', '--divisor', '1e9'], { cwd: work })
    expect(result.code, result.stderr).toBe(0)
    const [a, b] = await Promise.all([sharp(photo).raw().toBuffer(), sharp(join(work, 'same.png')).raw().toBuffer()])
    expect(b.equals(a)).toBe(true)
  })
})
