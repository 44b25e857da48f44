// Runs in Node: which image formats Kernel Studio reads, told by their first bytes before any decoder sees them.
// libvips reads much more than we document (SVG, PDF, HEIC, JPEG 2000, FITS, PPM...): a 200-byte SVG asking for
// a huge canvas ran for minutes, so anything but the documented formats is refused up front.
import { open } from 'node:fs/promises'
import { IoError } from './io-error'

/** The formats read, as the README lists them. */
export const READ_FORMATS = 'PNG, JPEG, TIFF, WebP, AVIF or GIF'

/** Bytes needed to tell the formats apart (an AVIF `ftyp` box lists its brands in its first 32 bytes or so). */
const HEAD_BYTES = 64

const ascii = (bytes: Uint8Array, at: number, text: string): boolean =>
  bytes.length >= at + text.length && [...text].every((c, i) => bytes[at + i] === c.charCodeAt(0))

const startsWith = (bytes: Uint8Array, magic: readonly number[]): boolean => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b)

/** True for an ISO-BMFF file whose `ftyp` box names an AVIF brand (major or compatible). */
function isAvif(bytes: Uint8Array): boolean {
  if (!ascii(bytes, 4, 'ftyp')) return false
  const size = Math.min(bytes.length, (bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3])
  for (let at = 8; at + 4 <= size; at += 4) {
    if (at === 12) continue // the minor version, not a brand
    if (ascii(bytes, at, 'avif') || ascii(bytes, at, 'avis')) return true
  }
  return false
}

/** The documented format these first bytes start, or null. */
export function sniffFormat(head: Uint8Array): 'png' | 'jpeg' | 'tiff' | 'webp' | 'avif' | 'gif' | null {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png'
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg'
  // Classic and BigTIFF, both byte orders.
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff'
  if (startsWith(head, [0x49, 0x49, 0x2b, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2b])) return 'tiff'
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return 'webp'
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return 'gif'
  if (isAvif(head)) return 'avif'
  return null
}

/**
 * Throws a one-line IoError (`unsupported-format`) unless `source` (a path, or the bytes of an upload) starts like
 * one of the documented formats. `name` is used in the message.
 */
export async function checkDocumentedFormat(source: string | Uint8Array, name: string): Promise<void> {
  let head: Uint8Array
  if (typeof source === 'string') {
    const file = await open(source, 'r')
    try {
      const buffer = Buffer.alloc(HEAD_BYTES)
      const { bytesRead } = await file.read(buffer, 0, HEAD_BYTES, 0)
      head = buffer.subarray(0, bytesRead)
    } finally {
      await file.close()
    }
  } else {
    head = source.subarray(0, HEAD_BYTES)
  }
  if (sniffFormat(head) === null) throw new IoError(`cannot read ${name}: it is not a ${READ_FORMATS} image`, 'unsupported-format')
}
