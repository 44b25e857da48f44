import { join } from 'node:path'
import * as zlib from 'node:zlib'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import type { BitDepth, Channels, IntImage } from '../../../src/engine/types'
import { decodeImage } from '../../../src/io/decode-image'
import { encodeImageToBuffer } from '../../../src/io/encode-image'
import { adler32Combine, encodePng, zlibHeader } from '../../../src/io/png-encode'
import { crc32, crc32Js, withPngIccProfile } from '../../../src/io/png-icc'
import { compareSamples, patternImage, readWithSharp, sharpSpace } from './images'

const SAMPLES = join(__dirname, '../../../resources/samples')
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32

interface Chunk {
  readonly type: string
  readonly data: Buffer
  readonly crc: number
}

/** Splits a PNG into chunks, checking the signature and leaving nothing over. */
function chunks(png: Buffer): Chunk[] {
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true)
  const out: Chunk[] = []
  let pos = 8
  while (pos < png.length) {
    const length = png.readUInt32BE(pos)
    out.push({ type: png.toString('latin1', pos + 4, pos + 8), data: png.subarray(pos + 8, pos + 8 + length), crc: png.readUInt32BE(pos + 8 + length) })
    pos += 12 + length
  }
  expect(pos).toBe(png.length)
  return out
}

/** CRC-32 one bit at a time, straight from the PNG spec's definition. */
function bitwiseCrc32(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of bytes) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}

/** `image`'s rows as PNG bytes (big-endian samples), built independently of the encoder with a DataView. */
function plainRows(image: IntImage): Buffer {
  const bytesPer = image.depth / 8
  const plain = Buffer.alloc(image.data.length * bytesPer)
  const view = new DataView(plain.buffer, plain.byteOffset, plain.length)
  for (let i = 0; i < image.data.length; i++) {
    if (bytesPer === 2) view.setUint16(i * 2, image.data[i], false)
    else plain[i] = image.data[i]
  }
  return plain
}

/** Undoes filters None (0) and Up (2), the two the writer uses, on inflated rows; the filter of each row too. */
function unfilter(rows: Buffer, rowBytes: number, height: number): { bytes: Buffer; filters: number[] } {
  const bytes = Buffer.alloc(rowBytes * height)
  const filters: number[] = []
  expect(rows.length).toBe((rowBytes + 1) * height)
  for (let y = 0; y < height; y++) {
    const type = rows[y * (rowBytes + 1)]
    expect([0, 2]).toContain(type)
    filters.push(type)
    for (let b = 0; b < rowBytes; b++) {
      const above = type === 2 && y > 0 ? bytes[(y - 1) * rowBytes + b] : 0
      bytes[y * rowBytes + b] = (rows[y * (rowBytes + 1) + 1 + b] + above) & 255
    }
  }
  return { bytes, filters }
}

/** The filter types of `png`'s rows, after checking that they decode to `image`. */
function rowFilters(png: Buffer, image: IntImage): number[] {
  const stream = Buffer.concat(chunks(png).filter((c) => c.type === 'IDAT').map((c) => c.data))
  // inflateSync checks the zlib header and the Adler-32 trailer itself.
  const rowBytes = image.width * image.channels * (image.depth / 8)
  const { bytes, filters } = unfilter(zlib.inflateSync(stream), rowBytes, image.height)
  expect(bytes.equals(plainRows(image))).toBe(true)
  return filters
}

/** Checks every chunk CRC and the zlib stream of `png`, and that it inflates to `image`'s filtered rows. */
function checkStructure(png: Buffer, image: IntImage): Chunk[] {
  const list = chunks(png)
  for (const c of list) expect(c.crc, c.type).toBe(bitwiseCrc32(Buffer.concat([Buffer.from(c.type, 'latin1'), c.data])))
  const ihdr = list[0]
  expect(ihdr.type).toBe('IHDR')
  expect(ihdr.data.readUInt32BE(0)).toBe(image.width)
  expect(ihdr.data.readUInt32BE(4)).toBe(image.height)
  expect(ihdr.data[8]).toBe(image.depth)
  expect(ihdr.data[9]).toBe([0, 0, 4, 2, 6][image.channels])
  expect([...ihdr.data.subarray(10)]).toEqual([0, 0, 0])
  expect(list[list.length - 1].type).toBe('IEND')
  rowFilters(png, image)
  return list
}

