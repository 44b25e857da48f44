// Runs in Node (Playwright): the editing features in Debian's Chromium against serve mode. Builds a blur -> sharpen
// stack in the GUI (reorder by button, keyboard and drag, toggle, opacity, undo/redo), saves it as a recipe and
// exports; `kernel-studio apply --recipe` on the saved recipe must equal the export pixel for pixel. Then edits a
// kernel cell by cell from the keyboard (an invalid value is explained in place and never applied; Ctrl+Z in a
// committed cell undoes the stack, while typing it undoes the cell's own text), switches panels as layers are
// selected, clears the stack undoably, explains output pixel (0, 0) of the lessons' 5x5 example in `valid` mode
// and runs the walkthrough. The personal kernel gallery is in persistence.spec.ts (it needs servers of its own).
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect, test, type Locator, type Page } from '@playwright/test'
import sharp from 'sharp'
import { parseRecipe } from '../../src/engine/recipe'
import { gridText, LESSON_IMAGE, LESSON_KERNEL } from '../helpers/lesson'
import { readPixels } from './fixtures/pixels'
import { CLI, ROOT } from './fixtures/serve'
import { waitForPreview } from './fixtures/viewer'

const run = promisify(execFile)
const CHELSEA = join(ROOT, 'resources', 'samples', 'chelsea.png')

async function previewFilters(page: Page): Promise<{ name?: string; enabled?: boolean; opacity?: number; kernel?: number[][] }[]> {
  return JSON.parse((await page.locator('[data-preview-key]').getAttribute('data-preview-key')) ?? '[]') as []
}

/** Clicks the centre of image pixel (row, col) of a `size` x `size` image in the viewer (pins it). */
async function clickImagePixel(page: Page, row: number, col: number, size: number): Promise<void> {
  const canvas = page.getByTestId('viewer-canvas')
  const rect = ((await canvas.getAttribute('data-image-rect')) ?? '').split(',').map(Number)
  const box = await canvas.boundingBox()
  if (rect.length !== 4 || !box) throw new Error('the viewer shows no image')
  const [x, y, w, h] = rect
  await page.mouse.click(box.x + x + ((col + 0.5) * w) / size, box.y + y + ((row + 0.5) * h) / size)
}

test.describe.configure({ mode: 'serial' })

let dir: string
let page: Page
let stackPanel: Locator

test.beforeAll(async ({ browser }) => {
  dir = await mkdtemp(join(tmpdir(), 'ks-editing-'))
  page = await browser.newPage()
  stackPanel = page.getByRole('region', { name: 'Filter stack' })
})

test.afterAll(async () => {
  await page?.close()
  await rm(dir, { recursive: true, force: true })
})

async function showTab(name: 'Stack' | 'Kernel' | 'Explain'): Promise<void> {
  await page.getByRole('tab', { name: new RegExp(`^${name}`) }).click()
}

async function addFromGallery(title: string): Promise<void> {
  await page.getByRole('option', { name: title, exact: true }).click()
  await page.getByRole('button', { name: 'Add to stack' }).click()
}

test('builds a blur -> sharpen stack and reorders it by button, keyboard and drag', async () => {
  await page.goto('/')
  await page.getByTestId('image-file-input').setInputFiles(CHELSEA)
  await expect(page.getByTestId('image-size')).toHaveText(/^451 × 300/)
  await showTab('Stack')
  await addFromGallery('Box blur')
  await addFromGallery('Sharpen')
  const rows = stackPanel.getByRole('listitem')
  await expect(rows).toHaveText([/Box blur/, /Sharpen/])
  await waitForPreview(page, /"preset":"box-blur".*"preset":"sharpen"/)

  await stackPanel.getByRole('button', { name: 'Move Sharpen up' }).click()
  await expect(rows).toHaveText([/Sharpen/, /Box blur/])
  // Keyboard: Alt+Down on the focused layer moves it, and focus follows it.
  const sharpenName = stackPanel.getByRole('button', { name: /^Sharpen, layer/ })
  await sharpenName.focus()
  await page.keyboard.press('Alt+ArrowDown')
  await expect(rows).toHaveText([/Box blur/, /Sharpen/])
  await expect(stackPanel.getByRole('button', { name: /^Sharpen, layer 2 of 2/ })).toBeFocused()
  await page.keyboard.press('Alt+ArrowUp')
  await expect(rows).toHaveText([/Sharpen/, /Box blur/])
  // Drag and drop: Sharpen onto the lower half of Box blur goes after it.
  const box = await rows.nth(1).boundingBox()
  await rows.nth(0).dragTo(rows.nth(1), { targetPosition: { x: 40, y: (box?.height ?? 40) - 6 } })
  await expect(rows).toHaveText([/Box blur/, /Sharpen/])
  await waitForPreview(page, /"preset":"box-blur".*"preset":"sharpen"/)
  await page.screenshot({ path: test.info().outputPath('stack.png') })
})

