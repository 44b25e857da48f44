// Runs in the renderer: the app's only door to the outside (Electron's window.api, or serve mode's server).
import { ABORT_ERROR, CHANNELS, DOCUMENT_CHANNELS, type ApiClient, type ApiEvent, type ApiEvents, type Channel } from '../../contract/api'
import { fromWireError } from '../../contract/errors'
import { documentId } from './document-id'
import { createServeClient } from './serve-client'

let impl: ApiClient | null = null

/**
 * Electron's preload rejects with plain `{ name, message, code }` objects (contextBridge keeps only the message of a
 * real Error): they become Errors again with their name and code, so callers can branch on the code.
 */
function toError(err: unknown): Error {
  if (err instanceof Error) return err
  if (err && typeof err === 'object' && 'message' in err) {
    const { name, message, code } = err as { name?: unknown; message: unknown; code?: unknown }
    return fromWireError({ name: String(name ?? 'Error'), message: String(message), code })
  }
  return new Error(String(err))
}

function resolveImpl(): ApiClient {
  if (!impl) {
    const injected = (globalThis as { api?: ApiClient }).api
    if (injected) impl = injected
    else if (typeof location !== 'undefined' && /^https?:$/.test(location.protocol)) impl = createServeClient()
    else throw new Error('Kernel Studio cannot reach its engine here (no Electron preload and no server)')
  }
  return impl
}

function build(): ApiClient {
  const client = {} as Record<string, unknown>
  const scoped = new Set<string>(DOCUMENT_CHANNELS)
  for (const channel of CHANNELS) {
    client[channel] = async (req: unknown) => {
      try {
        // Calls about the document carry this window's or tab's document id.
        const body = scoped.has(channel) ? { ...(req ?? {}), doc: documentId() } : (req ?? {})
        return await (resolveImpl()[channel as Channel] as (r: unknown) => Promise<unknown>)(body)
      } catch (err) {
        throw toError(err)
      }
    }
  }
  client.on = <E extends ApiEvent>(event: E, cb: (payload: ApiEvents[E]) => void) => resolveImpl().on(event, cb)
  return client as unknown as ApiClient
}

/**
 * The API: `await api['image:open']({ sample: 'astronaut' })`, `api.on('host:restarted', cb)`.
 * Picks `window.api` (Electron preload) when present, otherwise the serve-mode client for this page's origin;
 * the choice is made on first use, so a test can install `globalThis.api` before calling.
 * Rejections are always `Error`s whose `name` and `code` are kept (see {@link isAbortError} and `errorCode`).
 */
export const api: ApiClient = build()

/** True for the rejection of a call that a newer one replaced (ignore it: its answer is stale). */
export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === ABORT_ERROR
}
