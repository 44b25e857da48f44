// Runs in Node (serve mode): uploaded images stream into a private temporary folder, never into memory, within a
// size cap and an idle timeout; the folder goes when the server stops, and folders left by killed servers go at
// the next start.
import { createWriteStream, lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { processAlive } from '../io/process-alive'

/** An upload refused or broken off: `status` is the HTTP answer, the message one line. */
export class UploadError extends Error {
  override readonly name = 'UploadError'
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message)
  }
}

/** "512 MB" for 512 MiB. */
export function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`
}

/** The folder in the system temp folder that holds every server's own (one per user: others cannot enter it). */
function rootFolder(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0
  return join(tmpdir(), `kernel-studio-serve-${uid}`)
}

/**
 * Creates the root folder, or checks that the existing one is a real folder of ours that nobody else can enter
 * (the temp folder is shared: another user could have put a link or an open folder there).
 */
function ensureRoot(root: string): void {
  mkdirSync(root, { recursive: true, mode: 0o700 })
  const info = lstatSync(root)
  const uid = typeof process.getuid === 'function' ? process.getuid() : info.uid
  if (!info.isDirectory() || info.uid !== uid || (info.mode & 0o077) !== 0) {
    throw new Error(`${root} is not a private folder of this user: remove it and start again`)
  }
}

/** Removes the folders of servers that are no longer running (killed before they could clean up). */
function removeStale(root: string): void {
  for (const name of readdirSync(root)) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1])
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid)) {
      rmSync(join(root, name), { recursive: true, force: true })
    }
  }
}

/** A private folder for one server's uploads. */
export interface UploadArea {
  /** The folder (inside the system temp folder). */
  readonly dir: string
  /**
   * Streams the body of `req` into a new file of the folder and resolves to its path. Rejects with an
   * {@link UploadError} (and leaves no file) when the body is larger than `limit` bytes, or when no data
   * arrives for `idleMs`.
   */
  receive(req: IncomingMessage, limit: number, idleMs: number): Promise<string>
  /** Removes one received file (no error if it is gone). */
  remove(file: string): Promise<void>
  /** Removes the folder and everything in it; synchronous so it also works in an exit handler. */
  dispose(): void
}

/** Creates this server's upload folder, first removing those of servers that died without cleaning up. */
export async function createUploadArea(): Promise<UploadArea> {
  const root = rootFolder()
  ensureRoot(root)
  removeStale(root)
  const dir = await mkdtemp(join(root, `${process.pid}-`))
  let next = 0

  return {
    dir,
    async receive(req, limit, idleMs) {
      const tooLarge = (): UploadError => new UploadError(`the file is larger than the ${megabytes(limit)} upload limit`, 413)
      if (Number(req.headers['content-length']) > limit) throw tooLarge()
      const file = join(dir, `upload-${++next}`)
      const out = createWriteStream(file, { flags: 'wx', mode: 0o600 })
      try {
        await new Promise<void>((resolve, reject) => {
          let size = 0
          const fail = (err: Error): void => {
            // Stop writing but leave the connection to the caller: it still has to answer.
            req.pause()
            req.removeAllListeners('data')
            out.destroy()
            reject(err)
          }
          // A client that stops sending half-way would otherwise hold the connection and the file forever.
          req.setTimeout(idleMs, () => {
            fail(new UploadError(`the upload stopped (nothing received for ${idleMs / 1000} s)`, 408))
            req.destroy()
          })
          req.on('data', (chunk: Buffer) => {
            size += chunk.length
            if (size > limit) fail(tooLarge())
            else if (!out.write(chunk)) {
              req.pause()
              out.once('drain', () => req.resume())
            }
          })
          req.once('end', () => out.end())
          req.once('close', () => {
            if (!req.complete) fail(new UploadError('the upload was cut off', 400))
          })
          out.once('finish', () => resolve())
          out.once('error', (err) => fail(new UploadError(`the upload cannot be stored: ${err.message}`, 500)))
        })
        return file
      } catch (err) {
        await rm(file, { force: true })
        throw err
      } finally {
        req.setTimeout(0)
      }
    },
    async remove(file) {
      await rm(file, { force: true })
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
