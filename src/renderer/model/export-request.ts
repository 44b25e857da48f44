// Runs in the renderer (pure, unit-tested in Node): the export dialog's settings and the API request they become.
import type { BitDepth, FilterSpec } from '../../engine/types'
import type { ExportFormat, ExportRequest, ImageInfo } from '../../contract/api'
import { extensionOf } from './file-names'

/** What the export dialog knows about each format (mirrors src/io/formats.ts, which the renderer cannot import). */
export interface ExportFormatInfo {
  readonly id: ExportFormat
  readonly label: string
  /** Canonical extension, with the dot. */
  readonly extension: string
  /** Takes a quality setting. */
  readonly lossy: boolean
  /** Bit depths it stores. */
  readonly depths: readonly BitDepth[]
  /** Keeps transparency (JPEG flattens it). */
  readonly alpha: boolean
  /** Quality offered first (lossy formats only). */
  readonly defaultQuality?: number
  /** One line for the dialog. */
  readonly hint: string
}

/** Formats in the order the export dialog lists them. */
export const EXPORT_FORMATS: readonly ExportFormatInfo[] = [
  { id: 'png', label: 'PNG', extension: '.png', lossy: false, depths: [8, 16], alpha: true, hint: 'Lossless, keeps transparency; 16-bit for further editing.' },
  { id: 'jpeg', label: 'JPEG', extension: '.jpg', lossy: true, depths: [8], alpha: false, defaultQuality: 90, hint: 'Small files for sharing; transparency becomes white.' },
  { id: 'tiff', label: 'TIFF', extension: '.tif', lossy: false, depths: [8, 16], alpha: true, hint: 'Lossless, 16-bit capable; for print and archiving.' },
  { id: 'webp', label: 'WebP', extension: '.webp', lossy: true, depths: [8], alpha: true, defaultQuality: 90, hint: 'Small files for the web, keeps transparency.' },
  { id: 'avif', label: 'AVIF', extension: '.avif', lossy: true, depths: [8], alpha: true, defaultQuality: 60, hint: 'Smallest files; slower to encode.' }
]

/** The format info for `id` (PNG for anything unknown). */
export function exportFormat(id: ExportFormat): ExportFormatInfo {
  return EXPORT_FORMATS.find((f) => f.id === id) ?? EXPORT_FORMATS[0]
}

/** The export dialog's choices. */
export interface ExportSettings {
  readonly format: ExportFormat
  /** 1..100; used by lossy formats only. */
  readonly quality: number
  /** Used by formats that store 16-bit only. */
  readonly depth: BitDepth
  /** Destination path (Electron asks with a dialog when empty; serve mode downloads when empty). */
  readonly path: string
  /** Replace an existing file. @default false */
  readonly force?: boolean
}

/** Initial export settings for an image: PNG at the image's own depth. */
export function defaultExportSettings(info: Pick<ImageInfo, 'depth'> | null): ExportSettings {
  return { format: 'png', quality: 90, depth: info?.depth ?? 8, path: '' }
}

/**
 * The API request for `settings` and `filters`: quality only for lossy formats, depth only where the format
 * stores it, path only when given. Throws a one-line Error for a quality outside 1..100 or a path with the
 * wrong extension, so the dialog can say so before any work starts.
 */
export function buildExportRequest(settings: ExportSettings, filters: readonly FilterSpec[]): ExportRequest {
  const format = exportFormat(settings.format)
  const req: { -readonly [K in keyof ExportRequest]: ExportRequest[K] } = { filters: filters.map((f) => ({ ...f })), format: format.id }
  if (format.lossy) {
    const q = settings.quality
    if (!Number.isInteger(q) || q < 1 || q > 100) throw new Error(`Quality must be a whole number from 1 to 100, not ${String(q)}`)
    req.quality = q
  }
  req.depth = format.depths.includes(settings.depth) ? settings.depth : 8
  const path = settings.path.trim()
  if (path !== '') {
    const ext = extensionOf(path)
    const allowed = format.id === 'jpeg' ? ['.jpg', '.jpeg'] : format.id === 'tiff' ? ['.tif', '.tiff'] : [format.extension]
    if (!allowed.includes(ext)) {
      throw new Error(`The file name must end in ${allowed.join(' or ')} for ${format.label} (got "${ext || 'no extension'}")`)
    }
    req.path = path
    if (settings.force) req.force = true
  }
  return req
}

/** A suggested export file name: the image's name without its extension, plus `-edited` and the format's extension. */
export function suggestedFileName(info: Pick<ImageInfo, 'name'> | null, format: ExportFormat): string {
  const name = info?.name ?? 'image'
  const ext = extensionOf(name)
  const stem = ext ? name.slice(0, -ext.length) : name
  return `${stem || 'image'}-edited${exportFormat(format).extension}`
}
