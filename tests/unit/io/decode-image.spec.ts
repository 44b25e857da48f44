// @vitest-environment node
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeImage } from '../../../src/io/decode-image'
import { IoError } from '../../../src/io/io-error'
import { LAYOUTS } from '../../helpers/random'
import { animatedGif, compareSamples, hugeHeaderPng, patternImage, readWithSharp, writeWithSharp } from './images'

const SAMPLES = resolve(import.meta.dirname, '../../../resources/samples')
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ks-decode-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('decodeImage', () => {
  it.each(LAYOUTS)('keeps %i channel(s) at %i bits exactly (PNG)', async (channels, depth) => {
    const image = patternImage(7, 5, channels, depth, channels * depth)
    const path = join(dir, `p${channels}-${depth}.png`)
    await writeWithSharp(path, image)
    const { image: decoded, meta } = await decodeImage(path)
    expect(meta).toMatchObject({ format: 'png', width: 7, height: 5, channels, depth, hasAlpha: channels % 2 === 0, pages: 1 })
    expect(decoded.data).toBeInstanceOf(depth === 16 ? Uint16Array : Uint8Array)
    expect(Array.from(decoded.data)).toEqual(Array.from(image.data))
  })

  it('keeps 16-bit TIFF exactly', async () => {
    const image = patternImage(6, 4, 3, 16, 7)
    const path = join(dir, 'deep.tif')
    await writeWithSharp(path, image, 'tiff')
    const { image: decoded, meta } = await decodeImage(path)
    expect(meta).toMatchObject({ format: 'tiff', depth: 16, channels: 3 })
    expect(Array.from(decoded.data)).toEqual(Array.from(image.data))
  })

  it('decodes the sample photos in their own colour space and returns their ICC profile', async () => {
    for (const name of ['rocket.jpg', 'chelsea.png', 'coffee.png']) {
      const path = join(SAMPLES, name)
      const { image, meta } = await decodeImage(path)
      const direct = await readWithSharp(path)
      expect(compareSamples(image, direct).differing).toBe(0)
      expect(meta.icc?.equals(direct.icc ?? Buffer.alloc(0)) ?? direct.icc === undefined).toBe(true)
    }
  })

  it('applies EXIF orientation', async () => {
    // Left half black, right half white; orientation 6 means "rotate 90 degrees clockwise to display".
    const width = 16
    const height = 8
    const data = new Uint8Array(width * height * 3)
    for (let y = 0; y < height; y++) for (let x = width / 2; x < width; x++) data.fill(255, (y * width + x) * 3, (y * width + x) * 3 + 3)
    const path = join(dir, 'rotated.jpg')
    await sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toFile(path)
    const { image, meta } = await decodeImage(path)
    expect([meta.width, meta.height]).toEqual([height, width])
    expect([image.width, image.height]).toEqual([height, width])
    // After the turn the black half is on top.
    expect(image.data[0]).toBeLessThan(20)
    expect(image.data[(image.width * (image.height - 1)) * 3]).toBeGreaterThan(235)
  })

  it('expands palette images', async () => {
    const path = join(dir, 'palette.png')
    await sharp(patternImage(8, 8, 3, 8, 3).data, { raw: { width: 8, height: 8, channels: 3 } }).png({ palette: true, colours: 4 }).toFile(path)
    expect((await sharp(path).metadata()).isPalette).toBe(true)
    const { image } = await decodeImage(path)
    expect(image.channels).toBe(3)
    expect(image.depth).toBe(8)
    expect(new Set(Array.from({ length: 64 }, (_, i) => image.data.slice(i * 3, i * 3 + 3).join())).size).toBeLessThanOrEqual(4)
  })

  it.each([
    ['webp', 3],
    ['webp', 4],
    ['avif', 3],
    ['avif', 4]
  ] as const)('reads %s with %i channels as sharp decodes it', async (format, channels) => {
    const image = patternImage(10, 6, channels, 8, 11)
    const path = join(dir, `in-${channels}.${format}`)
    const raw = { raw: { width: 10, height: 6, channels } }
    await (format === 'webp' ? sharp(image.data, raw).webp({ lossless: true }) : sharp(image.data, raw).avif({ lossless: true })).toFile(path)
    const { image: decoded, meta } = await decodeImage(path)
    expect(meta).toMatchObject({ format, width: 10, height: 6, channels, depth: 8, hasAlpha: channels === 4, pages: 1 })
    expect(compareSamples(decoded, await readWithSharp(path)).differing).toBe(0)
    // Lossless WebP is exact; lossless AVIF goes through YUV and may be off a little.
    if (format === 'webp') expect(Array.from(decoded.data)).toEqual(Array.from(image.data))
  })

  it('uses the first GIF frame and says so', async () => {
    const path = join(dir, 'anim.gif')
    await writeFile(path, await animatedGif(4, 3, 3))
    const { image, meta } = await decodeImage(path)
    expect(meta.pages).toBe(3)
    expect(meta.notes).toContain('GIF has 3 frames; only the first is used')
    expect([image.width, image.height]).toEqual([4, 3])
    const grey = image.data[0]
    expect(Math.abs(grey - 40)).toBeLessThanOrEqual(2)
  })

  it('converts CMYK to sRGB with a note', async () => {
    const path = join(dir, 'cmyk.jpg')
    await sharp(patternImage(8, 8, 3, 8, 5).data, { raw: { width: 8, height: 8, channels: 3 } }).toColourspace('cmyk').jpeg().toFile(path)
    expect((await sharp(path).metadata()).space).toBe('cmyk')
    const { image, meta } = await decodeImage(path)
    expect(image.channels).toBe(3)
    expect(meta.icc).toBeUndefined()
    expect(meta.notes).toContain('CMYK converted to sRGB')
  })

  it('decodes bytes as well as paths', async () => {
    const bytes = await readFile(join(SAMPLES, 'chelsea.png'))
    const fromBytes = await decodeImage(new Uint8Array(bytes), { name: 'upload.png' })
    const fromPath = await decodeImage(join(SAMPLES, 'chelsea.png'))
    expect(compareSamples(fromBytes.image, fromPath.image).differing).toBe(0)
  })
})

