// @vitest-environment node
// The .acf handlers on real files: what the app saves, the CLI applies as the same kernel; paths, dialogs, bytes.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Api, ApiEvent, ApiEvents } from '../../../src/contract/api'
import { createHandlers, type Dialogs } from '../../../src/api/handlers'
import { HostClient, forkHost } from '../../../src/host/client'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..', '..', '..')
const CLI = join(ROOT, 'bin', 'kernel-studio.js')

let dir: string
let host: HostClient

function make(dialogs?: Dialogs): Api {
  return createHandlers({
    shell: dialogs ? 'electron' : 'serve',
    host,
    emit: <E extends ApiEvent>(_event: E, _payload: ApiEvents[E]) => undefined,
    dialogs,
    dataDir: null
  })
}

async function failure(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e as Error
  )
  expect(err, 'expected the call to fail').toBeInstanceOf(Error)
  expect((err as Error).message).not.toContain('\n')
  return (err as Error).message
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ks-acf-'))
  host = new HostClient(() => forkHost())
})

afterAll(async () => {
  await host.close()
  await rm(dir, { recursive: true, force: true })
})

const rows = [
  [0, -1, 0],
  [-1, 8, -1],
  [0, -1, 0]
]

describe('kernel:save-acf and kernel:open-acf', () => {
  it('serve mode: bytes to download and back, the same kernel (a 3x3 stays 3x3)', async () => {
    const api = make()
    const saved = await api['kernel:save-acf']({ rows, divisor: 4, offset: 10, name: 'My sharpen' })
    expect(saved?.fileName).toBe('My sharpen.acf')
    expect(saved?.bytes?.byteLength).toBe(54)
    const opened = await api['kernel:open-acf']({ name: 'My sharpen.acf', bytes: saved!.bytes! })
    expect(opened).toEqual({ name: 'My sharpen', rows, divisor: 4, offset: 10 })
  })

  it('a saved file is applied by the CLI exactly as the kernel typed on the command line', async () => {
    const api = make()
    const file = join(dir, 'k.acf')
    expect(await api['kernel:save-acf']({ rows, divisor: 4, offset: 10, path: file })).toEqual({ path: file, fileName: 'k.acf' })
    expect(await failure(api['kernel:save-acf']({ rows, divisor: 4, offset: 10, path: file }))).toMatch(/exists/)
    const image = join(dir, 'in.png')
    const data = Buffer.from(Array.from({ length: 16 * 12 * 3 }, (_, i) => (i * 37) % 256))
    await sharp(data, { raw: { width: 16, height: 12, channels: 3 } }).png().toFile(image)
    await run(process.execPath, [CLI, 'apply', image, '--kernel-file', file, '-o', join(dir, 'acf.png')], { cwd: ROOT })
    await run(process.execPath, [CLI, 'apply', image, '--kernel', '0,-1,0;-1,8,-1;0,-1,0', '--divisor', '4', '--offset', '10', '-o', join(dir, 'typed.png')], { cwd: ROOT })
    const a = await sharp(join(dir, 'acf.png')).raw().toBuffer()
    const b = await sharp(join(dir, 'typed.png')).raw().toBuffer()
    expect(Buffer.compare(a, b)).toBe(0)
    expect(await api['kernel:open-acf']({ path: file })).toEqual({ name: 'k', rows, divisor: 4, offset: 10 })
  })

  it('Electron: the dialogs choose the files; cancelling answers null', async () => {
    let answer: string | null = null
    const dialogs: Dialogs = {
      openImage: async () => null,
      saveImage: async () => null,
      openRecipe: async () => null,
      saveRecipe: async () => null,
      openAcf: async () => answer,
      saveAcf: async () => answer
    }
    const api = make(dialogs)
    expect(await api['kernel:save-acf']({ rows, divisor: 1, offset: 0 })).toBeNull()
    expect(await api['kernel:open-acf']({})).toBeNull()
    answer = join(dir, 'dialog.acf')
    await writeFile(answer, 'old')
    // The OS dialog asked before replacing: the file is overwritten.
    expect(await api['kernel:save-acf']({ rows, divisor: 1, offset: 0 })).toEqual({ path: answer, fileName: 'dialog.acf' })
    expect((await readFile(answer)).byteLength).toBe(54)
    expect((await api['kernel:open-acf']({}))?.rows).toEqual(rows)
  })

  it('bad input: one line each, nothing written', async () => {
    const api = make()
    expect(await failure(api['kernel:save-acf']({ rows: [[0.5]], divisor: 1, offset: 0, path: join(dir, 'half.acf') }))).toMatch(/whole numbers/)
    expect(existsSync(join(dir, 'half.acf'))).toBe(false)
    expect(await failure(api['kernel:save-acf']({ rows: Array.from({ length: 7 }, () => [1]), divisor: 1, offset: 0 }))).toMatch(/rows/)
    expect(await failure(api['kernel:open-acf']({ name: 'x.acf', bytes: new Uint8Array(10) }))).toMatch(/expected 54 bytes, got 10/)
    expect(await failure(api['kernel:open-acf']({ path: join(dir, 'missing.acf') }))).toMatch(/no such file/)
    expect(await failure(api['kernel:open-acf']({ path: dir }))).toMatch(/not a file/)
    expect(await failure(api['kernel:open-acf']({}))).toMatch(/needs a path/)
  })
})
