// Runs in the browser (serve mode): the ApiClient over the loopback server's WebSocket, HTTP POST as fallback.
import { CHANNELS, type Api, type ApiClient, type ApiEvent, type ApiEvents, type Channel } from '../../contract/api'
import { fromWireError } from '../../contract/errors'
import { WIRE_MIME, WS_PATH, decodeMessage, encodeMessage, type WireError, type WireReply, type WireEvent } from '../../contract/wire'
import { openRelaySocket, type ClientSocket, type OpenSocket, type SocketHandlers } from './socket-relay'

interface Pending {
  resolve(value: unknown): void
  reject(error: Error): void
}

/**
 * Creates the serve-mode client for the page's own origin.
 * Calls go over one WebSocket (opened lazily, reopened after a drop); if it cannot open, calls fall back to
 * `POST /api/<channel>`. Events arrive only over the WebSocket.
 * @param openSocket how the WebSocket is opened: in a worker of its own in the browser
 */
export function createServeClient(base: { host: string; protocol: string } = location, openSocket: OpenSocket = openRelaySocket): ApiClient {
  const httpBase = `${base.protocol}//${base.host}`
  const wsUrl = `${base.protocol === 'https:' ? 'wss:' : 'ws:'}//${base.host}${WS_PATH}`
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const pending = new Map<number, Pending>()
  let nextId = 1
  let socket: ClientSocket | null = null
  let opening: Promise<ClientSocket | null> | null = null
  let retryTimer: ReturnType<typeof setTimeout> | null = null

  function dispatch(event: string, payload: unknown): void {
    for (const cb of listeners.get(event) ?? []) {
      try {
        cb(payload)
      } catch (err) {
        console.error(err)
      }
    }
  }

  function receive(data: ArrayBuffer): void {
    let msg: WireReply | WireEvent
    try {
      msg = decodeMessage(new Uint8Array(data)) as WireReply | WireEvent
    } catch (err) {
      console.error('Kernel Studio: bad message from the server', err)
      return
    }
    if (msg.t === 'event') {
      dispatch(msg.event, msg.payload)
    } else if (msg.t === 'reply') {
      const p = pending.get(msg.id)
      if (!p) return
      pending.delete(msg.id)
      if (msg.ok) p.resolve(msg.res)
      else p.reject(fromWireError(msg.error))
    }
  }

  function connect(): Promise<ClientSocket | null> {
    if (socket) return Promise.resolve(socket)
    if (opening) return opening
    opening = new Promise<ClientSocket | null>((resolve) => {
      let opened = false
      let ws: ClientSocket | null = null
      const handlers: SocketHandlers = {
        onOpen() {
          opened = true
          socket = ws
          resolve(ws)
        },
        onMessage: receive,
        onClose() {
          if (socket === ws) socket = null
          if (!opened) {
            resolve(null)
            return
          }
          for (const p of pending.values()) p.reject(new Error('Lost the connection to the Kernel Studio server'))
          pending.clear()
          // Reconnect so events keep flowing once the server is back.
          if (listeners.size > 0 && !retryTimer) {
            retryTimer = setTimeout(() => {
              retryTimer = null
              void connect()
            }, 1000)
          }
        }
      }
      try {
        ws = openSocket(wsUrl, handlers)
      } catch {
        resolve(null)
      }
    }).finally(() => {
      opening = null
    })
    return opening
  }

  async function callHttp(channel: Channel, req: unknown): Promise<unknown> {
    const res = await fetch(`${httpBase}/api/${channel}`, {
      method: 'POST',
      headers: { 'Content-Type': WIRE_MIME },
      body: encodeMessage(req)
    })
    const body = new Uint8Array(await res.arrayBuffer())
    if (!(res.headers.get('Content-Type') ?? '').startsWith(WIRE_MIME)) {
      throw new Error(`The Kernel Studio server answered ${res.status} ${res.statusText}`.trim())
    }
    const reply = decodeMessage(body) as { ok: true; res: unknown } | { ok: false; error: WireError }
    if (reply.ok) return reply.res
    throw fromWireError(reply.error)
  }

  /** An image upload: the bytes as the request body, which the server streams to disk instead of holding them. */
  async function upload(req: { name: string; bytes: Uint8Array<ArrayBuffer>; doc?: string }): Promise<unknown> {
    const doc = req.doc === undefined ? '' : `&doc=${encodeURIComponent(req.doc)}`
    const res = await fetch(`${httpBase}/api/image:upload?name=${encodeURIComponent(req.name)}${doc}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: req.bytes
    })
    if (!(res.headers.get('Content-Type') ?? '').startsWith(WIRE_MIME)) {
      // Refusals (too large, timed out) are one line of text.
      throw new Error((await res.text()).trim() || `The Kernel Studio server answered ${res.status} ${res.statusText}`.trim())
    }
    const reply = decodeMessage(new Uint8Array(await res.arrayBuffer())) as { ok: true; res: unknown } | { ok: false; error: WireError }
    if (reply.ok) return reply.res
    throw fromWireError(reply.error)
  }

  async function call(channel: Channel, req: unknown): Promise<unknown> {
    if (channel === 'image:upload') return upload(req as { name: string; bytes: Uint8Array<ArrayBuffer>; doc?: string })
    const ws = await connect()
    if (!ws) return callHttp(channel, req)
    const id = nextId++
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject })
      ws.send(encodeMessage({ t: 'call', id, channel, req }))
    })
  }

  const client = {} as Record<string, unknown>
  for (const channel of CHANNELS) client[channel] = (req: unknown) => call(channel, req ?? {})
  client.on = <E extends ApiEvent>(event: E, cb: (payload: ApiEvents[E]) => void): (() => void) => {
    let set = listeners.get(event)
    if (!set) listeners.set(event, (set = new Set()))
    const fn = cb as (payload: unknown) => void
    set.add(fn)
    void connect()
    return () => {
      set.delete(fn)
    }
  }
  return client as Api as ApiClient
}
