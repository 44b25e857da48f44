// Runs in Node (serve mode, tests) and Electron main: the image channels: open, upload, current, and what the
// engine host computes from the open image (previews, thumbnails, explain, pixel values).
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Api } from '../contract/api'
import { CodedError } from '../contract/errors'
import { packageVersion } from '../io/package-paths'
import type { HandlerContext } from './context'
import { listSamples, samplePath } from './samples'
import { checkFilters, checkRequest } from './validate'

/** The handlers of `app:info` and the `image:*` channels but export. */
export function imageHandlers(ctx: HandlerContext): Pick<Api, 'app:info' | 'image:open' | 'image:upload' | 'image:current' | 'image:preview' | 'image:thumbnails' | 'image:inspect' | 'image:pixel' | 'image:histogram'> {
  const { documents, dialogs } = ctx
  return {
    async 'app:info'(req) {
      checkRequest('app:info', req)
      const list = await ctx.recent.list()
      return {
        version: packageVersion(),
        shell: ctx.shell,
        samples: await listSamples(ctx.samplesDir),
        recent: list.filter((p) => existsSync(p))
      }
    },

    async 'image:open'(raw) {
      const req = checkRequest('image:open', raw)
      const session = documents.get(req.doc)
      if (req.path !== undefined && req.sample !== undefined) throw new CodedError('image:open takes a path or a sample, not both', 'bad-request')
      if (req.sample !== undefined) return session.openSample(await samplePath(ctx.samplesDir, req.sample))
      if (req.path !== undefined) return session.openPath(req.path)
      if (!dialogs) throw new CodedError('image:open needs a path or a sample here (use image:upload for a picked file)', 'bad-request')
      const chosen = await dialogs.openImage()
      return chosen === null ? null : session.openPath(chosen)
    },

    async 'image:upload'(raw) {
      const req = checkRequest('image:upload', raw)
      const session = documents.get(req.doc)
      if (req.file !== undefined) {
        // Only a file serve mode itself received: anything else would be a path chosen by the page.
        const file = resolve(req.file)
        if (ctx.uploadDir === null || dirname(file) !== ctx.uploadDir) throw new CodedError('image:upload: file: is not an upload received by this server', 'bad-request')
        return session.openUpload(req.name, file)
      }
      if (req.bytes === undefined) throw new CodedError('image:upload needs the file\'s bytes here', 'bad-request')
      return session.openBytes(req.name, req.bytes)
    },

    async 'image:current'(req) {
      return documents.get(checkRequest('image:current', req).doc).current()
    },

    async 'image:preview'(raw) {
      const req = checkRequest('image:preview', raw)
      return documents.get(req.doc).request({
        type: 'preview',
        requestId: req.requestId,
        filters: checkFilters(req.filters),
        maxWidth: req.maxWidth,
        maxHeight: req.maxHeight,
        ...(req.region ? { region: req.region } : {}),
        ...(req.grid ? { grid: req.grid } : {}),
        ...(req.approximate ? { approximate: true } : {})
      })
    },

    async 'image:thumbnails'(raw) {
      const req = checkRequest('image:thumbnails', raw)
      return documents.get(req.doc).request({ type: 'thumbnails', filters: checkFilters(req.filters), size: req.size })
    },

    async 'image:inspect'(raw) {
      const req = checkRequest('image:inspect', raw)
      const filters = checkFilters(req.filters)
      if (req.index >= filters.length) {
        throw new CodedError(`image:inspect: index ${req.index} is out of range: the stack has ${filters.length} filters`, 'bad-request')
      }
      return documents.get(req.doc).request({ type: 'inspect', filters, index: req.index, row: req.row, col: req.col })
    },

    async 'image:pixel'(raw) {
      const req = checkRequest('image:pixel', raw)
      return documents.get(req.doc).request({ type: 'pixel', row: req.row, col: req.col, filters: req.filtered ? checkFilters(req.filtered) : undefined })
    },

    async 'image:histogram'(raw) {
      const req = checkRequest('image:histogram', raw)
      return documents.get(req.doc).request({ type: 'histogram', filters: checkFilters(req.filters) })
    }
  }
}
