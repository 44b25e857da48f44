// Runs in Electron's main process: what the page may ask for. Main decides every path: the page names a document
// (a file this app has opened: its recent files) or lets main show a dialog; it never passes a path to write,
// a path to read that the user did not open here, or `force`. A compromised renderer thus gets no file access of
// its own. Kept free of `electron` so it is tested in plain Node.
import { resolve } from 'node:path'
import { CodedError } from '../../src/contract/errors'

/** The request fields only main may set, by channel. */
const MAIN_ONLY: Readonly<Record<string, readonly string[]>> = {
  'image:open': ['force'],
  'image:upload': ['file'],
  'image:export': ['path', 'force'],
  'recipe:save': ['path', 'force'],
  'recipe:open': ['path'],
  'batch:start': ['inputs', 'outDir']
}

/**
 * Throws a one-line `bad-request` error when the page's `req` on `channel` sets a field only main may set, or
 * opens a path that is not one of `opened` (the files this app opened: recent files, dialog results).
 */
export function checkPageRequest(channel: string, req: unknown, opened: readonly string[]): void {
  if (req === null || typeof req !== 'object') return
  const fields = req as Record<string, unknown>
  for (const field of MAIN_ONLY[channel] ?? []) {
    if (fields[field] !== undefined) throw new CodedError(`${channel}: ${field}: is chosen by the app (its dialogs), not by the page`, 'bad-request')
  }
  if (channel === 'image:open' && typeof fields.path === 'string' && !opened.includes(resolve(fields.path))) {
    throw new CodedError('image:open: path: is not a file opened in this app (open it with the dialog first)', 'bad-request')
  }
}
