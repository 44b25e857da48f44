// Runs in Node (Playwright): the editor in Debian's Chromium against serve mode. Opens a photo through the file
// picker, previews a preset, compares the canvas and the exported file pixel-for-pixel with `kernel-studio apply`,
// and checks that a bad file ends in a clear banner while the app keeps working.
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect, test, type Page } from '@playwright/test'
import sharp from 'sharp'
import { toFloat, toInt } from '../../src/engine/image'
import { applyStack } from '../../src/engine/stack'
import type { FilterSpec } from '../../src/engine/types'
import { readPixels, type Pixels } from './fixtures/pixels'
import { CLI, ROOT, startServer } from './fixtures/serve'
import { waitForPreview } from './fixtures/viewer'

const run = promisify(execFile)
const CHELSEA = join(ROOT, 'resources', 'samples', 'chelsea.png')

/** `kernel-studio apply` of `input` with presets, to a new file in `dir`; the engine's own answer. */
async function cliApply(dir: string, input: string, presets: string[], out: string, extra: string[] = []): Promise<string> {
  const target = join(dir, out)
  const args = [CLI, 'apply', input, '-o', target, ...presets.flatMap((p) => ['--preset', p]), ...extra]
  await run(process.execPath, args, { cwd: ROOT })
  return target
}

/** The few canvas members {@link canvasPixels} uses inside the page. */
interface PageCanvas {
  readonly width: number
  readonly height: number
  readonly dataset: Record<string, string | undefined>
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null
}

/** The part of the viewer canvas that shows the image, as RGBA. */
async function canvasPixels(page: Page): Promise<Pixels> {
  const { width, height, b64 } = await page.evaluate(() => {
    // Typed by hand: this file is type-checked with Node's libs, the callback runs in the page.
    const page = globalThis as unknown as { document: { querySelector(selector: string): PageCanvas | null } }
    const canvas = page.document.querySelector('[data-testid="viewer-canvas"]')
    if (!canvas) throw new Error('no viewer canvas')
    const [x, y, w, h] = (canvas.dataset.imageRect ?? '').split(',').map(Number)
    if (!(w > 0 && h > 0)) throw new Error(`the viewer shows no image (${canvas.dataset.imageRect})`)
    if (x < 0 || y < 0 || x + w > canvas.width || y + h > canvas.height) throw new Error('the image is not fully visible')
    const data = canvas.getContext('2d')?.getImageData(x, y, w, h).data
    if (!data) throw new Error('no 2d context')
    let bin = ''
    for (let i = 0; i < data.length; i += 0x8000) bin += String.fromCharCode(...data.subarray(i, i + 0x8000))
    return { width: w, height: h, b64: btoa(bin) }
  })
  return { width, height, channels: 4, data: new Uint8Array(Buffer.from(b64, 'base64')) }
}

/** Number of pixels whose first three channels differ between two images of the same size. */
function countDifferent(a: Pixels, b: Pixels): number {
  expect([a.width, a.height]).toEqual([b.width, b.height])
  let n = 0
  for (let i = 0, j = 0, k = 0; k < a.width * a.height; k++, i += a.channels, j += b.channels) {
    if (a.data[i] !== b.data[j] || a.data[i + 1] !== b.data[j + 1] || a.data[i + 2] !== b.data[j + 2]) n++
  }
  return n
}

/** Polls until the canvas equals `expected` pixel-for-pixel (drawing happens on the next animation frame). */
async function expectCanvasEquals(page: Page, expected: Pixels): Promise<void> {
  await expect
    .poll(async () => countDifferent(await canvasPixels(page), expected), { message: 'pixels differing from the engine' })
    .toBe(0)
}

/**
 * Largest difference between `image` and the reference engine (plain `applyStack`, computed here) for `filters`.
 * The fast engine may round differently by one level for fractional kernels; anything more is a bug.
 */
function maxDiffFromReference(input: Pixels, filters: readonly FilterSpec[], image: Pixels): number {
  const source = { width: input.width, height: input.height, channels: input.channels as 3, depth: 8 as const, data: input.data }
  const ref = toInt(applyStack(toFloat(source), filters))
  expect([image.width, image.height]).toEqual([ref.width, ref.height])
  let worst = 0
  for (let p = 0; p < ref.width * ref.height; p++) {
    for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(ref.data[p * ref.channels + c] - image.data[p * image.channels + c]))
  }
  return worst
}