test('toggles a layer, drags opacity as one undo step, and undoes/redoes', async () => {
  await stackPanel.getByRole('checkbox', { name: 'Enable Box blur' }).uncheck()
  await expect.poll(async () => (await previewFilters(page))[0]?.enabled).toBe(false)
  await stackPanel.getByRole('checkbox', { name: 'Enable Box blur' }).check()
  await expect.poll(async () => (await previewFilters(page))[0]?.enabled).toBe(true)

  await stackPanel.getByRole('button', { name: /^Sharpen, layer/ }).click()
  const opacity = stackPanel.getByLabel('Opacity', { exact: true })
  await opacity.focus()
  for (let i = 0; i < 40; i++) await opacity.press('ArrowLeft')
  await expect(stackPanel.getByRole('button', { name: /^Sharpen, layer/ })).toContainText('60%')
  await waitForPreview(page, /"opacity":0.6/)

  // The whole drag is one step: one undo restores 100%, one redo brings 60% back.
  await stackPanel.getByRole('button', { name: /^Sharpen, layer/ }).focus()
  await page.keyboard.press('Control+z')
  await expect.poll(async () => (await previewFilters(page))[1]?.opacity).toBeUndefined()
  await expect(page.getByRole('button', { name: 'Redo', exact: true })).toBeEnabled()
  await page.keyboard.press('Control+Shift+z')
  await expect.poll(async () => (await previewFilters(page))[1]?.opacity).toBe(0.6)
  // Undo also reverses the toggles, one step each (toolbar buttons this time), then redo restores them.
  await page.getByRole('button', { name: 'Undo', exact: true }).click()
  await page.getByRole('button', { name: 'Undo', exact: true }).click()
  await expect.poll(async () => (await previewFilters(page))[0]?.enabled).toBe(false)
  await page.getByRole('button', { name: 'Redo', exact: true }).click()
  await page.getByRole('button', { name: 'Redo', exact: true }).click()
  await waitForPreview(page, /"preset":"box-blur","params":\{"size":3\},"enabled":true\},\{"name":"Sharpen".*"opacity":0.6/)
})

