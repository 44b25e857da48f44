// Runs in a dedicated worker (serve mode): holds the WebSocket for socket-relay.ts and passes frames between it and
// the page, transferred rather than copied.
import type { RelayCommand, RelayEvent } from './socket-relay'

/** The worker's global scope, as far as this file uses it (the renderer's types are the page's, not a worker's). */
const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<RelayCommand>) => void) | null
  postMessage(message: RelayEvent, transfer?: Transferable[]): void
}

let socket: WebSocket | null = null

scope.onmessage = (e) => {
  const cmd = e.data
  if (cmd.t === 'send') {
    socket?.send(cmd.data)
    return
  }
  // 'open', sent once, first: this worker holds one connection and ends with it.
  try {
    socket = new WebSocket(cmd.url)
  } catch {
    scope.postMessage({ t: 'close' })
    return
  }
  socket.binaryType = 'arraybuffer'
  socket.onopen = () => scope.postMessage({ t: 'open' })
  socket.onmessage = (m: MessageEvent) => {
    if (m.data instanceof ArrayBuffer) scope.postMessage({ t: 'message', data: m.data }, [m.data])
  }
  socket.onclose = () => scope.postMessage({ t: 'close' })
}
