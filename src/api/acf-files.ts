// Runs in Node (serve mode, tests) and Electron main: `kernel:open-acf` and `kernel:save-acf`, Photoshop Custom
// filter files (.acf) read and written with engine/acf.ts, the same code the CLI reads them with.
import { readFile } from 'node:fs/promises'
import { basename, extname, resolve } from 'node:path'
import type { AcfKernel, Api } from '../contract/api'
import { CodedError } from '../contract/errors'
import { ACF_SIZE, encodeAcf, parseAcf } from '../engine/acf'
import { EngineError } from '../engine/errors'
import { kernelFromRows, kernelRows } from '../engine/kernel'
import type { HandlerContext } from './context'
import { saveSmallFile, smallFileSize } from './small-files'
import { checkRequest } from './validate'

/** The bytes of the file at `absolute`; one-line errors for a missing file, a folder, or a file far too large. */
async function readAcfFile(absolute: string, name: string): Promise<Uint8Array> {
  const size = await smallFileSize(absolute, name)
  // parseAcf names the size it expects; nothing this large is worth reading to be told so.
  if (size > MAX_READ) throw new EngineError(`${name}: not a Photoshop Custom filter (.acf) file: expected ${ACF_SIZE} bytes, got ${size}`)
  return new Uint8Array(await readFile(absolute))
}

function toContract(bytes: Uint8Array, name: string): AcfKernel {
  const kernel = parseAcf(bytes, name)
  return { name: basename(name, extname(name)), rows: kernelRows(kernel), divisor: kernel.divisor, offset: kernel.offset }
}

/** Files larger than this are refused without reading them (an .acf is 54 bytes). */
const MAX_READ = 64 * 1024

/** The .acf handlers. */
export function acfHandlers(ctx: HandlerContext): Pick<Api, 'kernel:open-acf' | 'kernel:save-acf'> {
  const { dialogs } = ctx
  return {
    async 'kernel:open-acf'(raw) {
      const req = checkRequest('kernel:open-acf', raw)
      if (req.bytes !== undefined) return toContract(req.bytes, basename(req.name ?? 'kernel.acf'))
      let path = req.path
      if (path === undefined) {
        if (!dialogs?.openAcf) throw new CodedError("kernel:open-acf needs a path or the file's bytes here", 'bad-request')
        const chosen = await dialogs.openAcf()
        if (chosen === null) return null
        path = chosen
      }
      const absolute = resolve(path)
      const name = basename(absolute)
      return toContract(await readAcfFile(absolute, name), name)
    },

    async 'kernel:save-acf'(raw) {
      const req = checkRequest('kernel:save-acf', raw)
      const bytes = encodeAcf(kernelFromRows(req.rows, { divisor: req.divisor, offset: req.offset }))
      const defaultName = `${(req.name ?? '').replace(/[\\/:*?"<>|]/g, '_').trim() || 'kernel'}.acf`
      return saveSmallFile(bytes, defaultName, req.path, req.force ?? false, dialogs?.saveAcf && ((name) => dialogs.saveAcf?.(name) ?? Promise.resolve(null)))
    }
  }
}
