// Runs anywhere (Node and the browser): the image formats Kernel Studio writes and what each can hold, so the CLI,
// the engine host and the export dialog check export options against one table.
import type { BitDepth } from '../engine/types'
import { CodedError } from './errors'

/** An output format sharp can encode. */
export type OutputFormatId = 'png' | 'jpeg' | 'tiff' | 'webp' | 'avif' | 'gif'

/** Export formats the app offers (every output format but GIF, whose 256 colours suit no filter result). */
export type ExportFormat = Exclude<OutputFormatId, 'gif'>

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

/** Every output format, in the order help texts and the export dialog list them. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = [
  { id: 'png', label: 'PNG', extensions: ['.png'], lossy: false, depths: [8, 16], alpha: true, icc: true },
  { id: 'jpeg', label: 'JPEG', extensions: ['.jpg', '.jpeg'], lossy: true, depths: [8], alpha: false, icc: true, defaultQuality: 90 },
  { id: 'tiff', label: 'TIFF', extensions: ['.tif', '.tiff'], lossy: false, depths: [8, 16], alpha: true, icc: true },
  { id: 'webp', label: 'WebP', extensions: ['.webp'], lossy: true, depths: [8], alpha: true, icc: true, defaultQuality: 90 },
  { id: 'avif', label: 'AVIF', extensions: ['.avif'], lossy: true, depths: [8], alpha: true, icc: true, defaultQuality: 60 },
  { id: 'gif', label: 'GIF', extensions: ['.gif'], lossy: false, depths: [8], alpha: true, icc: false }
]

/** The formats the app's export dialog offers, in its order. */
export const EXPORT_FORMATS = OUTPUT_FORMATS.filter((f): f is OutputFormat & { readonly id: ExportFormat } => f.id !== 'gif')

/** All accepted output extensions, for messages. */
export const OUTPUT_EXTENSIONS: readonly string[] = OUTPUT_FORMATS.flatMap((f) => f.extensions)

/** The format with this id; throws an `unsupported-format` error for anything else. */
export function outputFormat(id: OutputFormatId): OutputFormat {
  const format = OUTPUT_FORMATS.find((f) => f.id === id)
  if (!format) throw new CodedError(`unknown output format "${String(id)}"`, 'unsupported-format')
  return format
}

/** The format whose extensions include `ext` (lower case, with the dot), or undefined. */
export function formatForExtension(ext: string): OutputFormat | undefined {
  return OUTPUT_FORMATS.find((f) => f.extensions.includes(ext))
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
 * input's depth where the format stores it, else 8. Throws a `bad-options` error naming the problem.
 */
export function checkExportSettings(format: OutputFormat, settings: ExportSettings, inputDepth: BitDepth = 8): BitDepth {
  const { quality, depth } = settings
  if (quality !== undefined) {
    if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
      throw new CodedError(`quality must be a whole number from 1 to 100, got ${String(quality)}`, 'bad-options')
    }
    if (!format.lossy) {
      const lossy = OUTPUT_FORMATS.filter((f) => f.lossy).map((f) => f.label)
      throw new CodedError(`quality applies to ${lossy.join(', ')} output only, not ${format.label}`, 'bad-options')
    }
  }
  if (depth !== undefined) {
    if (depth !== 8 && depth !== 16) throw new CodedError(`depth must be 8 or 16, got ${String(depth)}`, 'bad-options')
    if (!format.depths.includes(depth)) {
      const deep = OUTPUT_FORMATS.filter((f) => f.depths.includes(16)).map((f) => f.label)
      throw new CodedError(`${format.label} cannot store ${depth}-bit images (16-bit needs ${deep.join(' or ')})`, 'bad-options')
    }
    return depth
  }
  return format.depths.includes(inputDepth) ? inputDepth : 8
}
