// Runs in Node and Electron main: the recent files list (data folder's recent.json, or memory only).
import { readJson, writeJson } from './store-file'

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
