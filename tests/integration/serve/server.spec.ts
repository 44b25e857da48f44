// @vitest-environment node
// Serve mode for real: the HTTP/WebSocket server on 127.0.0.1 with a real engine host child process.
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocket as WsWebSocket } from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiClient, PreviewResult } from '../../../src/contract/api'
import { hostScriptPath, samplesDir } from '../../../src/io/package-paths'
import { WIRE_MIME, decodeMessage, encodeMessage } from '../../../src/contract/wire'
import type { FilterSpec } from '../../../src/engine/types'
import { runStack } from '../../../src/runtime/run-stack'
import { decodeImage } from '../../../src/io/decode-image'
import { authCookieName } from '../../../src/serve/auth'
import { startServer, type RunningServer } from '../../../src/serve/server'

// The renderer's own serve-mode client, loaded at run time: it is browser code (DOM types), outside the Node
// side's type-check. In the browser its WebSocket lives in a worker (the e2e tests run that); here the `ws`
// package's WebSocket is opened in its place, through the same interface (socket-relay.ts).
const clientModule = '../../../src/renderer/services/serve-client'
interface SocketHandlers {
  onOpen(): void
  onMessage(data: ArrayBuffer): void
  onClose(): void
}
type OpenSocket = (url: string, handlers: SocketHandlers) => { send(bytes: Uint8Array<ArrayBuffer>): void }
type CreateServeClient = (base: { host: string; protocol: string }, openSocket: OpenSocket) => ApiClient

let dir: string
let renderer: string
let server: RunningServer
let base: string
const sample = join(samplesDir(), 'chelsea.png')

/** The cookie a browser gets by opening the printed URL. */
const session = (): Record<string, string> => ({ Cookie: `${authCookieName(server.port)}=${server.token}` })

