// Runs in Node: PNG chunk helpers (CRC-32, chunk framing) and the iCCP chunk that carries an ICC profile
// (sharp can only attach profiles it reads from its input, and raw pixel input has none).
import * as zlib from 'node:zlib'
import { deflateSync } from 'node:zlib'

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
// Signature (8) + IHDR chunk (4 length + 4 type + 13 data + 4 CRC): iCCP must come after IHDR, before IDAT.
const AFTER_IHDR = 33

// Slicing-by-8 tables: table k maps a byte seen k positions before the end of an 8-byte group.
const CRC_TABLES = (() => {
  const tables = new Uint32Array(8 * 256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    tables[n] = c >>> 0
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[n]
    for (let k = 1; k < 8; k++) {
      c = tables[c & 0xff] ^ (c >>> 8)
      tables[k * 256 + n] = c >>> 0
    }
  }
  return tables
})()

/**
 * CRC-32 (ISO-HDLC, the one PNG and zlib use) of `bytes` in plain JavaScript (slicing-by-8), continuing from
 * `previous` (the CRC of the bytes before).
 */
export function crc32Js(bytes: Uint8Array, previous = 0): number {
  const t = CRC_TABLES
  let crc = ~previous
  let i = 0
  const end8 = bytes.length - (bytes.length % 8)
  for (; i < end8; i += 8) {
    const a = crc ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24))
    crc =
      t[1792 + (a & 0xff)] ^
      t[1536 + ((a >>> 8) & 0xff)] ^
      t[1280 + ((a >>> 16) & 0xff)] ^
      t[1024 + (a >>> 24)] ^
      t[768 + bytes[i + 4]] ^
      t[512 + bytes[i + 5]] ^
      t[256 + bytes[i + 6]] ^
      t[bytes[i + 7]]
  }
  for (; i < bytes.length; i++) crc = t[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8)
  return ~crc >>> 0
}

// zlib.crc32 exists from Node 20.15 / 22.2 (native, several GB/s); older runtimes use the table version.
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32

/** CRC-32 of `bytes`, continuing from `previous` (the CRC of the bytes before); native when Node has it. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  return nativeCrc32 ? nativeCrc32(bytes, previous) : crc32Js(bytes, previous)
}

/** A PNG chunk: length, type, data and the CRC-32 of type and data. */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(data.length + 12)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'latin1')
  out.set(data, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

/** The iCCP chunk carrying `icc`: profile name, NUL, compression method 0 (zlib), the compressed profile. */
export function iccpChunk(icc: Uint8Array): Buffer {
  return pngChunk('iCCP', Buffer.concat([Buffer.from('ICC profile\0\0', 'latin1'), deflateSync(icc)]))
}

/** Chunk types that conflict with an iCCP chunk (the PNG spec allows only one colour description). */
const COLOUR_CHUNKS = new Set(['iCCP', 'sRGB'])

/**
 * Returns a copy of `png` carrying `icc` as its iCCP chunk (any sRGB/iCCP chunk already there is dropped).
 * Throws if `png` is not a PNG.
 */
export function withPngIccProfile(png: Uint8Array, icc: Uint8Array): Buffer {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.length)
  if (bytes.length < AFTER_IHDR || !bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error('not a PNG stream')
  }
  const parts: Buffer[] = [bytes.subarray(0, AFTER_IHDR), iccpChunk(icc)]
  let pos = AFTER_IHDR
  while (pos + 8 <= bytes.length) {
    const length = bytes.readUInt32BE(pos)
    const type = bytes.toString('latin1', pos + 4, pos + 8)
    const end = pos + 12 + length
    if (!COLOUR_CHUNKS.has(type)) parts.push(bytes.subarray(pos, end))
    pos = end
  }
  return Buffer.concat(parts)
}
