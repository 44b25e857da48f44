// Runs in Electron's main process: wires the app together; each concern lives in its own setup*() module.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { app } from 'electron'
import { createHandlers } from '../../src/api/handlers'
import { createDialogs } from './dialogs'
import { setupEngine } from './engine'
import { setupBatches } from './batch'
import { broadcast, setupIpc } from './ipc'
import { setupMenu } from './menu'
import { setupRecent } from './recent'
import { createMainWindow, documentOf, focusedWindow, openDocuments, registerAppScheme, setupWindowSecurity } from './window'
import { readWindowList, writeWindowList } from './window-list'
import { IPC_EVENT_CHANNEL } from '../../src/contract/api'
import type { BrowserWindow } from 'electron'

/** An image named on the command line (`kernel-studio-app photo.jpg`, or the OS opening a file with us). */
function fileFromArgv(argv: readonly string[]): string | undefined {
  const args = argv.slice(app.isPackaged ? 1 : 2).filter((a) => !a.startsWith('-'))
  const candidate = args.at(-1)
  return candidate && existsSync(candidate) ? resolve(candidate) : undefined
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  registerAppScheme()
  app.whenReady().then(async () => {
    const engine = setupEngine()
    const recent = setupRecent()
    const dataDir = app.getPath('userData')
    let quitting = false
    app.on('before-quit', () => (quitting = true))
    // The windows open now, for the next start; closing windows while quitting keeps the list as it was.
    const windowsChanged = (): void => {
      if (!quitting) void writeWindowList(dataDir, openDocuments())
    }
    const newWindow = (doc?: string): BrowserWindow => createMainWindow(doc, windowsChanged)
    const refreshMenu = async (): Promise<void> =>
      setupMenu(await recent.files.list(), {
        openRecent: (path) => void openAndTell(path),
        clearRecent: () => void recent.files.clear().then(refreshMenu),
        newWindow: () => void newWindow()
      })
    const batches = setupBatches((progress) => broadcast('batch:progress', progress))
    const handlers = createHandlers({
      shell: 'electron',
      host: engine,
      emit: broadcast,
      batches,
      dialogs: createDialogs(),
      dataDir,
      onOpenedPath: (path) => {
        recent.remember(path)
        void refreshMenu()
      }
    })
    /** Opens a file main learnt about (drop, recent menu, second instance) in `win`'s document and tells it. */
    const openAndTell = async (path: string, win: BrowserWindow | undefined = focusedWindow()): Promise<void> => {
      if (!win) return
      try {
        const info = await handlers['image:open']({ path, doc: documentOf(win.webContents) })
        if (info) win.webContents.send(IPC_EVENT_CHANNEL, 'image:opened', info)
      } catch (err) {
        // The renderer shows errors of its own calls; this one it did not make, so say it in the log at least.
        console.error(`Kernel Studio: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    setupWindowSecurity({ onFileDropped: (path) => void openAndTell(path) })
    setupIpc(handlers, () => recent.files.list())
    await refreshMenu()
    // The windows open when the app last quit come back with their documents; else one new window.
    const saved = await readWindowList(dataDir)
    const wins = saved.length > 0 ? saved.map((doc) => newWindow(doc)) : [newWindow()]
    const win = wins[wins.length - 1]
    const initial = fileFromArgv(process.argv)
    if (initial) win.webContents.once('did-finish-load', () => void openAndTell(initial, win))
    app.on('second-instance', (_event, argv) => {
      const target = focusedWindow() ?? newWindow()
      if (target.isMinimized()) target.restore()
      target.focus()
      const file = fileFromArgv(argv)
      if (file) void openAndTell(file, target)
    })
    app.on('window-all-closed', () => {
      engine.close()
      batches.close()
      app.quit()
    })
  })
}
