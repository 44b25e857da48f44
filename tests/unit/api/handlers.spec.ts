// @vitest-environment node
// The API handlers on real files, talking to the real engine host child process (out/node/host.js).
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Api, ApiEvent, ApiEvents } from '../../../src/contract/api'
import { createHandlers, type Dialogs } from '../../../src/api/handlers'
import { HostClient, forkHost } from '../../../src/host/client'
import { hostScriptPath } from '../../../src/io/package-paths'
import { parseRecipe, serializeRecipe } from '../../../src/engine/recipe'
import type { FilterSpec } from '../../../src/engine/types'
import { runStack } from '../../../src/runtime/run-stack'
import { decodeImage } from '../../../src/io/decode-image'

let dir: string
let imagePath: string
let host: HostClient
let events: { event: ApiEvent; payload: unknown }[]

function make(extra: { dialogs?: Dialogs; dataDir?: string | null } = {}): Api {
  return createHandlers({
    shell: extra.dialogs ? 'electron' : 'serve',
    host,
    emit: <E extends ApiEvent>(event: E, payload: ApiEvents[E]) => void events.push({ event, payload }),
    dialogs: extra.dialogs,
    dataDir: extra.dataDir === undefined ? null : extra.dataDir
  })
}

/** Rejection message of a promise (fails the test if it resolves). */
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
  if (!existsSync(hostScriptPath())) throw new Error(`${hostScriptPath()} is missing: run npm run build:node before these tests`)
  dir = await mkdtemp(join(tmpdir(), 'ks-api-'))
  imagePath = join(dir, 'photo.png')
  const width = 24
  const height = 18
  const data = Buffer.alloc(width * height * 4)
  for (let i = 0; i < width * height; i++) {
    data[i * 4] = (i * 7) % 256
    data[i * 4 + 1] = (i * 13) % 256
    data[i * 4 + 2] = i % 3 === 0 ? 255 : 0
    data[i * 4 + 3] = i % 5 === 0 ? 128 : 255
  }
  await sharp(data, { raw: { width, height, channels: 4 } }).png().toFile(imagePath)
})

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

beforeEach(() => {
  host = new HostClient(() => forkHost())
  events = []
})

afterEach(() => host.close())

const stack: FilterSpec[] = [{ preset: 'gaussian-blur', params: { size: 3 } }, { kernel: [[0, -1, 0], [-1, 5, -1], [0, -1, 0]], opacity: 0.75 }]

