// @vitest-environment node
// The app's "Batch export" through the real API handlers: the batch runs in a real batch process (out/node/batch.js)
// on real files, its progress arrives as `batch:progress` events, a corrupt file in the middle fails alone and is
// listed in the summary, the files are those `kernel-studio batch` writes with the same recipe, and a cancelled
// batch stops early leaving only complete files; previews are answered while a batch runs.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Api, BatchProgress } from '../../../src/contract/api'
import { errorCode } from '../../../src/contract/errors'
import { createHandlers } from '../../../src/api/handlers'
import { BatchRuns, forkBatchProcess } from '../../../src/api/batch-runs'
import { batchProcessEnv } from '../../../src/batch/child-env'
import { HostClient, forkHost } from '../../../src/host/client'
import { serializeRecipe } from '../../../src/engine/recipe'
import type { FilterSpec } from '../../../src/engine/types'
import { SAMPLES, ensureCliBuilt, runCli } from '../cli/cli'

const LOOK: FilterSpec[] = [{ preset: 'gaussian-blur', params: { size: 5, sigma: 1 } }, { preset: 'sharpen' }]

let work: string
let photos: string
let host: HostClient
let batches: BatchRuns
let api: Api
const events: BatchProgress[] = []

/** The progress events of `run` until its end (resolves with them). */
function untilEnd(run: string, timeoutMs = 90_000): Promise<BatchProgress[]> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const poll = (): void => {
      const mine = events.filter((e) => e.run === run)
      if (mine.some((e) => e.end)) resolve(mine)
      else if (Date.now() - started > timeoutMs) reject(new Error(`no end event for ${run} after ${timeoutMs} ms`))
      else setTimeout(poll, 20)
    }
    poll()
  })
}

async function files(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort()
}

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-api-batch-'))
  photos = join(work, 'photos')
  await mkdir(photos)
  await sharp(join(SAMPLES, 'chelsea.png')).resize(320).toFile(join(photos, 'a-cat.png'))
  // In the middle of the three: a JPEG cut short.
  const jpeg = await sharp(join(SAMPLES, 'coffee.png')).resize(300).jpeg().toBuffer()
  await writeFile(join(photos, 'b-broken.jpg'), jpeg.subarray(0, 600))
  await sharp(join(SAMPLES, 'astronaut.png')).resize(240).jpeg({ quality: 92 }).toFile(join(photos, 'c-astronaut.jpg'))
  host = new HostClient(() => forkHost())
  host.start()
  batches = new BatchRuns(() => forkBatchProcess(), (progress) => events.push(progress))
  api = createHandlers({ shell: 'serve', host, emit: () => undefined, batches, dataDir: null })
}, 120_000)

afterAll(async () => {
  batches?.close()
  host?.close()
  if (work) await rm(work, { recursive: true, force: true })
})

