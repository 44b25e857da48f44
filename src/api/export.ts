// Runs in Node (serve mode, tests) and Electron main: `image:export`, the open image through the stack into a
// file (atomically, never replacing one without `force`) or back as bytes for a browser download.
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path'
import type { Api, ExportFormat } from '../contract/api'
import { CodedError } from '../contract/errors'
import { outputFormat } from '../contract/formats'
import { formatFromPath } from '../io/formats'
import { checkOutputPath, writeFileAtomic } from '../io/write-file-atomic'
import type { HandlerContext } from './context'
import { recordExportTarget } from './export-folders'
import { checkFilters, checkRequest } from './validate'

/** The file name an export gets by default: `photo-edited.png`. */
function exportName(imageName: string | null, format: ExportFormat): string {
  const stem = imageName ? basename(imageName, extname(imageName)) : 'image'
  return `${stem || 'image'}-edited${outputFormat(format).extensions[0]}`
}

/**
 * Where a typed save path points: an absolute path as it is; a relative one inside `folder` (the folder of the
 * image the user opened), never the server's working folder. Without such a folder (a sample, an upload) only a
 * full path will do.
 */
export function savePath(path: string, folder: string | null): string {
  if (isAbsolute(path)) return resolve(path)
  if (folder === null) {
    throw new CodedError(`${path} is a relative path, and this image has no folder of its own (a sample or an upload): type a full path`, 'bad-request')
  }
  return resolve(folder, path)
}

/** The `image:export` handler. */
export function exportHandlers(ctx: HandlerContext): Pick<Api, 'image:export'> {
  const { documents, dialogs } = ctx
  return {
    async 'image:export'(raw) {
      const req = checkRequest('image:export', raw)
      const filters = checkFilters(req.filters)
      const session = documents.get(req.doc)
      const info = await session.known()
      if (!info) throw new CodedError('no image is open', 'no-image')
      let target = req.path !== undefined ? savePath(req.path, session.folder) : undefined
      let force = req.force ?? false
      if (target === undefined && dialogs) {
        const chosen = await dialogs.saveImage(exportName(info.name, req.format), req.format)
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
      const done = await session.request(
        { type: 'export', filters, format: req.format, quality: req.quality, depth: req.depth },
        { onProgress: (fraction) => ctx.emit('job:progress', { job: 'export', fraction, doc: session.doc }) }
      )
      const common = { width: done.width, height: done.height, notes: done.notes }
      if (target === undefined) return { fileName: exportName(info.name, req.format), bytes: done.bytes, ...common }
      // guard: a watchdog removes the temp file if serve mode is killed outright mid-write, as the CLI's is; the
      // folder is noted first, for the sweep at the next start should the watchdog die too.
      await recordExportTarget(ctx.dataDir, dirname(target), basename(target))
      await writeFileAtomic(target, done.bytes, { force, guard: true })
      return { path: target, fileName: basename(target), ...common }
    }
  }
}
