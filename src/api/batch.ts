// Runs in Node (serve mode, tests) and Electron main: `batch:choose`, `batch:start` and `batch:cancel`, the app's
// "Batch export": the current stack applied to many files by src/batch (the code of `kernel-studio batch`) in a
// process of its own (./batch-runs.ts).
import { isAbsolute, resolve } from 'node:path'
import type { Api } from '../contract/api'
import { CodedError } from '../contract/errors'
import type { BatchRuns } from './batch-runs'
import type { HandlerContext } from './context'
import { checkFilters, checkRequest } from './validate'

/** What the Electron pickers chose for a document's next batch (main decides the paths, never the page). */
interface Chosen {
  inputs?: readonly string[]
  outDir?: string
}

/** A path typed in serve mode's dialog: on the serving computer, and full (there is no folder to be relative to). */
function typedPath(path: string, what: string): string {
  if (!isAbsolute(path)) throw new CodedError(`${what} ${path} is not a full path: type it from the root, e.g. /home/me/photos`, 'bad-request')
  return resolve(path)
}

/** The batch handlers; `runs` starts and tracks the batch processes. */
export function batchHandlers(ctx: HandlerContext, runs: BatchRuns): Pick<Api, 'batch:choose' | 'batch:start' | 'batch:cancel'> {
  const chosen = new Map<string, Chosen>()
  const key = (doc: string | undefined): string => doc ?? ''
  return {
    async 'batch:choose'(raw) {
      const req = checkRequest('batch:choose', raw)
      const pick = ctx.dialogs?.chooseBatch
      if (!pick) throw new CodedError('batch:choose: there are no system pickers here: type the paths', 'bad-request')
      const paths = await pick(req.what)
      if (paths === null || paths.length === 0) return null
      const current = chosen.get(key(req.doc)) ?? {}
      chosen.set(key(req.doc), req.what === 'output' ? { ...current, outDir: paths[0] } : { ...current, inputs: paths })
      return { paths }
    },

    async 'batch:start'(raw) {
      const req = checkRequest('batch:start', raw)
      const filters = checkFilters(req.filters)
      if (runs.running(req.doc)) throw new CodedError('a batch export is already running in this window', 'bad-request')
      let inputs: readonly string[]
      let outDir: string
      if (ctx.dialogs) {
        // Electron: what the user picked in the system pickers for this document.
        const picked = chosen.get(key(req.doc)) ?? {}
        if (!picked.inputs) throw new CodedError('choose the photos or a folder to export first', 'bad-request')
        if (picked.outDir === undefined) throw new CodedError('choose the output folder first', 'bad-request')
        inputs = picked.inputs
        outDir = picked.outDir
      } else {
        if (!req.inputs || req.inputs.length === 0) throw new CodedError('type at least one file or folder to export', 'bad-request')
        if (req.outDir === undefined) throw new CodedError('type the output folder', 'bad-request')
        inputs = req.inputs.map((path) => typedPath(path, 'input'))
        outDir = typedPath(req.outDir, 'output folder')
      }
      return runs.start(
        req.doc,
        { inputs, outDir, name: req.name, format: req.format, quality: req.quality, depth: req.depth, existing: req.existing },
        filters
      )
    },

    async 'batch:cancel'(raw) {
      const req = checkRequest('batch:cancel', raw)
      return { cancelled: runs.cancel(req.run) }
    }
  }
}
