// @vitest-environment node
// `kernel-studio apply` killed in the middle of writing a big output: no partial file is left behind, and an
// existing output stays as it was.
import { spawn } from 'node:child_process'
import { watch } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeNoisePng } from '../../helpers/noise'
import { BIN, ensureCliBuilt, listFolder } from './cli'

let work: string

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-cli-atomic-'))
  await writeNoisePng(join(work, 'noise.png'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

/**
 * Runs `apply noise.png -o out/NAME` and sends `signal` as soon as the CLI has started writing its temp file
 * (the first change to a `.tmp` file in the output folder). Resolves with how the CLI ended and what it had written.
 */
function killWhileWriting(
  dir: string,
  name: string,
  signal: NodeJS.Signals,
  extra: readonly string[] = []
): Promise<{ code: number | null; signal: NodeJS.Signals | null; tempSize: number; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const args = [BIN, 'apply', join(work, 'noise.png'), '-o', join(dir, name), '--preset', 'identity', '--depth', '16', ...extra]
    const child = spawn(process.execPath, args, { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    let tempSize = -1
    const watcher = watch(dir, (event, file) => {
      if (tempSize >= 0 || event !== 'change' || !file?.endsWith('.tmp')) return
      tempSize = 0
      stat(join(dir, file))
        .then((info) => (tempSize = info.size))
        .catch(() => undefined)
      child.kill(signal)
    })
    child.on('error', reject)
    child.on('close', (code, sig) => {
      watcher.close()
      resolvePromise({ code, signal: sig, tempSize, stderr })
    })
  })
}

/** Polls until the folder lists exactly `expected` (the watchdog needs a moment after a kill -9). */
async function expectFolderSettlesTo(dir: string, expected: readonly string[]): Promise<void> {
  const deadline = Date.now() + 10_000
  let now = await listFolder(dir)
  while (JSON.stringify(now) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    now = await listFolder(dir)
  }
  expect(now).toEqual(expected)
}

describe('apply killed while writing', () => {
  it('kill -9 leaves neither the output nor its temp file', async () => {
    const dir = join(work, 'kill9')
    await mkdir(dir)
    const result = await killWhileWriting(dir, 'big.tif', 'SIGKILL')
    expect(result.signal).toBe('SIGKILL')
    expect(result.tempSize).toBeGreaterThanOrEqual(0)
    await expectFolderSettlesTo(dir, [])
  })

  it('kill -9 with --force over an existing output leaves the old file as it was', async () => {
    const dir = join(work, 'kill9-force')
    await mkdir(dir)
    await writeFile(join(dir, 'big.tif'), 'the previous result')
    const result = await killWhileWriting(dir, 'big.tif', 'SIGKILL', ['--force'])
    expect(result.signal).toBe('SIGKILL')
    await expectFolderSettlesTo(dir, ['big.tif'])
    expect(await readFile(join(dir, 'big.tif'), 'utf8')).toBe('the previous result')
  })

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130]
  ] as const)('%s ends the CLI by that signal (a shell shows %i) and removes the temp file itself', async (signal, _shellStatus) => {
    const dir = join(work, signal)
    await mkdir(dir)
    const result = await killWhileWriting(dir, 'big.tif', signal)
    expect(result.signal).toBe(signal)
    expect(result.stderr).toBe('')
    expect(await listFolder(dir)).toEqual([])
  })
})
