// Runs in Node: `npm start`. Opens the desktop app where Electron can run; elsewhere says why in one line and
// starts serve mode (the same UI in a browser on 127.0.0.1) instead.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const sample = join('resources', 'samples', 'astronaut.png')

/**
 * Where the Electron binary should be, without `require('electron')`: that require downloads the binary when it
 * is missing, which is exactly what must not happen here.
 */
function electronBinary() {
  const pkg = join(root, 'node_modules', 'electron')
  const pathFile = join(pkg, 'path.txt')
  if (!existsSync(pathFile)) return { path: null, why: "Electron's binary is not installed here" }
  const relative = readFileSync(pathFile, 'utf8').trim()
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  const binary = override ? join(override, relative) : join(pkg, 'dist', relative)
  if (!existsSync(binary)) return { path: null, why: "Electron's binary is not available here" }
  return { path: binary, why: null }
}

/** Why no window can be shown, or null when one can. */
function noDisplay() {
  if (process.platform === 'win32' || process.platform === 'darwin') return null
  if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return null
  return 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)'
}

/** Runs an npm script or npx command in the project, inheriting the terminal; exits on failure. */
function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

function startDesktop() {
  // electron-vite preview builds main, preload and renderer, then starts Electron on the result.
  const child = spawn('npx', ['electron-vite', 'preview'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
  child.on('exit', (code) => process.exit(code ?? 0))
}

/** Opens `url` in the desktop's browser when there is a desktop; the printed URL is enough otherwise. */
function openInBrowser(url) {
  if (noDisplay()) return
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]]
  const opener = spawn(command, args, { stdio: 'ignore', detached: true })
  opener.on('error', () => console.log('Open the address above in a browser.'))
  opener.unref()
}

function startServe(reason) {
  console.log(`${reason}; starting serve mode instead`)
  const missingNode = !existsSync(join(root, 'out', 'node', 'cli.js')) || !existsSync(join(root, 'out', 'node', 'host.js'))
  if (missingNode) run('npm', ['run', '--silent', 'build:node'])
  if (!existsSync(join(root, 'out', 'renderer', 'index.html'))) run('npx', ['electron-vite', 'build'])
  const args = [join(root, 'bin', 'kernel-studio.js'), 'serve', '--open', join(root, sample)]
  if (process.env.PORT) args.push('--port', process.env.PORT)
  // The CLI prints "Kernel Studio is serving on http://127.0.0.1:PORT/?token=...": that whole URL is the way in
  // (the token is new at each start). Passed through as printed; where a desktop can show a browser, opened too.
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['inherit', 'pipe', 'inherit'] })
  let opened = false
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk)
    const url = /serving on (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(chunk.toString())?.[1]
    if (url && !opened) {
      opened = true
      openInBrowser(url)
    }
  })
  const forward = (signal) => child.kill(signal)
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  child.on('exit', (code) => process.exit(code ?? 0))
}

const electron = electronBinary()
const display = electron.path ? noDisplay() : null
if (electron.path && !display) startDesktop()
else startServe(electron.why ?? `Electron cannot open a window here: ${display}`)