test('a recipe saved in the app and applied by the CLI equals the app export pixel for pixel', async () => {
  const [recipeDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save recipe' }).click()])
  const recipeFile = join(dir, 'saved.json')
  await recipeDownload.saveAs(recipeFile)
  const recipe = parseRecipe(await readFile(recipeFile, 'utf8'), recipeFile)
  expect(recipe.filters.map((f) => [f.preset, f.opacity ?? 1])).toEqual([
    ['box-blur', 1],
    ['sharpen', 0.6]
  ])

  await page.getByRole('button', { name: 'Export', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'Export image' })
  await expect(dialog).toBeVisible()
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export', exact: true }).click()])
  const exportedFile = join(dir, 'exported.png')
  await download.saveAs(exportedFile)
  await expect(dialog).toBeHidden()

  const cliFile = join(dir, 'cli.png')
  await run(process.execPath, [CLI, 'apply', CHELSEA, '--recipe', recipeFile, '-o', cliFile], { cwd: ROOT })
  const exported = await readPixels(exportedFile)
  const cli = await readPixels(cliFile)
  const original = await readPixels(CHELSEA)
  expect([exported.width, exported.height, exported.channels]).toEqual([cli.width, cli.height, cli.channels])
  expect(Buffer.compare(Buffer.from(exported.data), Buffer.from(cli.data))).toBe(0)
  // The stack really changed the photo, so the equality above is not trivially true.
  expect(Buffer.compare(Buffer.from(exported.data), Buffer.from(original.data))).not.toBe(0)

  // Loading the recipe back replaces the stack with the same filters.
  await stackPanel.getByRole('button', { name: 'Remove Box blur' }).click()
  await expect(stackPanel.getByRole('listitem')).toHaveCount(1)
  await page.getByTestId('recipe-file-input').setInputFiles(recipeFile)
  await expect(stackPanel.getByRole('listitem')).toHaveText([/Box blur/, /Sharpen.*60%/])
})

test('edits kernel cells by keyboard; an invalid value is explained in place and never applied', async () => {
  // Selecting a preset layer shows its parameters in the Stack panel, which offers "Edit as kernel".
  await stackPanel.getByRole('button', { name: /^Sharpen, layer/ }).click()
  await expect(page.getByRole('tab', { name: /^Stack/ })).toHaveAttribute('aria-selected', 'true')
  const settings = stackPanel.getByRole('region', { name: /^Settings of Sharpen/ })
  await expect(settings.getByRole('group', { name: 'Sharpen parameters' })).toBeVisible()
  await settings.getByRole('button', { name: 'Edit as kernel' }).click()
  // ...which opens the Kernel panel on the new custom kernel.
  await expect(page.getByRole('tab', { name: 'Kernel' })).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByRole('tabpanel', { name: 'Kernel' })).toBeVisible()
  await expect(page.getByRole('tabpanel', { name: /^Stack/ })).toBeHidden()
  const editor = page.getByRole('region', { name: 'Kernel editor' })
  const cell = (r: number, c: number): Locator => editor.getByRole('textbox', { name: `Weight row ${r}, column ${c}`, exact: true })
  await expect(cell(2, 2)).toHaveValue('5')
  await waitForPreview(page, /"kernel":\[\[0,-1,0\],\[-1,5,-1\],\[0,-1,0\]\]/)

  // Arrows move between cells; typing replaces the selected text; Enter commits and moves down.
  await cell(1, 1).click()
  await page.keyboard.press('ArrowRight')
  await expect(cell(1, 2)).toBeFocused()
  await page.keyboard.press('ArrowDown')
  await expect(cell(2, 2)).toBeFocused()
  await page.keyboard.type('9')
  await page.keyboard.press('Enter')
  await expect(cell(3, 2)).toBeFocused()
  await waitForPreview(page, /"kernel":\[\[0,-1,0\],\[-1,9,-1\],\[0,-1,0\]\]/)

  // The edit is committed: Ctrl+Z in the (untouched) focused cell undoes it in the stack, Shift+Ctrl+Z redoes it.
  await page.keyboard.press('Control+z')
  await expect(cell(2, 2)).toHaveValue('5')
  await waitForPreview(page, /"kernel":\[\[0,-1,0\],\[-1,5,-1\],\[0,-1,0\]\]/)
  await expect(cell(3, 2)).toBeFocused()
  await page.keyboard.press('Control+Shift+z')
  await expect(cell(2, 2)).toHaveValue('9')
  await waitForPreview(page, /"kernel":\[\[0,-1,0\],\[-1,9,-1\],\[0,-1,0\]\]/)
  // While typing, Ctrl+Z is the text field's own undo: the cell gets its text back, the stack keeps the 9.
  await page.keyboard.type('7')
  await expect(cell(3, 2)).toHaveValue('7')
  await page.keyboard.press('Control+z')
  await expect(cell(3, 2)).toHaveValue('-1')
  await expect(cell(2, 2)).toHaveValue('9')
  await waitForPreview(page, /"kernel":\[\[0,-1,0\],\[-1,9,-1\],\[0,-1,0\]\]/)
  await page.keyboard.press('Tab')
  await expect(cell(3, 3)).toBeFocused()
  await page.keyboard.press('Shift+Tab')
  await page.keyboard.type('-1/2')
  await waitForPreview(page, /"kernel":\[\[0,-1,0\],\[-1,9,-1\],\[0,-0.5,0\]\]/)

  // An invalid value: marked, explained next to the grid, and the preview keeps the last valid kernel.
  await cell(2, 3).click()
  await page.keyboard.type('2x')
  await expect(cell(2, 3)).toHaveAttribute('aria-invalid', 'true')
  const describedBy = await cell(2, 3).getAttribute('aria-describedby')
  expect(describedBy).toBeTruthy()
  const message = page.locator(`#${describedBy}`)
  await expect(message).toHaveText(/Row 2, column 3:\s*"2x" is not a number/)
  await expect(editor.getByRole('status').filter({ hasText: 'Not applied' })).toBeVisible()
  await page.waitForTimeout(400)
  await waitForPreview(page, /"kernel":\[\[0,-1,0\],\[-1,9,-1\],\[0,-0.5,0\]\]/)
  await page.screenshot({ path: test.info().outputPath('kernel-invalid.png') })

  // Fixing it applies at once; the sum note follows the weights.
  await cell(2, 3).fill('-3')
  await expect(cell(2, 3)).not.toHaveAttribute('aria-invalid', 'true')
  await waitForPreview(page, /"kernel":\[\[0,-1,0\],\[-1,9,-3\],\[0,-0.5,0\]\]/)
  await expect(editor.getByText('Weights sum to 7/2')).toBeVisible()

  // Selecting a kernel layer in the Stack panel opens the Kernel panel; selecting a preset layer stays on Stack.
  await showTab('Stack')
  await stackPanel.getByRole('button', { name: /^Box blur, layer/ }).click()
  await expect(page.getByRole('tab', { name: /^Stack/ })).toHaveAttribute('aria-selected', 'true')
  await expect(stackPanel.getByRole('group', { name: 'Box blur parameters' })).toBeVisible()
  await stackPanel.getByRole('button', { name: /^Sharpen, layer/ }).click()
  await expect(page.getByRole('tab', { name: 'Kernel' })).toHaveAttribute('aria-selected', 'true')
  await expect(editor.getByRole('heading', { name: 'Sharpen' })).toBeVisible()
  // Focus moved into the Kernel panel instead of being lost with the hidden Stack panel.
  await expect(page.getByRole('tabpanel', { name: 'Kernel' })).toBeFocused()
})

