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

/** How many recent files are kept. */
export const MAX_RECENT = 10

/** Recent files list kept in `dir/recent.json`, newest first. */
export class RecentFiles {
  /** @param dir the data folder; null keeps the list in memory only. */
  constructor(private readonly dir: string | null) {}

  private memory: string[] = []

  /** The list, newest first. */
  async list(): Promise<string[]> {
    if (!this.dir) return [...this.memory]
    try {
      const data = await readJson(this.dir, 'recent.json', [])
      return Array.isArray(data) ? data.filter((p): p is string => typeof p === 'string').slice(0, MAX_RECENT) : []
    } catch {
      // A damaged recent list is not worth an error message: start again.
      return []
    }
  }

  /** Puts `path` first. */
  async add(path: string): Promise<string[]> {
    const next = [path, ...(await this.list()).filter((p) => p !== path)].slice(0, MAX_RECENT)
    if (this.dir) await writeJson(this.dir, 'recent.json', next).catch(() => undefined)
    else this.memory = next
    return next
  }

  /** Empties the list. */
  async clear(): Promise<void> {
    this.memory = []
    if (this.dir) await writeJson(this.dir, 'recent.json', []).catch(() => undefined)
  }
}
