// @vitest-environment node
// Only the documented formats reach the decoder (src/io/sniff-format.ts): real files of each, written by sharp,
// are recognised; SVG (which libvips renders: a 200-byte one asking for a huge canvas ran for minutes), PDF, PPM,
// HEIC and plain text are refused in one line before sharp sees them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeImage } from '../../../src/io/decode-image'
import { IoError } from '../../../src/io/io-error'
import { sniffFormat } from '../../../src/io/sniff-format'

let dir: string
const pixels = { raw: { width: 8, height: 6, channels: 3 as const } }
const raw = Buffer.alloc(8 * 6 * 3, 90)

/** A 200-byte SVG that asks libvips for a 40000x40000 canvas with a blur. */
const SVG_BOMB =
  '<svg xmlns="http://www.w3.org/2000/svg" width="40000" height="40000"><filter id="b"><feGaussianBlur stdDeviation="900"/></filter><rect width="100%" height="100%" filter="url(#b)"/></svg>'

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ks-sniff-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('sniffFormat', () => {
  it('recognises every documented format as sharp writes it', async () => {
    const files = {
      png: await sharp(raw, pixels).png().toBuffer(),
      jpeg: await sharp(raw, pixels).jpeg().toBuffer(),
      tiff: await sharp(raw, pixels).tiff().toBuffer(),
      webp: await sharp(raw, pixels).webp().toBuffer(),
      avif: await sharp(raw, pixels).avif().toBuffer(),
      gif: await sharp(raw, pixels).gif().toBuffer()
    }
    for (const [format, bytes] of Object.entries(files)) expect(sniffFormat(bytes.subarray(0, 64)), format).toBe(format)
    // Big-endian TIFF and BigTIFF headers (other writers than sharp make them).
    expect(sniffFormat(Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]))).toBe('tiff')
    expect(sniffFormat(Buffer.from([0x49, 0x49, 0x2b, 0x00, 8, 0, 0, 0]))).toBe('tiff')
  })

  it('recognises nothing else', () => {
    const text = (s: string): Buffer => Buffer.from(s)
    for (const bytes of [
      text(SVG_BOMB),
      text('<?xml version="1.0"?><svg/>'),
      text('%PDF-1.7\n'),
      text('P6\n8 6\n255\n'),
      Buffer.concat([Buffer.from([0, 0, 0, 24]), text('ftypheic'), Buffer.from([0, 0, 0, 0]), text('mif1heic')]),
      text('shopping list: milk, eggs'),
      Buffer.alloc(0)
    ]) {
      expect(sniffFormat(bytes)).toBeNull()
    }
  })
})

describe('decodeImage refuses undocumented formats before decoding', () => {
  it('refuses an SVG, by path and by bytes, in one line and at once', async () => {
    const path = join(dir, 'bomb.svg')
    await writeFile(path, SVG_BOMB)
    const started = Date.now()
    for (const source of [path, new Uint8Array(Buffer.from(SVG_BOMB))]) {
      const error = await decodeImage(source, { name: 'bomb.svg' }).then(
        () => null,
        (e: unknown) => e as IoError
      )
      expect(error).toBeInstanceOf(IoError)
      expect(error?.message).toBe('cannot read bomb.svg: it is not a PNG, JPEG, TIFF, WebP, AVIF or GIF image')
      expect(error?.code).toBe('unsupported-format')
    }
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('still refuses an SVG renamed .png', async () => {
    const path = join(dir, 'photo.png')
    await writeFile(path, SVG_BOMB)
    await expect(decodeImage(path)).rejects.toThrow('cannot read photo.png: it is not a PNG, JPEG, TIFF, WebP, AVIF or GIF image')
  })
})
