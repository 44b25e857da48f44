// Runs in Node (serve mode) and Electron main: where exports to a path went (the data folder's
// export-folders.json, written by every shell), so that serve mode's start after a crash can remove the temp
// files a killed writer left there.
import { isAbsolute } from 'node:path'
import { sweepStaleTemps } from '../io/write-file-atomic'
import { readJson, writeJson } from './store-file'

const FILE = 'export-folders.json'
const FORMAT = 'kernel-studio-export-folders'
/** Folders kept, newest first, and file names kept per folder: enough for any recent crash. */
const MAX_FOLDERS = 20
const MAX_NAMES = 20

/** One folder exported to and the file names written there, newest first. */
interface ExportFolder {
  readonly folder: string
  readonly names: readonly string[]
}

/** The list as stored; anything damaged or foreign reads as empty (it is only a clean-up hint). */
async function readFolders(dataDir: string): Promise<ExportFolder[]> {
  try {
    const data = (await readJson(dataDir, FILE, null)) as { format?: unknown; folders?: unknown } | null
    if (!data || data.format !== FORMAT || !Array.isArray(data.folders)) return []
    return (data.folders as unknown[]).flatMap((entry) => {
      const { folder, names } = (entry ?? {}) as { folder?: unknown; names?: unknown }
      if (typeof folder !== 'string' || !isAbsolute(folder) || !Array.isArray(names)) return []
      return [{ folder, names: names.filter((n): n is string => typeof n === 'string' && n !== '' && !n.includes('/')) }]
    })
  } catch {
    return []
  }
}

/** Records run one after another, so two exports at once do not drop each other's entry. */
let queue: Promise<void> = Promise.resolve()

/**
 * Notes that file `name` is about to be written in `folder` (absolute), before its temp file exists. Best effort:
 * a list that cannot be written never fails the export.
 */
export function recordExportTarget(dataDir: string | null, folder: string, name: string): Promise<void> {
  if (dataDir === null) return Promise.resolve()
  queue = queue.then(async () => {
    const folders = await readFolders(dataDir)
    const old = folders.find((f) => f.folder === folder)
    const names = [name, ...(old?.names ?? []).filter((n) => n !== name)].slice(0, MAX_NAMES)
    const next = [{ folder, names }, ...folders.filter((f) => f.folder !== folder)].slice(0, MAX_FOLDERS)
    await writeJson(dataDir, FILE, { format: FORMAT, version: 1, folders: next }).catch(() => undefined)
  })
  return queue
}

/**
 * Removes, in every folder exported to lately, the temp files of those exports whose writer no longer runs (a
 * process killed together with its watchdog, a power cut). Only the recorded names are touched, as the CLI's sweep
 * does. Best effort: never throws.
 */
export async function sweepExportFolders(dataDir: string | null): Promise<void> {
  if (dataDir === null) return
  for (const { folder, names } of await readFolders(dataDir)) {
    await sweepStaleTemps(folder, new Set(names)).catch(() => undefined)
  }
}
