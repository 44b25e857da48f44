// Runs in Node: the image formats Kernel Studio writes, chosen from the output file's extension.
import { extname } from 'node:path'
import type { BitDepth } from '../engine/types'
import { IoError } from './io-error'

/** An output format sharp can encode. */
export type OutputFormatId = 'png' | 'jpeg' | 'tiff' | 'webp' | 'avif' | 'gif'

/** What an output format can hold, so export options are checked before any work is done. */
export interface OutputFormat {
  readonly id: OutputFormatId
  /** Display name used in messages. */
  readonly label: string
  /** File extensions, lower case with the dot; the first is the canonical one. */
  readonly extensions: readonly string[]
  /** Takes `--quality`. */
  readonly lossy: boolean
  /** Bit depths it stores. */
  readonly depths: readonly BitDepth[]
  /** Stores an alpha channel (JPEG does not: alpha is flattened onto white). */
  readonly alpha: boolean
  /** Stores an ICC profile. */
  readonly icc: boolean
  /** Quality used when none is given (lossy formats only). */
  readonly defaultQuality?: number
}

/** Every output format, in the order help texts list them. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = [
  { id: 'png', label: 'PNG', extensions: ['.png'], lossy: false, depths: [8, 16], alpha: true, icc: true },
  { id: 'jpeg', label: 'JPEG', extensions: ['.jpg', '.jpeg'], lossy: true, depths: [8], alpha: false, icc: true, defaultQuality: 90 },
  { id: 'tiff', label: 'TIFF', extensions: ['.tif', '.tiff'], lossy: false, depths: [8, 16], alpha: true, icc: true },
  { id: 'webp', label: 'WebP', extensions: ['.webp'], lossy: true, depths: [8], alpha: true, icc: true, defaultQuality: 90 },
  { id: 'avif', label: 'AVIF', extensions: ['.avif'], lossy: true, depths: [8], alpha: true, icc: true, defaultQuality: 60 },
  { id: 'gif', label: 'GIF', extensions: ['.gif'], lossy: false, depths: [8], alpha: true, icc: false }
]

/** All accepted output extensions, for messages. */
export const OUTPUT_EXTENSIONS: readonly string[] = OUTPUT_FORMATS.flatMap((f) => f.extensions)

/** The format with this id. */
export function outputFormat(id: OutputFormatId): OutputFormat {
  const format = OUTPUT_FORMATS.find((f) => f.id === id)
  if (!format) throw new IoError(`unknown output format "${id}"`)
  return format
}

/** The output format for a file name, from its extension; throws an IoError for anything else. */
export function formatFromPath(path: string): OutputFormat {
  const ext = extname(path).toLowerCase()
  const format = OUTPUT_FORMATS.find((f) => f.extensions.includes(ext))
  if (format) return format
  const what = ext === '' ? 'has no extension' : `has the unknown extension "${ext}"`
  throw new IoError(`cannot write ${path}: the file name ${what} (use ${OUTPUT_EXTENSIONS.join(' ')})`)
}

/** Export settings as the user gave them (CLI flags, export dialog). */
export interface ExportSettings {
  /** 1..100, lossy formats only. */
  readonly quality?: number
  /** 16 only for formats that store it (PNG, TIFF). */
  readonly depth?: number
}

/**
 * Checks `quality` and `depth` against `format` and returns the bit depth to write: the requested one, else the
 * input's depth where the format stores it, else 8. Throws an IoError naming the problem.
 */
export function checkExportSettings(format: OutputFormat, settings: ExportSettings, inputDepth: BitDepth = 8): BitDepth {
  const { quality, depth } = settings
  if (quality !== undefined) {
    if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
      throw new IoError(`quality must be a whole number from 1 to 100, got ${String(quality)}`)
    }
    if (!format.lossy) {
      const lossy = OUTPUT_FORMATS.filter((f) => f.lossy).map((f) => f.label)
      throw new IoError(`quality applies to ${lossy.join(', ')} output only, not ${format.label}`)
    }
  }
  if (depth !== undefined) {
    if (depth !== 8 && depth !== 16) throw new IoError(`depth must be 8 or 16, got ${String(depth)}`)
    if (!format.depths.includes(depth)) {
      const deep = OUTPUT_FORMATS.filter((f) => f.depths.includes(16)).map((f) => f.label)
      throw new IoError(`${format.label} cannot store ${depth}-bit images (16-bit needs ${deep.join(' or ')})`)
    }
    return depth
  }
  return format.depths.includes(inputDepth) ? inputDepth : 8
}
