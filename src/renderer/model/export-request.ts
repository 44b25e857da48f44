// Runs in the renderer (and in unit tests under Node): the document store's pure parts — export settings, error
// messages, descriptions — kept free of the API client and the DOM so they can be tested directly.
import type { BitDepth, Channels, FilterSpec } from '../../engine/types'
import type { ExportFormat, ExportRequest, ImageInfo, SampleInfo } from '../../contract/api'

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

/** Lower-case extension of a path or file name, with the dot; '' when there is none. */
export function extensionOf(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? ''
  const dot = base.lastIndexOf('.')
  return dot > 0 ? base.slice(dot).toLowerCase() : ''
}

/** A suggested export file name: the image's name without its extension, plus `-edited` and the format's extension. */
export function suggestedFileName(info: Pick<ImageInfo, 'name'> | null, format: ExportFormat): string {
  const name = info?.name ?? 'image'
  const ext = extensionOf(name)
  const stem = ext ? name.slice(0, -ext.length) : name
  return `${stem || 'image'}-edited${exportFormat(format).extension}`
}

/** True when an export failed because the file exists (the dialog then offers to replace it). */
export function isExistsError(message: string): boolean {
  return /\bexists\b|already there|overwrite|--force/i.test(message)
}

/**
 * One clear line for the user from anything thrown: the message's first line, without `Error:` prefixes or
 * stack frames, starting with a capital letter.
 */
export function errorMessage(err: unknown): string {
  let text: string
  if (err instanceof Error) text = err.message
  else if (err && typeof err === 'object' && 'message' in err) text = String((err as { message: unknown }).message)
  else text = String(err)
  text = (text.split('\n').find((line) => line.trim() !== '') ?? '').trim()
  text = text.replace(/^(?:[A-Za-z]*Error:\s*)+/, '')
  if (text === '') return 'Something went wrong (no details were given)'
  return text[0].toUpperCase() + text.slice(1)
}

/** The sample the app opens on first launch: the astronaut if bundled, else the first sample. */
export function firstLaunchSample(samples: readonly SampleInfo[]): SampleInfo | null {
  return samples.find((s) => /astronaut/i.test(s.id) || /astronaut/i.test(s.name)) ?? samples[0] ?? null
}

/** Channel names for pixel readouts: `L`, `L A`, `R G B`, `R G B A`. */
export function channelNames(channels: Channels): readonly string[] {
  switch (channels) {
    case 1:
      return ['L']
    case 2:
      return ['L', 'A']
    case 3:
      return ['R', 'G', 'B']
    default:
      return ['R', 'G', 'B', 'A']
  }
}

/** A short description such as `8-bit RGB` or `16-bit grey + alpha`. */
export function describeImage(info: Pick<ImageInfo, 'channels' | 'depth'>): string {
  const kind = ['grey', 'grey + alpha', 'RGB', 'RGBA'][info.channels - 1] ?? `${info.channels} channels`
  return `${info.depth}-bit ${kind}`
}

/** Megapixels with one decimal, e.g. `24.2 MP`; '' for images under 0.1 MP, where the number says nothing. */
export function megapixels(width: number, height: number): string {
  const mp = (width * height) / 1e6
  return mp >= 0.1 ? `${mp.toFixed(1)} MP` : ''
}

/** Whether a dropped or picked file looks like something Kernel Studio should try to open as an image. */
export function looksLikeRecipe(name: string): boolean {
  return extensionOf(name) === '.json'
}
