// Runs in the renderer (serve mode): the server's WebSocket, held by a dedicated worker (socket-relay.worker.ts).
// Receiving a frame of several megabytes costs its receiver's thread time (and, with DevTools attached, the
// inspector encodes every frame there: about 100 ms for a 4.7 MB preview region); in a worker, none of it is the
// page's. Frames cross in both directions as transferred ArrayBuffers, without a copy.

/** What the client hears from its socket. */
export interface SocketHandlers {
  onOpen(): void
  onMessage(data: ArrayBuffer): void
  /** The socket closed, or never opened. Called once. */
  onClose(): void
}

/** An open or opening connection: bytes go out, replies and events come back through its {@link SocketHandlers}. */
export interface ClientSocket {
  /** Sends one message; `bytes` is handed over and must not be used again. */
  send(bytes: Uint8Array<ArrayBuffer>): void
}

/** Opens a socket to `url`; a synchronous throw means it cannot be opened at all. */
export type OpenSocket = (url: string, handlers: SocketHandlers) => ClientSocket

/** From the page to the worker. */
export type RelayCommand = { readonly t: 'open'; readonly url: string } | { readonly t: 'send'; readonly data: ArrayBuffer }

/** From the worker to the page. */
export type RelayEvent = { readonly t: 'open' } | { readonly t: 'message'; readonly data: ArrayBuffer } | { readonly t: 'close' }

/** The socket in its own worker, which ends with the connection. */
export const openRelaySocket: OpenSocket = (url, handlers) => {
  const worker = new Worker(new URL('./socket-relay.worker.ts', import.meta.url), { type: 'module', name: 'kernel-studio-socket' })
  let closed = false
  const close = (): void => {
    if (closed) return
    closed = true
    worker.terminate()
    handlers.onClose()
  }
  worker.onmessage = (e: MessageEvent<RelayEvent>) => {
    const ev = e.data
    if (closed) return
    if (ev.t === 'open') handlers.onOpen()
    else if (ev.t === 'message') handlers.onMessage(ev.data)
    else close()
  }
  // A worker that cannot load (blocked, missing) is a socket that never opened.
  worker.onerror = close
  const post = (cmd: RelayCommand, transfer: Transferable[] = []): void => worker.postMessage(cmd, transfer)
  post({ t: 'open', url })
  return {
    send(bytes) {
      // A view of part of a buffer is copied out first, so only its own bytes travel.
      const data = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer
      post({ t: 'send', data }, [data])
    }
  }
}
