// @vitest-environment node
// Decoding into the caller's memory (decodeImage's `storage`, through a spool file) gives exactly what the plain
// decode gives, errors included, and leaves no spool file behind; stale spool files of dead processes are swept.
import { spawnSync } from 'node:child_process'
import { existsSync, readSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BitDepth } from '../../../src/engine/types'
import { decodeImage, type DecodedImage } from '../../../src/io/decode-image'
import { sweepSpool } from '../../../src/io/decode-spool'
import { LAYOUTS } from '../../helpers/random'
import { animatedGif, patternImage, writeWithSharp } from './images'

const SAMPLES = resolve(import.meta.dirname, '../../../resources/samples')
const SPOOL_FOLDERS = [...new Set(['/dev/shm', tmpdir()])].filter((folder) => existsSync(folder))
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ks-spool-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** This process's spool files, in every folder a spool file may be written to. */
async function ownSpoolFiles(): Promise<string[]> {
  const names = await Promise.all(SPOOL_FOLDERS.map((folder) => readdir(folder).catch(() => [] as string[])))
  return names.flat().filter((name) => name.startsWith(`kernel-studio-decode.${process.pid}.`))
}

/** Decodes `path` both ways; returns both results and the buffers the storage handed out. */
async function bothWays(path: string): Promise<{ plain: DecodedImage; stored: DecodedImage; given: (Uint8Array | Uint16Array)[] }> {
  const plain = await decodeImage(path)
  const given: (Uint8Array | Uint16Array)[] = []
  const storage = (samples: number, depth: BitDepth): Uint8Array | Uint16Array => {
    const buffer = new SharedArrayBuffer(samples * (depth / 8) + 64)
    // At an offset, with stale bytes around it: only the asked-for samples may be written.
    const view = depth === 16 ? new Uint16Array(buffer, 32, samples) : new Uint8Array(buffer, 32, samples)
    new Uint8Array(buffer).fill(0xa5)
    given.push(view)
    return view
  }
  const stored = await decodeImage(path, { storage })
  return { plain, stored, given }
}

