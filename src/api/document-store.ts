// Runs in Node (serve mode, tests) and Electron main: `document:save` and `document:load`, each document's session
// (which image, the stack, its undo history, the view) kept as it changes in the data folder's
// documents/<id>.json, written atomically, so a reload, a restart of the app or a crash of the renderer or of the
// engine host finds it again. Without a data folder they are kept in memory (tests).
import { readdir, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Api, DocumentState } from '../contract/api'
import { CodedError } from '../contract/errors'
import type { HandlerContext } from './context'
import { readJson, writeJson } from './store-file'
import { checkRequest } from './validate'

/** The saved session's format tag. */
const FORMAT = 'kernel-studio/document'
/** Sessions untouched this long are deleted (a tab closed weeks ago). */
const MAX_AGE_MS = 30 * 24 * 3600 * 1000

/** The document session handlers. */
export function documentStoreHandlers(ctx: HandlerContext): Pick<Api, 'document:save' | 'document:load'> {
  const dir = ctx.dataDir === null ? null : join(ctx.dataDir, 'documents')
  const memory = new Map<string, DocumentState>()
  let swept = false

  /** Deletes sessions nobody came back to for a month (once per process). */
  async function sweep(folder: string): Promise<void> {
    if (swept) return
    swept = true
    const names = await readdir(folder).catch(() => [] as string[])
    const now = Date.now()
    for (const name of names) {
      if (!name.endsWith('.json')) continue
      const file = join(folder, name)
      const s = await stat(file).catch(() => null)
      if (s && now - s.mtimeMs > MAX_AGE_MS) await unlink(file).catch(() => undefined)
    }
  }

  return {
    async 'document:save'(raw) {
      const req = checkRequest('document:save', raw)
      const doc = req.doc ?? 'default'
      if (!dir) memory.set(doc, req.state)
      else {
        await writeJson(dir, `${doc}.json`, { format: FORMAT, version: 1, state: req.state })
        void sweep(dir)
      }
      return { saved: true }
    },

    async 'document:load'(raw) {
      const req = checkRequest('document:load', raw)
      const doc = req.doc ?? 'default'
      if (!dir) return memory.get(doc) ?? null
      let data: unknown
      try {
        data = await readJson(dir, `${doc}.json`, null)
      } catch {
        // A damaged session is not worth an error message: the document starts empty.
        return null
      }
      if (data === null) return null
      const file = data as { format?: unknown; state?: unknown }
      if (file.format !== FORMAT || !file.state || typeof file.state !== 'object') {
        throw new CodedError(`${join(dir, `${doc}.json`)} is not a Kernel Studio document session`, 'corrupt')
      }
      return file.state as DocumentState
    }
  }
}
