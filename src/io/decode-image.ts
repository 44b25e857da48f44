// Runs in Node: decodes image files with sharp (libvips) into the engine's integer images.
import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { loadSharp } from './sharp'
import type { Metadata, OutputInfo, Sharp } from 'sharp'
import type { BitDepth, Channels, IntImage } from '../engine/types'
import { firstLine } from '../contract/errors'
import { markSpoolBroken, spoolDecode, type PendingSamples, type SampleStorage, type Spooled } from './decode-spool'
import { IoError } from './io-error'
import { checkDocumentedFormat } from './sniff-format'

/** Default decompression-bomb limit: 256 megapixels. */
export const DEFAULT_MAX_PIXELS = 256_000_000

/** What the decoder learnt about the file, besides the pixels. */
export interface ImageMeta {
  /** Source format: png, jpeg, tiff, webp, avif, gif, heif... */
  readonly format: string
  /** Size after EXIF orientation is applied (the size of `image`). */
  readonly width: number
  readonly height: number
  readonly channels: Channels
  readonly depth: BitDepth
  readonly hasAlpha: boolean
  /** The embedded ICC profile, kept so export can attach it again (pixels are not converted to sRGB). */
  readonly icc?: Buffer
  /** Pages or frames in the file; only the first is decoded. */
  readonly pages: number
  /** Things the user should know, e.g. "GIF has 12 frames; only the first is used". */
  readonly notes: readonly string[]
}

/** A decoded image and its metadata. */
export interface DecodedImage {
  readonly image: IntImage
  readonly meta: ImageMeta
  /**
   * With `deferSamples`, when the samples went through the spool: they are still in its file, and the image's
   * data holds them only after `pending.load()` (runStack's `sourceFile` reads the rows from the file instead).
   * The caller closes it when done.
   */
  readonly pending?: PendingSamples
}

/** Options for {@link decodeImage}. */
export interface DecodeOptions {
  /** Name used in messages; for buffers, the original file name. @default the path's base name, or "image" */
  readonly name?: string
  /** Images with more pixels than this are refused before decoding. @default DEFAULT_MAX_PIXELS */
  readonly maxPixels?: number
  /**
   * Memory for the samples, typically a SharedArrayBuffer reused from photo to photo (a batch): the pixels are
   * then decoded into it through a temporary file (decode-spool.ts) instead of into new memory, and the image's
   * data is the view it returned. Grey with alpha at 8 bits, and any case the spool cannot take, decode as
   * without it. @default new memory for every image
   */
  readonly storage?: SampleStorage
  /**
   * With `storage`: leave the samples in the spool file (DecodedImage.pending) for the filters to read row by row,
   * which saves reading the whole image into memory that the filters then copy from again. @default false
   */
  readonly deferSamples?: boolean
}

const FORMAT_LABELS: Record<string, string> = {
  png: 'PNG', jpeg: 'JPEG', tiff: 'TIFF', webp: 'WebP', gif: 'GIF', avif: 'AVIF', heif: 'HEIF'
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined
}

/** Checks a path before sharp sees it, so missing files and folders get plain messages. */
async function checkInputFile(path: string, name: string): Promise<void> {
  let info
  try {
    info = await stat(path)
  } catch (err) {
    const code = errorCode(err)
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new IoError(`cannot read ${name}: no such file`)
    if (code === 'EACCES' || code === 'EPERM') throw new IoError(`cannot read ${name}: permission denied`)
    throw new IoError(`cannot read ${name}: ${err instanceof Error ? err.message : String(err)}`)
  }
  if (info.isDirectory()) throw new IoError(`cannot read ${name}: it is a folder, not an image`)
  if (!info.isFile()) throw new IoError(`cannot read ${name}: not a regular file`)
  if (info.size === 0) throw new IoError(`cannot read ${name}: the file is empty`)
  // sharp reports an unreadable file as an unsupported format; say what it is.
  await access(path, constants.R_OK).catch(() => {
    throw new IoError(`cannot read ${name}: permission denied`)
  })
}

