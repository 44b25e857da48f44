// Runs in the engine host (a Node child process in serve mode and tests, Electron's utility process in the app):
// takes protocol messages, runs each request against its document (one per window or tab, src/host/documents.ts)
// with src/host/handlers, and replies. Requests come from the API handlers, which validated them
// (src/api/validate.ts); here only what needs the image is checked.
import { CodedError, toWireError } from '../contract/errors'
import { AbortError } from '../engine/errors'
import { DEFAULT_DOCUMENT, type HostMessage, type HostRequest } from './protocol'
import { Documents, memoryCapFromEnv } from './documents'
import { yieldToEventLoop } from './event-loop'
import { exportImage } from './handlers/export'
import { inspect } from './handlers/inspect'
import { learn } from './handlers/learn'
import { openDocument } from './handlers/open'
import { pixel } from './handlers/pixel'
import { histogram } from './handlers/histogram'
import { preview } from './handlers/preview'
import { thumbnails } from './handlers/thumbnails'

/** The engine host. `handle` takes one request; every reply and progress event goes out through `post`. */
export interface EngineHost {
  /** Handles one incoming message (anything: malformed ones get an error reply when they carry an id). */
  handle(message: unknown): void
  /** Aborts everything running. */
  dispose(): void
}

/** Request types where a newer request makes the one before it pointless. */
const LATEST_WINS = ['preview', 'thumbnails', 'inspect'] as const

/** The document a request is about (requests without one share the default document: the CLI, tests). */
function docOf(req: HostRequest): string {
  return 'doc' in req && typeof req.doc === 'string' ? req.doc : DEFAULT_DOCUMENT
}

/**
 * Creates an engine host that answers through `post`. Per document, a newer `preview` aborts the one before it,
 * a newer `thumbnails` the one before it; `cancel` aborts any request by id. Errors are replied as one-line
 * messages with their codes and never end the host. Documents stay within `memoryCap` bytes (documents.ts).
 */
export function createHost(post: (message: HostMessage) => void, memoryCap: number = memoryCapFromEnv()): EngineHost {
  const docs = new Documents(memoryCap)
  const running = new Map<number, { controller: AbortController; doc: string }>()
  const latest = new Map<string, AbortController>()
  /** Each document's most recent open, which later requests for it wait for. */
  const lastOpen = new Map<string, Promise<unknown>>()

  async function open(id: number, doc: string, req: Extract<HostRequest, { type: 'open' }>): Promise<unknown> {
    const next = await openDocument(req)
    // Abort work for this document sent before this open: it was about its previous image.
    for (const [otherId, other] of running) if (otherId < id && other.doc === doc) other.controller.abort()
    docs.set(doc, next)
    return next.info
  }

  async function run(req: HostRequest, signal: AbortSignal, after: Promise<unknown>): Promise<unknown> {
    // Requests sent after an open are about the image it opens: wait for it (whether it worked or not).
    await after.catch(() => undefined)
    // Let a burst of messages land first so an older preview can be aborted before it starts.
    await yieldToEventLoop()
    signal.throwIfAborted()
    const doc = docOf(req)
    const requireDoc = () => docs.get(doc)
    switch (req.type) {
      case 'open':
        return open(req.id, doc, req)
      case 'current':
        return docs.peek(doc)?.info ?? null
      case 'preview':
        return preview(requireDoc(), req, signal)
      case 'thumbnails':
        return thumbnails(requireDoc(), req, signal)
      case 'inspect':
        return inspect(requireDoc(), req, signal)
      case 'pixel':
        return pixel(requireDoc(), req, signal)
      case 'histogram':
        return histogram(requireDoc(), req, signal)
      case 'learn':
        return learn(requireDoc(), req, signal)
      case 'export':
        return exportImage(requireDoc(), req, signal, (fraction) => post({ event: 'progress', id: req.id, job: 'export', fraction }))
      default:
        throw new CodedError(`unknown request type "${String((req as { type?: unknown }).type)}"`, 'bad-request')
    }
  }

  function handle(message: unknown): void {
    if (!message || typeof message !== 'object') return
    const req = message as HostRequest
    if (typeof req.id !== 'number') return
    if (req.type === 'cancel') {
      const target = running.get(req.target)
      target?.controller.abort()
      post({ id: req.id, ok: true, result: { cancelled: target !== undefined } })
      return
    }
    const controller = new AbortController()
    const doc = docOf(req)
    // Latest-wins per document: one tab's preview never cancels another's.
    const latestKey = `${req.type}|${doc}`
    if ((LATEST_WINS as readonly string[]).includes(req.type)) {
      latest.get(latestKey)?.abort()
      latest.set(latestKey, controller)
    }
    running.set(req.id, { controller, doc })
    const work = run(req, controller.signal, req.type === 'open' ? Promise.resolve() : (lastOpen.get(doc) ?? Promise.resolve()))
    if (req.type === 'open') lastOpen.set(doc, work)
    work
      .then(
        (result) => post({ id: req.id, ok: true, result }),
        (err: unknown) => post({ id: req.id, ok: false, error: toWireError(controller.signal.aborted ? new AbortError('cancelled by a newer request') : err) })
      )
      .finally(() => {
        running.delete(req.id)
        if (latest.get(latestKey) === controller) latest.delete(latestKey)
        if (lastOpen.get(doc) === work) lastOpen.delete(doc)
        // What the request cached may have taken the documents over their cap.
        docs.trim(doc)
      })
  }

  return {
    handle,
    dispose() {
      for (const { controller } of running.values()) controller.abort()
      docs.clear()
    }
  }
}
