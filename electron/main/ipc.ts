// Runs in Electron's main process: registers every contract channel with ipcMain, checking who is calling.
import { ipcMain, type IpcMainInvokeEvent } from 'electron'
import { CHANNELS, DOCUMENT_CHANNELS, IPC_EVENT_CHANNEL, type Api, type ApiEvent, type ApiEvents, type IpcReply } from '../../src/contract/api'
import { callHandler } from '../../src/api/handlers'
import { toWireError } from '../../src/contract/errors'
import { checkPageRequest } from './page-requests'
import { appWindows, documentOf, isAppUrl, isAppWindow } from './window'

/** Only our own page in one of our windows may call: not a frame, not a navigated-away page, not a stray webContents. */
function trusted(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame
  return frame !== null && frame.parent === null && isAppWindow(event.sender) && isAppUrl(frame.url)
}

/**
 * Registers the handlers of every channel; arguments are validated inside the handlers themselves, after the
 * page's own limits (./page-requests.ts: paths and `force` are main's). `opened` lists the files this app opened.
 */
export function setupIpc(handlers: Api, opened: () => Promise<readonly string[]>): void {
  const scoped = new Set<string>(DOCUMENT_CHANNELS)
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event, req: unknown): Promise<IpcReply> => {
      if (!trusted(event)) return { ok: false, error: { name: 'Error', message: `${channel}: refused (not called from the app's window)`, code: 'bad-request' } }
      try {
        checkPageRequest(channel, req, await opened())
        // A window works on its own document only, whatever the page names.
        const body = scoped.has(channel) && req !== null && typeof req === 'object' ? { ...req, doc: documentOf(event.sender) } : req
        return { ok: true, res: await callHandler(handlers, channel, body) }
      } catch (err) {
        return { ok: false, error: toWireError(err) }
      }
    })
  }
}

/** Sends an event to every app window (menu commands go only to the focused one: see menu.ts). */
export function broadcast<E extends ApiEvent>(event: E, payload: ApiEvents[E]): void {
  for (const win of appWindows()) win.webContents.send(IPC_EVENT_CHANNEL, event, payload)
}
