// @vitest-environment node
// Outputs the file system refuses part-way through (a file size limit, as a full disk would): `apply` and `batch`
// say why in one line, code the failure `unwritable`, and leave no temp file.
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, SAMPLES, cliEnv, collectOutput, ensureCliBuilt, listFolder, type CliResult } from './cli'

let work: string

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-cli-write-failure-'))
  await mkdir(join(work, 'in'))
  await sharp(join(SAMPLES, 'chelsea.png')).jpeg({ quality: 95 }).toFile(join(work, 'in', 'cat.jpg'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

/** Runs the CLI under `ulimit -f 8`: no file it writes may pass 8 KiB (EFBIG, "File too large"). */
function runLimited(args: readonly string[]): Promise<CliResult> {
  const script = 'ulimit -f 8 && exec "$0" "$@"'
  return collectOutput(spawn('bash', ['-c', script, process.execPath, BIN, ...args], { cwd: work, env: cliEnv() }))
}

describe.skipIf(process.platform === 'win32')('an output the file system stops part-way', () => {
  it.each(['out.jpg', 'out.tif', 'out.png'])('apply %s: one line, exit 1, nothing left', async (name) => {
    const out = join(work, `apply-${name}`)
    await mkdir(out)
    const { code, stderr } = await runLimited(['apply', join(work, 'in', 'cat.jpg'), '-o', join(out, name), '--preset', 'sharpen'])
    expect(code).toBe(1)
    expect(stderr).toBe(`kernel-studio: error: cannot write ${join(out, name)}: file too large\n`)
    expect(await listFolder(out)).toEqual([])
  })

  it('batch: the file fails as unwritable and the run goes on to its summary', async () => {
    const out = join(work, 'batch')
    const { code, stdout } = await runLimited(['batch', join(work, 'in'), '-d', out, '--preset', 'sharpen', '--format', 'jpg', '--progress', 'json'])
    expect(code).toBe(1)
    const events = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(events.find((e) => e.type === 'file')).toMatchObject({ status: 'failed', code: 'unwritable', message: `cannot write ${join(out, 'cat.jpg')}: file too large` })
    expect(events.at(-1)).toMatchObject({ type: 'end', failed: 1, written: 0 })
    expect(await listFolder(out)).toEqual([])
  })
})
