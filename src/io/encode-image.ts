// Runs in Node: encodes the engine's integer images with sharp, keeping bit depth and ICC profile where the
// format allows, and writes them atomically.
import { loadSharp } from './sharp'
import type { Sharp } from 'sharp'
import type { BitDepth, IntImage } from '../engine/types'
import { firstLine } from '../contract/errors'
import { checkExportSettings, outputFormat, type OutputFormat, type OutputFormatId } from '../contract/formats'
import { formatFromPath } from './formats'
import { IoError } from './io-error'
import { encodePng } from './png-encode'
import { withPngIccProfile } from './png-icc'
import { writeFileAtomic } from './write-file-atomic'

/** Options for {@link encodeImage} and {@link encodeImageToBuffer}. */
export interface EncodeOptions {
  /** 1..100, lossy formats (JPEG, WebP, AVIF) only. @default 90 for JPEG and WebP, 60 for AVIF */
  readonly quality?: number
  /** Bit depth to write; 16 only for PNG and TIFF. @default the image's depth where the format stores it, else 8 */
  readonly depth?: BitDepth
  /** ICC profile to attach (the input's, from decodeImage), so colours mean what they meant in the input. */
  readonly icc?: Uint8Array
  /** Replace an existing output file (encodeImage only). @default false */
  readonly force?: boolean
  /** Guard the temp file against a kill -9 while writing (encodeImage only; see WriteOptions.guard). @default false */
  readonly guard?: boolean
  /**
   * JPEG only: Huffman tables computed for this image, which keeps every coefficient of the image in memory for
   * a second pass (6 bytes a pixel at 4:4:4). About 4% smaller files with the same pixels, but 5 to 8 times the
   * encode time; batch runs turn it off. @default true
   */
  readonly optimiseCoding?: boolean
  /** Name used in messages. @default "image" (encodeImageToBuffer) or the output path (encodeImage) */
  readonly name?: string
}

/** An encoded image in memory. */
export interface EncodedImage {
  readonly bytes: Buffer
  readonly format: OutputFormat
  readonly depth: BitDepth
  /** Things the user should know, e.g. that alpha was flattened for JPEG. */
  readonly notes: readonly string[]
}

/** What {@link encodeImage} wrote. */
export interface EncodeResult extends EncodedImage {
  readonly path: string
}

/** The image at another bit depth: 16 -> 8 rounds v*255/65535 to nearest, 8 -> 16 multiplies by 257. */
export function convertDepth(image: IntImage, depth: BitDepth): IntImage {
  if (image.depth === depth) return image
  const src = image.data
  const out = depth === 16 ? new Uint16Array(src.length) : new Uint8Array(src.length)
  if (depth === 16) for (let i = 0; i < src.length; i++) out[i] = src[i] * 257
  else for (let i = 0; i < src.length; i++) out[i] = Math.round(src[i] / 257)
  return { ...image, depth, data: out }
}

/** The colour space signature of an ICC profile header ('RGB ', 'GRAY', 'CMYK'...). */
function iccColourSpace(icc: Uint8Array): string {
  return icc.length >= 20 ? Buffer.from(icc.buffer, icc.byteOffset + 16, 4).toString('latin1') : ''
}

/**
 * zlib level of PNG output. Every PNG goes through png-encode.ts: filtered rows with run-length deflate on all
 * cores come out smaller than sharp's unfiltered level-6 stream, and sooner at every size measured (0.2 to 36 MB).
 */
const PNG_LEVEL = 6

/** Formats that store single-band grey; the others get RGB from sharp. */
const GREY_FORMATS: ReadonlySet<OutputFormatId> = new Set(['png', 'jpeg', 'tiff'])

/** sharp's encoder for every format but PNG (which encodeImageToBuffer writes with png-encode.ts). */
function applyFormat(pipeline: Sharp, id: Exclude<OutputFormatId, 'png'>, format: OutputFormat, options: EncodeOptions): Sharp {
  const q = options.quality ?? format.defaultQuality
  switch (id) {
    case 'jpeg':
      // Full-resolution chroma at high quality: convolution results are often sharp colour edges.
      return pipeline.jpeg({ quality: q, chromaSubsampling: (q ?? 0) >= 90 ? '4:4:4' : '4:2:0', optimiseCoding: options.optimiseCoding ?? true })
    case 'tiff':
      return pipeline.tiff({ compression: 'deflate', predictor: 'horizontal' })
    case 'webp':
      return pipeline.webp({ quality: q })
    case 'avif':
      return pipeline.avif({ quality: q })
    case 'gif':
      return pipeline.gif()
  }
}

