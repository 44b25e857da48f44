// @vitest-environment node
// One broken WebSocket connection must end that connection only: each malformed frame is sent on a raw TCP
// socket to a real `kernel-studio serve` process (a fresh one per case, so each case proves itself), which must
// close that socket and go on answering.
import { randomBytes } from 'node:crypto'
import { WebSocket as WsWebSocket } from 'ws'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { decodeMessage, encodeMessage } from '../../../src/contract/wire'
import { closedBy, rawSocket, startServe, statusOf, type ServeProcess } from './serve-process'

let server: ServeProcess

beforeEach(async () => {
  server = await startServe()
})

afterEach(async () => {
  await server?.stop()
})

/** A client frame: `first` is FIN/RSV/opcode, `length` the raw length field(s), the payload masked unless told. */
function frame(first: number, payload: Buffer, options: { mask?: boolean; length?: number[] } = {}): Buffer {
  const mask = options.mask ?? true
  const length = options.length ?? (payload.length < 126 ? [payload.length] : [126, payload.length >> 8, payload.length & 255])
  const head = Buffer.from([first, (mask ? 0x80 : 0) | length[0], ...length.slice(1)])
  if (!mask) return Buffer.concat([head, payload])
  const key = randomBytes(4)
  const masked = Buffer.from(payload.map((b, i) => b ^ key[i % 4]))
  return Buffer.concat([head, key, masked])
}

/** Opens a WebSocket on a raw socket (logged in) and resolves once the server has answered 101. */
async function handshake(): Promise<import('node:net').Socket> {
  const socket = await rawSocket(server.port)
  socket.write(
    [
      'GET /api/ws HTTP/1.1',
      `Host: 127.0.0.1:${server.port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      `Cookie: ${server.auth.Cookie}`,
      '',
      ''
    ].join('\r\n')
  )
  let head = ''
  await new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer): void => {
      head += c.toString('latin1')
      if (head.includes('\r\n\r\n')) {
        socket.off('data', onData)
        if (head.startsWith('HTTP/1.1 101')) resolve()
        else reject(new Error(`no upgrade: ${head}`))
      }
    }
    socket.on('data', onData)
  })
  return socket
}

/** A real API call over a fresh WebSocket: proves the server still works, not only that the port is open. */
async function wsCall(): Promise<unknown> {
  const ws = new WsWebSocket(`ws://127.0.0.1:${server.port}/api/ws`, { headers: server.auth })
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    const reply = new Promise<unknown>((resolve) => ws.once('message', (data: Buffer) => resolve(decodeMessage(new Uint8Array(data)))))
    ws.send(encodeMessage({ t: 'call', id: 1, channel: 'app:info', req: {} }))
    return await reply
  } finally {
    ws.close()
  }
}

const BAD_FRAMES: [string, Buffer][] = [
  ['an unmasked frame', frame(0x82, Buffer.from('hello'), { mask: false })],
  ['a reserved opcode', frame(0x83, Buffer.from('x'))],
  ['invalid UTF-8 in a text message', frame(0x81, Buffer.from([0xff, 0xfe, 0xfd]))],
  // What picking a 520 MB image did: one message over the size limit (its length field says 520 MiB).
  ['a message over the size limit', Buffer.concat([frame(0x82, Buffer.alloc(0), { length: [127, 0, 0, 0, 0, 0x20, 0x80, 0, 0] }).subarray(0, 10), Buffer.alloc(4), Buffer.alloc(65536)])],
  ['a length beyond 2^53', frame(0x82, Buffer.alloc(0), { length: [127, 0, 0x40, 0, 0, 0, 0, 0, 0] })],
  ['RSV1 set without an extension', frame(0xc2, Buffer.from('x'))],
  ['a fragmented control frame', frame(0x09, Buffer.alloc(0))],
  ['a control frame over 125 bytes', frame(0x89, Buffer.alloc(126))],
  ['a close frame with an invalid code', frame(0x88, Buffer.from([0x03, 0xe7]))],
  ['a continuation with nothing to continue', frame(0x80, Buffer.from('a'))],
  ['a new message inside a fragmented one', Buffer.concat([frame(0x02, Buffer.from('a')), frame(0x82, Buffer.from('b'))])]
]

describe('serve mode and broken WebSocket frames', () => {
  for (const [what, bytes] of BAD_FRAMES) {
    it(`closes the connection that sent ${what}, and keeps serving`, async () => {
      const socket = await handshake()
      const closed = closedBy(socket, 5000)
      socket.write(bytes)
      await closed
      expect(server.child.exitCode).toBeNull()
      expect(await statusOf(server.port, server.auth)).toBe(200)
    })
  }

  it('survives connections reset in the middle of a handshake and of a frame', async () => {
    const half = await rawSocket(server.port)
    half.write(`GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`)
    await new Promise((r) => setTimeout(r, 50))
    half.resetAndDestroy()
    const mid = await handshake()
    mid.write(frame(0x82, Buffer.alloc(1000)).subarray(0, 500))
    await new Promise((r) => setTimeout(r, 50))
    mid.resetAndDestroy()
    await new Promise((r) => setTimeout(r, 200))
    expect(server.child.exitCode).toBeNull()
    expect(await statusOf(server.port, server.auth)).toBe(200)
  })

  it('answers API calls over a new WebSocket after every kind of broken frame, without a word on stderr', async () => {
    for (const [, bytes] of BAD_FRAMES) {
      const socket = await handshake()
      const closed = closedBy(socket, 5000)
      socket.write(bytes)
      await closed
    }
    expect(await wsCall()).toMatchObject({ t: 'reply', id: 1, ok: true, res: { shell: 'serve' } })
    expect(server.child.exitCode).toBeNull()
    expect(server.stderr()).toBe('')
  })
})
