// Runs in Node: atomic file writes (temp file in the target folder, then rename) that never clobber by accident.
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { constants, unlinkSync } from 'node:fs'
import { access, link, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { IoError } from './io-error'
import { processAlive } from './process-alive'

// Temp files being written; removed synchronously if the process exits mid-write (Ctrl-C through process.exit).
const pending = new Set<string>()
process.on('exit', () => {
  for (const temp of pending) {
    try {
      unlinkSync(temp)
    } catch {
      // Already gone.
    }
  }
})

/** Options for {@link writeFileAtomic} and {@link checkOutputPath}. */
export interface WriteOptions {
  /** Replace an existing file. @default false */
  readonly force?: boolean
  /**
   * Start a tiny watchdog process that deletes the temp file if this process is killed outright (kill -9, the
   * OOM killer) while writing, which no exit hook survives. Costs one short-lived Node process per write, so
   * the CLI turns it on and frequent small writes leave it off. Ignored under Electron, whose binary may not
   * run scripts as Node. @default false
   */
  readonly guard?: boolean
  /**
   * Remove this target's temp files left by writers that died first (a read of the whole folder). Batch runs
   * turn it off and call {@link sweepStaleTemps} once per folder for all their targets instead. @default true
   */
  readonly sweep?: boolean
}

/** Longest file name most file systems take, in bytes. */
const NAME_MAX = 255
/** Bytes a temp name adds to its stem: `.`, `.<pid up to 10 digits>`, `.<12 hex digits>`, `.tmp`. */
const TEMP_EXTRA = 1 + 11 + 13 + 4

/**
 * The part of a temp file's name that stands for its target: the target's name itself, or, when that is too long
 * to leave room for the rest (legal names of 230 to 255 bytes), as much of it as fits plus `~` and a hash of the
 * whole name, so the target can still be told from the temp file.
 */
function tempStem(target: string): string {
  if (Buffer.byteLength(target) + TEMP_EXTRA <= NAME_MAX) return target
  const hash = createHash('sha1').update(target).digest('hex').slice(0, 12)
  const chars = Array.from(target)
  while (chars.length > 0 && Buffer.byteLength(chars.join('')) + 13 + TEMP_EXTRA > NAME_MAX) chars.pop()
  return `${chars.join('')}~${hash}`
}

// Temp file names: `.<target stem>.<pid>.<12 hex digits>.tmp`, so a leftover says whose it was.
function tempName(target: string): string {
  return `.${tempStem(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
}

/** A temp file's name: its target and the writer's process id. */
const TEMP_PATTERN = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/

/**
 * Removes temp files for the `targets` (base names) in `folder` left by writers that died without cleaning up
 * (their process is gone). Only named targets are touched: a folder shared with other machines (the shards of
 * a batch) holds temp files of live processes whose ids mean nothing here. Best effort: anything unexpected is
 * ignored.
 */
export async function sweepStaleTemps(folder: string, targets: ReadonlySet<string>): Promise<void> {
  let names: string[]
  try {
    names = await readdir(folder)
  } catch {
    return
  }
  const stems = new Set([...targets].map(tempStem))
  for (const name of names) {
    const match = TEMP_PATTERN.exec(name)
    if (!match || !stems.has(match[1])) continue
    const pid = Number(match[2])
    if (pid === process.pid || processAlive(pid)) continue
    await unlink(join(folder, name)).catch(() => undefined)
  }
}

// The watchdog: waits until its stdin closes (the writer finished, or died), then removes the temp file,
// which is already gone when the writer finished normally.
const GUARD_SCRIPT = [
  "const { unlinkSync } = require('node:fs')",
  'const done = () => { try { unlinkSync(process.argv[1]) } catch {} ; process.exit(0) }',
  "process.stdin.on('data', () => {}).on('end', done).on('error', done)"
].join('\n')

/**
 * Starts the watchdog for `temp` and returns the function that releases it. Never throws: without the watchdog
 * the write is still atomic, only a kill -9 could leave the temp file behind.
 */
function guardTemp(temp: string): () => void {
  if (process.versions.electron) return () => undefined
  try {
    const child = spawn(process.execPath, ['-e', GUARD_SCRIPT, temp], {
      stdio: ['pipe', 'ignore', 'ignore'],
      // Its own process group, so killing the writer's group does not take the watchdog with it.
      detached: true,
      windowsHide: true
    })
    child.on('error', () => undefined)
    child.stdin?.on('error', () => undefined)
    child.unref()
    // The pipe must not keep this process alive; it closes by itself when this process ends.
    ;(child.stdin as unknown as { unref?: () => void } | null)?.unref?.()
    return () => child.stdin?.end()
  } catch {
    return () => undefined
  }
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined
}

/** A one-line reason for a failed write, from the Node error code. */
function writeFailure(path: string, err: unknown): IoError {
  if (err instanceof IoError) return err
  const code = errorCode(err)
  const folder = dirname(path)
  const reasons: Record<string, string> = {
    ENOENT: `the folder ${folder} does not exist`,
    ENOTDIR: `${folder} is not a folder`,
    EACCES: `permission denied in ${folder}`,
    EPERM: `permission denied in ${folder}`,
    EROFS: `${folder} is on a read-only file system`,
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EFBIG: 'file too large',
    EISDIR: 'it is a folder',
    ENAMETOOLONG: 'the name is too long'
  }
  const reason = (code && reasons[code]) ?? (err instanceof Error ? err.message : String(err))
  return new IoError(`cannot write ${path}: ${reason}`, 'unwritable')
}

/** The `exists` error; how to get past it (`--force`, a "Replace" button) is for the caller to say. */
function alreadyExists(path: string): IoError {
  return new IoError(`${path} already exists`, 'exists')
}

/**
 * Checks, before any work is done, that `path` can be written: its folder exists and is writable, it is not a
 * folder, and it does not exist yet unless `force`. Throws an IoError naming the problem, coded `exists` or
 * `unwritable`.
 */
export async function checkOutputPath(path: string, options: WriteOptions = {}): Promise<void> {
  // `out.png/` would otherwise be written as `out.png` (dirname and basename ignore the slash).
  if (path.endsWith('/') || (process.platform === 'win32' && path.endsWith('\\'))) {
    throw new IoError(`cannot write ${path}: the name ends with a slash, so it names a folder, not a file`, 'unwritable')
  }
  const folder = dirname(resolve(path))
  let folderStat
  try {
    folderStat = await stat(folder)
  } catch (err) {
    throw writeFailure(path, err)
  }
  if (!folderStat.isDirectory()) throw new IoError(`cannot write ${path}: ${dirname(path)} is not a folder`, 'unwritable')
  try {
    await access(folder, constants.W_OK)
  } catch (err) {
    throw writeFailure(path, err)
  }
  let target
  try {
    target = await stat(path)
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return
    throw writeFailure(path, err)
  }
  if (target.isDirectory()) throw new IoError(`cannot write ${path}: it is a folder`, 'unwritable')
  if (!options.force) throw alreadyExists(path)
}

/**
 * Writes `bytes` to `path` atomically: a temp file in the same folder is written, flushed and renamed over the
 * target, so readers never see a half-written file. Without `force` an existing file is never replaced, even one
 * created meanwhile (the temp file is hard-linked into place, which fails if the name is taken). The temp file is
 * removed on any failure, by the `guard` watchdog if this process is killed outright, and otherwise by the next
 * write to the same path (temp files of writers that no longer run are swept). Throws an IoError with a one-line
 * message.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array, options: WriteOptions = {}): Promise<void> {
  await writeFileAtomicWith(path, (_temp, handle) => handle.writeFile(bytes), options)
}

/**
 * {@link writeFileAtomic} with the contents written by `write`: it gets the temp file's path and an open handle
 * of it, and may write through either (an encoder that writes files itself opens the path again). The file is
 * flushed through the handle afterwards. An IoError thrown by `write` is passed on as it is.
 */
export async function writeFileAtomicWith(
  path: string,
  write: (temp: string, handle: FileHandle) => Promise<void>,
  options: WriteOptions = {}
): Promise<void> {
  await checkOutputPath(path, options)
  if (options.sweep !== false) await sweepStaleTemps(dirname(path), new Set([basename(path)]))
  const temp = join(dirname(path), tempName(basename(path)))
  let tempExists = false
  const release = options.guard ? guardTemp(temp) : () => undefined
  try {
    pending.add(temp)
    // A replaced file keeps its mode (a private 0600 file stays private) and, where allowed, its owner.
    const previous = options.force ? await stat(path).catch(() => null) : null
    const handle = await open(temp, 'wx')
    tempExists = true
    try {
      if (previous?.isFile()) {
        await handle.chmod(previous.mode & 0o7777)
        await handle.chown(previous.uid, previous.gid).catch(() => undefined)
      }
      await write(temp, handle)
      await handle.sync()
    } finally {
      await handle.close()
    }
    if (options.force) {
      await rename(temp, path)
      tempExists = false
      return
    }
    try {
      await link(temp, path)
    } catch (err) {
      const code = errorCode(err)
      if (code === 'EEXIST') throw alreadyExists(path)
      // Some file systems (FAT, some network shares) have no hard links: fall back to check-then-rename.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV' && code !== 'ENOSYS') throw err
      await checkOutputPath(path, options)
      await rename(temp, path)
      tempExists = false
      return
    }
    await unlink(temp)
    tempExists = false
  } catch (err) {
    throw writeFailure(path, err)
  } finally {
    if (tempExists) await unlink(temp).catch(() => undefined)
    pending.delete(temp)
    release()
  }
}
