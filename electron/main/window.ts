// Runs in Electron's main process: the app windows (one document each) and the guards every web contents gets.
import { randomBytes } from 'node:crypto'
import { extname, join, normalize, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { BrowserWindow, app, dialog, net, protocol, session, type WebContents } from 'electron'

/** Every app window and the id of its document (image, stack, history, view). */
const windows = new Map<BrowserWindow, string>()

/** The built renderer is served from app://kernel-studio/ (a real origin with real headers, unlike file://). */
const APP_SCHEME = 'app'
const APP_HOST = 'kernel-studio'
const RENDERER_DIR = join(import.meta.dirname, '../renderer')

/** The dev server in `electron-vite dev`, else the built renderer through the app scheme. */
function rendererUrl(): string {
  const dev = process.env.ELECTRON_RENDERER_URL
  if (!app.isPackaged && dev) return dev
  return `${APP_SCHEME}://${APP_HOST}/index.html`
}

/** True when `url` is our own page (the built renderer or the dev server), never remote content or a file. */
export function isAppUrl(url: string): boolean {
  try {
    const target = new URL(url)
    const own = new URL(rendererUrl())
    // Custom schemes have an opaque origin in WHATWG URL terms, so compare scheme and host.
    return target.protocol === own.protocol && target.host === own.host
  } catch {
    return false
  }
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm'
}

/** Declares the app scheme as standard and secure; must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }
  ])
}

/** Serves out/renderer on app://kernel-studio/ with the CSP header; nothing outside that folder. */
function handleAppScheme(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url)
    const file = normalize(join(RENDERER_DIR, decodeURIComponent(url.pathname)))
    if (url.host !== APP_HOST || !file.startsWith(RENDERER_DIR + sep)) return new Response('not found', { status: 404 })
    const res = await net.fetch(pathToFileURL(file).href).catch(() => null)
    if (!res || !res.ok) return new Response('not found', { status: 404 })
    return new Response(res.body, {
      status: 200,
      headers: {
        'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Security-Policy': CSP,
        'X-Content-Type-Options': 'nosniff'
      }
    })
  })
}

/** True when `contents` belongs to one of our windows. */
export function isAppWindow(contents: WebContents): boolean {
  const win = BrowserWindow.fromWebContents(contents)
  return win !== null && windows.has(win)
}

/** The document of the window `contents` belongs to (main sets it on every call: a page names no other). */
export function documentOf(contents: WebContents): string | undefined {
  const win = BrowserWindow.fromWebContents(contents)
  return win === null ? undefined : windows.get(win)
}

/** The documents of the open windows, oldest window first. */
export function openDocuments(): string[] {
  return [...windows].filter(([w]) => !w.isDestroyed()).map(([, doc]) => doc)
}

/** Every open app window. */
export function appWindows(): BrowserWindow[] {
  return [...windows.keys()].filter((w) => !w.isDestroyed())
}

/** The window menu commands and dialogs belong to. */
export function focusedWindow(): BrowserWindow | undefined {
  return BrowserWindow.getFocusedWindow() ?? appWindows()[0]
}

/** The page's Content-Security-Policy: our own scripts only, no remote anything. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'"
].join('; ')

/** Handler for files dropped on the window (the page does not handle them: Chromium then navigates to the file). */
let onFileDropped: ((path: string) => void) | null = null

/**
 * App-wide guards, before any window exists (after ready): the app scheme, CSP header on every response, all permission requests denied,
 * no new windows, no navigation away from our page (a dropped file's file:// navigation opens it instead),
 * no <webview>.
 */
export function setupWindowSecurity(options: { onFileDropped: (path: string) => void }): void {
  onFileDropped = options.onFileDropped
  handleAppScheme()
  // The dev server's responses get the same policy.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } })
  })
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
  app.on('web-contents-created', (_event, contents) => {
    // No new windows, and nothing handed to the system browser: the app shows no web links, so the allow-list of
    // shell.openExternal is empty and it is never called (a compromised page could otherwise launch any URL).
    contents.setWindowOpenHandler(() => ({ action: 'deny' }))
    contents.on('will-navigate', (event, url) => {
      if (isAppUrl(url)) return
      event.preventDefault()
      if (url.startsWith('file:')) onFileDropped?.(fileURLToPath(url))
    })
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault()
    })
    contents.on('will-attach-webview', (event) => event.preventDefault())
  })
}

/**
 * Opens an app window for document `doc` (a new one by default; a saved one when the app restores its windows):
 * isolated, sandboxed, no Node in the page, the preload as the only bridge. The page learns its document from
 * its address; closing it with changes not exported or saved as a recipe asks first. `onChange` runs when the
 * set of windows changes (main keeps the list for the next start).
 */
export function createMainWindow(doc: string = randomBytes(12).toString('hex'), onChange?: () => void): BrowserWindow {
  const win = new BrowserWindow({ // eng-disable REMOTE_MODULE_JS_CHECK: Electron removed the remote module in 14 (this is 45)
    width: 1400,
    height: 900,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Kernel Studio',
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'), // eng-disable PRELOAD_JS_CHECK: reviewed: contextBridge of named API functions only
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      // A middle click on a link would open it without going through setWindowOpenHandler's checks.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false
    }
  })
  windows.set(win, doc)
  win.on('closed', () => {
    windows.delete(win)
    onChange?.()
  })
  // The page's beforeunload said its work is not kept anywhere yet: Electron shows no question of its own.
  win.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      buttons: ['Close without exporting', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      message: 'Close this window?',
      detail: 'Its changes have not been exported or saved as a recipe; closing the window forgets them.'
    })
    if (choice === 0) event.preventDefault()
  })
  win.once('ready-to-show', () => win.show())
  const url = new URL(rendererUrl())
  url.searchParams.set('doc', doc)
  void win.loadURL(url.toString())
  onChange?.()
  return win
}
