// Runs in Electron's main process: which documents had windows open, kept in the user data folder's windows.json,
// so the next start opens a window for each (their sessions are in documents/<id>.json, see src/api).
import { readJson, writeJson } from '../../src/api/store-file'

const FILE = 'windows.json'
const VALID = /^[A-Za-z0-9_-]{1,64}$/

/** The documents whose windows were open when the app last quit (or crashed), oldest first. */
export async function readWindowList(dir: string): Promise<string[]> {
  try {
    const data = await readJson(dir, FILE, [])
    return Array.isArray(data) ? data.filter((d): d is string => typeof d === 'string' && VALID.test(d)) : []
  } catch {
    // A damaged list: start with one new window.
    return []
  }
}

/** Records the documents of the open windows (written atomically). */
export async function writeWindowList(dir: string, docs: readonly string[]): Promise<void> {
  await writeJson(dir, FILE, docs).catch(() => undefined)
}
