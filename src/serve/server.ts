// Runs in Node (serve mode): the built renderer and the typed API on 127.0.0.1, over HTTP and one WebSocket.
import { createReadStream, existsSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { Api, ApiEvent, ApiEvents } from '../contract/api'
import { toWireError } from '../contract/errors'
import { callHandler, createHandlers } from '../api/handlers'
import { HostClient, forkHost } from '../host/client'
import { defaultDataDir, hostScriptPath, rendererDir as defaultRendererDir } from '../io/package-paths'
import { MAX_UPLOAD_BYTES } from '../api/validate'
import { BatchRuns, forkBatchProcess } from '../api/batch-runs'
import { sweepExportFolders } from '../api/export-folders'
import { WIRE_MIME, WS_PATH, decodeMessage, encodeMessage, type WireCall, type WireError } from '../contract/wire'
import { rejectReason, securityHeaders } from './security'
import { authCookie, authenticate, createToken } from './auth'
import { createUploadArea, megabytes, UploadError, type UploadArea } from './upload'

/** Options of {@link startServer}. */
export interface ServeOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  readonly port?: number
  /** Image opened at start (a path). */
  readonly open?: string
  /** Interface to bind. Only loopback is allowed. @default '127.0.0.1' */
  readonly host?: '127.0.0.1'
  /** The built renderer. @default out/renderer */
  readonly rendererDir?: string
  /** The built engine host script. @default out/node/host.js */
  readonly hostScript?: string
  /** Recent files and personal gallery; null keeps them in memory. @default defaultDataDir() */
  readonly dataDir?: string | null
  /** Sample photos. @default resources/samples */
  readonly samplesDir?: string
  /** The secret every request must carry (see ./auth). @default a new random token */
  readonly token?: string
  /**
   * Longest silence while a request's headers or body are arriving; the connection is closed after it.
   * @default 30000
   */
  readonly requestTimeoutMs?: number
}

/** Largest API message other than an image upload (a recipe, a stack of large kernels, the gallery). */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024

/** Default of {@link ServeOptions.requestTimeoutMs}. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000

/** A running server. */
export interface RunningServer {
  /** `http://127.0.0.1:PORT/?token=...`: the address to open (it logs the browser in). */
  readonly url: string
  /** `http://127.0.0.1:PORT` */
  readonly origin: string
  readonly port: number
  /** The secret requests carry (in the cookie the URL sets, or `Authorization: Bearer`). */
  readonly token: string
  /** The handlers it serves (tests call them directly too). */
  readonly api: Api
  /** The engine host client (tests kill its process to check restarts). */
  readonly host: HostClient
  /** Stops listening, closes sockets and ends the engine host. */
  close(): Promise<void>
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8'
}

/** JSON for curl users: bytes as `{ "$base64": "..." }` both ways. */
function toJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const rawValue = this[key]
    if (rawValue instanceof Uint8Array) return { $base64: Buffer.from(rawValue.buffer, rawValue.byteOffset, rawValue.byteLength).toString('base64') }
    return v
  })
}

function fromJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { $base64?: unknown }).$base64 === 'string') {
      return new Uint8Array(Buffer.from((v as { $base64: string }).$base64, 'base64'))
    }
    return v
  })
}

/**
 * Reads a request body up to `limit` bytes; rejects with status 413 beyond it (before reading anything when the
 * declared length says so), and with 408 when nothing arrives for `idleMs`.
 */
function readBody(req: IncomingMessage, limit: number, idleMs: number): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const tooLarge = (): UploadError => new UploadError(`the request is larger than the ${megabytes(limit)} limit`, 413)
    if (Number(req.headers['content-length']) > limit) {
      reject(tooLarge())
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.setTimeout(idleMs, () => {
      reject(new UploadError(`the request stopped (nothing received for ${idleMs / 1000} s)`, 408))
      req.destroy()
    })
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        chunks.length = 0
        req.setTimeout(0)
        reject(tooLarge())
        req.pause()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      req.setTimeout(0)
      resolvePromise(Buffer.concat(chunks))
    })
    req.on('error', reject)
  })
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening)
      if (err.code === 'EADDRINUSE') reject(new Error(`port ${port} is already in use (choose another with --port, or --port 0 for a free one)`))
      else if (err.code === 'EACCES') reject(new Error(`not allowed to listen on port ${port} (ports below 1024 need privileges; try --port 0)`))
      else reject(new Error(`cannot listen on ${host}:${port}: ${err.message}`))
    }
    const onListening = (): void => {
      server.off('error', onError)
      const address = server.address()
      resolvePromise(typeof address === 'object' && address ? address.port : port)
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(port, host)
  })
}

