// Test helpers: `kernel-studio serve` as a real child process, and raw HTTP/TCP clients for it.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, watch } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BIN, ROOT, ensureCliBuilt } from '../cli/cli'

/** A fixed token, as scripts set it with KERNEL_STUDIO_TOKEN. */
export const TOKEN = 'test-token-0123456789abcdef'

/** A running `kernel-studio serve --port 0`. */
export interface ServeProcess {
  readonly child: ChildProcess
  readonly port: number
  /** The line it printed. */
  readonly line: string
  /** Everything it wrote on stderr so far. */
  stderr(): string
  /** Headers that log a request in (the cookie a browser gets from the printed URL). */
  readonly auth: Record<string, string>
  /** SIGTERM, then waits for the exit; removes its data folder. */
  stop(): Promise<void>
}

/** Starts the built CLI's serve mode with `env` added (KERNEL_STUDIO_TOKEN is {@link TOKEN} unless given). */
export async function startServe(env: Record<string, string> = {}, args: readonly string[] = []): Promise<ServeProcess> {
  ensureCliBuilt()
  const dataDir = mkdtempSync(join(tmpdir(), 'ks-serve-data-'))
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, KERNEL_STUDIO_DATA_DIR: dataDir, KERNEL_STUDIO_TOKEN: TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c))
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}${err}`)), 30_000)
    child.stdout?.setEncoding('utf8').on('data', (c: string) => {
      out += c
      const m = /^Kernel Studio is serving on \S+$/m.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[0])
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`serve exited with ${String(code)}: ${out}${err}`))
    })
  })
  const port = Number(/127\.0\.0\.1:(\d+)\//.exec(line)?.[1])
  return {
    child,
    port,
    line,
    stderr: () => err,
    auth: { Cookie: `kernel-studio-token-${port}=${env.KERNEL_STUDIO_TOKEN ?? TOKEN}` },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit')
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

/** Resident memory of process `pid` now and at its peak (VmRSS, VmHWM), in bytes. */
export function residentBytes(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024
  return { now: kb('VmRSS'), peak: kb('VmHWM') }
}

/** A raw TCP connection to the server. */
export async function rawSocket(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  return socket
}

/** Resolves with everything received once the server closes `socket` (or rejects after `ms`). */
export function closedBy(socket: Socket, ms: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const timer = setTimeout(() => reject(new Error(`the server kept the connection open for ${ms} ms`)), ms)
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('error', () => undefined)
    socket.once('close', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks))
    })
  })
}

/** Sends one HTTP GET of `path` with `headers` and resolves with the status code. */
export function statusOf(port: number, headers: Record<string, string>, path = '/'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end()
  })
}

/**
 * Starts exporting the open image as a 16-bit TIFF to `path` (large enough to be caught mid-write) and does not
 * wait: the caller kills serve meanwhile, so the request's own errors are expected and ignored.
 */
export function startBigExport(port: number, path: string): void {
  const req = httpRequest({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/api/image:export',
    headers: { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }
  })
  req.on('error', () => undefined)
  req.end(JSON.stringify({ filters: [], format: 'tiff', depth: 16, path }))
}

/**
 * Resolves with the first file name in `dir` for which `seen(event, name)` is true, after calling `then(name)`
 * while the file is still being written; null when none came within `ms`.
 */
export function whenFileSeen(
  dir: string,
  seen: (event: string, name: string) => boolean,
  then: (name: string) => void,
  ms = 60_000
): Promise<string | null> {
  return new Promise((resolve) => {
    const watcher = watch(dir, (event, name) => {
      if (!name || !seen(event, name)) return
      watcher.close()
      then(name)
      resolve(name)
    })
    setTimeout(() => {
      watcher.close()
      resolve(null)
    }, ms)
  })
}