test('the panel tabs follow the tabs pattern: arrows, Home and End move and select', async () => {
  const tabs = page.getByRole('tablist', { name: 'Panels' })
  await tabs.getByRole('tab', { name: 'Kernel' }).focus()
  await page.keyboard.press('ArrowRight')
  await expect(tabs.getByRole('tab', { name: 'Explain' })).toBeFocused()
  await expect(tabs.getByRole('tab', { name: 'Explain' })).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByRole('region', { name: 'Explain this pixel' })).toBeVisible()
  await page.keyboard.press('ArrowRight')
  await expect(tabs.getByRole('tab', { name: /^Stack/ })).toBeFocused()
  await page.keyboard.press('End')
  await expect(tabs.getByRole('tab', { name: 'Explain' })).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('Home')
  await expect(tabs.getByRole('tab', { name: /^Stack/ })).toHaveAttribute('aria-selected', 'true')
  await expect(tabs.getByRole('tab', { name: /^Stack/ })).toHaveAttribute('aria-controls', 'panel-stack')
  await expect(page.getByRole('tabpanel', { name: /^Stack/ })).toHaveAttribute('id', 'panel-stack')
  await expect(tabs.getByRole('tab', { name: 'Kernel' })).toHaveAttribute('tabindex', '-1')
})

