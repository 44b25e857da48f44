// @vitest-environment node
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Channels } from '../../../src/engine/types'
import { decodeImage } from '../../../src/io/decode-image'
import { convertDepth, encodeImage, encodeImageToBuffer } from '../../../src/io/encode-image'
import { checkExportSettings, outputFormat } from '../../../src/contract/formats'
import { formatFromPath } from '../../../src/io/formats'
import { compareSamples, patternImage, readWithSharp } from './images'

const SAMPLES = resolve(import.meta.dirname, '../../../resources/samples')
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ks-encode-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('encodeImageToBuffer', () => {
  it.each(['png', 'tiff'] as const)('stores every channel layout at 8 and 16 bits exactly as %s', async (format) => {
    for (const channels of [1, 2, 3, 4] as Channels[]) {
      for (const depth of [8, 16] as const) {
        const image = patternImage(9, 4, channels, depth, channels + depth)
        const { bytes, depth: written } = await encodeImageToBuffer(image, format)
        expect(written).toBe(depth)
        const back = await readWithSharp(bytes)
        expect([back.channels, back.depth]).toEqual([channels, depth])
        expect(compareSamples(back, image).differing).toBe(0)
      }
    }
  })

  it('writes 8 bits where the format has no 16 (rounding v*255/65535) and refuses an explicit 16', async () => {
    const image = patternImage(5, 5, 3, 16, 9)
    const { bytes, depth } = await encodeImageToBuffer(image, 'webp')
    expect(depth).toBe(8)
    expect((await sharp(bytes).metadata()).depth).toBe('uchar')
    await expect(encodeImageToBuffer(image, 'jpeg', { depth: 16 })).rejects.toThrow('JPEG cannot store 16-bit images (16-bit needs PNG or TIFF)')
    const eight = convertDepth(image, 8)
    for (let i = 0; i < image.data.length; i++) expect(eight.data[i]).toBe(Math.round((image.data[i] * 255) / 65535))
  })

  it('widens 8-bit to 16-bit on request (v*257)', async () => {
    const image = patternImage(4, 4, 1, 8, 2)
    const { bytes } = await encodeImageToBuffer(image, 'png', { depth: 16 })
    const back = await readWithSharp(bytes)
    expect(back.depth).toBe(16)
    expect(Array.from(back.data)).toEqual(Array.from(image.data, (v) => v * 257))
  })

  it('uses quality for lossy formats and refuses it for lossless ones', async () => {
    const { image } = await decodeImage(join(SAMPLES, 'coffee.png'))
    const low = await encodeImageToBuffer(image, 'jpeg', { quality: 20 })
    const high = await encodeImageToBuffer(image, 'jpeg', { quality: 95 })
    expect(low.bytes.length).toBeLessThan(high.bytes.length * 0.6)
    await expect(encodeImageToBuffer(image, 'png', { quality: 50 })).rejects.toThrow('quality applies to JPEG, WebP, AVIF output only, not PNG')
    await expect(encodeImageToBuffer(image, 'jpeg', { quality: 0 })).rejects.toThrow('quality must be a whole number from 1 to 100, got 0')
  })

  it('keeps the input ICC profile and the pixels as they were (no conversion)', async () => {
    const { image, meta } = await decodeImage(join(SAMPLES, 'rocket.jpg'))
    expect(meta.icc).toBeDefined()
    for (const format of ['png', 'tiff', 'webp', 'avif', 'jpeg'] as const) {
      const { bytes } = await encodeImageToBuffer(image, format, { icc: meta.icc, quality: format === 'jpeg' ? 100 : undefined })
      const back = await readWithSharp(bytes)
      expect(back.icc?.equals(meta.icc as Buffer), format).toBe(true)
      if (format === 'png' || format === 'tiff') expect(compareSamples(back, image).differing).toBe(0)
    }
  })

  it('flattens alpha onto white for JPEG and says so', async () => {
    const image = { width: 2, height: 1, channels: 4 as const, depth: 8 as const, data: new Uint8Array([0, 0, 0, 0, 0, 0, 0, 255]) }
    const { bytes, notes } = await encodeImageToBuffer(image, 'jpeg', { quality: 100 })
    expect(notes).toContain('JPEG has no alpha channel: transparency was flattened onto white')
    const back = await readWithSharp(bytes)
    expect(back.channels).toBe(3)
    expect(back.data[0]).toBeGreaterThan(200)
    expect(back.data[3]).toBeLessThan(60)
  })
})

describe('encodeImage', () => {
  it('picks the format from the extension and writes atomically', async () => {
    const image = patternImage(6, 6, 3, 8, 4)
    for (const [name, format] of [['a.PNG', 'png'], ['b.jpeg', 'jpeg'], ['c.tif', 'tiff'], ['d.webp', 'webp'], ['e.avif', 'heif'], ['f.gif', 'gif']]) {
      const result = await encodeImage(image, join(dir, name))
      expect((await sharp(join(dir, name)).metadata()).format).toBe(format)
      expect((await stat(join(dir, name))).size).toBe(result.size)
    }
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('writes the bytes encodeImageToBuffer gives, in the format asked for whatever the extension', async () => {
    const image = patternImage(40, 30, 4, 8, 7)
    const meta = await decodeImage(join(SAMPLES, 'coffee.png'))
    for (const [format, options] of [
      ['jpeg', { quality: 95, optimiseCoding: false }],
      ['jpeg', { quality: 80, icc: meta.meta.icc }],
      ['tiff', {}],
      ['webp', { quality: 70 }],
      ['avif', {}],
      ['gif', {}],
      ['png', { icc: meta.meta.icc }]
    ] as const) {
      const path = join(dir, `same-${format}.out`)
      const written = await encodeImage(image, path, { ...options, format: outputFormat(format), force: true })
      const expected = await encodeImageToBuffer(image, format, options)
      expect((await readFile(path)).equals(expected.bytes), format).toBe(true)
      expect(written.size).toBe(expected.bytes.length)
      expect(written.notes).toEqual(expected.notes)
    }
  })

  it('never overwrites without force', async () => {
    const path = join(dir, 'exists.png')
    await writeFile(path, 'keep me')
    await expect(encodeImage(patternImage(2, 2, 1, 8), path)).rejects.toMatchObject({ message: `${path} already exists`, code: 'exists' })
    expect(await readFile(path, 'utf8')).toBe('keep me')
    await encodeImage(patternImage(2, 2, 1, 8), path, { force: true })
    expect((await sharp(path).metadata()).format).toBe('png')
  })

  it('names unknown extensions', () => {
    expect(() => formatFromPath('out.bmp')).toThrow('cannot write out.bmp: the file name has the unknown extension ".bmp" (use .png .jpg .jpeg .tif .tiff .webp .avif .gif)')
    expect(() => formatFromPath('out')).toThrow('cannot write out: the file name has no extension')
  })

  it('defaults the depth to the input where the format allows, else 8', () => {
    expect(checkExportSettings(formatFromPath('a.png'), {}, 16)).toBe(16)
    expect(checkExportSettings(formatFromPath('a.tiff'), {}, 16)).toBe(16)
    expect(checkExportSettings(formatFromPath('a.jpg'), {}, 16)).toBe(8)
    expect(checkExportSettings(formatFromPath('a.png'), { depth: 8 }, 16)).toBe(8)
  })
})
