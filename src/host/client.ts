// Runs in Node (serve mode, tests) and Electron main: the client side of the engine host protocol.
// Starts the host, matches replies to requests, restarts the host when it dies and rejects what was pending.
import { CodedError, fromWireError } from '../contract/errors'
import { AbortError } from '../engine/errors'
import type { HostMessage, HostRequest, HostRequestBody, HostResults } from './protocol'
import { hostScriptPath } from '../io/package-paths'
import { forkNodeChild, type ChildTransport } from './node-child'

/** One running host process, whatever starts it (child_process.fork, Electron's utilityProcess). */
export type HostTransport = ChildTransport<HostRequest, HostMessage>

/** Starts a new host process. */
export type HostSpawner = () => HostTransport

/** Forks the built Node host (`out/node/host.js` unless `script` says otherwise); a one-line error when it is not built. */
export function forkHost(script: string = hostScriptPath()): HostTransport {
  return forkNodeChild<HostRequest, HostMessage>(script, 'the engine host')
}

/** Options of {@link HostClient}. */
export interface HostClientOptions {
  /** Restart a crashed host at once unless it crashed this many times within `crashWindowMs`. @default 3 */
  readonly maxQuickRestarts?: number
  /** @default 10000 */
  readonly crashWindowMs?: number
  /**
   * A request with no answer and no progress for this long means a hung host (stopped, stuck): it is killed and
   * replaced, and the request goes to the new host once. @default KERNEL_STUDIO_HOST_TIMEOUT seconds, else 120 s
   */
  readonly requestTimeoutMs?: number
}

/** The default of {@link HostClientOptions.requestTimeoutMs}. */
function defaultRequestTimeout(): number {
  const seconds = Number(process.env.KERNEL_STUDIO_HOST_TIMEOUT)
  return seconds > 0 ? seconds * 1000 : 120_000
}

interface Pending {
  readonly type: HostRequestBody['type']
  /** The request as sent, to send it again to the next host after a crash. */
  readonly message: HostRequest
  /** What identifies the work (the body without ids and bytes): the same work that killed two hosts is refused. */
  readonly key: string
  resolve(value: unknown): void
  reject(error: Error): void
  onProgress?: (fraction: number) => void
  /** Fires when the host has been silent on this request for too long. */
  timer?: ReturnType<typeof setTimeout>
}

/** What a request may carry besides its body. */
export interface RequestOptions {
  /** Progress of an export, 0..1. */
  readonly onProgress?: (fraction: number) => void
}

/** How many hosts may die with a request pending before it is reported instead of sent again. */
const MAX_CRASHES_PER_REQUEST = 2

/** The key of {@link Pending}: the body as JSON without its ids, with bytes reduced to their length. */
function workKey(body: HostRequestBody): string {
  return JSON.stringify(body, (key, value: unknown) =>
    key === 'requestId' ? undefined : value instanceof Uint8Array ? `${value.byteLength} bytes` : value
  )
}

/** Request types where a newer request makes the older one pointless. */
const LATEST_WINS = new Set<HostRequestBody['type']>(['preview', 'thumbnails', 'inspect'])

/** What a newer request replaces: the same type for the same document (tabs never cancel each other's work). */
function latestKey(body: HostRequestBody): string {
  return `${body.type}|${'doc' in body ? (body.doc ?? '') : ''}`
}

/**
 * Talks to one engine host at a time. A newer preview (or thumbnails) request rejects the older one at once with
 * an AbortError and tells the host to stop it. When the host dies, pending requests reject with a one-line error,
 * a new host is started and 'restarted' listeners run (after a crash loop, the next request starts it instead).
 */
export class HostClient {
  private transport: HostTransport | null = null
  private readonly pending = new Map<number, Pending>()
  private readonly latest = new Map<string, number>()
  private readonly restartListeners = new Set<() => void>()
  private readonly crashTimes: number[] = []
  /** Hosts that died while each piece of work was pending (by {@link workKey}); cleared when it succeeds. */
  private readonly crashesByWork = new Map<string, number>()
  private nextId = 1
  private closed = false
  /** A crash happened and the 'restarted' listeners have not run for the host that replaces it yet. */
  private restartOwed = false
  private readonly maxQuickRestarts: number
  private readonly crashWindowMs: number
  private readonly requestTimeoutMs: number
  /** Why this client killed the host itself (a hung host), for the messages of its pending requests. */
  private killedBecause: string | null = null