test('explains output pixel (0, 0) of the lessons\u2019 5x5 example: sum 12', async () => {
  const lesson = join(dir, 'lesson-5x5.png')
  await sharp(Buffer.from(LESSON_IMAGE.flat()), { raw: { width: 5, height: 5, channels: 1 } }).png().toFile(lesson)
  await page.getByTestId('image-file-input').setInputFiles(lesson)
  await expect(page.getByTestId('image-size')).toHaveText(/^5 × 5/)

  // A fresh stack with one custom kernel in valid mode, built in the GUI.
  await showTab('Stack')
  // Clear stack is one undo step.
  await expect(stackPanel.getByRole('listitem')).toHaveCount(2)
  await stackPanel.getByRole('button', { name: 'Clear stack' }).click()
  await expect(stackPanel.getByRole('listitem')).toHaveCount(0)
  await expect(page.getByRole('tab', { name: /^Stack/ })).not.toContainText('2')
  await page.keyboard.press('Control+z')
  await expect(stackPanel.getByRole('listitem')).toHaveText([/Box blur/, /Sharpen/])
  await page.keyboard.press('Control+Shift+z')
  await expect(stackPanel.getByRole('listitem')).toHaveCount(0)
  await page.getByRole('button', { name: 'Undo', exact: true }).click()
  await expect(stackPanel.getByRole('listitem')).toHaveCount(2)
  await stackPanel.getByRole('button', { name: 'Clear stack' }).click()
  await expect(stackPanel.getByRole('listitem')).toHaveCount(0)
  await showTab('Kernel')
  const editor = page.getByRole('region', { name: 'Kernel editor' })
  await editor.getByRole('button', { name: 'New blank kernel' }).click()
  await editor.getByText('As text', { exact: true }).click()
  await editor.getByLabel(/Kernel text/).fill(gridText(LESSON_KERNEL))
  await editor.getByRole('button', { name: 'Apply text' }).click()
  await editor.getByLabel('Output size').selectOption('valid')
  await waitForPreview(page, /"kernel":\[\[0,1,2\],\[2,2,0\],\[0,1,2\]\].*"mode":"valid"/)

  await showTab('Explain')
  const explain = page.getByRole('region', { name: 'Explain this pixel' })
  await explain.getByLabel('Output row').fill('0')
  await explain.getByLabel('Output column').fill('0')
  await explain.getByRole('button', { name: 'Pin', exact: true }).click()
  await expect(explain.getByTestId('explain-sum')).toHaveText('12')
  await expect(explain.getByTestId('explain-value')).toHaveText('12')
  await expect(explain.getByText('0×3 + 1×3 + 2×2 + 2×0 + 2×0 + 0×1 + 0×3 + 1×1 + 2×2')).toBeVisible()
  await expect(explain.getByRole('table', { name: 'Input samples under the kernel' }).getByRole('cell')).toHaveText(
    ['3', '3', '2', '0', '0', '1', '3', '1', '2']
  )
  await expect(explain).toContainText('3×3 “valid” output')
  // Output (0, 0) of a valid 3x3 reads input rows 0-2, columns 0-2, and is shown over the centre of that window.
  await expect(explain.getByTestId('explain-coords')).toContainText('Window: input rows 0 to 2, columns 0 to 2 of the layer’s 5×5 input')
  await expect(explain.getByTestId('explain-coords')).toContainText('shown at image row 1, column 1')
  await expect(explain.getByText('Pinned output pixel (row 0, column 0)')).toBeVisible()
  // An output position outside the 3x3 result is refused with the valid range.
  await explain.getByLabel('Output row').fill('3')
  await explain.getByRole('button', { name: 'Pin', exact: true }).click()
  await expect(explain.getByRole('alert')).toHaveText('This layer’s output has rows 0 to 2 and columns 0 to 2.')
  // Another pixel: output (1, 2) reads the window at rows 1-3, columns 2-4.
  await explain.getByLabel('Output row').fill('1')
  await explain.getByLabel('Output column').fill('2')
  await explain.getByRole('button', { name: 'Pin', exact: true }).click()
  await expect(explain.getByRole('table', { name: 'Input samples under the kernel' }).getByRole('cell')).toHaveText(
    ['1', '3', '1', '2', '2', '3', '0', '2', '2']
  )
  await expect(explain.getByTestId('explain-coords')).toContainText('Window: input rows 1 to 3, columns 2 to 4')

  // Clicking the image: pixel (1, 1) shows output (0, 0) again; the image's edge pixel (0, 0) is outside the
  // valid output, and the panel says so instead of explaining the wrong pixel.
  await clickImagePixel(page, 1, 1, 5)
  await expect(explain.getByTestId('explain-sum')).toHaveText('12')
  await expect(explain.getByLabel('Output row')).toHaveValue('0')
  await expect(explain.getByLabel('Output column')).toHaveValue('0')
  await page.screenshot({ path: test.info().outputPath('explain.png') })
  await clickImagePixel(page, 0, 0, 5)
  await expect(explain.getByTestId('explain-outside')).toContainText('is not part of this layer’s 3×3 “valid” output')
  await expect(explain.getByTestId('explain-sum')).toHaveCount(0)
  await expect(explain.getByText('Pinned image pixel (row 0, column 0)')).toBeVisible()
  await expect(explain.getByLabel('Output row')).toHaveValue('')
})

test('the walkthrough slides the window step by step over the lesson grid and the 7x7 edge', async () => {
  await page.getByRole('button', { name: /How convolution works/ }).click()
  const dialog = page.getByRole('dialog', { name: 'How a convolution slides' })
  await expect(dialog).toBeVisible()
  await expect(dialog.getByText(/Window 1 of 25/)).toBeVisible()
  await dialog.getByLabel('Example', { exact: true }).selectOption('lesson5')
  await expect(dialog.getByText(/Window 1 of 9: output row 0, column 0 = 12/)).toBeVisible()
  await expect(dialog.getByTestId('walkthrough-sum')).toHaveText('12')
  await dialog.getByRole('button', { name: 'Step forward' }).focus()
  await page.keyboard.press('ArrowRight')
  await expect(dialog.getByText(/Window 2 of 9: output row 0, column 1/)).toBeVisible()
  await page.keyboard.press('End')
  await expect(dialog.getByText(/Window 9 of 9/)).toBeVisible()
  await page.keyboard.press('ArrowLeft')
  await expect(dialog.getByText(/Window 8 of 9/)).toBeVisible()

  await dialog.getByLabel('Example', { exact: true }).selectOption('edge7')
  await expect(dialog.getByLabel('Kernel', { exact: true })).toHaveValue('sobel-right')
  await dialog.getByLabel('Speed', { exact: true }).selectOption({ label: 'Fast' })
  await dialog.getByRole('button', { name: 'Play' }).click()
  await expect(dialog.getByText(/Window 25 of 25/)).toBeVisible({ timeout: 20_000 })
  await expect(dialog.getByRole('button', { name: 'Play' })).toBeVisible()
  await page.screenshot({ path: test.info().outputPath('walkthrough.png') })
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
})