/** Raw HTTP, so tests can send any Host and Origin headers (fetch forbids setting Host); logged in unless told. */
function get(
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
  body?: Uint8Array | string
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, method, headers: { Host: `127.0.0.1:${server.port}`, ...session(), ...headers } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

beforeAll(async () => {
  if (!existsSync(hostScriptPath())) throw new Error(`${hostScriptPath()} is missing: run npm run build:node before these tests`)
  dir = await mkdtemp(join(tmpdir(), 'ks-serve-'))
  // A stand-in for the built renderer: the server's job is to serve whatever the build wrote.
  renderer = join(dir, 'renderer')
  await mkdir(join(renderer, 'assets'), { recursive: true })
  await writeFile(join(renderer, 'index.html'), '<!doctype html><title>Kernel Studio</title><script type="module" src="/assets/app.js"></script>')
  await writeFile(join(renderer, 'assets', 'app.js'), 'console.log("hi")\n')
  await writeFile(join(dir, 'secret.txt'), 'outside the renderer folder')
  server = await startServer({ port: 0, open: sample, rendererDir: renderer, dataDir: join(dir, 'data') })
  base = `http://127.0.0.1:${server.port}`
})

afterAll(async () => {
  await server?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('serve mode', () => {
  it('listens on 127.0.0.1 on the port it picked and opened --open', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`)
    expect(server.token).toMatch(/^[0-9a-f]{48}$/)
    expect(server.port).toBeGreaterThan(0)
    const info = await server.api['image:current']({})
    expect(info).toMatchObject({ name: 'chelsea.png', path: sample })
  })

  it('serves index.html and assets with a strict CSP', async () => {
    const page = await get('/')
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    expect(page.body.toString()).toContain('<title>Kernel Studio</title>')
    const csp = String(page.headers['content-security-policy'])
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/)
    expect(csp).toContain("frame-ancestors 'none'")
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    const js = await get('/assets/app.js')
    expect(js.status).toBe(200)
    expect(js.headers['content-type']).toMatch(/^text\/javascript/)
  })

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const res = await get(path)
      expect(res.status).toBe(404)
      expect(res.body.toString()).not.toContain('outside the renderer')
    }
  })

  it('rejects a foreign Host (DNS rebinding) and a foreign Origin with 403', async () => {
    expect((await get('/', { Host: 'evil.example:' + server.port })).status).toBe(403)
    expect((await get('/', { Host: '127.0.0.1:1' })).status).toBe(403)
    expect((await get('/', { Host: `localhost:${server.port}` })).status).toBe(200)
    const call = (origin: string) =>
      get('/api/app:info', { Origin: origin, 'Content-Type': 'application/json' }, 'POST', '{}').then((r) => r.status)
    expect(await call('http://evil.example')).toBe(403)
    expect(await call(`http://127.0.0.1:${server.port + 1}`)).toBe(403)
    expect(await call('null')).toBe(403)
    expect(await call(base)).toBe(200)
    expect(await call(`http://localhost:${server.port}`)).toBe(200)
  })

  it('refuses a WebSocket from another origin', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const ws = new WsWebSocket(`ws://127.0.0.1:${server.port}/api/ws`, { origin: 'http://evil.example', headers: session() })
      ws.on('open', () => {
        ws.close()
        resolve('open')
      })
      ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)))
      ws.on('error', () => resolve('error'))
    })
    expect(outcome).toBe('403')
  })

  it('answers API calls over HTTP in the binary format and in JSON', async () => {
    const wire = await get('/api/app:info', { 'Content-Type': WIRE_MIME, Origin: base }, 'POST', encodeMessage({}))
    expect(wire.headers['content-type']).toBe(WIRE_MIME)
    const reply = decodeMessage(new Uint8Array(wire.body)) as { ok: boolean; res: { shell: string; samples: { id: string }[] } }
    expect(reply.ok).toBe(true)
    expect(reply.res.shell).toBe('serve')
    expect(reply.res.samples.map((s) => s.id)).toContain('astronaut')

    const bad = await get('/api/image:preview', { 'Content-Type': 'application/json' }, 'POST', JSON.stringify({ requestId: 1, filters: [], maxWidth: 0, maxHeight: 10 }))
    const error = JSON.parse(bad.body.toString()) as { ok: boolean; error: { message: string } }
    expect(error.ok).toBe(false)
    expect(error.error.message).toMatch(/^image:preview: maxWidth: /)
    expect((await get('/api/no:such', { 'Content-Type': 'application/json' }, 'POST', '{}')).body.toString()).toContain('unknown API call')
    expect((await get('/api/app:info')).status).toBe(405)
  })

  it('round-trips the API through the renderer client over the WebSocket', async () => {
    const savedFetch = globalThis.fetch
    // What the browser's cookie does, for the WebSocket and fetch: carry the token.
    const bearer = { Authorization: `Bearer ${server.token}` }
    const openSocket: OpenSocket = (url, handlers) => {
      const ws = new WsWebSocket(url, { headers: bearer })
      ws.binaryType = 'arraybuffer'
      ws.on('open', () => handlers.onOpen())
      ws.on('message', (data) => handlers.onMessage(data as ArrayBuffer))
      ws.on('close', () => handlers.onClose())
      ws.on('error', () => undefined)
      return { send: (bytes) => ws.send(bytes) }
    }
    globalThis.fetch = (input, init) => savedFetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers)), ...bearer } })
    const { createServeClient } = (await import(/* @vite-ignore */ clientModule)) as { createServeClient: CreateServeClient }
    const client = createServeClient({ host: `127.0.0.1:${server.port}`, protocol: 'http:' }, openSocket)
    const progress: number[] = []
    const off = client.on('job:progress', (p) => {
      if (p.job === 'export') progress.push(p.fraction)
    })
    try {
      const info = await client['image:open']({ sample: 'chelsea' })
      expect(info?.name).toBe('chelsea.png')
      const filters: FilterSpec[] = [{ preset: 'gaussian-blur' }]
      const preview = await client['image:preview']({ requestId: 5, filters, maxWidth: 200, maxHeight: 200 })
      expect(preview.requestId).toBe(5)
      expect(preview.image.rgba).toBeInstanceOf(Uint8Array)
      expect(preview.image.rgba.length).toBe(preview.image.width * preview.image.height * 4)
      expect(Math.max(preview.image.width, preview.image.height)).toBe(200)

      // Newer cancels older, and the name survives the trip.
      const older = client['image:preview']({ requestId: 6, filters, maxWidth: 300, maxHeight: 300 })
      const newer = client['image:preview']({ requestId: 7, filters, maxWidth: 300, maxHeight: 300 })
      await expect(older).rejects.toMatchObject({ name: 'AbortError' })
      expect((await newer).requestId).toBe(7)

      // Export without a path: the bytes come back for a browser download.
      const exported = await client['image:export']({ filters, format: 'png' })
      expect(exported?.path).toBeUndefined()
      expect(exported?.fileName).toBe('chelsea-edited.png')
      const got = (await decodeImage(exported?.bytes as Uint8Array)).image
      const want = await runStack((await decodeImage(sample)).image, filters)
      expect(Buffer.from(got.data).equals(Buffer.from(want.data))).toBe(true)
      expect(progress.at(-1)).toBe(1)

      // Upload, as the file picker does.
      const uploaded = await client['image:upload']({ name: 'mine.png', bytes: new Uint8Array(await readFile(sample)) })
      expect(uploaded).toMatchObject({ name: 'mine.png', width: info?.width })
      expect(uploaded.path).toBeUndefined()

      // A bad call is a one-line error, not a broken connection.
      await expect(client['image:open']({ path: join(dir, 'secret.txt') })).rejects.toThrow(/^cannot read secret\.txt: /)
      expect((await client['app:info']({})).shell).toBe('serve')
    } finally {
      off()
      globalThis.fetch = savedFetch
    }
  })

  it('sends a region preview as one binary WebSocket frame of raw pixels, equal to that part of the full result', async () => {
    const ws = new WsWebSocket(`ws://127.0.0.1:${server.port}/api/ws`, { origin: base, headers: session() })
    const frames: { data: Buffer; binary: boolean }[] = []
    const waiters: (() => void)[] = []
    ws.on('message', (data: Buffer, binary: boolean) => {
      frames.push({ data, binary })
      waiters.shift()?.()
    })
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    let id = 0
    const call = async (channel: string, req: unknown): Promise<{ res: unknown; frame: { data: Buffer; binary: boolean } }> => {
      const mine = ++id
      ws.send(encodeMessage({ t: 'call', id: mine, channel, req }))
      for (;;) {
        const frame = frames.find((f) => (decodeMessage(new Uint8Array(f.data)) as { id?: number }).id === mine)
        if (frame) {
          const reply = decodeMessage(new Uint8Array(frame.data)) as { ok: boolean; res: unknown; error?: { message: string } }
          if (!reply.ok) throw new Error(reply.error?.message)
          return { res: reply.res, frame }
        }
        await new Promise<void>((resolve) => waiters.push(resolve))
      }
    }
    try {
      await call('image:open', { sample: 'chelsea' })
      const filters: FilterSpec[] = [{ preset: 'unsharp-mask' }]
      const whole = (await call('image:preview', { requestId: 1, filters, maxWidth: 4096, maxHeight: 4096 })).res as PreviewResult
      const region = { x: 100, y: 60, width: 200, height: 150 }
      const { res, frame } = await call('image:preview', { requestId: 2, filters, maxWidth: 4096, maxHeight: 4096, region })
      const part = res as PreviewResult
      expect(frame.binary).toBe(true)
      const pixels = region.width * region.height * 4
      // Raw bytes plus a small JSON header: never base64, never a JSON array of numbers.
      expect(frame.data.byteLength).toBeGreaterThanOrEqual(pixels)
      expect(frame.data.byteLength).toBeLessThan(pixels + 1024)
      expect(part.region).toEqual(region)
      const expected = Buffer.alloc(pixels)
      for (let r = 0; r < region.height; r++) {
        const from = ((region.y + r) * whole.image.width + region.x) * 4
        Buffer.from(whole.image.rgba.subarray(from, from + region.width * 4)).copy(expected, r * region.width * 4)
      }
      expect(Buffer.from(part.image.rgba).equals(expected)).toBe(true)
    } finally {
      ws.close()
    }
  })

  it('refuses every request without the token, in one line: 401 without credentials, 403 with wrong ones', async () => {
    const anonymous = { Cookie: '' }
    for (const [path, method] of [['/', 'GET'], ['/assets/app.js', 'GET'], ['/favicon.ico', 'GET'], ['/api/app:info', 'POST']] as const) {
      const res = await get(path, { ...anonymous, 'Content-Type': 'application/json' }, method, method === 'POST' ? '{}' : undefined)
      expect(res.status).toBe(401)
      expect(res.body.toString()).toMatch(/^Unauthorized: [^\n]+\n$/)
    }
    const wrong = 'f'.repeat(48)
    expect((await get('/', { Cookie: `${authCookieName(server.port)}=${wrong}` })).status).toBe(403)
    // Another server's cookie (another port) is not this one's.
    expect((await get('/', { Cookie: `${authCookieName(server.port + 1)}=${server.token}` })).status).toBe(401)
    expect((await get('/', { Authorization: `Bearer ${wrong}`, Cookie: '' })).status).toBe(403)
    expect((await get(`/?token=${wrong}`, anonymous)).status).toBe(403)
    const bearer = await get('/api/app:info', { ...anonymous, Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' }, 'POST', '{}')
    expect(bearer.status).toBe(200)
  })

  it('exchanges the token in the printed URL for an HttpOnly SameSite=Strict cookie and a redirect without it', async () => {
    const login = await get(new URL(server.url).pathname + new URL(server.url).search, { Cookie: '' })
    expect(login.status).toBe(303)
    expect(login.headers.location).toBe('/')
    const cookie = String(login.headers['set-cookie'])
    expect(cookie).toMatch(new RegExp(`^${authCookieName(server.port)}=${server.token}; `))
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    expect(cookie).toContain('Path=/')
    const page = await get('/', { Cookie: cookie.split(';')[0] })
    expect(page.status).toBe(200)
    expect(page.body.toString()).toContain('<title>Kernel Studio</title>')
    // Other parameters survive; only the token leaves the address.
    const deep = await get(`/assets/app.js?v=2&token=${server.token}`, { Cookie: '' })
    expect(deep.status).toBe(303)
    expect(deep.headers.location).toBe('/assets/app.js?v=2')
  })

  it('refuses a WebSocket without the token (401) or with a wrong one (403), and accepts the cookie', async () => {
    const attempt = (headers: Record<string, string>): Promise<string> =>
      new Promise<string>((resolve) => {
        const ws = new WsWebSocket(`ws://127.0.0.1:${server.port}/api/ws`, { origin: base, headers })
        ws.on('open', () => {
          ws.close()
          resolve('open')
        })
        ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)))
        ws.on('error', () => resolve('error'))
      })
    expect(await attempt({})).toBe('401')
    expect(await attempt({ Cookie: `${authCookieName(server.port)}=${'0'.repeat(48)}` })).toBe('403')
    expect(await attempt(session())).toBe('open')
  })

  it('makes a new token at each start', async () => {
    const other = await startServer({ port: 0, rendererDir: renderer, dataDir: null })
    try {
      expect(other.token).not.toBe(server.token)
      expect(other.token).toMatch(/^[0-9a-f]{48}$/)
    } finally {
      await other.close()
    }
  })

  it('never quotes a file in an error: recipe:open on a password file or a JSON file of secrets', async () => {
    await writeFile(join(dir, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n')
    await writeFile(join(dir, 'config.json'), JSON.stringify({ format: 'hunter2-secret', apiKey: 'hunter2-secret' }))
    for (const name of ['passwd', 'config.json']) {
      const res = await get('/api/recipe:open', { 'Content-Type': 'application/json' }, 'POST', JSON.stringify({ path: join(dir, name) }))
      const reply = JSON.parse(res.body.toString()) as { ok: boolean; error: { message: string } }
      expect(reply.ok).toBe(false)
      expect(reply.error.message).toMatch(new RegExp(`^${name.replace('.', '\\.')}: `))
      expect(reply.error.message).not.toMatch(/root|hunter2|apiKey/)
    }
  })

  it('says clearly when the port is busy', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    try {
      await expect(startServer({ port, rendererDir: renderer, dataDir: null })).rejects.toThrow(
        new RegExp(`^port ${port} is already in use`)
      )
    } finally {
      blocker.close()
    }
  })

  it('says clearly when --open cannot be read, and when the UI is not built', async () => {
    await expect(startServer({ port: 0, open: join(dir, 'nope.png'), rendererDir: renderer, dataDir: null })).rejects.toThrow(
      /^cannot read nope\.png: no such file$/
    )
    await expect(startServer({ port: 0, rendererDir: join(dir, 'empty'), dataDir: null })).rejects.toThrow(/^the UI is not built/)
  })
})