describe('batch export through the API', () => {
  it('runs the stack over a folder with progress; the corrupt file fails alone; the files are those of kernel-studio batch', async () => {
    const out = join(work, 'out-app')
    const started = await api['batch:start']({ filters: LOOK, inputs: [photos], outDir: out, format: 'jpeg', quality: 85, name: '{name}-look.{ext}' })
    expect(started.total).toBe(3)
    const seen = await untilEnd(started.run)
    const perFile = seen.filter((e) => e.file)
    expect(perFile.map((e) => e.done)).toEqual([1, 2, 3])
    expect(perFile.find((e) => e.file?.input.endsWith('b-broken.jpg'))?.file?.status).toBe('failed')
    const end = seen.at(-1)!
    expect(end.end?.cancelled).toBe(false)
    expect([end.written, end.failed, end.skipped, end.total]).toEqual([2, 1, 0, 3])
    expect(end.end?.failures).toHaveLength(1)
    expect(end.end?.failures[0]).toMatchObject({ input: join(photos, 'b-broken.jpg'), code: 'corrupt' })
    expect(end.end?.failures[0].message).toContain('b-broken.jpg')
    expect(await files(out)).toEqual(['a-cat-look.jpg', 'c-astronaut-look.jpg'])

    // The CLI with the recipe the app would save writes the very same bytes.
    const recipe = join(work, 'look.json')
    await writeFile(recipe, serializeRecipe(LOOK))
    const cliOut = join(work, 'out-cli')
    const cli = await runCli(['batch', photos, '-d', cliOut, '--recipe', recipe, '--format', 'jpg', '--quality', '85', '--name', '{name}-look.{ext}', '--progress', 'none'])
    expect(cli.code).toBe(1)
    expect(await files(cliOut)).toEqual(await files(out))
    for (const name of await files(out)) expect((await readFile(join(out, name))).equals(await readFile(join(cliOut, name)))).toBe(true)
  }, 120_000)

  it('starts the batch process with the batch environment (transparent huge pages for malloc)', async () => {
    // A stand-in for out/node/batch.js that reports the environment it got over the same IPC channel.
    const script = join(work, 'report-env.cjs')
    await writeFile(script, "process.send({ tunables: process.env.GLIBC_TUNABLES ?? null }, () => process.exit(0))\n")
    const child = forkBatchProcess(script)
    const reply = await new Promise<unknown>((resolve) => child.onMessage(resolve))
    expect(reply).toEqual({ tunables: batchProcessEnv(process.env).GLIBC_TUNABLES })
    expect(String((reply as { tunables: string }).tunables)).toContain('glibc.malloc.hugetlb=')
  })

  it('refuses before writing anything: outputs that exist, a relative path, no inputs', async () => {
    const out = join(work, 'out-app')
    const again = api['batch:start']({ filters: LOOK, inputs: [photos], outDir: out, format: 'jpeg', quality: 85, name: '{name}-look.{ext}' })
    await expect(again).rejects.toThrow(/2 outputs exist already/)
    expect(errorCode(await again.catch((e: unknown) => e))).toBe('exists')
    await expect(api['batch:start']({ filters: LOOK, inputs: ['photos'], outDir: out })).rejects.toThrow(/not a full path/)
    await expect(api['batch:start']({ filters: LOOK, inputs: [], outDir: out })).rejects.toThrow(/inputs/)
    await expect(api['batch:start']({ filters: [{ preset: 'nope' }] as unknown as FilterSpec[], inputs: [photos], outDir: join(work, 'x') })).rejects.toThrow(/filter 1/)
    // With skip, the rerun writes nothing new and says so.
    const skip = await api['batch:start']({ filters: LOOK, inputs: [photos], outDir: out, format: 'jpeg', quality: 85, name: '{name}-look.{ext}', existing: 'skip' })
    expect(skip.existing).toBe(2)
    const end = (await untilEnd(skip.run)).at(-1)!
    expect([end.written, end.skipped, end.failed]).toEqual([0, 2, 1])
  }, 60_000)

  it('previews are answered while a batch runs; cancel stops it early and leaves only complete files', async () => {
    const many = join(work, 'many')
    await mkdir(many)
    const base = await sharp(join(SAMPLES, 'chelsea.png')).resize(1200, 900, { fit: 'fill' }).png().toBuffer()
    for (let i = 0; i < 12; i++) await writeFile(join(many, `p${String(i).padStart(2, '0')}.png`), base)
    const out = join(work, 'out-cancel')
    const heavy: FilterSpec[] = [{ preset: 'gaussian-blur', params: { size: 31, sigma: 8 } }, { preset: 'sharpen' }]
    const started = await api['batch:start']({ filters: heavy, inputs: [many], outDir: out, format: 'png' })
    expect(started.total).toBe(12)
    // The batch has a process of its own: the open document's previews are answered while it runs.
    await api['image:open']({ path: join(photos, 'a-cat.png') })
    const preview = await api['image:preview']({ requestId: 1, filters: LOOK, maxWidth: 200, maxHeight: 200 })
    expect(preview.resultWidth).toBe(320)
    expect(events.some((e) => e.run === started.run && e.end)).toBe(false)
    // Cancel as soon as the first file is done.
    await new Promise<void>((resolve) => {
      const poll = (): void => (events.some((e) => e.run === started.run && e.done >= 1) ? resolve() : void setTimeout(poll, 10))
      poll()
    })
    expect(await api['batch:cancel']({ run: started.run })).toEqual({ cancelled: true })
    const end = (await untilEnd(started.run)).at(-1)!
    expect(end.end?.cancelled).toBe(true)
    expect(end.written).toBeGreaterThanOrEqual(1)
    expect(end.written).toBeLessThan(12)
    const left = await files(out)
    // Only finished outputs: no temp file, each one a whole PNG.
    expect(left).toHaveLength(end.written)
    for (const name of left) {
      expect(name).toMatch(/^p\d\d\.png$/)
      const { info } = await sharp(join(out, name), { failOn: 'truncated' }).raw().toBuffer({ resolveWithObject: true })
      expect([info.width, info.height]).toEqual([1200, 900])
    }
    // The run is over: cancelling again does nothing.
    expect(await api['batch:cancel']({ run: started.run })).toEqual({ cancelled: false })
  }, 120_000)
})