test.describe.configure({ mode: 'serial' })

let dir: string
let page: Page

test.beforeAll(async ({ browser }) => {
  dir = await mkdtemp(join(tmpdir(), 'ks-e2e-'))
  page = await browser.newPage()
})

test.afterAll(async () => {
  await page?.close()
  await rm(dir, { recursive: true, force: true })
})

test('first launch shows the astronaut sample, so the window is never empty', async ({ browser }) => {
  const { url, child } = await startServer()
  const fresh = await browser.newPage()
  try {
    await fresh.goto(url)
    await expect(fresh.getByTestId('image-size')).toHaveText(/^512 × 512/)
    await expect(fresh.getByRole('combobox', { name: 'Open a sample photo' })).toHaveValue('astronaut')
    await waitForPreview(fresh, '[]')
    const astronaut = await readPixels(join(ROOT, 'resources', 'samples', 'astronaut.png'))
    await expectCanvasEquals(fresh, astronaut)
  } finally {
    await fresh.close()
    child.kill()
  }
})

test('opens a photo through the file picker and shows it at 100% exactly', async () => {
  await page.goto('/')
  await expect(page.getByTestId('image-size')).toBeVisible()
  await page.getByTestId('image-file-input').setInputFiles(CHELSEA)
  await expect(page.getByTestId('image-size')).toHaveText(/^451 × 300/)
  await page.getByRole('button', { name: 'Actual size (100%)' }).click()
  await expect(page.getByTestId('zoom-level')).toHaveText('100%')
  await waitForPreview(page, '[]')
  await expectCanvasEquals(page, await readPixels(CHELSEA))
  await page.screenshot({ path: test.info().outputPath('opened.png') })
})

test('a preset chosen in the gallery previews exactly what the engine computes', async () => {
  const original = await readPixels(CHELSEA)
  await page.getByRole('option', { name: 'Gaussian blur' }).click()
  await expect(page.getByRole('region', { name: 'Preset parameters' })).toBeVisible()
  await waitForPreview(page, /"preset":"gaussian-blur","params":\{"sigma":1\}/)
  await expectCanvasEquals(page, await readPixels(await cliApply(dir, CHELSEA, ['gaussian-blur'], 'gauss-default.png')))

  // Parameters are editable, with live preview.
  await page.getByLabel('Size', { exact: true }).fill('7')
  await page.getByLabel('Sigma (σ)', { exact: true }).fill('2')
  await waitForPreview(page, /"preset":"gaussian-blur","params":\{"size":7,"sigma":2\}/)
  const engine = await readPixels(await cliApply(dir, CHELSEA, ['gaussian-blur:size=7,sigma=2'], 'gauss-7-2.png'))
  await expectCanvasEquals(page, engine)
  // The filter changes the photo, and the canvas shows the change rather than the original.
  const changed = countDifferent(engine, original)
  expect(changed).toBeGreaterThan((original.width * original.height) / 4)
  expect(countDifferent(await canvasPixels(page), original)).toBe(changed)
  await page.screenshot({ path: test.info().outputPath('gaussian.png') })
})

