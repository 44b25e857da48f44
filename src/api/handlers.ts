// Runs in Node (serve mode, tests) and Electron main: one plain async handler per contract channel.
// Every input is validated here; all file reading and writing happens here or in the engine host, never in the UI.
import { existsSync } from 'node:fs'
import { readFile, readdir, stat } from 'node:fs/promises'
import { basename, dirname, extname, join, resolve } from 'node:path'
import type { Api, ApiEvent, ApiEvents, ApiMap, ExportFormat, ImageInfo, SampleInfo } from '../contract/api'
import { CodedError } from '../contract/errors'
import { IoError } from '../io/io-error'
import { parseRecipe, serializeRecipe } from '../engine/recipe'
import type { FilterSpec, Recipe } from '../engine/types'
import { outputFormat } from '../contract/formats'
import { formatFromPath } from '../io/formats'
import { checkOutputPath, writeFileAtomic } from '../io/write-file-atomic'
import type { HostClient } from '../host/client'
import { samplesDir as defaultSamplesDir, packageVersion } from '../io/package-paths'
import { RecentFiles, readJson, writeJson } from './store-file'
import { checkFilters, checkRequest } from './validate'

/** Native dialogs (Electron); each resolves to null when the user cancels. */
export interface Dialogs {
  openImage(): Promise<string | null>
  saveImage(defaultName: string, format: ExportFormat): Promise<string | null>
  openRecipe(): Promise<string | null>
  saveRecipe(defaultName: string): Promise<string | null>
}

/** Options of {@link createHandlers}. */
export interface HandlerOptions {
  /** Where the UI runs. */
  readonly shell: 'electron' | 'serve'
  /** The engine host. */
  readonly host: HostClient
  /** Pushes an event to the renderer(s). */
  readonly emit: <E extends ApiEvent>(event: E, payload: ApiEvents[E]) => void
  /** Native dialogs; without them, calls lacking a path answer with bytes (serve mode downloads). */
  readonly dialogs?: Dialogs
  /** @default resources/samples of the package */
  readonly samplesDir?: string
  /** Folder for recent files and the personal gallery; null keeps them in memory only. @default null */
  readonly dataDir?: string | null
  /** Called after an image is opened from a path (Electron adds it to the OS recent documents). */
  readonly onOpenedPath?: (path: string) => void
  /**
   * Serve mode's upload folder: `image:upload` may name a file in it (a body the server streamed to disk)
   * instead of carrying the bytes. Without it, only bytes are accepted.
   */
  readonly uploadDir?: string
}

/** Image file extensions listed as samples. */
const SAMPLE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.webp'])

/** Largest recipe file read. */
const MAX_RECIPE_BYTES = 4 * 1024 * 1024

/** The gallery file's format tag. */
const GALLERY_FORMAT = 'kernel-studio/gallery'