/** Smooth gradients plus some noise, like a photo: compressible, yet no two rows alike. */
function photoLike(width: number, height: number): IntImage {
  const data = new Uint8Array(width * height * 3)
  let state = 1
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0
      const noise = state >>> 29
      data[i++] = (x >> 4) + noise
      data[i++] = (y >> 4) + noise
      data[i++] = ((x + y) >> 5) + noise
    }
  }
  return { width, height, channels: 3, depth: 8, data }
}

describe('Adler-32 combination', () => {
  /** zlib's own Adler-32 of `bytes`: the trailer of a stored zlib stream. */
  const zlibAdler = (bytes: Uint8Array): number => {
    const stored = zlib.deflateSync(bytes, { level: 0 })
    return stored.readUInt32BE(stored.length - 4)
  }

  it('gives the checksum of the joined bytes from the two parts, at every split', () => {
    // All 0xff is the worst case for the running sums; lengths around the modulus 65521 test its reduction.
    for (const bytes of [Buffer.alloc(200_003, 0xff), patternBytes(250_001), Buffer.from('Wikipedia')]) {
      const whole = zlibAdler(bytes)
      for (const split of [0, 1, 5, 65_520, 65_521, 65_522, 131_042, 199_999, bytes.length]) {
        if (split > bytes.length) continue
        const first = zlibAdler(bytes.subarray(0, split))
        const second = zlibAdler(bytes.subarray(split))
        expect(adler32Combine(first, second, bytes.length - split), `split ${split}`).toBe(whole)
      }
    }
    expect(zlibAdler(Buffer.from('Wikipedia'))).toBe(0x11e60398)
  })
})

function patternBytes(n: number, seed = 7): Buffer {
  const out = Buffer.alloc(n)
  let state = seed
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    out[i] = state >>> 24
  }
  return out
}

describe('CRC-32', () => {
  it('matches the known vectors (table and native)', () => {
    for (const f of [crc32, crc32Js]) {
      expect(f(new Uint8Array(0))).toBe(0)
      expect(f(Buffer.from('123456789'))).toBe(0xcbf43926)
      expect(f(Buffer.from('IEND'))).toBe(0xae426082)
    }
  })

  it('agrees with the bit-at-a-time definition at every length around the 8-byte groups, and continues', () => {
    const bytes = patternBytes(70_001)
    for (let n = 0; n < 40; n++) expect(crc32Js(bytes.subarray(0, n))).toBe(bitwiseCrc32(bytes.subarray(0, n)))
    const whole = bitwiseCrc32(bytes)
    expect(crc32Js(bytes)).toBe(whole)
    expect(crc32Js(bytes.subarray(12_345), crc32Js(bytes.subarray(0, 12_345)))).toBe(whole)
    if (nativeCrc32) expect(nativeCrc32(bytes)).toBe(whole)
  })
})

describe('zlibHeader', () => {
  it('is the header zlib writes at each level', () => {
    for (const level of [0, 1, 4, 6, 9]) {
      expect(zlibHeader(level).equals(zlib.deflateSync(Buffer.from('x'), { level }).subarray(0, 2)), `level ${level}`).toBe(true)
    }
  })
})

