// @vitest-environment node
// Serve mode killed with kill -9 mid-export together with its watchdog (a cgroup's OOM kill, a power cut): the
// temp file stays behind, and the next start of serve mode removes it, having noted the folder in the data folder.
import { readdirSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeNoisePng } from '../../helpers/noise'
import { startBigExport, startServe, whenFileSeen } from './serve-process'

let work: string

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ks-serve-sweep-'))
  await writeNoisePng(join(work, 'noise.png'))
})

afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

/** Ids of the processes whose command line mentions `text` (the watchdog names its temp file). */
function processesMentioning(text: string): number[] {
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) found.push(Number(entry))
    } catch {
      // Gone meanwhile.
    }
  }
  return found
}

describe('serve mode start after a kill -9 mid-export', () => {
  it('removes the temp file the killed export left', async () => {
    const dataDir = join(work, 'data')
    const out = join(work, 'out')
    await mkdir(out)
    // Another program's file that only looks like a temp file of ours (its target was never exported to).
    await writeFile(join(out, '.other.tif.999999.0123456789ab.tmp'), 'not ours')
    const first = await startServe({ KERNEL_STUDIO_DATA_DIR: dataDir }, ['--open', join(work, 'noise.png')])
    try {
      const killed = whenFileSeen(
        out,
        (_event, name) => name.startsWith('.big.tif.') && name.endsWith('.tmp'),
        (name) => {
          // The watchdog first (else it removes the file when serve dies), then serve, both at once.
          for (const pid of processesMentioning(join(out, name))) process.kill(pid, 'SIGKILL')
          first.child.kill('SIGKILL')
        }
      )
      startBigExport(first.port, join(out, 'big.tif'))
      const temp = await killed
      expect(temp).not.toBeNull()
      // Nothing removes it now: no watchdog, no writer.
      await new Promise((resolve) => setTimeout(resolve, 1000))
      expect((await readdir(out)).sort()).toEqual(['.other.tif.999999.0123456789ab.tmp', temp].sort())
      const noted = JSON.parse(await readFile(join(dataDir, 'export-folders.json'), 'utf8')) as { folders: { folder: string; names: string[] }[] }
      expect(noted.folders).toEqual([{ folder: out, names: ['big.tif'] }])
    } finally {
      await first.stop()
    }
    const again = await startServe({ KERNEL_STUDIO_DATA_DIR: dataDir })
    try {
      await expect.poll(() => readdir(out), { timeout: 10_000 }).toEqual(['.other.tif.999999.0123456789ab.tmp'])
    } finally {
      await again.stop()
    }
  }, 120_000)
})