/**
 * Starts serve mode: forks the engine host, opens `open` if given, and serves the renderer plus the API on
 * 127.0.0.1 only. API: `POST /api/<channel>` (body and answer in the binary wire format, or JSON with
 * `{ "$base64": ... }` bytes when sent as application/json) and a WebSocket at `/api/ws` for calls and events.
 * Requests whose Host or Origin is not this server get 403. Rejects with a one-line error when the renderer or
 * the host is not built, the port is busy, or the image cannot be opened.
 */
export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const bindHost = options.host ?? '127.0.0.1'
  if (bindHost !== '127.0.0.1') throw new Error('serve mode binds 127.0.0.1 only')
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`port must be an integer from 0 to 65535, got ${String(port)}`)
  const root = resolve(options.rendererDir ?? defaultRendererDir())
  if (!existsSync(join(root, 'index.html'))) {
    throw new Error(`the UI is not built (${join(root, 'index.html')} is missing): run npm run build:app`)
  }
  const token = options.token ?? createToken()
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
  if (!(requestTimeoutMs > 0)) throw new Error(`the request timeout must be a positive number of milliseconds, got ${String(requestTimeoutMs)}`)
  const script = options.hostScript ?? hostScriptPath()
  const uploads: UploadArea = await createUploadArea()
  /** Per document (browser tab), the file of the last image uploaded and opened: the host re-opens from it. */
  const currentUploads = new Map<string, string>()
  const host = new HostClient(() => forkHost(script))
  host.start()

  const sockets = new Set<WebSocket>()
  const emit = <E extends ApiEvent>(event: E, payload: ApiEvents[E]): void => {
    const frame = encodeMessage({ t: 'event', event, payload })
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame)
  }
  const batches = new BatchRuns(() => forkBatchProcess(), (progress) => emit('batch:progress', progress))
  const dataDir = options.dataDir === undefined ? defaultDataDir() : options.dataDir
  // Temp files of exports whose writer and watchdog were both killed: gone before anything new is written there.
  void sweepExportFolders(dataDir)
  const api = createHandlers({
    shell: 'serve',
    host,
    emit,
    batches,
    samplesDir: options.samplesDir,
    dataDir,
    uploadDir: uploads.dir,
    initialImage: options.open
  })

  try {
    // Every tab starts with it; opened once now so that a bad file stops the server with its one-line error.
    if (options.open !== undefined) await api['image:open']({ path: options.open })
  } catch (err) {
    host.close()
    uploads.dispose()
    throw new Error(toWireError(err).message)
  }

  let actualPort = port
  const headers = (): Record<string, string> => securityHeaders(actualPort)

  function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array): void {
    res.writeHead(status, { ...headers(), 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' })
    res.end(body)
  }

  /**
   * Answers with one line and closes the connection. The body may still be arriving: it is read and dropped
   * (never stored) until the answer is out, so the client sees the answer rather than a reset.
   */
  function refuse(req: IncomingMessage, res: ServerResponse, status: number, message: string): void {
    if (res.headersSent || res.destroyed) {
      req.destroy()
      return
    }
    req.removeAllListeners('data')
    req.resume()
    res.setHeader('Connection', 'close')
    send(res, status, 'text/plain; charset=utf-8', `${message}\n`)
  }

  /**
   * `POST /api/image:upload?name=NAME` with the file as an `application/octet-stream` body: streamed into the
   * upload folder, then opened by the engine host from there for document `?doc=` (a browser tab). That tab's
   * previous upload goes once the new one is open (until then, a host restart re-opens from it).
   */
  async function serveUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams
    const name = query.get('name') ?? ''
    const doc = query.get('doc') ?? undefined
    if (name === '' || name.length > 255) {
      refuse(req, res, 400, 'image:upload: name: give the file name as ?name= (1 to 255 characters)')
      return
    }
    let file: string
    try {
      file = await uploads.receive(req, MAX_UPLOAD_BYTES, requestTimeoutMs)
    } catch (err) {
      refuse(req, res, err instanceof UploadError ? err.status : 400, `image:upload: ${toWireError(err).message}`)
      return
    }
    let reply: { ok: true; res: unknown } | { ok: false; error: WireError }
    try {
      reply = { ok: true, res: await callHandler(api, 'image:upload', { name, file, doc }) }
      const previous = currentUploads.get(doc ?? '')
      currentUploads.set(doc ?? '', file)
      if (previous) await uploads.remove(previous)
    } catch (err) {
      await uploads.remove(file)
      reply = { ok: false, error: toWireError(err) }
    }
    send(res, 200, WIRE_MIME, encodeMessage(reply))
  }

  async function serveApi(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST')
      refuse(req, res, 405, 'API calls use POST')
      return
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
    if (channel === 'image:upload' && type === 'application/octet-stream') return serveUpload(req, res)
    const json = type === 'application/json'
    if (!json && type !== WIRE_MIME) {
      refuse(req, res, 415, `send ${WIRE_MIME} or application/json (or an image:upload as application/octet-stream)`)
      return
    }
    let request: unknown
    try {
      const body = await readBody(req, MAX_MESSAGE_BYTES, requestTimeoutMs)
      request = json ? (body.length === 0 ? {} : fromJson(body.toString('utf8'))) : decodeMessage(new Uint8Array(body.buffer, body.byteOffset, body.length))
    } catch (err) {
      refuse(req, res, err instanceof UploadError ? err.status : 400, toWireError(err).message)
      return
    }
    let reply: { ok: true; res: unknown } | { ok: false; error: WireError }
    try {
      reply = { ok: true, res: await callHandler(api, channel, request) }
    } catch (err) {
      reply = { ok: false, error: toWireError(err) }
    }
    if (json) send(res, 200, 'application/json; charset=utf-8', toJson(reply))
    else send(res, 200, WIRE_MIME, encodeMessage(reply))
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n')
      return
    }
    let relative: string
    try {
      relative = decodeURIComponent(pathname)
    } catch {
      send(res, 400, 'text/plain; charset=utf-8', 'bad path\n')
      return
    }
    if (relative.endsWith('/')) relative += 'index.html'
    const file = normalize(join(root, relative))
    if (file !== root && !file.startsWith(root + sep)) {
      send(res, 404, 'text/plain; charset=utf-8', 'not found\n')
      return
    }
    const info = await stat(file).catch(() => null)
    if ((!info || !info.isFile()) && relative === '/favicon.ico') {
      // Browsers ask for it whether the page names an icon or not; no icon is not an error worth logging.
      res.writeHead(204, headers())
      res.end()
      return
    }
    if (!info || !info.isFile()) {
      send(res, 404, 'text/plain; charset=utf-8', 'not found\n')
      return
    }
    const ext = extname(file).toLowerCase()
    // Hashed build assets never change under the same name; the page itself must always be fresh.
    const cache = ext === '.html' ? 'no-cache' : relative.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'
    res.writeHead(200, {
      ...headers(),
      'Content-Type': MIME[ext] ?? 'application/octet-stream',
      'Content-Length': info.size,
      'Cache-Control': cache
    })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    createReadStream(file).on('error', () => res.destroy()).pipe(res)
  }

  const server = createServer(
    {
      // Headers must arrive within the timeout; a body is watched by its own idle timer (readBody, uploads), so
      // a large upload that keeps flowing is never cut, while a silent one is.
      headersTimeout: requestTimeoutMs,
      requestTimeout: 0,
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(requestTimeoutMs / 4)))
    },
    (req, res) => {
      const refusal = rejectReason(req.headers, actualPort)
      if (refusal) {
        refuse(req, res, 403, `Forbidden: ${refusal}`)
        return
      }
      const auth = authenticate(req.headers, req.url ?? '/', actualPort, token)
      if (auth.kind === 'refuse') {
        refuse(req, res, auth.status, `${auth.status === 401 ? 'Unauthorized' : 'Forbidden'}: ${auth.message}`)
        return
      }
      const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
      if (auth.kind === 'login' && (req.method === 'GET' || req.method === 'HEAD') && !pathname.startsWith('/api/')) {
        // The token leaves the address bar (and the history) at once; the cookie carries it from now on.
        res.writeHead(303, { ...headers(), Location: auth.location, 'Set-Cookie': authCookie(actualPort, token), 'Cache-Control': 'no-store', 'Content-Length': 0 })
        res.end()
        return
      }
      const api = /^\/api\/([a-z]+:[a-z]+)$/.exec(pathname)
      const work = api ? serveApi(req, res, api[1]) : pathname.startsWith('/api/') ? Promise.resolve(send(res, 404, 'text/plain; charset=utf-8', 'unknown API call\n')) : serveStatic(req, res, pathname)
      work.catch((err: unknown) => {
        if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `${toWireError(err).message}\n`)
        else res.destroy()
      })
    }
  )

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  server.on('upgrade', (req, socket, head) => {
    // Node hands the socket over without its error listener: a client that resets it must not end the server.
    socket.on('error', () => socket.destroy())
    const refusal = rejectReason(req.headers, actualPort)
    const auth = authenticate(req.headers, req.url ?? '/', actualPort, token)
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    const [status, message] = refusal
      ? ['403 Forbidden', `Forbidden: ${refusal}`]
      : auth.kind === 'refuse'
        ? [`${auth.status} ${auth.status === 401 ? 'Unauthorized' : 'Forbidden'}`, `${auth.status === 401 ? 'Unauthorized' : 'Forbidden'}: ${auth.message}`]
        : pathname !== WS_PATH
          ? ['404 Not Found', 'not found']
          : [null, '']
    if (status) {
      const body = Buffer.from(`${message}\n`)
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\n\r\n${body.toString()}`)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws)
      ws.on('close', () => sockets.delete(ws))
      // A protocol error (oversized or malformed frame, bad UTF-8...) ends this connection only: without a
      // listener it would end the process. ws has sent the close code (1002, 1007, 1009...); a peer that does not
      // answer it is cut off after a second instead of ws's 30.
      ws.on('error', () => setTimeout(() => ws.terminate(), 1000).unref())
      ws.on('message', (data: RawData, isBinary: boolean) => {
        if (!isBinary) return
        const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)
        let call: WireCall
        try {
          call = decodeMessage(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)) as WireCall
          if (call?.t !== 'call' || typeof call.id !== 'number' || typeof call.channel !== 'string') throw new Error('not a call')
        } catch {
          ws.close(1003, 'bad message')
          return
        }
        callHandler(api, call.channel, call.req).then(
          (res) => {
            if (ws.readyState === ws.OPEN) ws.send(encodeMessage({ t: 'reply', id: call.id, ok: true, res }))
          },
          (err: unknown) => {
            if (ws.readyState === ws.OPEN) ws.send(encodeMessage({ t: 'reply', id: call.id, ok: false, error: toWireError(err) }))
          }
        )
      })
    })
  })

  try {
    actualPort = await listen(server, port, bindHost)
  } catch (err) {
    host.close()
    uploads.dispose()
    throw err
  }

  let closing: Promise<void> | null = null
  return {
    url: `http://127.0.0.1:${actualPort}/?token=${token}`,
    origin: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    token,
    api,
    host,
    close() {
      closing ??= new Promise<void>((done) => {
        for (const ws of sockets) ws.terminate()
        wss.close()
        server.close(() => done())
        server.closeAllConnections()
        host.close()
        batches.close()
        uploads.dispose()
      })
      return closing
    }
  }
}
