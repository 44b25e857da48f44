// The desktop app for real (Playwright's _electron): open -> preset -> export, compared with `kernel-studio apply`.
// Runs wherever the Electron binary is installed; skipped with a one-line reason where it is not.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'
import { decodeImage } from '../../src/io/decode-image'

const root = join(import.meta.dirname, '..', '..')
const image = join(root, 'resources', 'samples', 'astronaut.png')

/** The Electron binary's path, found the way node_modules/electron does it but without its download fallback. */
function electronBinary(): { path: string | null; why: string } {
  const pkg = join(root, 'node_modules', 'electron')
  const pathFile = join(pkg, 'path.txt')
  if (!existsSync(pathFile)) return { path: null, why: "Electron's binary is not installed here (node_modules/electron/path.txt is missing)" }
  const binary = join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkg, 'dist'), readFileSync(pathFile, 'utf8').trim())
  if (!existsSync(binary)) return { path: null, why: `Electron's binary is not installed here (${binary} is missing)` }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { path: null, why: 'Electron needs a display and none is set (DISPLAY / WAYLAND_DISPLAY)' }
  }
  if (!existsSync(join(root, 'out', 'main', 'index.js'))) return { path: null, why: 'the app is not built: run npm run build:app' }
  return { path: binary, why: '' }
}

const binary = electronBinary()

test.describe('desktop app (Electron)', () => {
  test.skip(binary.path === null, binary.why)

  test('opens an image, previews a preset and exports the same pixels as kernel-studio apply', async ({}, testInfo) => {
    const exported = testInfo.outputPath('electron-export.png')
    const reference = testInfo.outputPath('cli-reference.png')
    const app = await electron.launch({
      executablePath: binary.path as string,
      args: [root, `--user-data-dir=${testInfo.outputPath('user-data')}`],
      env: { ...process.env, NODE_ENV: 'production' }
    })
    try {
      // Native dialogs cannot be clicked by Playwright: answer them in main instead.
      await app.evaluate(
        ({ dialog }, paths) => {
          dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [paths.image] })) as typeof dialog.showOpenDialog
          dialog.showSaveDialog = (async () => ({ canceled: false, filePath: paths.exported })) as typeof dialog.showSaveDialog
        },
        { image, exported }
      )
      const win = await app.firstWindow()
      // The page runs sandboxed, with window.api from the preload and no Node.
      expect(await win.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
      expect(await win.evaluate(() => typeof (globalThis as { api?: { 'app:info'?: unknown } }).api?.['app:info'])).toBe('function')

      await win.getByRole('button', { name: 'Open image' }).click()
      await expect(win.getByText(/512 × 512/)).toBeVisible()
      await win.getByRole('option', { name: 'Sharpen' }).click()
      await win.getByRole('toolbar', { name: 'Main toolbar' }).getByRole('button', { name: 'Export' }).click()
      const dialog = win.getByRole('dialog', { name: 'Export image' })
      await dialog.getByRole('radio', { name: 'PNG' }).click()
      await dialog.getByRole('button', { name: 'Export', exact: true }).click()
      await expect.poll(() => existsSync(exported), { timeout: 30_000 }).toBe(true)
      await win.screenshot({ path: testInfo.outputPath('electron-window.png') })

      const cli = spawnSync(process.execPath, [join(root, 'bin', 'kernel-studio.js'), 'apply', image, '-o', reference, '--preset', 'sharpen'], {
        encoding: 'utf8'
      })
      expect(cli.status, cli.stderr).toBe(0)
      const got = (await decodeImage(exported)).image
      const want = (await decodeImage(reference)).image
      expect([got.width, got.height, got.channels, got.depth]).toEqual([want.width, want.height, want.channels, want.depth])
      expect(Buffer.from(got.data).equals(Buffer.from(want.data))).toBe(true)
    } finally {
      await app.close()
    }
  })
})
