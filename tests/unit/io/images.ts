// Test helpers: deterministic images, and sharp used directly (not through src/io) to write and read files.
import sharp from 'sharp'
import type { BitDepth, Channels, IntImage } from '../../../src/engine/types'

/** A deterministic pseudo-random image covering the full sample range. */
export function patternImage(width: number, height: number, channels: Channels, depth: BitDepth, seed = 1): IntImage {
  const max = depth === 16 ? 65535 : 255
  const data = depth === 16 ? new Uint16Array(width * height * channels) : new Uint8Array(width * height * channels)
  let state = seed >>> 0
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    data[i] = state % (max + 1)
  }
  return { width, height, channels, depth, data }
}

/** The colour space sharp needs to keep a raw image's band count and depth. */
export function sharpSpace(channels: Channels, depth: BitDepth): 'b-w' | 'grey16' | 'srgb' | 'rgb16' {
  const grey = channels <= 2
  return grey ? (depth === 16 ? 'grey16' : 'b-w') : depth === 16 ? 'rgb16' : 'srgb'
}

/** Writes `image` with sharp directly, in the format of `format`. */
export async function writeWithSharp(path: string, image: IntImage, format: 'png' | 'tiff' | 'jpeg' | 'webp' | 'gif' = 'png'): Promise<void> {
  const pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
    .toColourspace(sharpSpace(image.channels, image.depth))
  if (format === 'tiff') await pipeline.tiff({ compression: 'deflate' }).toFile(path)
  else if (format === 'jpeg') await pipeline.jpeg({ quality: 95 }).toFile(path)
  else await pipeline.toFormat(format).toFile(path)
}

/**
 * Reads a file's pixels with sharp directly: no colour conversion (profile kept), bands and depth as stored.
 * 8-bit grey+alpha is read as RGBA and its grey and alpha bands picked (sharp's 'b-w' output drops alpha).
 */
export async function readWithSharp(path: string | Buffer): Promise<IntImage & { icc?: Buffer; format: string }> {
  const meta = await sharp(path).metadata()
  const grey = meta.space === 'b-w' || meta.space === 'grey16'
  const deep = meta.depth === 'ushort'
  const channels = ((grey ? 1 : 3) + (meta.hasAlpha ? 1 : 0)) as Channels
  const depth: BitDepth = deep ? 16 : 8
  const greyAlpha8 = grey && meta.hasAlpha && !deep
  const space = greyAlpha8 ? 'srgb' : sharpSpace(channels, depth)
  const { data, info } = await sharp(path, { autoOrient: true })
    .keepIccProfile()
    .toColourspace(space)
    .raw({ depth: deep ? 'ushort' : 'uchar' })
    .toBuffer({ resolveWithObject: true })
  let samples: Uint8Array | Uint16Array
  if (greyAlpha8) {
    samples = new Uint8Array(info.width * info.height * 2)
    for (let i = 0; i < info.width * info.height; i++) {
      samples[2 * i] = data[4 * i]
      samples[2 * i + 1] = data[4 * i + 3]
    }
  } else if (deep) {
    samples = new Uint16Array(new Uint8Array(data).buffer)
  } else {
    samples = new Uint8Array(data)
  }
  return { width: info.width, height: info.height, channels, depth, data: samples, icc: meta.icc, format: meta.format }
}

/** Largest absolute sample difference and how many samples differ. */
export function compareSamples(a: IntImage, b: IntImage): { maxDiff: number; differing: number } {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels || a.data.length !== b.data.length) {
    throw new Error(`shapes differ: ${a.width}x${a.height}x${a.channels} vs ${b.width}x${b.height}x${b.channels}`)
  }
  let maxDiff = 0
  let differing = 0
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i] - b.data[i])
    if (d > 0) differing++
    if (d > maxDiff) maxDiff = d
  }
  return { maxDiff, differing }
}

/**
 * A PNG whose header claims `width` x `height` pixels but whose data is tiny: what a decompression bomb looks
 * like to a decoder before it inflates anything.
 */
export async function hugeHeaderPng(width: number, height: number): Promise<Buffer> {
  const small = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).png().toBuffer()
  const out = Buffer.from(small)
  out.writeUInt32BE(width, 16)
  out.writeUInt32BE(height, 20)
  // Fix the IHDR CRC so the header itself is valid.
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29)
  return out
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of bytes) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}

/** An animated GIF of `frames` frames of width x height, each a different grey. */
export async function animatedGif(width: number, height: number, frames: number): Promise<Buffer> {
  const data = new Uint8Array(width * height * frames * 3)
  for (let f = 0; f < frames; f++) data.fill(40 + f * 60, f * width * height * 3, (f + 1) * width * height * 3)
  return sharp(data, { raw: { width, height: height * frames, channels: 3, pageHeight: height } }).gif().toBuffer()
}
