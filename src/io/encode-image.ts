// Runs in Node: encodes the engine's integer images with sharp, keeping bit depth and ICC profile where the
// format allows, and writes them atomically.
import type { FileHandle } from 'node:fs/promises'
import { loadSharp } from './sharp'
import type { Sharp } from 'sharp'
import type { BitDepth, IntImage } from '../engine/types'
import { firstLine } from '../contract/errors'
import { checkExportSettings, outputFormat, type OutputFormat, type OutputFormatId } from '../contract/formats'
import { formatFromPath } from './formats'
import { IoError } from './io-error'
import { encodePng } from './png-encode'
import { withPngIccProfile } from './png-icc'
import { writeFileAtomicWith } from './write-file-atomic'

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
export interface EncodeResult extends Omit<EncodedImage, 'bytes'> {
  readonly path: string
  /** Bytes written. */
  readonly size: number
}

/** What {@link encodeImage} takes besides {@link EncodeOptions}. */
export interface EncodeFileOptions {
  /** The format to write. @default the one the path's extension names */
  readonly format?: OutputFormat
  /** Remove this target's stale temp files first (see WriteOptions.sweep). @default true */
  readonly sweep?: boolean
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

/** An image ready to write: PNG bytes (png-encode.ts), or a sharp pipeline with its output format set. */
interface Encoding {
  readonly format: OutputFormat
  readonly depth: BitDepth
  readonly notes: readonly string[]
  readonly output: { readonly bytes: Buffer } | { readonly pipeline: Sharp }
}

/**
 * The one-line error of a failed encode. libvips names the system error of a failed file write on a line of its
 * own ("system error: No space left on device"): that is the output's fault, not the format's.
 */
function encodeFailure(name: string, format: OutputFormat, err: unknown): IoError {
  if (err instanceof IoError) return err
  const message = err instanceof Error ? err.message : String(err)
  const system = /^system error: (.+)$/m.exec(message)?.[1]
  if (system) return new IoError(`cannot write ${name}: ${system.toLowerCase()}`, 'unwritable')
  return new IoError(`cannot encode ${name} as ${format.label}: ${firstLine(message)}`, 'unsupported-format')
}

/**
 * Prepares `image` for `format`: checks quality and depth (`bad-options` for values the format cannot take),
 * converts the bit depth if needed, flattens alpha onto white for JPEG, and attaches `icc` when the format stores
 * profiles and the profile fits the image's channels. PNG is encoded here; other formats when their pipeline runs.
 */
async function prepareEncoding(image: IntImage, formatOrId: OutputFormat | OutputFormatId, options: EncodeOptions, name: string): Promise<Encoding> {
  const format = typeof formatOrId === 'string' ? outputFormat(formatOrId) : formatOrId
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
      return { format, depth, notes, output: { bytes: await encodePng(pixels, { level: PNG_LEVEL, icc }) } }
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
    return { format, depth, notes, output: { pipeline: applyFormat(pipeline.toColourspace(space), format.id, format, options) } }
  } catch (err) {
    throw encodeFailure(name, format, err)
  }
}

/**
 * Encodes `image` as `format` in memory (see prepareEncoding for the checks and conversions). Throws a one-line
 * coded error.
 */
export async function encodeImageToBuffer(
  image: IntImage,
  formatOrId: OutputFormat | OutputFormatId,
  options: EncodeOptions = {}
): Promise<EncodedImage> {
  const name = options.name ?? 'image'
  const { format, depth, notes, output } = await prepareEncoding(image, formatOrId, options, name)
  try {
    return { bytes: 'bytes' in output ? output.bytes : await output.pipeline.toBuffer(), format, depth, notes }
  } catch (err) {
    throw encodeFailure(name, format, err)
  }
}

/**
 * Encodes `image` in `options.format`, by default the one its extension names (.png .jpg/.jpeg .tif/.tiff .webp
 * .avif .gif), and writes it atomically to `path`: an existing file is replaced only with `force`, and nothing is
 * left behind on failure. sharp's formats are encoded straight into the temp file, which needs neither a copy of
 * the encoded bytes in memory nor the memory they would grow into (the same bytes as encodeImageToBuffer). Throws
 * a one-line coded error (unknown extension, bad quality or depth, unwritable folder, existing file).
 */
export async function encodeImage(image: IntImage, path: string, options: EncodeOptions & EncodeFileOptions = {}): Promise<EncodeResult> {
  const name = options.name ?? path
  const { format, depth, notes, output } = await prepareEncoding(image, options.format ?? formatFromPath(path), options, name)
  let size = 0
  const write = async (temp: string, handle: FileHandle): Promise<void> => {
    if ('bytes' in output) {
      await handle.writeFile(output.bytes)
      size = output.bytes.length
      return
    }
    try {
      ;({ size } = await output.pipeline.toFile(temp))
    } catch (err) {
      throw encodeFailure(name, format, err)
    }
  }
  await writeFileAtomicWith(path, write, { force: options.force, guard: options.guard, sweep: options.sweep })
  return { path, size, format, depth, notes }
}
