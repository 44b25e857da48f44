// Runs in the renderer (pure, unit-tested in Node): the export dialog's settings and the API request they become.
import type { BitDepth, FilterSpec } from '../../engine/types'
import type { ExportRequest, ImageInfo } from '../../contract/api'
import { EXPORT_FORMATS, type ExportFormat } from '../../contract/formats'
import { extensionOf } from './file-names'

/** An entry of the contract's export format table. */
export type ExportFormatInfo = (typeof EXPORT_FORMATS)[number]

/** One line the export dialog shows under each format: wording for people (what each format holds is the table's). */
export const FORMAT_HINTS: Readonly<Record<ExportFormat, string>> = {
  png: 'Lossless, keeps transparency; 16-bit for further editing.',
  jpeg: 'Small files for sharing; transparency becomes white.',
  tiff: 'Lossless, 16-bit capable; for print and archiving.',
  webp: 'Small files for the web, keeps transparency.',
  avif: 'Smallest files; slower to encode.'
}

/** The export format `id` from the contract's table (PNG for anything unknown). */
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
    if (!format.extensions.includes(ext)) {
      throw new Error(`The file name must end in ${format.extensions.join(' or ')} for ${format.label} (got "${ext || 'no extension'}")`)
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
  return `${stem || 'image'}-edited${exportFormat(format).extensions[0]}`
}
