// Runs in Node (serve mode, tests) and Electron main: what the recipe and .acf handlers share about their small
// files: checking one before reading it, and saving to a given path, a chosen path, or back to the page.
import { stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { IoError } from '../io/io-error'
import { writeFileAtomic } from '../io/write-file-atomic'

/** The size of the file at `absolute`; one-line errors (named `name`) for a missing file or a folder. */
export async function smallFileSize(absolute: string, name: string): Promise<number> {
  try {
    const s = await stat(absolute)
    if (!s.isFile()) throw new IoError(`cannot read ${name}: not a file`)
    return s.size
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw new IoError(`cannot read ${name}: no such file`)
    throw err
  }
}

/** Where a small file was saved, or its bytes for the page to download when there is neither path nor dialog. */
export type SavedSmallFile = { readonly path: string; readonly fileName: string } | { readonly fileName: string; readonly bytes: Uint8Array }

/**
 * Writes `bytes` atomically to `path` (never over an existing file unless `force`); without a path, to where the
 * save dialog `choose` says (the user confirmed any replacement there), or null when they cancelled.
 */
export async function saveSmallFile(
  bytes: Uint8Array,
  defaultName: string,
  path: string | undefined,
  force: boolean,
  choose: ((defaultName: string) => Promise<string | null>) | undefined
): Promise<SavedSmallFile | null> {
  let target = path !== undefined ? resolve(path) : undefined
  let replace = force
  if (target === undefined && choose) {
    const chosen = await choose(defaultName)
    if (chosen === null) return null
    target = resolve(chosen)
    replace = true
  }
  if (target === undefined) return { fileName: defaultName, bytes }
  await writeFileAtomic(target, bytes, { force: replace })
  return { path: target, fileName: basename(target) }
}
