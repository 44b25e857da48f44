// Runs in Electron's main process: wires the app together; each concern lives in its own setup*() module.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { app } from 'electron'
import { createHandlers } from '../../src/api/handlers'
import { createDialogs } from './dialogs'
import { setupEngine } from './engine'
import { broadcast, setupIpc } from './ipc'
import { setupMenu } from './menu'
import { setupRecent } from './recent'
import { createMainWindow, registerAppScheme, setupWindowSecurity } from './window'

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
    const refreshMenu = async (): Promise<void> =>
      setupMenu(await recent.files.list(), { openRecent: (path) => void openAndTell(path), clearRecent: () => void recent.files.clear().then(refreshMenu) })
    const handlers = createHandlers({
      shell: 'electron',
      host: engine,
      emit: broadcast,
      dialogs: createDialogs(),
      dataDir: app.getPath('userData'),
      onOpenedPath: (path) => {
        recent.remember(path)
        void refreshMenu()
      }
    })
    /** Opens a file main learnt about (drop, recent menu, second instance) and tells the renderer. */
    const openAndTell = async (path: string): Promise<void> => {
      try {
        const info = await handlers['image:open']({ path })
        if (info) broadcast('image:opened', info)
      } catch (err) {
        // The renderer shows errors of its own calls; this one it did not make, so say it in the log at least.
        console.error(`Kernel Studio: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    setupWindowSecurity({ onFileDropped: (path) => void openAndTell(path) })
    setupIpc(handlers, () => recent.files.list())
    await refreshMenu()
    const win = createMainWindow()
    const initial = fileFromArgv(process.argv)
    if (initial) win.webContents.once('did-finish-load', () => void openAndTell(initial))
    app.on('second-instance', (_event, argv) => {
      if (win.isMinimized()) win.restore()
      win.focus()
      const file = fileFromArgv(argv)
      if (file) void openAndTell(file)
    })
    app.on('window-all-closed', () => {
      engine.close()
      app.quit()
    })
  })
}