/** Maps sharp's (often cryptic) decoder messages onto one clear line. */
function decodeFailure(name: string, err: unknown): IoError {
  if (err instanceof IoError) return err
  const message = firstLine(err instanceof Error ? err.message : String(err))
  const code = errorCode(err)
  if (code === 'EACCES' || code === 'EPERM') return new IoError(`cannot read ${name}: permission denied`)
  if (/unsupported image format|not in a known format|is not a known file format/i.test(message)) {
    return new IoError(`cannot read ${name}: it is not an image sharp can read`, 'unsupported-format')
  }
  if (/Input file is missing/i.test(message)) return new IoError(`cannot read ${name}: no such file`)
  if (/unsupported|not supported/i.test(message)) return new IoError(`cannot read ${name}: this kind of image is not supported (${message})`, 'unsupported-format')
  if (/exceeds pixel limit/i.test(message)) return new IoError(`cannot read ${name}: the image is larger than the pixel limit`, 'too-large')
  if (/too many channels|exceeds channel limit/i.test(message)) return new IoError(`cannot read ${name}: too many channels (${message})`, 'unsupported-format')
  return new IoError(`cannot read ${name}: the file is truncated or corrupt (${message})`, 'corrupt')
}

function megapixels(pixels: number): string {
  const mp = pixels / 1_000_000
  return `${mp >= 10 ? Math.round(mp) : Number(mp.toPrecision(2))} MP`
}

function formatName(meta: Metadata): string {
  if (meta.format === 'heif' && meta.compression === 'av1') return 'avif'
  return meta.format
}

/** Copies a sharp Buffer into a Uint16Array, byte-aligned (a view on an odd offset would throw). */
function toUint16(data: Buffer): Uint16Array {
  if (data.byteOffset % 2 === 0) return new Uint16Array(data.buffer, data.byteOffset, data.length / 2)
  const copy = new Uint8Array(data)
  return new Uint16Array(copy.buffer)
}

/**
 * Decodes the first page/frame of an image file (or its bytes) with sharp: PNG, JPEG, TIFF, WebP, AVIF, GIF and
 * what else libvips reads. EXIF orientation is applied, palettes are expanded, 16-bit stays 16-bit, grey stays
 * grey, alpha is kept and CMYK becomes sRGB. Pixels keep the file's own colour space and its ICC profile is
 * returned for export. Throws an IoError with one line for missing, unreadable, non-image, truncated or corrupt
 * files and for images over the pixel limit.
 */
