// @vitest-environment node
// Uploads and slow requests against a real `kernel-studio serve` process: bodies stream to a private temporary
// folder within a size cap (the server's memory is read from /proc while 520 MB arrive), silent requests are
// closed after KERNEL_STUDIO_REQUEST_TIMEOUT, and the folder is cleaned up, also after a kill -9.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeMessage } from '../../../src/contract/wire'
import { SAMPLES } from '../cli/cli'
import { closedBy, rawSocket, residentBytes, startServe, statusOf, type ServeProcess } from './serve-process'

const MB = 1024 * 1024
/** The folder holding every serve process's upload folder (see src/serve/upload.ts). */
const ROOT = join(tmpdir(), `kernel-studio-serve-${process.getuid?.() ?? 0}`)

let server: ServeProcess

/** This server's upload folder and the files in it. */
function uploadFiles(pid: number): string[] {
  const mine = readdirSync(ROOT).filter((name) => name.startsWith(`${pid}-`))
  expect(mine).toHaveLength(1)
  return readdirSync(join(ROOT, mine[0]))
}

/** POSTs `total` bytes in 1 MiB chunks (chunked, no length) and samples the server's memory meanwhile. */
function streamUpload(port: number, auth: Record<string, string>, total: number, pid: number): Promise<{ status: number; body: string; peakRss: number }> {
  return new Promise((resolve, reject) => {
    let peakRss = 0
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, residentBytes(pid).now)), 25)
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/image:upload?name=huge.png',
        headers: { Host: `127.0.0.1:${port}`, 'Content-Type': 'application/octet-stream', ...auth }
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (c: string) => (body += c))
        res.on('end', () => {
          clearInterval(sampler)
          resolve({ status: res.statusCode ?? 0, body, peakRss: Math.max(peakRss, residentBytes(pid).now) })
        })
      }
    )
    // The server may close while we still write: the answer is what counts.
    req.on('error', (err) => {
      clearInterval(sampler)
      reject(err)
    })
    const chunk = Buffer.alloc(MB, 7)
    let sent = 0
    const pump = (): void => {
      while (sent < total) {
        sent += chunk.length
        if (!req.write(chunk)) {
          req.once('drain', pump)
          return
        }
      }
      req.end()
    }
    pump()
  })
}

beforeAll(async () => {
  server = await startServe({ KERNEL_STUDIO_REQUEST_TIMEOUT: '1' })
})

afterAll(async () => {
  await server?.stop()
})

describe('serve mode uploads and slow requests', () => {
  it('streams an upload to a temporary file, opens it, and keeps only the current one', async () => {
    const upload = async (name: string): Promise<{ ok: boolean; res?: { name: string; width: number; path?: string }; error?: { message: string } }> => {
      const res = await fetch(`http://127.0.0.1:${server.port}/api/image:upload?name=${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream', Authorization: `Bearer ${server.auth.Cookie.split('=')[1]}` },
        body: readFileSync(join(SAMPLES, 'chelsea.png'))
      })
      return decodeMessage(new Uint8Array(await res.arrayBuffer())) as never
    }
    const first = await upload('mine.png')
    expect(first).toMatchObject({ ok: true, res: { name: 'mine.png', width: 451 } })
    expect(first.res?.path).toBeUndefined()
    expect(uploadFiles(server.child.pid as number)).toHaveLength(1)
    expect((await upload('second.png')).res?.name).toBe('second.png')
    expect(uploadFiles(server.child.pid as number)).toHaveLength(1)
  })

  it('refuses an upload over 512 MB in one line while its memory stays bounded', async () => {
    const pid = server.child.pid as number
    const before = residentBytes(pid).now
    const result = await streamUpload(server.port, server.auth, 520 * MB, pid)
    expect(result.status).toBe(413)
    expect(result.body).toBe('image:upload: the file is larger than the 512 MB upload limit\n')
    // The old server held the whole body (and copies of it): hundreds of MB. Streaming keeps it to buffers.
    expect(result.peakRss - before).toBeLessThan(100 * MB)
    expect(uploadFiles(pid)).toHaveLength(1)
    expect(await statusOf(server.port, server.auth)).toBe(200)
  })

  it('refuses at once a request that declares 2 GB, before reading it', async () => {
    for (const [path, type] of [
      ['/api/image:upload?name=big.png', 'application/octet-stream'],
      ['/api/app:info', 'application/json']
    ]) {
      const socket = await rawSocket(server.port)
      const closed = closedBy(socket, 3000)
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nCookie: ${server.auth.Cookie}\r\nContent-Type: ${type}\r\nContent-Length: 2147483648\r\n\r\n`)
      const answer = (await closed).toString()
      expect(answer).toMatch(/^HTTP\/1\.1 413 /)
      expect(answer.split('\r\n\r\n')[1]).toMatch(/^[^\n]*larger than the \d+ MB (upload )?limit\n$/)
    }
  })

  it('closes requests that go silent half-way within the timeout (KERNEL_STUDIO_REQUEST_TIMEOUT=1)', async () => {
    const started = Date.now()
    const closings: Promise<Buffer>[] = []
    for (let i = 0; i < 20; i++) {
      const socket = await rawSocket(server.port)
      closings.push(closedBy(socket, 5000))
      const head = `Host: 127.0.0.1:${server.port}\r\nCookie: ${server.auth.Cookie}\r\n`
      if (i % 4 === 0) socket.write(`POST /api/image:upload?name=slow.png HTTP/1.1\r\n${head}Content-Type: application/octet-stream\r\nContent-Length: ${100 * MB}\r\n\r\n${'x'.repeat(1024)}`)
      else if (i % 4 === 1) socket.write(`POST /api/app:info HTTP/1.1\r\n${head}Content-Type: application/json\r\nContent-Length: ${10 * MB}\r\n\r\n{"a":`)
      else if (i % 4 === 2) socket.write(`POST /api/app:info HTTP/1.1\r\n${head}`)
      else socket.write('GET / HT')
    }
    await Promise.all(closings)
    expect(Date.now() - started).toBeLessThan(5000)
    // The half-written file goes right after its connection (the server removes it once the socket is closed).
    await expect.poll(() => uploadFiles(server.child.pid as number), { timeout: 2000 }).toHaveLength(1)
    expect(await statusOf(server.port, server.auth)).toBe(200)
  })

  it('removes its folder when stopped, and folders of killed servers at the next start', async () => {
    // A folder as a server killed with -9 leaves it: named after a process that no longer exists.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number
    const stale = join(ROOT, `${dead}-stale1`)
    mkdirSync(stale, { recursive: true })
    writeFileSync(join(stale, 'upload-1'), 'left over')
    const live = join(ROOT, `${process.pid}-alive1`)
    mkdirSync(live, { recursive: true })
    const other = await startServe()
    try {
      expect(existsSync(stale)).toBe(false)
      expect(existsSync(live)).toBe(true)
    } finally {
      await other.stop()
    }
    expect(readdirSync(ROOT).some((name) => name.startsWith(`${other.child.pid}-`))).toBe(false)
    rmSync(live, { recursive: true, force: true })
  })
})
