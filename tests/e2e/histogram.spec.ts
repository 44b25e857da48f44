// Runs in Node (Playwright): the histogram panel in Debian's Chromium against serve mode shows, before and after
// the stack, the same numbers as `kernel-studio inspect --histogram --json` on the recipe the app saves.
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect, test } from '@playwright/test'
import type { Histogram } from '../../src/engine/histogram'
import { CLI, ROOT } from './fixtures/serve'
import { CHELSEA, chelseaWithLayer, saveRecipe } from './fixtures/stack'
import { waitForPreview } from './fixtures/viewer'

const run = promisify(execFile)

test('the histogram panel shows the numbers of kernel-studio inspect --histogram, before and after', async ({ page }) => {
  const dir = await mkdtemp(join(tmpdir(), 'ks-histogram-'))
  try {
    await chelseaWithLayer(page, 'Sharpen')
    await waitForPreview(page, /"preset":"sharpen"/)

    const recipeFile = join(dir, 'look.json')
    await saveRecipe(page, recipeFile)
    const { stdout } = await run(process.execPath, [CLI, 'inspect', CHELSEA, '--histogram', '--json', '--recipe', recipeFile], { cwd: ROOT })
    const cli = JSON.parse(stdout) as { before: Histogram; after: Histogram }
    // Sharpening pushes samples to the ends: the after side has more clipped pixels than the photo.
    expect(cli.after.clippedHighlights + cli.after.clippedShadows).toBeGreaterThan(cli.before.clippedHighlights + cli.before.clippedShadows)

    const panel = page.getByTestId('histogram-panel')
    await panel.getByText('Histogram', { exact: true }).click()
    for (const side of ['after', 'before'] as const) {
      await panel.getByRole('radio', { name: side === 'after' ? 'After' : 'Before' }).check()
      const h = cli[side]
      await expect(panel.getByTestId('histogram-summary')).toHaveAttribute('data-side', side)
      await expect(panel.getByTestId('histogram-pixels')).toHaveText(String(h.pixels))
      await expect(panel.getByTestId('histogram-shadows')).toHaveText(String(h.clippedShadows))
      await expect(panel.getByTestId('histogram-highlights')).toHaveText(String(h.clippedHighlights))
      for (const c of h.channels) {
        await expect(panel.locator(`tr[data-channel="${c.name}"] td`)).toHaveText([c.mean.toFixed(2), String(c.shadows), String(c.highlights)])
      }
    }
    expect(cli.before.channels.map((c) => c.name)).toEqual(['red', 'green', 'blue', 'luminance'])

    // Clipping on the image: the overlay is off until asked for.
    await expect(page.getByTestId('clipping-overlay')).toHaveAttribute('data-shown', 'off')
    await panel.getByLabel(/Show clipping on the image/).check()
    await expect(page.getByTestId('clipping-overlay')).toHaveAttribute('data-shown', 'on')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