  /** @param spawn starts a host process (Node fork or Electron utility process). */
  constructor(
    private readonly spawn: HostSpawner,
    options: HostClientOptions = {}
  ) {
    this.maxQuickRestarts = options.maxQuickRestarts ?? 3
    this.crashWindowMs = options.crashWindowMs ?? 10_000
    this.requestTimeoutMs = options.requestTimeoutMs ?? defaultRequestTimeout()
  }

  /** OS process id of the current host, if one is running. */
  get pid(): number | undefined {
    return this.transport?.pid
  }

  /** Starts the host now (otherwise the first request does). */
  start(): void {
    this.ensure()
  }

  private ensure(): HostTransport {
    if (this.closed) throw new Error('the engine host has been shut down')
    if (this.transport) return this.transport
    const transport = this.spawn()
    this.transport = transport
    transport.onMessage((m) => this.receive(transport, m))
    transport.onExit((reason) => this.exited(transport, reason))
    if (this.restartOwed) {
      // Started late after a crash loop: listeners re-open the image before the request that started it is sent.
      this.restartOwed = false
      for (const cb of this.restartListeners) cb()
    }
    return transport
  }

  private receive(from: HostTransport, message: HostMessage): void {
    if (from !== this.transport || !message || typeof message !== 'object') return
    if ('event' in message) {
      const p = message.event === 'progress' ? this.pending.get(message.id) : undefined
      if (message.event === 'progress' && p) {
        // A sign of life: the silence timer starts again.
        this.watch(message.id, p)
        p.onProgress?.(message.fraction)
      }
      return
    }
    const p = this.pending.get(message.id)
    if (!p) return
    clearTimeout(p.timer)
    this.pending.delete(message.id)
    if (this.latest.get(latestKey(p.message)) === message.id) this.latest.delete(latestKey(p.message))
    this.crashesByWork.delete(p.key)
    if (message.ok) p.resolve(message.result)
    else p.reject(fromWireError(message.error))
  }

  private exited(from: HostTransport, reason: string): void {
    if (from !== this.transport) return
    this.transport = null
    const why = this.killedBecause ?? reason
    this.killedBecause = null
    const pending = [...this.pending.values()]
    for (const p of pending) clearTimeout(p.timer)
    this.pending.clear()
    this.latest.clear()
    if (this.closed) {
      for (const p of pending) p.reject(new CodedError(`the engine stopped unexpectedly (${why})`, 'host-crashed'))
      return
    }
    const now = Date.now()
    this.crashTimes.push(now)
    while (this.crashTimes.length > 0 && now - this.crashTimes[0] > this.crashWindowMs) this.crashTimes.shift()
    this.restartOwed = true
    // A host that dies at once every time must not spin: then the next request starts it.
    let next: HostTransport | null = null
    if (this.crashTimes.length <= this.maxQuickRestarts) {
      try {
        next = this.ensure()
      } catch {
        // Could not start it now (script gone?): the next request tries again and reports why.
      }
    }
    // Work that was pending goes to the new host, after the restart listeners have re-opened the image there (a
    // request sent in the moment the old host died must not fail); work pending in two dead hosts is reported.
    if (this.crashesByWork.size > 1000) this.crashesByWork.clear()
    for (const p of pending) {
      const crashes = (this.crashesByWork.get(p.key) ?? 0) + 1
      this.crashesByWork.set(p.key, crashes)
      if (crashes >= MAX_CRASHES_PER_REQUEST || !next) p.reject(this.crashError(crashes, why))
      else this.resend(next, p)
    }
  }