describe('encodePng', () => {
  const layouts: [Channels, BitDepth][] = [1, 2, 3, 4].flatMap((c) => [8, 16].map((d) => [c, d] as [Channels, BitDepth]))

  it.each(layouts)('stores %i channel(s) at %i bits exactly, in several strips', async (channels, depth) => {
    const image = patternImage(37, 23, channels, depth, channels * depth)
    const png = await encodePng(image, { strips: 5 })
    const list = checkStructure(png, image)
    expect(list.filter((c) => c.type === 'IDAT')).toHaveLength(5)
    const back = await readWithSharp(png)
    expect([back.channels, back.depth]).toEqual([channels, depth])
    expect(compareSamples(back, image).differing).toBe(0)
  })

  it('writes the chunks sharp writes, in its order, and a comparable size even on pure noise', async () => {
    const image = photoLike(900, 700)
    const { width, height, data } = image
    const ours = await encodePng(image)
    const theirs = await sharp(data, { raw: { width, height, channels: 3 } }).toColourspace('srgb').png({ compressionLevel: 6 }).toBuffer()
    const types = (png: Buffer): string[] => chunks(png).map((c) => c.type).filter((t, i, all) => t !== 'IDAT' || all[i - 1] !== 'IDAT')
    expect(types(ours)).toEqual(types(theirs))
    const phys = (png: Buffer): Buffer | undefined => chunks(png).find((c) => c.type === 'pHYs')?.data
    expect(phys(ours)?.equals(phys(theirs) as Buffer)).toBe(true)
    // Independent noise is the worst case for Up (a difference of two noises spreads wider than one): a few
    // percent larger than unfiltered deflate here, where real photos come out 30-50% smaller (next test).
    expect(ours.length).toBeLessThan(theirs.length * 1.2)
    checkStructure(ours, image)
  })

  it('filters each row None or Up, whichever suits it, and compresses a real photo far better than sharp', async () => {
    // Rows 0..39 a smooth vertical gradient (Up: zeros), rows 40..79 sparse dots on black over a changing row
    // above (None: mostly zeros already).
    const width = 300
    const data = new Uint8Array(width * 80)
    for (let y = 0; y < 40; y++) for (let x = 0; x < width; x++) data[y * width + x] = (x * 7 + 50) & 255
    for (let y = 40; y < 80; y++) for (let x = (y * 13) % 17; x < width; x += 17) data[y * width + x] = 200
    const image: IntImage = { width, height: 80, channels: 1, depth: 8, data }
    const filters = rowFilters(await encodePng(image, { strips: 3 }), image)
    expect(filters[0]).toBe(0)
    expect(filters.slice(1, 40).every((t) => t === 2)).toBe(true)
    expect(filters.slice(40).every((t) => t === 0)).toBe(true)

    const { image: photo } = await decodeImage(join(SAMPLES, 'astronaut.png'))
    const raw = { raw: { width: photo.width, height: photo.height, channels: photo.channels } }
    const ours = await encodePng(photo)
    const theirs = await sharp(photo.data, raw).png({ compressionLevel: 6 }).toBuffer()
    rowFilters(ours, photo)
    expect(ours.length).toBeLessThan(theirs.length * 0.8)
  })

  it('keeps the ICC profile exactly as withPngIccProfile adds it to sharp output', async () => {
    const { image, meta } = await decodeImage(join(SAMPLES, 'rocket.jpg'))
    const icc = meta.icc as Uint8Array
    expect(icc).toBeDefined()
    const ours = await encodePng(image, { icc, strips: 3 })
    checkStructure(ours, image)
    const raw = { raw: { width: image.width, height: image.height, channels: image.channels } }
    const viaSharp = withPngIccProfile(await sharp(image.data, raw).toColourspace(sharpSpace(image.channels, image.depth)).png().toBuffer(), icc)
    const iccp = (png: Buffer): Chunk[] => chunks(png).filter((c) => c.type === 'iCCP')
    expect(iccp(ours)).toHaveLength(1)
    expect(iccp(ours)[0].data.equals(iccp(viaSharp)[0].data)).toBe(true)
    expect(chunks(ours).map((c) => c.type).indexOf('iCCP')).toBe(1)
    const back = await readWithSharp(ours)
    expect(back.icc?.equals(icc)).toBe(true)
    expect(compareSamples(back, image).differing).toBe(0)
  })

  it('reads rows out of shared memory at any alignment (odd widths, a view at an odd offset)', async () => {
    for (const depth of [8, 16] as const) {
      const plain = patternImage(301, 40, 3, depth, 5)
      const bytes = plain.data.byteLength
      // 16-bit samples need an even offset; 6 keeps every row start off 8-byte alignment in turn.
      const offset = depth === 16 ? 6 : 3
      const buffer = new SharedArrayBuffer(bytes + offset)
      const data = depth === 16 ? new Uint16Array(buffer, offset, plain.data.length) : new Uint8Array(buffer, offset, bytes)
      data.set(plain.data)
      const image: IntImage = { ...plain, data }
      const png = await encodePng(image, { strips: 4 })
      rowFilters(png, plain)
      expect(compareSamples(await readWithSharp(png), plain).differing).toBe(0)
    }
  })

  it('handles 1x1, 1-pixel-high and 1-pixel-wide images, and more strips than rows', async () => {
    for (const [w, h, strips] of [[1, 1, undefined], [1, 1, 8], [513, 1, 4], [1, 301, 7], [3, 2, 50]] as const) {
      const image = patternImage(w, h, 4, 16, w + h)
      const png = await encodePng(image, { strips })
      const list = checkStructure(png, image)
      expect(list.filter((c) => c.type === 'IDAT').length).toBe(Math.min(h, strips ?? 1))
      expect(compareSamples(await readWithSharp(png), image).differing).toBe(0)
    }
  })

  it('refuses pixel data that does not match the size', async () => {
    const image = patternImage(4, 4, 3, 8)
    await expect(encodePng({ ...image, height: 5 })).rejects.toThrow('the pixel data does not match a 4x5x3 8-bit image')
    await expect(encodePng({ ...image, depth: 16 })).rejects.toThrow('does not match')
    await expect(encodePng({ ...image, width: 0, data: new Uint8Array(0) })).rejects.toThrow('positive width and height')
  })

  it('encodes a 12 MP RGB image that sharp reads back exactly', async () => {
    const image = photoLike(4000, 3000)
    const data = image.data
    const png = await encodePng(image)
    const list = chunks(png)
    expect(list.filter((c) => c.type === 'IDAT').length).toBeGreaterThan(1)
    for (const c of list) expect(c.crc, c.type).toBe(crc32Js(Buffer.concat([Buffer.from(c.type, 'latin1'), c.data])))
    const { data: back } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
    expect(Buffer.compare(back, Buffer.from(data.buffer))).toBe(0)
  }, 60_000)
})

