// Runs in the engine host (a Node child process in serve mode and tests, Electron's utility process in the app):
// takes protocol messages, runs each request against the open document (src/host/handlers), and replies. Requests
// come from the API handlers, which validated them (src/api/validate.ts); here only what needs the image is checked.
import { CodedError, toWireError } from '../contract/errors'
import { AbortError } from '../engine/errors'
import type { OpenDocument } from './document'
import { yieldToEventLoop } from './event-loop'
import { exportImage } from './handlers/export'
import { inspect } from './handlers/inspect'
import { learn } from './handlers/learn'
import { openDocument } from './handlers/open'
import { pixel } from './handlers/pixel'
import { preview } from './handlers/preview'
import { thumbnails } from './handlers/thumbnails'
import type { HostMessage, HostRequest } from './protocol'

/** The engine host. `handle` takes one request; every reply and progress event goes out through `post`. */
export interface EngineHost {
  /** Handles one incoming message (anything: malformed ones get an error reply when they carry an id). */
  handle(message: unknown): void
  /** Aborts everything running. */
  dispose(): void
}

/** Request types where a newer request makes the one before it pointless. */
const LATEST_WINS = ['preview', 'thumbnails'] as const

/**
 * Creates an engine host that answers through `post`. A newer `preview` aborts the one before it, a newer
 * `thumbnails` the one before it; `cancel` aborts any request by id. Errors are replied as one-line messages with
 * their codes and never end the host.
 */
export function createHost(post: (message: HostMessage) => void): EngineHost {
  let doc: OpenDocument | null = null
  const running = new Map<number, AbortController>()
  const latest = new Map<string, AbortController>()
  /** The most recent open, which later requests wait for. */
  let lastOpen: Promise<unknown> = Promise.resolve()

  function requireDoc(): OpenDocument {
    if (!doc) throw new CodedError('no image is open', 'no-image')
    return doc
  }

  async function open(id: number, req: Extract<HostRequest, { type: 'open' }>): Promise<unknown> {
    const next = await openDocument(req)
    // Abort work sent before this open: it was about the previous image. Requests sent after it are for this one.
    for (const [otherId, controller] of running) if (otherId < id) controller.abort()
    doc?.close()
    doc = next
    return next.info
  }

  async function run(req: HostRequest, signal: AbortSignal, after: Promise<unknown>): Promise<unknown> {
    // Requests sent after an open are about the image it opens: wait for it (whether it worked or not).
    await after.catch(() => undefined)
    // Let a burst of messages land first so an older preview can be aborted before it starts.
    await yieldToEventLoop()
    signal.throwIfAborted()
    switch (req.type) {
      case 'open':
        return open(req.id, req)
      case 'current':
        return doc?.info ?? null
      case 'preview':
        return preview(requireDoc(), req, signal)
      case 'thumbnails':
        return thumbnails(requireDoc(), req, signal)
      case 'inspect':
        return inspect(requireDoc(), req, signal)
      case 'pixel':
        return pixel(requireDoc(), req, signal)
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
      target?.abort()
      post({ id: req.id, ok: true, result: { cancelled: target !== undefined } })
      return
    }
    const controller = new AbortController()
    if ((LATEST_WINS as readonly string[]).includes(req.type)) {
      latest.get(req.type)?.abort()
      latest.set(req.type, controller)
    }
    running.set(req.id, controller)
    const work = run(req, controller.signal, req.type === 'open' ? Promise.resolve() : lastOpen)
    if (req.type === 'open') lastOpen = work
    work
      .then(
        (result) => post({ id: req.id, ok: true, result }),
        (err: unknown) => post({ id: req.id, ok: false, error: toWireError(controller.signal.aborted ? new AbortError('cancelled by a newer request') : err) })
      )
      .finally(() => {
        running.delete(req.id)
        if (latest.get(req.type) === controller) latest.delete(req.type)
      })
  }

  return {
    handle,
    dispose() {
      for (const controller of running.values()) controller.abort()
      doc?.close()
      doc = null
    }
  }
}
