// Runs in Electron's main process: the application menu; its commands go to the focused window's renderer.
import { Menu, app, type MenuItemConstructorOptions } from 'electron'
import { basename } from 'node:path'
import { IPC_EVENT_CHANNEL, type MenuCommand } from '../../src/contract/api'
import { focusedWindow } from './window'

/** What the menu needs from the rest of main. */
export interface MenuActions {
  /** Opens a recent file (main does it, then tells the renderer with `image:opened`). */
  openRecent(path: string): void
  /** Forgets the recent files. */
  clearRecent(): void
  /** Opens another window with a document of its own. */
  newWindow(): void
}

function send(command: MenuCommand): void {
  focusedWindow()?.webContents.send(IPC_EVENT_CHANNEL, 'menu:command', { command })
}

const item = (label: string, accelerator: string | undefined, command: MenuCommand): MenuItemConstructorOptions => ({
  label,
  accelerator,
  click: () => send(command)
})

/**
 * Builds and installs the menu: File (New Window Ctrl/Cmd+Shift+N, Open Ctrl/Cmd+O, Open Recent, Open/Save Recipe, Export Ctrl/Cmd+Shift+E, Batch Export Ctrl/Cmd+Shift+B),
 * Edit (Undo/Redo as app commands: the renderer applies them to the stack, or to the focused text field),
 * View (zoom in/out/fit/100%). Call again to refresh the recent files.
 */
export function setupMenu(recent: readonly string[], actions: MenuActions): void {
  const mac = process.platform === 'darwin'
  const recentItems: MenuItemConstructorOptions[] =
    recent.length === 0
      ? [{ label: 'No recent files', enabled: false }]
      : [
          ...recent.map((path) => ({ label: basename(path), sublabel: path, click: () => actions.openRecent(path) })),
          { type: 'separator' as const },
          { label: 'Clear Recent', click: () => actions.clearRecent() }
        ]
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: '&New Window', accelerator: 'CmdOrCtrl+Shift+N', click: () => actions.newWindow() },
        { type: 'separator' },
        item('&Open Image…', 'CmdOrCtrl+O', 'open'),
        { label: 'Open &Recent', submenu: recentItems },
        { type: 'separator' },
        item('Open Re&cipe…', 'CmdOrCtrl+Shift+O', 'open-recipe'),
        item('&Save Recipe…', 'CmdOrCtrl+S', 'save-recipe'),
        { type: 'separator' },
        item('&Export…', 'CmdOrCtrl+Shift+E', 'export'),
        item('&Batch Export…', 'CmdOrCtrl+Shift+B', 'batch-export'),
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' }
      ]
    },
    {
      label: '&Edit',
      submenu: [
        item('&Undo', 'CmdOrCtrl+Z', 'undo'),
        item('&Redo', mac ? 'Shift+Cmd+Z' : 'Ctrl+Shift+Z', 'redo'),
        ...(mac ? [] : [{ ...item('Redo', 'Ctrl+Y', 'redo'), visible: false, acceleratorWorksWhenHidden: true }]),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' }
      ]
    },
    {
      label: '&View',
      submenu: [
        item('Zoom &In', 'CmdOrCtrl+=', 'zoom-in'),
        { ...item('Zoom In', 'CmdOrCtrl+Plus', 'zoom-in'), visible: false, acceleratorWorksWhenHidden: true },
        item('Zoom &Out', 'CmdOrCtrl+-', 'zoom-out'),
        item('&Fit to Window', 'CmdOrCtrl+0', 'zoom-fit'),
        item('&Actual Size (100%)', 'CmdOrCtrl+1', 'zoom-100'),
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }])
      ]
    },
    { role: 'windowMenu' }
  ]
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}