/**
 * Encodes `image` as `format` in memory. Checks quality and depth (`bad-options` for values the format cannot take),
 * converts the bit depth if needed, flattens alpha onto white for JPEG, and attaches `icc` when the format stores
 * profiles and the profile fits the image's channels.
 */
export async function encodeImageToBuffer(
  image: IntImage,
  formatOrId: OutputFormat | OutputFormatId,
  options: EncodeOptions = {}
): Promise<EncodedImage> {
  const format = typeof formatOrId === 'string' ? outputFormat(formatOrId) : formatOrId
  const name = options.name ?? 'image'
  const depth = checkExportSettings(format, { quality: options.quality, depth: options.depth }, image.depth)
  const notes: string[] = []
  const pixels = convertDepth(image, depth)
  const grey = pixels.channels <= 2
  const hasAlpha = pixels.channels === 2 || pixels.channels === 4
  const deep = depth === 16
  const space = grey ? (deep ? 'grey16' : 'b-w') : deep ? 'rgb16' : 'srgb'

  let icc = options.icc && options.icc.length > 0 ? options.icc : undefined
  if (icc && !format.icc) icc = undefined
  if (icc) {
    const wanted = grey && GREY_FORMATS.has(format.id) ? 'GRAY' : 'RGB '
    if (iccColourSpace(icc) !== wanted) {
      notes.push(`the input's ICC profile (${iccColourSpace(icc).trim() || 'unknown'}) does not fit ${format.label} output and was not kept`)
      icc = undefined
    }
  }
  if (hasAlpha && !format.alpha) notes.push(`${format.label} has no alpha channel: transparency was flattened onto white`)

  const raw = { raw: { width: pixels.width, height: pixels.height, channels: pixels.channels } }
  // Loaded here, outside the encoder's error mapping: a sharp that cannot load is no fault of the image.
  const sharp = loadSharp()
  try {
    if (format.id === 'png') {
      return { bytes: await encodePng(pixels, { level: PNG_LEVEL, icc }), format, depth, notes }
    }
    let pipeline: Sharp
    if (icc) {
      // sharp attaches only a profile read from its input, so go through a fast PNG that carries it.
      const png = await sharp(pixels.data, raw).toColourspace(space).png({ compressionLevel: 0 }).toBuffer()
      pipeline = sharp(withPngIccProfile(png, icc), { limitInputPixels: false }).keepIccProfile()
    } else {
      pipeline = sharp(pixels.data, raw)
    }
    if (hasAlpha && !format.alpha) pipeline = pipeline.flatten({ background: '#ffffff' })
    pipeline = applyFormat(pipeline.toColourspace(space), format.id, format, options)
    return { bytes: await pipeline.toBuffer(), format, depth, notes }
  } catch (err) {
    if (err instanceof IoError) throw err
    throw new IoError(`cannot encode ${name} as ${format.label}: ${firstLine(err instanceof Error ? err.message : String(err))}`, 'unsupported-format')
  }
}

/**
 * Encodes `image` in the format its extension names (.png .jpg/.jpeg .tif/.tiff .webp .avif .gif) and writes it
 * atomically to `path`: an existing file is replaced only with `force`, and nothing is left behind on failure.
 * Throws a one-line coded error (unknown extension, bad quality or depth, unwritable folder, existing file).
 */
export async function encodeImage(image: IntImage, path: string, options: EncodeOptions = {}): Promise<EncodeResult> {
  const format = formatFromPath(path)
  const encoded = await encodeImageToBuffer(image, format, { ...options, name: options.name ?? path })
  await writeFileAtomic(path, encoded.bytes, { force: options.force, guard: options.guard })
  return { ...encoded, path }
}