describe('decodeImage into given storage', () => {
  const cases: [string, () => Promise<string>][] = [
    ...LAYOUTS.map(([channels, depth]): [string, () => Promise<string>] => [
      `PNG, ${channels} channel(s) at ${depth} bits`,
      async () => {
        const path = join(dir, `p${channels}-${depth}.png`)
        await writeWithSharp(path, patternImage(37, 23, channels, depth, channels * depth))
        return path
      }
    ]),
    [
      '16-bit TIFF',
      async () => {
        const path = join(dir, 'deep.tif')
        await writeWithSharp(path, patternImage(29, 17, 3, 16, 7), 'tiff')
        return path
      }
    ],
    [
      'JPEG turned by its EXIF orientation',
      async () => {
        const path = join(dir, 'rotated.jpg')
        await sharp(patternImage(48, 20, 3, 8, 9).data, { raw: { width: 48, height: 20, channels: 3 } }).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toFile(path)
        return path
      }
    ],
    [
      'CMYK JPEG',
      async () => {
        const path = join(dir, 'cmyk.jpg')
        await sharp(patternImage(16, 16, 3, 8, 5).data, { raw: { width: 16, height: 16, channels: 3 } }).toColourspace('cmyk').jpeg().toFile(path)
        return path
      }
    ],
    [
      'animated GIF (first frame)',
      async () => {
        const path = join(dir, 'anim.gif')
        await writeFile(path, await animatedGif(12, 10, 3))
        return path
      }
    ],
    ...['rocket.jpg', 'chelsea.png', 'coffee.png', 'astronaut.png'].map((name): [string, () => Promise<string>] => [`sample ${name}`, async () => join(SAMPLES, name)])
  ]

  for (const [name, make] of cases) {
    it(`${name}: the same samples, metadata and notes, in the given memory`, async () => {
      const { plain, stored, given } = await bothWays(await make())
      expect(stored.meta).toEqual(plain.meta)
      expect({ ...stored.image, data: null }).toEqual({ ...plain.image, data: null })
      const bytes = (data: Uint8Array | Uint16Array): Buffer => Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      expect(stored.image.data.constructor).toBe(plain.image.data.constructor)
      expect(bytes(stored.image.data).equals(bytes(plain.image.data))).toBe(true)
      const greyAlpha8 = plain.image.channels === 2 && plain.image.depth === 8
      if (greyAlpha8) {
        // libvips drops the alpha of 8-bit grey: that layout is picked out of RGBA in new memory instead.
        expect(given).toEqual([])
      } else {
        expect(given).toHaveLength(1)
        expect(stored.image.data).toBe(given[0])
        // Nothing written outside the view.
        const all = new Uint8Array(given[0].buffer)
        expect(all.subarray(0, 32).every((b) => b === 0xa5)).toBe(true)
        expect(all.subarray(32 + given[0].byteLength).every((b) => b === 0xa5)).toBe(true)
      }
      expect(await ownSpoolFiles()).toEqual([])
    })
  }

  it('deferSamples: the samples wait in the spool file, already gone from its folder, until load reads them', async () => {
    const path = join(SAMPLES, 'coffee.png')
    const plain = await decodeImage(path)
    const storage = (samples: number): Uint8Array => new Uint8Array(new SharedArrayBuffer(samples)).fill(0xa5)
    const deferred = await decodeImage(path, { storage, deferSamples: true })
    const pending = deferred.pending
    if (!pending) throw new Error('no pending samples')
    try {
      expect(await ownSpoolFiles()).toEqual([])
      expect(deferred.image.data.every((b) => b === 0xa5)).toBe(true)
      // The file holds the samples from pending.offset, as the filters read them row by row.
      const first = Buffer.alloc(64)
      expect(readSync(pending.fd, first, 0, 64, pending.offset)).toBe(64)
      expect(first.equals(Buffer.from(plain.image.data.buffer, plain.image.data.byteOffset, 64))).toBe(true)
      await Promise.all([pending.load(), pending.load()])
      const bytes = (data: Uint8Array | Uint16Array): Buffer => Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      expect(bytes(deferred.image.data).equals(bytes(plain.image.data))).toBe(true)
    } finally {
      await pending.close()
      await pending.close()
    }
    expect(() => readSync(pending.fd, Buffer.alloc(1), 0, 1, 0)).toThrow()
    // Without the spool (8-bit grey with alpha, decoded into new memory) there is nothing pending.
    const greyAlpha = join(dir, 'ga8.png')
    await writeWithSharp(greyAlpha, patternImage(9, 7, 2, 8, 3))
    expect((await decodeImage(greyAlpha, { storage, deferSamples: true })).pending).toBeUndefined()
  })

  it('reports corrupt and truncated files in the same words, and leaves no spool file', async () => {
    const jpg = Buffer.from(await readFile(join(SAMPLES, 'rocket.jpg')))
    jpg[Math.floor(jpg.length / 2)] = 0xff
    jpg[Math.floor(jpg.length / 2) + 1] = 0xd5
    await writeFile(join(dir, 'bad.jpg'), jpg)
    const png = await readFile(join(SAMPLES, 'chelsea.png'))
    await writeFile(join(dir, 'cut.png'), png.subarray(0, Math.floor(png.length / 2)))
    for (const name of ['bad.jpg', 'cut.png']) {
      const path = join(dir, name)
      const plain = await decodeImage(path).then(
        () => null,
        (err: Error & { code?: string }) => ({ message: err.message, code: err.code })
      )
      const stored = await decodeImage(path, { storage: (samples) => new Uint8Array(new SharedArrayBuffer(samples)) }).then(
        () => null,
        (err: Error & { code?: string }) => ({ message: err.message, code: err.code })
      )
      expect(plain).toMatchObject({ code: 'corrupt' })
      expect(stored).toEqual(plain)
    }
    expect(await ownSpoolFiles()).toEqual([])
  })
})

describe('sweepSpool', () => {
  it("removes spool files of processes that are gone, and nothing else", async () => {
    const folder = SPOOL_FOLDERS[0]
    // A process that has ended: its id is free (ids are reused only after wrapping around).
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
    const deadPid = Number(dead.stdout)
    const names = {
      stale: `kernel-studio-decode.${deadPid}.0123456789ab.v`,
      live: `kernel-studio-decode.${process.ppid}.0123456789ab.v`,
      other: `kernel-studio-decode.${deadPid}.notours.v`
    }
    for (const name of Object.values(names)) await writeFile(join(folder, name), 'x')
    try {
      await sweepSpool()
      expect(existsSync(join(folder, names.stale))).toBe(false)
      expect(existsSync(join(folder, names.live))).toBe(true)
      expect(existsSync(join(folder, names.other))).toBe(true)
    } finally {
      for (const name of Object.values(names)) await rm(join(folder, name), { force: true })
    }
  })
})
