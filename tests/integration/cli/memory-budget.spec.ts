// @vitest-environment node
// The memory budget, for real: `kernel-studio apply` with a recipe that grows the image filter after filter
// (thin kernels in `full` mode, the 35 KB recipe of issue 17 in small) is refused in one line, before it runs,
// when the estimate is over KERNEL_STUDIO_MEMORY; within the budget the same recipe runs.
import { existsSync } from 'node:fs'
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SAMPLES, ensureCliBuilt, listFolder, runCli, type CliResult } from './cli'

let work: string

/** `count` thin 255-tap box kernels, alternately a row and a column, each in `full` mode. */
function thinRecipe(count: number): string {
  const row = Array.from({ length: 255 }, () => 1)
  const filters = Array.from({ length: count }, (_, i) => ({
    kernel: i % 2 === 0 ? [row] : row.map((v) => [v]),
    divisor: 255,
    mode: 'full'
  }))
  return JSON.stringify({ format: 'kernel-studio/stack', version: 1, filters })
}

/** Runs the CLI in `work` with `env` added to the environment. */
async function cli(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  const saved = { ...process.env }
  Object.assign(process.env, env)
  try {
    return await runCli(args, { cwd: work })
  } finally {
    for (const key of Object.keys(env)) delete process.env[key]
    Object.assign(process.env, saved)
  }
}

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-budget-'))
  await copyFile(join(SAMPLES, 'chelsea.png'), join(work, 'photo.png'))
  await writeFile(join(work, 'thin.json'), thinRecipe(8))
  await writeFile(join(work, 'thin2.json'), thinRecipe(2))
})

afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('kernel-studio apply and the memory budget', () => {
  it('refuses a stack whose estimate is over KERNEL_STUDIO_MEMORY in one line, quickly, writing nothing', async () => {
    const before = await listFolder(work)
    const started = Date.now()
    const result = await cli(['apply', 'photo.png', '-o', 'out.png', '--recipe', 'thin.json'], { KERNEL_STUDIO_MEMORY: '20M' })
    expect(result.code, result.stderr).toBe(1)
    expect(result.stderr).toMatch(
      /^kernel-studio: error: this stack needs about \d+ MB of memory on this 451x300 image \(its largest result is 1467x1316\), over the budget of 20 MB \(set by KERNEL_STUDIO_MEMORY\)\n$/
    )
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(await listFolder(work)).toEqual(before)
  })

  it('runs such a stack within the default budget (half of this machine\'s memory)', async () => {
    const result = await cli(['apply', 'photo.png', '-o', 'out.png', '--recipe', 'thin2.json'], { KERNEL_STUDIO_MEMORY: '' })
    expect(result.code, result.stderr).toBe(0)
    expect(existsSync(join(work, 'out.png'))).toBe(true)
  })

  it('says what a bad KERNEL_STUDIO_MEMORY should look like', async () => {
    const result = await cli(['apply', 'photo.png', '-o', 'bad.png', '--preset', 'box-blur'], { KERNEL_STUDIO_MEMORY: 'lots' })
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('kernel-studio: error: KERNEL_STUDIO_MEMORY must be a size such as 4G or 512M, got "lots"\n')
  })
})
