// Runs in Node and Electron main: small JSON files in the data folder (recent files, personal kernel gallery).
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { firstLine } from '../contract/errors'
import { IoError } from '../io/io-error'
import { writeFileAtomic } from '../io/write-file-atomic'

/**
 * Reads `name` from `dir` as JSON; `fallback` when the file does not exist. Throws a one-line error when it
 * exists but is not JSON.
 */
export async function readJson(dir: string, name: string, fallback: unknown): Promise<unknown> {
  let text: string
  try {
    text = await readFile(join(dir, name), 'utf8')
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return fallback
    throw new IoError(`cannot read ${join(dir, name)}: ${firstLine((err as Error).message)}`)
  }
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new IoError(`${join(dir, name)} is damaged (not valid JSON)`, 'corrupt')
  }
}

/** Writes `value` as JSON to `name` in `dir` atomically, creating the folder. */
export async function writeJson(dir: string, name: string, value: unknown): Promise<void> {
  await mkdir(dir, { recursive: true })
  await writeFileAtomic(join(dir, name), new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`), { force: true })
}
