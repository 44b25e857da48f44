// @vitest-environment node
// --recipe and --kernel-file read regular files only, of at most 4 MB: /dev/zero, a named pipe or a huge file is
// refused in one line at once (the old reader ran on /dev/zero until memory ran out). Each run is killed after 5 s.
import { spawn, spawnSync } from 'node:child_process'
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, SAMPLES, ensureCliBuilt } from './cli'

let work: string

/** Runs the CLI in `work`, killing it after `ms`; resolves with its exit code (null when killed) and stderr. */
function run(args: readonly string[], ms = 5000): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
    const timer = setTimeout(() => child.kill('SIGKILL'), ms)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stderr })
    })
  })
}

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-input-files-'))
  await copyFile(join(SAMPLES, 'chelsea.png'), join(work, 'photo.png'))
  const filler = ' '.repeat(5 * 1024 * 1024)
  await writeFile(join(work, 'huge.json'), `{"format": "kernel-studio/stack", "version": 1, "filters": []${filler}}`)
  spawnSync('mkfifo', [join(work, 'pipe')])
})

afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('files named by --recipe and --kernel-file', () => {
  it.each([
    ['--recipe', '/dev/zero', 'cannot read recipe /dev/zero: not a regular file'],
    ['--kernel-file', '/dev/zero', 'cannot read kernel file /dev/zero: not a regular file'],
    ['--recipe', 'pipe', 'cannot read recipe pipe: not a regular file'],
    ['--recipe', 'huge.json', 'cannot read recipe huge.json: larger than the 4 MB limit for a recipe']
  ])('%s %s is refused in one line', async (flag, file, message) => {
    const result = await run(['apply', 'photo.png', '-o', 'out.png', flag, file])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(`kernel-studio: error: ${message}\n`)
  })
})
