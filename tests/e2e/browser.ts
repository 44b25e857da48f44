// Runs in Node: finds the Chromium the end-to-end tests drive, so `npm test` needs no browser installed beforehand.
// Order: KS_CHROMIUM; the browser Playwright downloaded itself (`npx playwright install chromium`); a system
// Chromium or Chrome; else the Chromium shipped inside the dev dependency @sparticuz/chromium (Linux x64).
import { accessSync, constants, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createBrotliDecompress } from 'node:zlib'
import { chromium } from '@playwright/test'

/** A browser binary and where it was found, for the one line the configuration prints. */
export interface FoundBrowser {
  readonly path: string
  readonly source: string
}

const root = join(import.meta.dirname, '..', '..')

/** Command names a system Chromium or Chrome goes by on Linux (Debian, Fedora, Arch; Google's packages). */
const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome']

/** Where macOS and Windows install them (not on PATH there). */
const SYSTEM_PATHS = [
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  join(process.env.PROGRAMFILES ?? 'C:\\Program Files', 'Google', 'Chrome', 'Application', 'chrome.exe')
]

function isExecutable(path: string): boolean {
  try {
    accessSync(path, process.platform === 'win32' ? constants.F_OK : constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Playwright's own download, where its `chromium.executablePath()` points, if that file exists. */
function playwrightBrowser(): string | null {
  try {
    const path = chromium.executablePath()
    return existsSync(path) ? path : null
  } catch {
    // Playwright throws on platforms it has no build for.
    return null
  }
}

function systemBrowser(): string | null {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean)
  for (const name of SYSTEM_NAMES) {
    for (const dir of dirs) {
      const path = join(dir, name)
      // Snap's confinement keeps a snap Chromium from reading the profile folder Playwright makes in /tmp.
      if (isExecutable(path) && !realpathSync(path).startsWith('/snap/')) return path
    }
  }
  return SYSTEM_PATHS.find(isExecutable) ?? null
}

/**
 * The Chromium inside @sparticuz/chromium. The package stores it Brotli-compressed (bin/chromium.br); it is
 * decompressed once per package version into node_modules/.cache, through a temporary name and a rename so that a
 * run stopped halfway, or two runs at once, never leave a partial binary under the final name. (The package's own
 * executablePath() writes to a shared /tmp/chromium that any other version or a half-written file could occupy.)
 */
async function packagedBrowser(): Promise<string | null> {
  const pkg = join(root, 'node_modules', '@sparticuz', 'chromium')
  if (process.platform !== 'linux' || process.arch !== 'x64' || !existsSync(join(pkg, 'bin', 'chromium.br'))) return null
  const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string }
  const dir = join(root, 'node_modules', '.cache', 'kernel-studio', `chromium-${version}`)
  const binary = join(dir, 'chromium')
  if (isExecutable(binary)) return binary
  mkdirSync(dir, { recursive: true })
  const partial = `${binary}.${process.pid}.partial`
  try {
    await pipeline(createReadStream(join(pkg, 'bin', 'chromium.br')), createBrotliDecompress(), createWriteStream(partial, { mode: 0o755 }))
    renameSync(partial, binary)
  } catch (error) {
    rmSync(partial, { force: true })
    throw new Error(`could not decompress @sparticuz/chromium's browser into ${dir}: ${(error as Error).message}`)
  }
  return binary
}

/** The browser to run the end-to-end tests in; rejects with a one-line reason when there is none. */
export async function findChromium(): Promise<FoundBrowser> {
  const chosen = process.env.KS_CHROMIUM
  if (chosen) {
    if (!isExecutable(chosen)) throw new Error(`KS_CHROMIUM is ${chosen}, which is not an executable file`)
    return { path: chosen, source: 'KS_CHROMIUM' }
  }
  const playwright = playwrightBrowser()
  if (playwright) return { path: playwright, source: "Playwright's download" }
  const system = systemBrowser()
  if (system) return { path: system, source: 'system Chromium/Chrome' }
  const packaged = await packagedBrowser()
  if (packaged) return { path: packaged, source: '@sparticuz/chromium' }
  throw new Error(
    'no Chromium for the end-to-end tests: set KS_CHROMIUM to a Chromium or Chrome binary, run `npx playwright install chromium`, ' +
      'or install Chromium or Chrome (on Linux x64, `npm install` also brings one in the dev dependency @sparticuz/chromium)'
  )
}