describe('API handlers', () => {
  it('app:info lists the bundled samples', async () => {
    const info = await make()['app:info']({})
    expect(info.shell).toBe('serve')
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(info.samples.map((s) => s.id)).toEqual(expect.arrayContaining(['astronaut', 'chelsea', 'coffee', 'rocket']))
    expect(info.samples.find((s) => s.id === 'astronaut')?.name).toBe('Astronaut')
  })

  it('opens by path and by sample, and refuses bad requests with one line', async () => {
    const api = make()
    expect(await api['image:open']({ path: imagePath })).toMatchObject({ name: 'photo.png', path: imagePath, width: 24, height: 18, channels: 4 })
    expect(await api['image:open']({ sample: 'coffee' })).toMatchObject({ name: 'coffee.png' })
    expect(await failure(api['image:open']({ sample: '../etc/passwd' }))).toMatch(/^image:open: sample: /)
    expect(await failure(api['image:open']({ sample: 'nope' }))).toBe('there is no sample called "nope"')
    expect(await failure(api['image:open']({}))).toMatch(/^image:open needs a path or a sample/)
    expect(await failure(api['image:open']({ path: imagePath, sample: 'coffee' }))).toMatch(/not both/)
    expect(await failure(api['image:open']({ path: 42 } as unknown as { path: string }))).toMatch(/^image:open: path: /)
  })

  it('uses the open dialog when there is one, and answers null when it is cancelled', async () => {
    let answer: string | null = null
    const dialogs: Dialogs = {
      openImage: async () => answer,
      saveImage: async () => null,
      openRecipe: async () => null,
      saveRecipe: async () => null
    }
    const api = make({ dialogs })
    expect(await api['image:open']({})).toBeNull()
    answer = imagePath
    expect((await api['image:open']({}))?.name).toBe('photo.png')
    expect(await api['image:export']({ filters: stack, format: 'png' })).toBeNull()
  })

  it('validates previews: sizes and every filter, with the recipe rules', async () => {
    const api = make()
    await api['image:open']({ path: imagePath })
    const ok = await api['image:preview']({ requestId: 3, filters: stack, maxWidth: 12, maxHeight: 12 })
    expect([ok.image.width, ok.image.height, ok.requestId]).toEqual([12, 9, 3])
    expect(await failure(api['image:preview']({ requestId: 1, filters: [], maxWidth: 0, maxHeight: 10 }))).toMatch(/^image:preview: maxWidth: /)
    expect(await failure(api['image:preview']({ requestId: 1, filters: [{ preset: 'box-blur', colour: 'red' } as FilterSpec], maxWidth: 10, maxHeight: 10 }))).toMatch(
      /^filter 1: unknown key "colour"$/
    )
    expect(await failure(api['image:preview']({ requestId: 1, filters: [{ kernel: [[1, 2]] }], maxWidth: 10, maxHeight: 10 }))).toMatch(/^filter 1: kernel: /)
    // The host trusts what the API checked: a malformed region stops here, coded as a bad request.
    const region = { x: -1, y: 0, width: 10, height: 10 }
    await expect(api['image:preview']({ requestId: 1, filters: [], maxWidth: 10, maxHeight: 10, region })).rejects.toMatchObject({
      message: expect.stringMatching(/^image:preview: region\.x: /),
      code: 'bad-request'
    })
    await expect(api['image:preview']({ requestId: 1, filters: [{ kernel: [[1, 2]] }], maxWidth: 10, maxHeight: 10 })).rejects.toMatchObject({
      code: 'bad-kernel'
    })
  })

  it('exports to a path atomically, never overwriting without force', async () => {
    const api = make()
    await api['image:open']({ path: imagePath })
    const out = join(dir, 'export-a.png')
    const res = await api['image:export']({ filters: stack, format: 'png', path: out })
    expect(res).toMatchObject({ path: out, fileName: 'export-a.png', width: 24, height: 18 })
    expect(res?.bytes).toBeUndefined()
    const written = (await decodeImage(out)).image
    const expected = await runStack((await decodeImage(imagePath)).image, stack)
    expect(Buffer.from(written.data).equals(Buffer.from(expected.data))).toBe(true)

    const before = await readFile(out)
    // The code is what the app branches on (it offers "Replace"); the message is for people.
    await expect(api['image:export']({ filters: [], format: 'png', path: out })).rejects.toMatchObject({
      message: `${out} already exists`,
      code: 'exists'
    })
    expect((await readFile(out)).equals(before)).toBe(true)
    await api['image:export']({ filters: [], format: 'png', path: out, force: true })
    expect((await readFile(out)).equals(before)).toBe(false)

    expect(await failure(api['image:export']({ filters: stack, format: 'jpeg', path: join(dir, 'x.png') }))).toBe(
      'x.png names a PNG file but the format chosen is JPEG'
    )
    expect(await failure(api['image:export']({ filters: stack, format: 'png', path: join(dir, 'no-such-folder', 'x.png') }))).toMatch(
      /^cannot write .*x\.png: the folder .* does not exist$/
    )
    expect(await failure(api['image:export']({ filters: stack, format: 'png', depth: 16, quality: 50 }))).toMatch(/quality/)
    // No temp files or half-written exports were left behind.
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp') || n === 'x.png')).toEqual([])
  })

  it('exports as bytes for a download when there is no path and no dialog', async () => {
    const api = make()
    await api['image:open']({ path: imagePath })
    const res = await api['image:export']({ filters: stack, format: 'jpeg', quality: 80 })
    expect(res?.fileName).toBe('photo-edited.jpg')
    expect(res?.path).toBeUndefined()
    const decoded = await decodeImage(res?.bytes as Uint8Array)
    expect(decoded.meta.format).toBe('jpeg')
    expect(res?.notes?.join(' ')).toMatch(/alpha|transparen/i)
    expect(events.filter((e) => e.event === 'job:progress').at(-1)?.payload).toEqual({ job: 'export', fraction: 1, doc: 'default' })
  })

  it('saves a recipe the CLI can read, and opens recipes from paths and bytes', async () => {
    const api = make()
    const path = join(dir, 'stack.recipe.json')
    const saved = await api['recipe:save']({ recipe: { format: 'kernel-studio/stack', version: 1, filters: stack }, path })
    expect(saved).toEqual({ path, fileName: 'stack.recipe.json' })
    const text = await readFile(path, 'utf8')
    expect(text).toBe(serializeRecipe(stack))
    expect(parseRecipe(text, 'stack.recipe.json').filters).toEqual(stack)
    expect(await api['recipe:open']({ path })).toEqual(parseRecipe(text, 'x'))
    expect((await api['recipe:open']({ name: 'up.json', bytes: new TextEncoder().encode(text) }))?.filters).toEqual(stack)

    expect(await failure(api['recipe:save']({ recipe: { format: 'kernel-studio/stack', version: 1, filters: stack }, path }))).toMatch(/already exists/)
    const bytes = await api['recipe:save']({ recipe: { format: 'kernel-studio/stack', version: 1, filters: stack } })
    expect(new TextDecoder().decode(bytes?.bytes)).toBe(text)

    const broken = join(dir, 'broken.json')
    await writeFile(broken, '{"format":"kernel-studio/stack","version":1,"filters":[{"preset":"box-blur","params":{"size":4}}]}')
    expect(await failure(api['recipe:open']({ path: broken }))).toMatch(/^broken\.json: filters\[0\]\.params: /)
    expect(await failure(api['recipe:open']({ path: join(dir, 'missing.json') }))).toBe('cannot read missing.json: no such file')
    expect(await failure(api['recipe:open']({ name: 'x.json', bytes: new TextEncoder().encode('not json') }))).toMatch(/^x\.json: not valid JSON/)
  })

  it('keeps the personal gallery in the data folder between runs', async () => {
    const dataDir = join(dir, 'data')
    const items: FilterSpec[] = [{ name: 'my edge', kernel: '-1 -1 -1; -1 8 -1; -1 -1 -1' }]
    expect(await make({ dataDir })['gallery:load']({})).toEqual([])
    expect(await make({ dataDir })['gallery:save']({ items })).toEqual({ count: 1 })
    expect(await make({ dataDir })['gallery:load']({})).toEqual(items)
    expect(await failure(make({ dataDir })['gallery:save']({ items: [{ kernel: [[1, 1]] }] }))).toMatch(/^filter 1: kernel: /)
    expect(await make({ dataDir })['gallery:load']({})).toEqual(items)
  })

  it('pixel and inspect answer for the open image', async () => {
    const api = make()
    await api['image:open']({ path: imagePath })
    const source = (await decodeImage(imagePath)).image
    const at = (2 * 24 + 5) * 4
    expect((await api['image:pixel']({ row: 2, col: 5 })).values).toEqual(Array.from(source.data.subarray(at, at + 4)))
    const explained = await api['image:inspect']({ filters: stack, index: 0, row: 2, col: 5 })
    expect(explained.channels.map((c) => c.name)).toEqual(['red', 'green', 'blue', 'alpha'])
    expect(await failure(api['image:inspect']({ filters: stack, index: 2, row: 0, col: 0 }))).toMatch(/index 2 is out of range/)
  })

  it('after a host crash, re-opens the image and announces host:restarted', async () => {
    const api = make()
    const uploaded = await api['image:upload']({ name: 'upload.png', bytes: new Uint8Array(await readFile(imagePath)) })
    const pid = host.pid as number
    const restarted = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (events.some((e) => e.event === 'host:restarted')) {
          clearInterval(timer)
          resolve()
        }
      }, 10)
    })
    process.kill(pid, 'SIGKILL')
    await restarted
    expect(host.pid).not.toBe(pid)
    expect(await api['image:current']({})).toEqual(uploaded)
    const preview = await api['image:preview']({ requestId: 9, filters: stack, maxWidth: 24, maxHeight: 18 })
    expect(preview.requestId).toBe(9)
  })
})