export async function decodeImage(source: string | Uint8Array, options: DecodeOptions = {}): Promise<DecodedImage> {
  const name = options.name ?? (typeof source === 'string' ? basename(source) : 'image')
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS
  if (typeof source === 'string') await checkInputFile(source, name)
  else if (source.length === 0) throw new IoError(`cannot read ${name}: the file is empty`)
  await checkDocumentedFormat(source, name)
  const input = typeof source === 'string' ? source : Buffer.from(source.buffer, source.byteOffset, source.length)
  // Loaded here, outside the decoder's error mapping: a sharp that cannot load is no fault of the file.
  const sharp = loadSharp()

  let header: Metadata
  try {
    // The header alone is safe to read whatever the size; the limit is checked here so the message can say why.
    header = await sharp(input, { limitInputPixels: false }).metadata()
  } catch (err) {
    throw decodeFailure(name, err)
  }
  const pixels = header.width * header.height
  if (pixels > maxPixels) {
    throw new IoError(
      `cannot read ${name}: ${header.width}x${header.height} is ${megapixels(pixels)}, over the limit of ` +
        `${megapixels(maxPixels)} (refused as a possible decompression bomb)`,
      'too-large'
    )
  }

  const notes: string[] = []
  const format = formatName(header)
  const label = FORMAT_LABELS[format] ?? format.toUpperCase()
  const pages = header.pages ?? 1
  if (pages > 1) {
    const unit = format === 'gif' || format === 'webp' ? 'frames' : 'pages'
    notes.push(`${label} has ${pages} ${unit}; only the first is used`)
  }

  const cmyk = header.space === 'cmyk'
  const grey = header.space === 'b-w' || header.space === 'grey16'
  const hasAlpha = header.hasAlpha
  const deep = header.depth !== 'uchar' && header.depth !== 'char'
  if (deep && header.depth !== 'ushort') notes.push(`${header.depth} samples converted to 16-bit`)
  const depth: BitDepth = deep ? 16 : 8
  const channels = ((grey ? 1 : 3) + (hasAlpha ? 1 : 0)) as Channels
  // libvips drops the alpha band when converting 8-bit grey+alpha to 'b-w', so that case is read as RGBA and the
  // grey and alpha bands picked out below (b-w -> sRGB only replicates the band, values are unchanged).
  const greyAlpha8 = grey && hasAlpha && depth === 8
  const space = greyAlpha8 ? 'srgb' : grey ? (deep ? 'grey16' : 'b-w') : deep ? 'rgb16' : 'srgb'
  if (cmyk) notes.push('CMYK converted to sRGB')

  let pipeline: Sharp = sharp(input, {
    limitInputPixels: maxPixels,
    // libtiff warns about tags (an RGBA TIFF without ExtraSamples, as OpenCV writes them, which PIL, OpenCV and
    // ImageMagick read) and raises errors for damaged or missing data, so TIFF is refused on errors only. libjpeg
    // reports corrupt data as a warning: other formats are refused on warnings too.
    failOn: format === 'tiff' ? 'error' : 'warning',
    autoOrient: true,
    pages: 1,
    page: 0
  })
  // Keeping the profile stops sharp converting pixels to sRGB; CMYK must be converted, so its profile is dropped.
  if (!cmyk) pipeline = pipeline.keepIccProfile()
  pipeline = pipeline.toColourspace(space)
  const icc = !cmyk && header.icc && header.icc.length > 0 ? header.icc : undefined
  const meta = (width: number, height: number): ImageMeta => ({ format, width, height, channels, depth, hasAlpha, icc, pages, notes })

  let spooled: Spooled | null = null
  let spoolFailed = false
  if (options.storage && !greyAlpha8) {
    spooled = await spoolDecode(pipeline.clone(), { pixels, channels, depth }, options.storage, options.deferSamples).catch(() => {
      // The decode's own error (a corrupt file) comes again, in its usual words, from the plain decode below.
      spoolFailed = true
      return null
    })
  }
  if (spooled) {
    const image: IntImage = { width: spooled.width, height: spooled.height, channels, depth, data: spooled.data }
    return { image, meta: meta(spooled.width, spooled.height), pending: spooled.pending }
  }

  let data: Buffer
  let info: OutputInfo
  try {
    ;({ data, info } = await pipeline.raw({ depth: deep ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true }))
  } catch (err) {
    throw decodeFailure(name, err)
  }
  // The spool failed where the plain decode works: its folder is full or read-only; decode without it from now on.
  if (spoolFailed) markSpoolBroken()
  const expected = greyAlpha8 ? 4 : channels
  if (info.channels !== expected) {
    throw new IoError(`cannot read ${name}: expected ${expected} channels from the decoder, got ${info.channels}`)
  }

  let samples: Uint8Array | Uint16Array
  if (greyAlpha8) {
    const n = info.width * info.height
    samples = new Uint8Array(n * 2)
    for (let i = 0; i < n; i++) {
      samples[2 * i] = data[4 * i]
      samples[2 * i + 1] = data[4 * i + 3]
    }
  } else if (deep) {
    samples = toUint16(data)
  } else {
    samples = new Uint8Array(data.buffer, data.byteOffset, data.length)
  }

  const image: IntImage = { width: info.width, height: info.height, channels, depth, data: samples }
  return { image, meta: meta(info.width, info.height) }
}
