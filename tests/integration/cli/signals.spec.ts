// @vitest-environment node
// Ctrl-C and SIGTERM stop `kernel-studio apply` within a second, in the middle of decoding or filtering a large
// image, and leave nothing in the output folder (process.exit used to wait for the decoder's threads: 35 s).
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, ensureCliBuilt, listFolder } from './cli'

let work: string

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-signals-'))
  // 16 MP of 16-bit RGBA: about a second to decode, then many seconds to filter (below).
  const width = 4000
  const height = 4000
  const raw = Buffer.alloc(width * height * 4 * 2)
  for (let i = 0; i < raw.length; i += 2) raw.writeUInt16LE((i * 2654435761) >>> 16, i)
  await sharp(raw, { raw: { width, height, channels: 4 } }).toColourspace('rgb16').png({ compressionLevel: 1 }).toFile(join(work, 'big.png'))
}, 120_000)

afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

// Three wide Gaussians on two threads: about 15 s of filtering on the 2-core development VM, so a machine with
// more or faster cores is still filtering when the last signal is sent.
const FILTERS = Array.from({ length: 3 }, () => ['--preset', 'gaussian-blur:sigma=40']).flat()

describe('apply stopped by a signal', () => {
  it.each([
    ['SIGTERM', 1200],
    ['SIGINT', 1200],
    ['SIGTERM', 3000]
  ] as const)('%s after %i ms ends it within a second, leaving no file', async (signal, after) => {
    const out = join(work, `${signal}-${after}`)
    await mkdir(out)
    const child = spawn(process.execPath, [BIN, 'apply', join(work, 'big.png'), '-o', join(out, 'r.png'), ...FILTERS], {
      stdio: 'ignore',
      env: { ...process.env, KERNEL_STUDIO_THREADS: '2' }
    })
    await new Promise((r) => setTimeout(r, after))
    expect(child.exitCode).toBeNull()
    const sent = Date.now()
    child.kill(signal)
    const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, sig) => resolve({ code, signal: sig }))
    )
    expect(Date.now() - sent).toBeLessThan(1000)
    expect(ended.signal ?? ended.code).toBe(signal)
    expect(await listFolder(out)).toEqual([])
  })
})