  /** The error of work the host died on: once (and no host to retry on), or twice (then it is not tried again). */
  private crashError(crashes: number, reason?: string): CodedError {
    if (crashes < MAX_CRASHES_PER_REQUEST) return new CodedError(`the engine stopped unexpectedly (${reason}) and was restarted; try again`, 'host-crashed')
    const times = crashes === 2 ? 'twice' : `${crashes} times`
    const last = reason === undefined ? '' : ` (last: ${reason})`
    return new CodedError(`the engine stopped ${times} on this work${last}, probably for lack of memory; it is not tried again`, 'host-crashed')
  }

  /**
   * (Re)starts the silence timer of pending request `id`: when it fires, the host is taken as hung (SIGSTOP, an
   * endless loop) and killed with SIGKILL, which even a stopped process cannot ignore; the exit then restarts it.
   */
  private watch(id: number, p: Pending): void {
    clearTimeout(p.timer)
    p.timer = setTimeout(() => {
      const transport = this.transport
      if (!transport || this.pending.get(id) !== p) return
      this.killedBecause = `it did not answer for ${Math.round(this.requestTimeoutMs / 1000)} s`
      if (transport.pid !== undefined) process.kill(transport.pid, 'SIGKILL')
      else transport.kill()
    }, this.requestTimeoutMs)
    p.timer.unref?.()
  }

  /**
   * Sends pending work again to `transport` under a new id: newer than the re-open the restart listeners just
   * sent, which would otherwise cancel it as work about the previous image.
   */
  private resend(transport: HostTransport, p: Pending): void {
    const message = { ...p.message, id: this.nextId++ } as HostRequest
    const again: Pending = { ...p, message, timer: undefined }
    this.pending.set(message.id, again)
    this.watch(message.id, again)
    if (LATEST_WINS.has(p.type)) this.latest.set(latestKey(p.message), message.id)
    transport.post(message)
  }

  /**
   * Sends one request and resolves with its result; rejects with the host's one-line error, its name (AbortError,
   * EngineError, IoError...) and code kept.
   */
  request<T extends HostRequestBody['type']>(body: Extract<HostRequestBody, { type: T }>, options: RequestOptions = {}): Promise<HostResults[T]> {
    const key = workKey(body)
    const crashes = this.crashesByWork.get(key) ?? 0
    // The renderer sends its stack again after every restart: work that killed two hosts would loop for ever.
    if (crashes >= MAX_CRASHES_PER_REQUEST) return Promise.reject(this.crashError(crashes))
    let transport: HostTransport
    try {
      transport = this.ensure()
    } catch (err) {
      return Promise.reject(err)
    }
    const id = this.nextId++
    const type = body.type
    if (LATEST_WINS.has(type)) {
      const older = this.latest.get(latestKey(body))
      if (older !== undefined) this.abort(older, transport)
      this.latest.set(latestKey(body), id)
    }
    const message = { ...body, id } as HostRequest
    return new Promise<HostResults[T]>((resolve, reject) => {
      const p: Pending = { type, message, key, resolve: resolve as (v: unknown) => void, reject, onProgress: options.onProgress }
      this.pending.set(id, p)
      this.watch(id, p)
      transport.post(message)
    })
  }

  /** Rejects request `id` with an AbortError now and asks the host to stop working on it. */
  private abort(id: number, transport: HostTransport): void {
    const p = this.pending.get(id)
    if (!p) return
    clearTimeout(p.timer)
    this.pending.delete(id)
    p.reject(new AbortError('cancelled by a newer request'))
    const cancelId = this.nextId++
    transport.post({ type: 'cancel', target: id, id: cancelId })
  }

  /** Runs `cb` after every restart (the new host has no image: re-open it there). Returns the unsubscriber. */
  onRestarted(cb: () => void): () => void {
    this.restartListeners.add(cb)
    return () => this.restartListeners.delete(cb)
  }

  /** Ends the host; pending requests reject, later ones fail. */
  close(): void {
    this.closed = true
    const transport = this.transport
    this.transport = null
    for (const p of this.pending.values()) {
      clearTimeout(p.timer)
      p.reject(new Error('the engine host has been shut down'))
    }
    this.pending.clear()
    transport?.kill()
  }
}
