// Runs in Node: a decode that lands in memory the caller owns. libvips writes the decoded pixels to a temporary
// file in its native format (a 64-byte header, then the samples), streamed strip by strip, and they are read
// straight into the caller's buffer. sharp's raw output would instead put every image into new memory, whose
// first touch costs a page fault per 4 KiB: about 140 ms per 12 MP photo on a virtual machine, twice the
// decode itself, for each photo of a batch.
import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { access, open, readdir, statfs, unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Sharp } from 'sharp'
import type { SourceFile } from '../engine/fast/run'
import type { BitDepth } from '../engine/types'
import { processAlive } from './process-alive'

/** Where the samples of a decode go: a view of exactly `samples` samples of `depth` bits, given the final size. */
export type SampleStorage = (samples: number, depth: BitDepth) => Uint8Array | Uint16Array

/** What {@link spoolDecode} read. */
export interface Spooled {
  readonly width: number
  readonly height: number
  readonly channels: number
  readonly data: Uint8Array | Uint16Array
  /** With `defer`: the samples are still in the spool file, which stays open until `close`. */
  readonly pending?: PendingSamples
}

/**
 * Decoded samples still in their spool file (already removed from its folder, kept by the open handle): `load`
 * reads them into the data (once, however often it is called), `close` lets the file go.
 */
export interface PendingSamples extends SourceFile {
  close(): Promise<void>
}

/** Bytes before the samples in a libvips (.v) file. */
const HEADER_BYTES = 64
/** The first bytes of a .v file whose samples are little-endian (libvips writes the machine's order). */
const MAGIC_LITTLE_ENDIAN = 0x08f2a6b6
/** libvips band formats: unsigned char and unsigned short. */
const BAND_FORMAT: Record<BitDepth, number> = { 8: 0, 16: 2 }
/** Temp files: `kernel-studio-decode.<pid>.<12 hex digits>.v`, so a leftover says whose it was. */
const SPOOL_PATTERN = /^kernel-studio-decode\.(\d+)\.[0-9a-f]{12}\.v$/
/** Room left in /dev/shm besides the file (it holds memory other programs may need). */
const SHM_MARGIN = 256 * 1024 * 1024

/** Set once a spool file could not be written where the plain decode worked (a full or read-only folder). */
let broken = false

/**
 * The folder for a spool file of `bytes`: /dev/shm (memory) where it exists and has room, else the system's
 * temp folder, whose unlinked file is gone long before the kernel would write it to disk.
 */
async function spoolFolder(bytes: number): Promise<string> {
  try {
    const fs = await statfs('/dev/shm')
    await access('/dev/shm', constants.W_OK)
    if (fs.bavail * fs.bsize >= bytes + SHM_MARGIN) return '/dev/shm'
  } catch {
    // No /dev/shm (macOS, Windows) or not writable.
  }
  return tmpdir()
}

/**
 * Runs `pipeline` (sharp, up to its colour space; no output format chosen) into the caller's memory through a
 * spool file, and checks it gave `channels` bands of `depth` bits (`pixels`: the image's size, for the room
 * the file needs). Resolves with null where that cannot be done
 * (no writable temp folder, an unexpected sample format, an earlier spool write failed): the caller then decodes
 * into new memory. Rejects with sharp's own error when the decode itself fails, which the caller's plain decode
 * would report the same way; `markBroken` says that plain decode then worked.
 */
export async function spoolDecode(
  pipeline: Sharp,
  expected: { readonly pixels: number; readonly channels: number; readonly depth: BitDepth },
  storage: SampleStorage,
  defer = false
): Promise<Spooled | null> {
  if (broken) return null
  const bytes = expected.pixels * expected.channels * (expected.depth / 8)
  const path = join(await spoolFolder(bytes), `kernel-studio-decode.${process.pid}.${randomBytes(6).toString('hex')}.v`)
  try {
    const info = await pipeline.toFile(path)
    const handle = await open(path, 'r')
    let kept = false
    try {
      const header = Buffer.alloc(HEADER_BYTES)
      await handle.read(header, 0, HEADER_BYTES, 0)
      const width = header.readInt32LE(4)
      const height = header.readInt32LE(8)
      const bands = header.readInt32LE(12)
      const usable =
        header.readUInt32LE(0) === MAGIC_LITTLE_ENDIAN &&
        header.readInt32LE(20) === BAND_FORMAT[expected.depth] &&
        width === info.width &&
        height === info.height &&
        bands === expected.channels
      if (!usable) return null
      const data = storage(width * height * bands, expected.depth)
      const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      /** Reads the samples into `data`; false when the file is shorter than they are. */
      const read = async (): Promise<boolean> => {
        for (let at = 0; at < view.length; ) {
          const { bytesRead } = await handle.read(view, at, view.length - at, HEADER_BYTES + at)
          if (bytesRead === 0) return false
          at += bytesRead
        }
        return true
      }
      if (defer) {
        kept = true
        let loaded: Promise<void> | undefined
        let closed: Promise<void> | undefined
        const load = async (): Promise<void> => {
          if (!(await read())) throw new Error('the decoded samples were cut short in their spool file')
        }
        const pending: PendingSamples = {
          fd: handle.fd,
          offset: HEADER_BYTES,
          load: () => (loaded ??= load()),
          close: () => (closed ??= handle.close())
        }
        return { width, height, channels: bands, data, pending }
      }
      if (!(await read())) return null
      return { width, height, channels: bands, data }
    } finally {
      if (!kept) await handle.close()
    }
  } finally {
    await unlink(path).catch(() => undefined)
  }
}

/** Called when a spool decode failed but the plain decode of the same file worked: the folder is the problem. */
export function markSpoolBroken(): void {
  broken = true
}

/**
 * Removes spool files left by processes killed while decoding (kill -9 between writing and removing one). Only
 * files of processes that no longer run are touched. Best effort.
 */
export async function sweepSpool(): Promise<void> {
  for (const folder of new Set(['/dev/shm', tmpdir()])) {
    let names: string[]
    try {
      names = await readdir(folder)
    } catch {
      continue
    }
    for (const name of names) {
      const match = SPOOL_PATTERN.exec(name)
      if (!match) continue
      const pid = Number(match[1])
      if (pid === process.pid || processAlive(pid)) continue
      await unlink(join(folder, name)).catch(() => undefined)
    }
  }
}