describe('decodeImage refuses bad files with one clear line', () => {
  const refuse = async (path: string | Uint8Array, message: string | RegExp, maxPixels?: number): Promise<void> => {
    const error = await decodeImage(path, { maxPixels }).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(IoError)
    const text = (error as IoError).message
    expect(text).not.toContain('\n')
    if (typeof message === 'string') expect(text).toBe(message)
    else expect(text).toMatch(message)
  }

  it('missing, folder, empty, not an image', async () => {
    await refuse(join(dir, 'nope.png'), 'cannot read nope.png: no such file')
    await mkdir(join(dir, 'folder.png'))
    await refuse(join(dir, 'folder.png'), 'cannot read folder.png: it is a folder, not an image')
    await writeFile(join(dir, 'empty.png'), '')
    await refuse(join(dir, 'empty.png'), 'cannot read empty.png: the file is empty')
    await writeFile(join(dir, 'notes.png'), 'these are my notes, not a picture\n')
    await refuse(join(dir, 'notes.png'), 'cannot read notes.png: it is not a PNG, JPEG, TIFF, WebP, AVIF or GIF image')
    await refuse(new Uint8Array(0), 'cannot read image: the file is empty')
  })

  it('truncated PNG and JPEG are errors, not half-grey images', async () => {
    const png = await readFile(join(SAMPLES, 'chelsea.png'))
    await writeFile(join(dir, 'cut.png'), png.subarray(0, Math.floor(png.length / 2)))
    await refuse(join(dir, 'cut.png'), /^cannot read cut\.png: the file is truncated or corrupt \(.+\)$/)
    const jpg = await readFile(join(SAMPLES, 'rocket.jpg'))
    await writeFile(join(dir, 'cut.jpg'), jpg.subarray(0, Math.floor(jpg.length / 2)))
    await refuse(join(dir, 'cut.jpg'), /^cannot read cut\.jpg: the file is truncated or corrupt \(.+\)$/)
  })

  it('corrupt JPEG data is an error', async () => {
    const jpg = Buffer.from(await readFile(join(SAMPLES, 'rocket.jpg')))
    // A stray marker in the middle of the entropy-coded data: the decoder reports corrupt data.
    jpg[Math.floor(jpg.length / 2)] = 0xff
    jpg[Math.floor(jpg.length / 2) + 1] = 0xd5
    await writeFile(join(dir, 'bad.jpg'), jpg)
    await refuse(join(dir, 'bad.jpg'), /^cannot read bad\.jpg: the file is truncated or corrupt \(.+\)$/)
  })

  it('refuses images over the pixel limit before decoding them', async () => {
    await refuse(join(SAMPLES, 'chelsea.png'), 'cannot read chelsea.png: 451x300 is 0.14 MP, over the limit of 0.1 MP (refused as a possible decompression bomb)', 100_000)
    await writeFile(join(dir, 'bomb.png'), await hugeHeaderPng(30_000, 30_000))
    await refuse(join(dir, 'bomb.png'), 'cannot read bomb.png: 30000x30000 is 900 MP, over the limit of 256 MP (refused as a possible decompression bomb)')
  })
})
