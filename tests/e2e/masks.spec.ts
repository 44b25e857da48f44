// Runs in Node (Playwright): the mask editor in Debian's Chromium against serve mode. A mask painted and drawn on
// the canvas (brush, rectangle, eraser) is one undo step per stroke, travels in the saved recipe, and the app's
// export equals `kernel-studio apply --recipe` on that recipe pixel for pixel, with blend luminosity on the
// luminance; outside the mask the photo is untouched.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { readPixels } from './fixtures/pixels'
import { CHELSEA, chelseaWithLayer, exportEqualsCli, saveRecipe } from './fixtures/stack'
import { waitForPreview } from './fixtures/viewer'

/** Page coordinates of the image point at fractions (fx, fy), from the rect the viewer says it drew the image in. */
async function imagePoint(page: Page, fx: number, fy: number): Promise<{ x: number; y: number }> {
  const canvas = page.getByTestId('viewer-canvas')
  const box = await canvas.boundingBox()
  const rect = (await canvas.getAttribute('data-image-rect'))?.split(',').map(Number)
  if (!box || !rect || rect.length !== 4) throw new Error('the viewer shows no image')
  // deviceScaleFactor is 1 in playwright.config.ts: device pixels are CSS pixels.
  return { x: box.x + rect[0] + fx * rect[2], y: box.y + rect[1] + fy * rect[3] }
}

async function drag(page: Page, points: [number, number][]): Promise<void> {
  const first = await imagePoint(page, ...points[0])
  await page.mouse.move(first.x, first.y)
  await page.mouse.down()
  for (const p of points.slice(1)) {
    const at = await imagePoint(page, ...p)
    await page.mouse.move(at.x, at.y, { steps: 4 })
  }
  await page.mouse.up()
}

test('a mask painted on the canvas: one undo step per stroke, and the export equals the CLI on the saved recipe', async ({ page }) => {
  const dir = await mkdtemp(join(tmpdir(), 'ks-masks-'))
  try {
    const { settings } = await chelseaWithLayer(page, 'Sharpen')
    await settings.getByLabel('Blend').selectOption('luminosity')
    await settings.getByLabel('Channels').selectOption('luminance')

    const overlay = page.getByTestId('mask-overlay')
    const tools = settings.getByRole('group', { name: 'Mask tools' })
    await tools.getByRole('button', { name: 'Brush' }).click()
    await expect(overlay).toHaveAttribute('data-mask-tool', 'brush')
    await drag(page, [[0.55, 0.3], [0.7, 0.45], [0.85, 0.7]])
    await expect(overlay).toHaveAttribute('data-mask-shapes', '1')
    await tools.getByRole('button', { name: 'Rectangle' }).click()
    await drag(page, [[0.5, 0.6], [0.9, 0.95]])
    await expect(overlay).toHaveAttribute('data-mask-shapes', '2')
    await tools.getByRole('button', { name: 'Eraser' }).click()
    await drag(page, [[0.6, 0.75], [0.8, 0.8]])
    await expect(overlay).toHaveAttribute('data-mask-shapes', '3')
    await expect(settings.getByRole('list', { name: 'Mask shapes' }).getByRole('listitem')).toHaveText([
      /^Brush stroke, \d+ points$/,
      /^Rectangle \d+% × \d+%$/,
      /^Eraser stroke, \d+ points$/
    ])

    // Each stroke is its own undo step.
    await page.getByTestId('viewer-canvas').focus()
    await page.keyboard.press('Control+z')
    await expect(overlay).toHaveAttribute('data-mask-shapes', '2')
    await page.keyboard.press('Control+Shift+z')
    await expect(overlay).toHaveAttribute('data-mask-shapes', '3')
    await tools.getByRole('button', { name: 'Eraser' }).click()
    await expect(overlay).toHaveAttribute('data-mask-tool', '')

    await waitForPreview(page, /"blend":"luminosity".*"mask":\{"shapes":\[\{"type":"brush".*"erase":true/)

    const recipeFile = join(dir, 'masked.json')
    const recipe = await saveRecipe(page, recipeFile)
    expect(recipe.version).toBe(2)
    expect(recipe.filters[0]).toMatchObject({ preset: 'sharpen', blend: 'luminosity', channels: 'luminance' })
    expect(recipe.filters[0].mask?.shapes.map((s) => (s.type === 'brush' && s.erase ? 'erase' : s.type))).toEqual(['brush', 'rect', 'erase'])

    const exported = await exportEqualsCli(page, dir, recipeFile)

    // The mask limits the layer: the top-left quarter (no shape reaches it) is the photo bit for bit, while the
    // painted part changed.
    const original = await readPixels(CHELSEA)
    const { width, channels } = original
    const differs = (x0: number, y0: number, x1: number, y1: number): number => {
      let n = 0
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          for (let c = 0; c < channels; c++) {
            const p = (y * width + x) * channels + c
            if (exported.data[p] !== original.data[p]) n++
          }
        }
      }
      return n
    }
    expect(differs(0, 0, 200, 80)).toBe(0)
    expect(differs(240, 190, 400, 280)).toBeGreaterThan(100)

    // The feather slider's track is filled up to its thumb: empty at 0, half at 5 % (of 0..10 %).
    const feather = settings.getByLabel('Mask feather')
    const fill = async (): Promise<string | undefined> => /--fill:\s*([^;]+)/.exec((await feather.getAttribute('style')) ?? '')?.[1].trim()
    await expect(feather).toHaveValue('0')
    expect(await fill()).toBe('0%')
    await feather.focus()
    for (let i = 0; i < 50; i++) await page.keyboard.press('ArrowRight')
    await expect(settings.getByText('5%', { exact: true })).toBeVisible()
    expect(await fill()).toBe('50%')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
