// Runs in Node (Playwright): per-layer blend mode, channels and linear light in Debian's Chromium against serve mode.
// Choosing luminosity, luminance and linear light changes the preview; the recipe saved in the app carries them
// (version 2), and `kernel-studio apply --recipe` on it equals the app's export pixel for pixel.
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect, test } from '@playwright/test'
import { readPixels } from './fixtures/pixels'
import { CLI, ROOT } from './fixtures/serve'
import { CHELSEA, chelseaWithLayer, exportEqualsCli, saveRecipe } from './fixtures/stack'
import { waitForPreview } from './fixtures/viewer'

const run = promisify(execFile)

test('a layer blended by luminosity on the luminance in linear light: export equals the CLI on the saved recipe', async ({ page }) => {
  const dir = await mkdtemp(join(tmpdir(), 'ks-layers-'))
  try {
    const { settings } = await chelseaWithLayer(page, 'Sharpen')

    await settings.getByLabel('Blend').selectOption('luminosity')
    await settings.getByLabel('Channels').selectOption('luminance')
    await settings.getByLabel('Linear light').check()
    await waitForPreview(page, /"channels":"luminance".*"light":"linear"|"light":"linear".*"channels":"luminance"/)
    await expect(page.locator('[data-preview-key]')).toHaveAttribute('data-preview-key', /"blend":"luminosity"/)

    const recipeFile = join(dir, 'look.json')
    const recipe = await saveRecipe(page, recipeFile)
    expect(recipe.version).toBe(2)
    expect(recipe.filters.map((f) => [f.preset, f.blend, f.channels, f.light])).toEqual([['sharpen', 'luminosity', 'luminance', 'linear']])

    const exported = await exportEqualsCli(page, dir, recipeFile)
    // The layer really changed the photo, and differently from plain Sharpen.
    const plainFile = join(dir, 'plain.png')
    await run(process.execPath, [CLI, 'apply', CHELSEA, '--preset', 'sharpen', '-o', plainFile], { cwd: ROOT })
    const original = await readPixels(CHELSEA)
    const plain = await readPixels(plainFile)
    expect(Buffer.compare(Buffer.from(exported.data), Buffer.from(original.data))).not.toBe(0)
    expect(Buffer.compare(Buffer.from(exported.data), Buffer.from(plain.data))).not.toBe(0)

    // Back to the defaults: the fields leave the layer, so the recipe would be version 1 again.
    await settings.getByLabel('Blend').selectOption('normal')
    await settings.getByLabel('Channels').selectOption('rgb')
    await settings.getByLabel('Linear light').uncheck()
    await waitForPreview(page, '[{"name":"Sharpen","preset":"sharpen","params":{"amount":1}}]')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
