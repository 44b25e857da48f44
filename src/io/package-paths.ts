// Runs in Node (CLI, engine host, serve mode, tests) and Electron main: where Kernel Studio's own files live (the
// built pieces, the samples, package.json) and where serve mode keeps the user's data.
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

let cachedRoot: string | undefined

/**
 * The kernel-studio package folder: the nearest folder above this module holding kernel-studio's package.json
 * (the working directory if none does). Works from the sources (Vitest), from out/node/*.js and
 * out/node/chunks/*.js (the CLI, the host, the workers) and from out/main (Electron) alike.
 */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'kernel-studio') return (cachedRoot = dir)
      } catch {
        // Not ours (or unreadable): keep walking up.
      }
    }
    const parent = dirname(dir)
    if (parent === dir) return (cachedRoot = process.cwd())
    dir = parent
  }
}

/** The built Node engine host (`npm run build:node` writes it). */
export function hostScriptPath(): string {
  return join(packageRoot(), 'out', 'node', 'host.js')
}

/** The built renderer (`electron-vite build` writes it). */
export function rendererDir(): string {
  return join(packageRoot(), 'out', 'renderer')
}

/** The bundled sample photos. */
export function samplesDir(): string {
  return join(packageRoot(), 'resources', 'samples')
}

/** The version in package.json. */
export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0'
  } catch {
    return '0.0.0'
  }
}

/**
 * Where serve mode keeps the personal kernel gallery and recent files:
 * `$KERNEL_STUDIO_DATA_DIR`, else `$XDG_CONFIG_HOME/kernel-studio`, else `~/.config/kernel-studio`.
 * (Electron uses app.getPath('userData') instead.)
 */
export function defaultDataDir(): string {
  const env = process.env.KERNEL_STUDIO_DATA_DIR
  if (env) return resolve(env)
  const xdg = process.env.XDG_CONFIG_HOME
  return join(xdg ? resolve(xdg) : join(homedir(), '.config'), 'kernel-studio')
}
