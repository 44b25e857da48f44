// Runs in Node (serve mode, tests) and Electron main: `gallery:load` and `gallery:save`, the personal kernel
// gallery kept between launches in the data folder's kernels.json (or in memory without a data folder).
import { join } from 'node:path'
import type { Api } from '../contract/api'
import { CodedError } from '../contract/errors'
import type { FilterSpec } from '../engine/types'
import type { HandlerContext } from './context'
import { readJson, writeJson } from './store-file'
import { checkFilters, checkRequest } from './validate'

/** The gallery file's format tag. */
const GALLERY_FORMAT = 'kernel-studio/gallery'

/** The gallery handlers. */
export function galleryHandlers(ctx: HandlerContext): Pick<Api, 'gallery:load' | 'gallery:save'> {
  const { dataDir } = ctx
  /** The gallery when there is no data folder (tests). */
  let memory: FilterSpec[] = []
  return {
    async 'gallery:load'(req) {
      checkRequest('gallery:load', req)
      if (!dataDir) return memory
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
      if (!dataDir) memory = items
      else await writeJson(dataDir, 'kernels.json', { format: GALLERY_FORMAT, version: 1, items })
      return { count: items.length }
    }
  }
}