describe('encodeImageToBuffer PNG output', () => {
  it('goes through the parallel writer at every size', async () => {
    // A smooth gradient: the writer filters its rows Up (sharp's own writer leaves every row unfiltered).
    const width = 40
    const data = new Uint8Array(width * 30)
    for (let y = 0; y < 30; y++) for (let x = 0; x < width; x++) data[y * width + x] = x * 6 + y
    const image: IntImage = { width, height: 30, channels: 1, depth: 8, data }
    const { bytes } = await encodeImageToBuffer(image, 'png')
    expect(rowFilters(bytes, image).slice(1).every((f) => f === 2)).toBe(true)
  })

  it('goes through the parallel writer for large images and keeps depth, alpha and ICC', async () => {
    const { meta } = await decodeImage(join(SAMPLES, 'rocket.jpg'))
    const image = patternImage(1100, 1000, 4, 16, 3)
    const { bytes, depth } = await encodeImageToBuffer(image, 'png', { icc: meta.icc })
    expect(depth).toBe(16)
    const list = checkStructure(bytes, image)
    // sharp's writer splits IDAT into 8 KiB chunks; the parallel writer writes one per strip.
    expect(list.filter((c) => c.type === 'IDAT' && c.data.length === 8192)).toHaveLength(0)
    const back = await readWithSharp(bytes)
    expect(back.icc?.equals(meta.icc as Uint8Array)).toBe(true)
    expect(compareSamples(back, image).differing).toBe(0)
  })
})