/** "Astronaut" for "astronaut", "Coffee cup" for "coffee-cup". */
function sampleTitle(id: string): string {
  const words = id.replace(/[-_]+/g, ' ').trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** The file name an export gets by default: `photo-edited.png`. */
function exportName(image: ImageInfo | null, format: ExportFormat): string {
  const stem = image ? basename(image.name, extname(image.name)) : 'image'
  return `${stem || 'image'}-edited${outputFormat(format).extensions[0]}`
}

/**
 * Creates the handlers, one per channel of {@link ApiMap}. The same object serves Electron's ipcMain and the
 * serve-mode server. When the host restarts, the last image is opened again before `host:restarted` is emitted,
 * so the renderer only has to re-send its stack.
 */
export function createHandlers(options: HandlerOptions): Api {
  const { host, emit, dialogs, shell } = options
  const samples = options.samplesDir ?? defaultSamplesDir()
  const dataDir = options.dataDir ?? null
  const recent = new RecentFiles(dataDir)
  /** What to re-open after a host restart. */
  let lastSource: { name: string; path?: string; bytes?: Uint8Array } | null = null
  let current: ImageInfo | null = null
  /** The gallery when there is no data folder (tests). */
  let galleryMemory: FilterSpec[] = []

  const uploadDir = options.uploadDir === undefined ? null : resolve(options.uploadDir)
  /** The info without `path` when the file is a streamed upload: its temporary name is nobody's business. */
  const shown = (info: ImageInfo): ImageInfo => {
    if (uploadDir === null || info.path === undefined || dirname(info.path) !== uploadDir) return info
    const { path: _hidden, ...rest } = info
    return rest
  }

  host.onRestarted(() => {
    const source = lastSource
    const reopen = source ? host.request({ type: 'open', ...source }).then((info) => void (current = shown(info))) : Promise.resolve()
    reopen
      .catch(() => {
        current = null
      })
      .finally(() => emit('host:restarted', {}))
  })

  async function listSamples(): Promise<SampleInfo[]> {
    let names: string[]
    try {
      names = await readdir(samples)
    } catch {
      return []
    }
    return names
      .filter((n) => SAMPLE_EXTENSIONS.has(extname(n).toLowerCase()))
      .sort()
      .map((n) => ({ id: basename(n, extname(n)), name: sampleTitle(basename(n, extname(n))) }))
  }

  async function samplePath(id: string): Promise<string> {
    const names = await readdir(samples).catch(() => [] as string[])
    const file = names.find((n) => basename(n, extname(n)) === id && SAMPLE_EXTENSIONS.has(extname(n).toLowerCase()))
    if (!file) throw new CodedError(`there is no sample called "${id}"`, 'unreadable')
    return join(samples, file)
  }

  async function openPath(path: string): Promise<ImageInfo> {
    const absolute = resolve(path)
    const info = await host.request({ type: 'open', name: basename(absolute), path: absolute })
    lastSource = { name: info.name, path: absolute }
    current = info
    await recent.add(absolute)
    options.onOpenedPath?.(absolute)
    return info
  }

  async function currentInfo(): Promise<ImageInfo | null> {
    const info = await host.request({ type: 'current' })
    current = info && shown(info)
    return current
  }

  /** Reads the stack from a request and checks it with the recipe rules. */
  const stack = (list: readonly unknown[]): FilterSpec[] => checkFilters(list)

  const handlers: Api = {
    async 'app:info'(req) {
      checkRequest('app:info', req)
      const list = await recent.list()
      return {
        version: packageVersion(),
        shell,
        samples: await listSamples(),
        recent: list.filter((p) => existsSync(p))
      }
    },

    async 'image:open'(raw) {
      const req = checkRequest('image:open', raw)
      if (req.path !== undefined && req.sample !== undefined) throw new CodedError('image:open takes a path or a sample, not both', 'bad-request')
      if (req.sample !== undefined) {
        const file = await samplePath(req.sample)
        const info = await host.request({ type: 'open', name: basename(file), path: file })
        lastSource = { name: info.name, path: file }
        current = info
        return info
      }
      if (req.path !== undefined) return openPath(req.path)
      if (!dialogs) throw new CodedError('image:open needs a path or a sample here (use image:upload for a picked file)', 'bad-request')
      const chosen = await dialogs.openImage()
      return chosen === null ? null : openPath(chosen)
    },

    async 'image:upload'(raw) {
      const req = checkRequest('image:upload', raw)
      const name = basename(req.name)
      if (req.file !== undefined) {
        const file = resolve(req.file)
        if (uploadDir === null || dirname(file) !== uploadDir) throw new CodedError('image:upload: file: is not an upload received by this server', 'bad-request')
        const info = shown(await host.request({ type: 'open', name, path: file }))
        lastSource = { name, path: file }
        current = info
        return info
      }
      if (req.bytes === undefined) throw new CodedError('image:upload: bytes: is missing', 'bad-request')
      // Keep a private copy: the transport's buffer may be reused, and a restart re-opens from it.
      const bytes = new Uint8Array(req.bytes)
      const info = await host.request({ type: 'open', name, bytes })
      lastSource = { name, bytes }
      current = info
      return info
    },

    async 'image:current'(req) {
      checkRequest('image:current', req)
      return currentInfo()
    },

    async 'image:preview'(raw) {
      const req = checkRequest('image:preview', raw)
      return host.request({
        type: 'preview',
        requestId: req.requestId,
        filters: stack(req.filters),
        maxWidth: req.maxWidth,
        maxHeight: req.maxHeight,
        ...(req.region ? { region: req.region } : {})
      })
    },

    async 'image:thumbnails'(raw) {
      const req = checkRequest('image:thumbnails', raw)
      return host.request({ type: 'thumbnails', filters: stack(req.filters), size: req.size })
    },

    async 'image:inspect'(raw) {
      const req = checkRequest('image:inspect', raw)
      const filters = stack(req.filters)
      if (req.index >= filters.length) {
        throw new CodedError(`image:inspect: index ${req.index} is out of range: the stack has ${filters.length} filters`, 'bad-request')
      }
      return host.request({ type: 'inspect', filters, index: req.index, row: req.row, col: req.col })
    },

    async 'image:pixel'(raw) {
      const req = checkRequest('image:pixel', raw)
      return host.request({ type: 'pixel', row: req.row, col: req.col, filters: req.filtered ? stack(req.filtered) : undefined })
    },

    async 'image:export'(raw) {
      const req = checkRequest('image:export', raw)
      const filters = stack(req.filters)
      const info = current ?? (await currentInfo())
      if (!info) throw new CodedError('no image is open', 'no-image')
      let target = req.path !== undefined ? resolve(req.path) : undefined
      let force = req.force ?? false
      if (target === undefined && dialogs) {
        const chosen = await dialogs.saveImage(exportName(info, req.format), req.format)
        if (chosen === null) return null
        // The save dialog has already asked about replacing an existing file.
        target = resolve(chosen)
        force = true
      }
      if (target !== undefined) {
        const byName = formatFromPath(target)
        if (byName.id !== req.format) {
          throw new CodedError(`${basename(target)} names a ${byName.label} file but the format chosen is ${outputFormat(req.format).label}`, 'bad-options')
        }
        // Fail before the long run, not after it.
        await checkOutputPath(target, { force })
      }
      const done = await host.request(
        { type: 'export', filters, format: req.format, quality: req.quality, depth: req.depth },
        { onProgress: (fraction) => emit('job:progress', { job: 'export', fraction }) }
      )
      const common = { width: done.width, height: done.height, notes: done.notes }
      if (target === undefined) return { fileName: exportName(info, req.format), bytes: done.bytes, ...common }
      await writeFileAtomic(target, done.bytes, { force })
      return { path: target, fileName: basename(target), ...common }
    },

    async 'recipe:save'(raw) {
      const req = checkRequest('recipe:save', raw)
      // The same rules and messages as reading a recipe file: what we save, the CLI can apply.
      const recipe = parseRecipe(JSON.stringify({ ...req.recipe, filters: stack(req.recipe.filters) }), 'recipe')
      const bytes = new TextEncoder().encode(serializeRecipe(recipe.filters))
      const stem = current ? basename(current.name, extname(current.name)) : 'stack'
      const defaultName = `${stem || 'stack'}.recipe.json`
      let target = req.path !== undefined ? resolve(req.path) : undefined
      let force = req.force ?? false
      if (target === undefined && dialogs) {
        const chosen = await dialogs.saveRecipe(defaultName)
        if (chosen === null) return null
        target = resolve(chosen)
        force = true
      }
      if (target === undefined) return { fileName: defaultName, bytes }
      await writeFileAtomic(target, bytes, { force })
      return { path: target, fileName: basename(target) }
    },

    async 'recipe:open'(raw) {
      const req = checkRequest('recipe:open', raw)
      if (req.bytes !== undefined) {
        if (req.bytes.byteLength > MAX_RECIPE_BYTES) throw new CodedError(`${req.name ?? 'recipe'}: too large for a recipe file`, 'too-large')
        return parseRecipe(new TextDecoder().decode(req.bytes), basename(req.name ?? 'recipe'))
      }
      let path = req.path
      if (path === undefined) {
        if (!dialogs) throw new CodedError('recipe:open needs a path or the file\'s bytes here', 'bad-request')
        const chosen = await dialogs.openRecipe()
        if (chosen === null) return null
        path = chosen
      }
      const absolute = resolve(path)
      const name = basename(absolute)
      let size: number
      try {
        const s = await stat(absolute)
        if (!s.isFile()) throw new IoError(`cannot read ${name}: not a file`)
        size = s.size
      } catch (err) {
        const code = (err as { code?: string }).code
        if (code === 'ENOENT') throw new IoError(`cannot read ${name}: no such file`)
        throw err
      }
      if (size > MAX_RECIPE_BYTES) throw new CodedError(`${name}: too large for a recipe file`, 'too-large')
      return parseRecipe(await readFile(absolute, 'utf8'), name) satisfies Recipe
    },

    async 'gallery:load'(req) {
      checkRequest('gallery:load', req)
      if (!dataDir) return galleryMemory
      const data = (await readJson(dataDir, 'kernels.json', { format: GALLERY_FORMAT, version: 1, items: [] })) as {
        format?: unknown
        items?: unknown
      }
      if (!data || data.format !== GALLERY_FORMAT || !Array.isArray(data.items)) {
        throw new CodedError(`${join(dataDir, 'kernels.json')} is not a Kernel Studio gallery file`, 'bad-recipe')
      }
      // Skip entries a newer or hand-edited file got wrong rather than losing the whole gallery.
      const items: FilterSpec[] = []
      for (const item of data.items) {
        try {
          items.push(...checkFilters([item]))
        } catch {
          // Dropped: see above.
        }
      }
      return items
    },

    async 'gallery:save'(raw) {
      const req = checkRequest('gallery:save', raw)
      const items = checkFilters(req.items)
      if (!dataDir) galleryMemory = items
      else await writeJson(dataDir, 'kernels.json', { format: GALLERY_FORMAT, version: 1, items })
      return { count: items.length }
    }
  }
  return handlers
}

/** Calls the handler of `channel` (for transports that receive the channel name as data). */
export function callHandler(handlers: Api, channel: string, req: unknown): Promise<unknown> {
  if (!Object.prototype.hasOwnProperty.call(handlers, channel)) {
    return Promise.reject(new CodedError(`unknown API call "${channel}"`, 'bad-request'))
  }
  return (handlers[channel as keyof ApiMap] as (r: unknown) => Promise<unknown>)(req)
}
