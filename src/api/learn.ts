// Runs in Node (serve mode, tests) and Electron main: `image:learn`, learning a kernel from an example. The open
// image is BEFORE; the renderer sends AFTER's bytes (a file the user picked), and the engine host does the rest.
import type { Api } from '../contract/api'
import type { HandlerContext } from './context'
import { checkRequest } from './validate'

/** The handler of `image:learn`. */
export function learnHandlers(ctx: HandlerContext): Pick<Api, 'image:learn'> {
  return {
    async 'image:learn'(raw) {
      const req = checkRequest('image:learn', raw)
      return ctx.documents.get(req.doc).request({ type: 'learn', name: req.name, bytes: req.bytes, size: req.size, perChannel: req.perChannel ?? false })
    }
  }
}
