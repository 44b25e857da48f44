// @vitest-environment node
// Serve mode killed with kill -9 while it writes an export to a path: the CLI's watchdog removes the hidden temp
// file, so nothing is left behind (9 of 10 such kills used to leave 4-29 MB temp files).
import { randomBytes } from 'node:crypto'
import { watch } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TOKEN, startServe } from './serve-process'

let work: string

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ks-serve-kill-'))
  const width = 3000
  const height = 2000
  await sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toFile(join(work, 'noise.png'))
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
      const killed = new Promise<boolean>((resolve) => {
        const watcher = watch(out, (event, file) => {
          if (event !== 'change' || !file?.endsWith('.tmp')) return
          watcher.close()
          server.child.kill('SIGKILL')
          resolve(true)
        })
        setTimeout(() => {
          watcher.close()
          resolve(false)
        }, 60_000)
      })
      const body = JSON.stringify({ filters: [], format: 'tiff', depth: 16, path: join(out, 'big.tif') })
      const req = httpRequest({
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: '/api/image:export',
        headers: { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }
      })
      req.on('error', () => undefined)
      req.end(body)
      expect(await killed).toBe(true)
      // The watchdog needs a moment after the kill.
      await expect.poll(() => readdir(out), { timeout: 10_000 }).toEqual([])
    } finally {
      await server.stop()
    }
  })
})
