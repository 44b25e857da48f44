// @vitest-environment node
// Documents per window or tab, through the API handlers and a real engine host process with a small memory cap:
// each document keeps its own image; a document the host dropped to stay within its cap is opened again from its
// file when next used; each document's session is saved atomically in the data folder and read back.
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Api, DocumentState } from '../../../src/contract/api'
import { createHandlers } from '../../../src/api/handlers'
import { HostClient, forkHost } from '../../../src/host/client'
import { hostScriptPath } from '../../../src/io/package-paths'

let dir: string
let wide: string
let tall: string
let host: HostClient
let api: Api

/** A `width` x `height` RGB photo with a pattern of its own. */
async function photo(file: string, width: number, height: number, seed: number): Promise<void> {
  const data = Buffer.alloc(width * height * 3)
  for (let i = 0; i < data.length; i++) data[i] = (i * seed + (i >> 7)) & 255
  await sharp(data, { raw: { width, height, channels: 3 } }).png().toFile(file)
}

beforeAll(async () => {
  if (!existsSync(hostScriptPath())) throw new Error(`${hostScriptPath()} is missing: run npm run build:node before these tests`)
  dir = await mkdtemp(join(tmpdir(), 'ks-documents-'))
  wide = join(dir, 'wide.png')
  tall = join(dir, 'tall.png')
  // 700x500 RGB = 1.05 MB each: with a 1.5 MB cap the host keeps one source at a time.
  await photo(wide, 700, 500, 7)
  await photo(tall, 500, 700, 13)
  const before = process.env.KERNEL_STUDIO_HOST_MEMORY_MB
  process.env.KERNEL_STUDIO_HOST_MEMORY_MB = '1.5'
  host = new HostClient(() => forkHost())
  host.start()
  if (before === undefined) delete process.env.KERNEL_STUDIO_HOST_MEMORY_MB
  else process.env.KERNEL_STUDIO_HOST_MEMORY_MB = before
  api = createHandlers({ shell: 'serve', host, emit: () => undefined, dataDir: join(dir, 'data') })
})

afterAll(async () => {
  host?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('documents', () => {
  it('each document keeps its image; one the host dropped over its memory cap is opened again when used', async () => {
    expect((await api['image:open']({ doc: 'tab-a', path: wide }))?.name).toBe('wide.png')
    // Opening B's photo takes the host over its cap: A's pixels go (A is not in use), never B's.
    expect((await api['image:open']({ doc: 'tab-b', path: tall }))?.name).toBe('tall.png')
    expect((await api['image:current']({ doc: 'tab-b' }))?.width).toBe(500)
    expect(await host.request({ type: 'current', doc: 'tab-a' })).toBeNull()
    // A is still A: the API opens it again from its file, and the preview is of A's photo.
    const previewA = await api['image:preview']({ doc: 'tab-a', requestId: 1, filters: [{ preset: 'box-blur', params: { size: 3 } }], maxWidth: 70, maxHeight: 70 })
    expect([previewA.resultWidth, previewA.resultHeight]).toEqual([700, 500])
    expect((await api['image:current']({ doc: 'tab-a' }))?.name).toBe('wide.png')
    const previewB = await api['image:preview']({ doc: 'tab-b', requestId: 2, filters: [], maxWidth: 70, maxHeight: 70 })
    expect([previewB.resultWidth, previewB.resultHeight]).toEqual([500, 700])
    // Exports too: each its own photo.
    const exportA = await api['image:export']({ doc: 'tab-a', filters: [], format: 'png' })
    const exportB = await api['image:export']({ doc: 'tab-b', filters: [], format: 'png' })
    expect([exportA?.width, exportA?.height]).toEqual([700, 500])
    expect([exportB?.width, exportB?.height]).toEqual([500, 700])
    const original = await sharp(wide).raw().toBuffer()
    expect(Buffer.compare(await sharp(Buffer.from(exportA?.bytes ?? [])).raw().toBuffer(), original)).toBe(0)
  })

  it('a document with nothing open has no image, whatever the others have', async () => {
    expect(await api['image:current']({ doc: 'tab-new' })).toBeNull()
  })

  it('saves each document session atomically in the data folder and reads it back', async () => {
    const state: DocumentState = {
      version: 1,
      source: { kind: 'path', path: wide },
      name: 'wide.png',
      layers: [{ id: 'layer-1', spec: { preset: 'sharpen' } }],
      selectedId: 'layer-1',
      past: [[]],
      future: [],
      view: { zoom: 0.5, pan: { x: 10, y: 20 }, fit: false, split: null },
      modified: true
    }
    expect(await api['document:save']({ doc: 'tab-a', state })).toEqual({ saved: true })
    expect(await api['document:load']({ doc: 'tab-a' })).toEqual(state)
    expect(await api['document:load']({ doc: 'tab-b' })).toBeNull()
    const files = await readdir(join(dir, 'data', 'documents'))
    // One file per document, no temporary files left behind.
    expect(files).toEqual(['tab-a.json'])
    expect(JSON.parse(await readFile(join(dir, 'data', 'documents', 'tab-a.json'), 'utf8'))).toMatchObject({ format: 'kernel-studio/document', version: 1, state })
  })

  it('a relative save path goes in the opened image\'s folder, never the server\'s working folder', async () => {
    await api['image:open']({ doc: 'tab-save', path: wide })
    const res = await api['image:export']({ doc: 'tab-save', filters: [], format: 'png', path: 'saved-next-to-it.png' })
    expect(res?.path).toBe(join(dir, 'saved-next-to-it.png'))
    expect(existsSync(join(dir, 'saved-next-to-it.png'))).toBe(true)
    expect(existsSync(join(process.cwd(), 'saved-next-to-it.png'))).toBe(false)
    // An upload has no folder of its own: only a full path will do.
    await api['image:upload']({ doc: 'tab-upload', name: 'up.png', bytes: new Uint8Array(await readFile(tall)) })
    await expect(api['image:export']({ doc: 'tab-upload', filters: [], format: 'png', path: 'nowhere.png' })).rejects.toThrow(/^nowhere\.png is a relative path, and this image has no folder of its own/)
    const full = join(dir, 'upload-full.png')
    expect((await api['image:export']({ doc: 'tab-upload', filters: [], format: 'png', path: full }))?.path).toBe(full)
  })

  it('with an image to start with (serve --open), every new document starts with it', async () => {
    const started = createHandlers({ shell: 'serve', host, emit: () => undefined, dataDir: null, initialImage: tall })
    expect((await started['image:current']({ doc: 'fresh-1' }))?.name).toBe('tall.png')
    expect((await started['image:current']({ doc: 'fresh-2' }))?.name).toBe('tall.png')
    await started['image:open']({ doc: 'fresh-1', path: wide })
    expect((await started['image:current']({ doc: 'fresh-1' }))?.name).toBe('wide.png')
  })

  it('refuses a bad document id with one line', async () => {
    await expect(api['image:current']({ doc: '../etc' })).rejects.toThrow(/^image:current: doc: must be 1-64 letters/)
    await expect(api['document:load']({ doc: 'a/b' })).rejects.toMatchObject({ code: 'bad-request' })
  })
})