test('an invalid parameter is explained in place and never applied', async () => {
  await page.getByLabel('Size', { exact: true }).fill('4')
  await expect(page.getByRole('alert').filter({ hasText: 'size 4 is even: it must be odd' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Add to stack' })).toBeDisabled()
  // The preview keeps the last valid parameters.
  await expect(page.locator('[data-preview-key]')).toHaveAttribute('data-preview-key', /"size":7,"sigma":2/)
  await page.getByLabel('Size', { exact: true }).fill('7')
  await expect(page.getByRole('button', { name: 'Add to stack' })).toBeEnabled()
})

test('export downloads the file the CLI would write, pixel for pixel', async () => {
  await page.getByRole('button', { name: 'Export', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'Export image' })
  await expect(dialog).toBeVisible()
  await expect(dialog.getByRole('radio', { name: 'PNG' })).toHaveAttribute('aria-checked', 'true')
  await expect(dialog.getByText('the previewed “Gaussian blur”')).toBeVisible()
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export', exact: true }).click()])
  expect(download.suggestedFilename()).toBe('chelsea-edited.png')
  const saved = join(dir, 'exported.png')
  await download.saveAs(saved)
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('info-banner')).toContainText('chelsea-edited.png')
  const exported = await readPixels(saved)
  const engine = await readPixels(await cliApply(dir, CHELSEA, ['gaussian-blur:size=7,sigma=2'], 'cli.png'))
  expect([exported.width, exported.height, exported.channels]).toEqual([engine.width, engine.height, engine.channels])
  expect(Buffer.compare(Buffer.from(exported.data.buffer), Buffer.from(engine.data.buffer))).toBe(0)
})

test('"Add to stack" keeps the filter; a 16-bit TIFF export equals the CLI with --depth 16', async () => {
  await page.getByRole('button', { name: 'Add to stack' }).click()
  await expect(page.getByRole('tab', { name: /Stack/ })).toContainText('1')
  await expect(page.getByRole('region', { name: 'Preset parameters' })).toBeHidden()
  await page.getByRole('option', { name: 'Sharpen' }).click()
  await waitForPreview(page, /"preset":"gaussian-blur".*"preset":"sharpen"/)
  const both = await readPixels(await cliApply(dir, CHELSEA, ['gaussian-blur:size=7,sigma=2', 'sharpen'], 'both.png'))
  await expectCanvasEquals(page, both)
  // App and CLI share the engine; check that engine against the plain reference convolution too.
  const stackSpec = [{ preset: 'gaussian-blur', params: { size: 7, sigma: 2 } }, { preset: 'sharpen' }]
  expect(maxDiffFromReference(await readPixels(CHELSEA), stackSpec, both)).toBeLessThanOrEqual(1)

  await page.keyboard.press('Control+Shift+E')
  const dialog = page.getByRole('dialog', { name: 'Export image' })
  await dialog.getByRole('radio', { name: 'TIFF' }).click()
  await dialog.getByRole('radio', { name: '16-bit' }).click()
  // Only the stack: leave the previewed Sharpen out.
  await dialog.getByRole('checkbox').uncheck()
  await expect(dialog.getByText('1 stack filter')).toBeVisible()
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export', exact: true }).click()])
  expect(download.suggestedFilename()).toBe('chelsea-edited.tif')
  const saved = join(dir, 'exported.tif')
  await download.saveAs(saved)
  const exported = await readPixels(saved)
  const engine = await readPixels(await cliApply(dir, CHELSEA, ['gaussian-blur:size=7,sigma=2'], 'cli16.tif', ['--depth', '16']))
  expect(exported.data).toBeInstanceOf(Uint16Array)
  expect([exported.width, exported.height, exported.channels]).toEqual([engine.width, engine.height, engine.channels])
  expect(Buffer.compare(Buffer.from(exported.data.buffer), Buffer.from(engine.data.buffer))).toBe(0)
})

test('export to a path that exists says so and offers to replace it', async () => {
  const target = join(dir, 'taken.png')
  await writeFile(target, 'placeholder')
  await page.getByRole('button', { name: 'Export', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'Export image' })
  await dialog.getByLabel(/save to a path on the computer running the server/i).fill(target)
  await dialog.getByRole('button', { name: 'Export', exact: true }).click()
  await expect(dialog.getByTestId('export-error')).toContainText(/exists/)
  await dialog.getByRole('button', { name: 'Replace file' }).click()
  await expect(dialog).toBeHidden()
  expect((await stat(target)).size).toBeGreaterThan(1000)
  expect((await readPixels(target)).width).toBe(451)
})

test('a file that is not an image ends in a clear message, and the app keeps working', async () => {
  await page.getByTestId('image-file-input').setInputFiles({
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('this is not a picture\n')
  })
  const banner = page.getByTestId('error-banner')
  await expect(banner).toBeVisible()
  await expect(banner).toHaveAttribute('role', 'alert')
  const text = (await banner.innerText()).trim()
  expect(text).toContain('notes.txt')
  expect(text.split('\n')).toHaveLength(1)
  expect(text).not.toMatch(/\bat .+:\d+:\d+/)
  await page.screenshot({ path: test.info().outputPath('error-banner.png') })
  await banner.getByRole('button', { name: 'Dismiss error' }).click()
  await expect(banner).toBeHidden()

  // The previous photo and stack are still there and still respond.
  await expect(page.getByTestId('image-size')).toHaveText(/^451 × 300/)
  await page.getByRole('option', { name: 'Emboss' }).click()
  await waitForPreview(page, /"preset":"gaussian-blur".*"preset":"emboss"/)
  const engine = await readPixels(await cliApply(dir, CHELSEA, ['gaussian-blur:size=7,sigma=2', 'emboss'], 'emboss.png'))
  await expectCanvasEquals(page, engine)
})

test('the status bar reads the pixel under the cursor, before and after', async () => {
  const original = await readPixels(CHELSEA)
  const after = await readPixels(join(dir, 'emboss.png'))
  // A pixel the filters change in every channel, so each value shows "before → after".
  let at = -1
  for (let p = original.width * 40 + 40; p < original.width * original.height; p++) {
    if ([0, 1, 2].every((c) => original.data[p * 3 + c] !== after.data[p * 3 + c])) {
      at = p
      break
    }
  }
  expect(at).toBeGreaterThan(0)
  const row = Math.floor(at / original.width)
  const col = at % original.width
  const [x, y] = ((await page.getByTestId('viewer-canvas').getAttribute('data-image-rect')) ?? '').split(',').map(Number)
  const box = await page.getByTestId('viewer-canvas').boundingBox()
  await page.mouse.move((box?.x ?? 0) + x + col + 0.5, (box?.y ?? 0) + y + row + 0.5)
  await expect(page.getByTestId('pixel-position')).toHaveText(`x ${col} · y ${row}`)
  const values = ['R', 'G', 'B'].map((n, c) => `${n} ${original.data[at * 3 + c]} → ${after.data[at * 3 + c]}`)
  await expect(page.getByTestId('pixel-values').locator('.chan')).toHaveText(values)
})

test('wheel zooms around the cursor and dragging pans', async () => {
  const canvas = page.getByTestId('viewer-canvas')
  const box = (await canvas.boundingBox()) as { x: number; y: number; width: number; height: number }
  const point = { x: box.x + box.width / 2 + 37, y: box.y + box.height / 2 - 21 }
  await page.mouse.move(point.x, point.y)
  const position = page.getByTestId('pixel-position')
  const before = await position.innerText()
  await page.mouse.wheel(0, -240)
  await expect(page.getByTestId('zoom-level')).not.toHaveText('100%')
  const zoomed = Number((await page.getByTestId('zoom-level').innerText()).replace('%', ''))
  expect(zoomed).toBeGreaterThan(100)
  // The same image pixel is still under the cursor.
  await expect(position).toHaveText(before)

  // Drag the image by (60, 30) screen pixels: the pixel that was under the cursor travels with it.
  await page.mouse.down()
  await page.mouse.move(point.x + 30, point.y + 15, { steps: 3 })
  await page.mouse.move(point.x + 60, point.y + 30, { steps: 3 })
  await page.mouse.up()
  await expect(position).toHaveText(before)
  await page.mouse.move(point.x, point.y)
  await expect(position).not.toHaveText(before)

  await page.keyboard.press('Control+0')
  await expect(page.getByRole('button', { name: 'Fit to window' })).toHaveAttribute('aria-pressed', 'true')
  await page.keyboard.press('Control+1')
  await expect(page.getByTestId('zoom-level')).toHaveText('100%')
})

test('the gallery works from the keyboard', async () => {
  const sharpen = page.getByRole('option', { name: 'Sharpen' })
  await page.getByRole('option', { name: 'Gaussian blur' }).click()
  await page.keyboard.press('ArrowRight')
  await expect(sharpen).toHaveAttribute('aria-selected', 'true')
  await expect(sharpen).toBeFocused()
  await waitForPreview(page, /"preset":"gaussian-blur".*"preset":"sharpen"/)
  await page.keyboard.press('Escape')
  await expect(sharpen).toHaveAttribute('aria-selected', 'false')
  await waitForPreview(page, /^\[\{"name":"Gaussian blur","preset":"gaussian-blur","params":\{"size":7,"sigma":2\}\}\]$/)
})

test('editor screenshot at 1280x800', async () => {
  const notice = page.getByTestId('info-banner')
  if (await notice.isVisible()) await notice.getByRole('button', { name: 'Dismiss notice' }).click()
  // Undo is the stack's: the Gaussian blur layer goes away again.
  await page.getByRole('button', { name: 'Undo' }).click()
  await expect(page.getByRole('tab', { name: /Stack/ })).not.toContainText('1')
  // The sample picker opens a bundled photo; the stack stays.
  await page.getByRole('combobox', { name: 'Open a sample photo' }).selectOption('coffee')
  await expect(page.getByTestId('image-size')).toHaveText(/^600 × 400/)
  await page.getByRole('option', { name: 'Unsharp mask' }).click()
  await page.getByLabel('Amount', { exact: true }).fill('2')
  await page.getByRole('button', { name: 'Add to stack' }).click()
  await page.getByRole('option', { name: 'Motion blur' }).click()
  await page.getByLabel('Length', { exact: true }).fill('15')
  await page.getByLabel('Angle', { exact: true }).fill('30')
  await waitForPreview(page, /"preset":"unsharp-mask".*"preset":"motion-blur","params":\{"length":15,"angle":30\}/)
  const coffee = join(ROOT, 'resources', 'samples', 'coffee.png')
  const engine = await cliApply(dir, coffee, ['unsharp-mask:amount=2', 'motion-blur:length=15,angle=30'], 'shot.png')
  await expectCanvasEquals(page, await readPixels(engine))
  await page.getByRole('button', { name: 'Before and after' }).click()
  await expect(page.getByRole('slider', { name: 'Before and after divider' })).toBeVisible()
  await page.mouse.move(0, 0)
  await page.waitForTimeout(300)
  const shot = await page.screenshot()
  await writeFile(test.info().outputPath('editor.png'), shot)
  if (process.env.KS_UPDATE_SCREENSHOT) {
    // The README's screenshot: palette PNG keeps it small enough to commit.
    await mkdir(join(ROOT, 'resources', 'screenshots'), { recursive: true })
    await sharp(shot).png({ palette: true, quality: 90, effort: 10 }).toFile(join(ROOT, 'resources', 'screenshots', 'editor.png'))
  }
  await page.getByRole('button', { name: 'Before and after' }).click()
})

test('a photo dropped on the window opens', async () => {
  const bytes = (await readFile(join(ROOT, 'resources', 'samples', 'rocket.jpg'))).toString('base64')
  const transfer = await page.evaluateHandle((b64) => {
    const scope = globalThis as unknown as {
      DataTransfer: new () => { items: { add(file: unknown): void } }
      File: new (parts: unknown[], name: string, options: { type: string }) => unknown
    }
    const data = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))
    const dt = new scope.DataTransfer()
    dt.items.add(new scope.File([data], 'rocket.jpg', { type: 'image/jpeg' }))
    return dt
  }, bytes)
  await page.dispatchEvent('[data-testid="viewer-canvas"]', 'dragenter', { dataTransfer: transfer })
  await expect(page.getByText('Drop to open')).toBeVisible()
  await page.dispatchEvent('[data-testid="viewer-canvas"]', 'drop', { dataTransfer: transfer })
  await expect(page.getByText('Drop to open')).toBeHidden()
  await expect(page.getByTestId('image-size')).toHaveText(/^640 × 427/)
  await expect(page.getByRole('option', { name: 'Identity' })).toBeVisible()
})

test('the toolbar fits the window from 1024 px up: Export is never cut off', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 700 } })
  try {
    const tab = await context.newPage()
    await tab.goto('/')
    await expect(tab.getByTestId('image-size')).toHaveText(/×/, { timeout: 60_000 })
    for (const width of [1024, 1101, 1180, 1280, 1360, 1400, 1600]) {
      await tab.setViewportSize({ width, height: 800 })
      const box = await tab.getByRole('button', { name: 'Export', exact: true }).boundingBox()
      expect(box, `at ${width} px`).not.toBeNull()
      expect((box as { x: number; width: number }).x + (box as { x: number; width: number }).width, `at ${width} px`).toBeLessThanOrEqual(width)
    }
  } finally {
    await context.close()
  }
})
