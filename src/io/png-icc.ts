// Runs in Node: attaches an ICC profile to a PNG by inserting an iCCP chunk (sharp can only attach profiles
// it reads from its input, and raw pixel input has none).
import { deflateSync } from 'node:zlib'

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
// Signature (8) + IHDR chunk (4 length + 4 type + 13 data + 4 CRC): iCCP must come after IHDR, before IDAT.
const AFTER_IHDR = 33

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const out = Buffer.alloc(body.length + 8)
  out.writeUInt32BE(data.length, 0)
  body.copy(out, 4)
  out.writeUInt32BE(crc32(body), body.length + 4)
  return out
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
  const parts: Buffer[] = [bytes.subarray(0, AFTER_IHDR)]
  // Profile name (1-79 Latin-1 bytes), NUL, compression method 0 (zlib), compressed profile.
  parts.push(chunk('iCCP', Buffer.concat([Buffer.from('ICC profile\0\0', 'latin1'), deflateSync(icc)])))
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
