// Runs in Node: atomic file writes (temp file in the target folder, then rename) that never clobber by accident.
import { randomBytes } from 'node:crypto'
import { constants, unlinkSync } from 'node:fs'
import { access, link, open, rename, stat, unlink } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { IoError } from './io-error'

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
    EISDIR: 'it is a folder',
    ENAMETOOLONG: 'the name is too long'
  }
  const reason = (code && reasons[code]) ?? (err instanceof Error ? err.message : String(err))
  return new IoError(`cannot write ${path}: ${reason}`)
}

/**
 * Checks, before any work is done, that `path` can be written: its folder exists and is writable, it is not a
 * folder, and it does not exist yet unless `force`. Throws an IoError naming the problem.
 */
export async function checkOutputPath(path: string, options: WriteOptions = {}): Promise<void> {
  const folder = dirname(resolve(path))
  let folderStat
  try {
    folderStat = await stat(folder)
  } catch (err) {
    throw writeFailure(path, err)
  }
  if (!folderStat.isDirectory()) throw new IoError(`cannot write ${path}: ${dirname(path)} is not a folder`)
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
  if (target.isDirectory()) throw new IoError(`cannot write ${path}: it is a folder`)
  if (!options.force) throw new IoError(`${path} already exists (use --force to overwrite)`)
}

/**
 * Writes `bytes` to `path` atomically: a temp file in the same folder is written, flushed and renamed over the
 * target, so readers never see a half-written file. Without `force` an existing file is never replaced, even one
 * created meanwhile (the temp file is hard-linked into place, which fails if the name is taken). The temp file is
 * removed on any failure. Throws an IoError with a one-line message.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array, options: WriteOptions = {}): Promise<void> {
  await checkOutputPath(path, options)
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  let tempExists = false
  try {
    pending.add(temp)
    const handle = await open(temp, 'wx')
    tempExists = true
    try {
      await handle.writeFile(bytes)
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
      if (code === 'EEXIST') throw new IoError(`${path} already exists (use --force to overwrite)`)
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
  }
}
