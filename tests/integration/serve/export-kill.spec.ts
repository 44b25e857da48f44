// @vitest-environment node
// Serve mode killed with kill -9 while it writes an export to a path: the CLI's watchdog removes the hidden temp
// file, so nothing is left behind (9 of 10 such kills used to leave 4-29 MB temp files).
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeNoisePng } from '../../helpers/noise'
import { startBigExport, startServe, whenFileSeen } from './serve-process'

let work: string

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ks-serve-kill-'))
  await writeNoisePng(join(work, 'noise.png'))
})

afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('serve mode killed while exporting', () => {
  it('kill -9 leaves no temp file', async () => {
    const server = await startServe({}, ['--open', join(work, 'noise.png')])
    const out = join(work, 'out')
    await mkdir(out)
    try {
      const killed = whenFileSeen(
        out,
        (event, name) => event === 'change' && name.endsWith('.tmp'),
        () => server.child.kill('SIGKILL')
      )
      startBigExport(server.port, join(out, 'big.tif'))
      expect(await killed).not.toBeNull()
      // The watchdog needs a moment after the kill.
      await expect.poll(() => readdir(out), { timeout: 10_000 }).toEqual([])
    } finally {
      await server.stop()
    }
  })
})
