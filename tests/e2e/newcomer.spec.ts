// Runs in Node (Playwright): what a newcomer tripped over (issue 13, section 3), in a 1024x700 window against serve
// mode: the walkthrough's keys from the moment it opens, the preset cards' one model (click or arrows preview, Enter
// or double-click adds, edits kept per preset until reset), options and a derived Gaussian size while previewing,
// the opacity number box, every column of a 15x15 kernel reachable with readable weights, and Explain's Pin
// bringing a typed pixel into view with a legend for padding cells. Also what is cut or unclear in a window this
// small: whole preset names, a pixel's three channels in the status bar, labels beside their boxes, a long layer
// name on hover, the tone range's unit.
import { join } from 'node:path'
import { expect, test, type Locator, type Page } from '@playwright/test'
import { ROOT } from './fixtures/serve'

const CHELSEA = join(ROOT, 'resources', 'samples', 'chelsea.png')

test.describe.configure({ mode: 'serial' })
test.use({ viewport: { width: 1024, height: 700 } })

let page: Page
let stackPanel: Locator

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ viewport: { width: 1024, height: 700 } })
  stackPanel = page.getByRole('region', { name: 'Filter stack' })
  await page.goto('/')
  await page.getByTestId('image-file-input').setInputFiles(CHELSEA)
  await expect(page.getByTestId('image-size')).toHaveText(/^451 × 300/)
})

test.afterAll(async () => {
  await page?.close()
})

function card(title: string): Locator {
  return page.getByRole('option', { name: title, exact: true })
}

/** Waits until the viewer shows the stack (and candidate) matching `key`; at 1024x700 fit is below 100 %. */
async function waitForPreview(_page: Page, key: RegExp): Promise<void> {
  const viewer = page.locator('[data-preview-key]')
  await expect(viewer).toHaveAttribute('data-preview-key', key)
  await expect(viewer).toHaveAttribute('data-preview-state', 'ready')
}

test('the walkthrough answers ← → Space Home End as soon as it opens, and Space does not close it', async () => {
  await page.getByRole('button', { name: /How convolution works/ }).click()
  const dialog = page.getByRole('dialog', { name: 'How a convolution slides' })
  await expect(dialog).toBeVisible()
  await expect(page.getByTestId('walkthrough-stage')).toBeFocused()
  await expect(dialog.getByRole('button', { name: 'Close dialog' })).not.toBeFocused()
  const status = dialog.locator('.status')
  await expect(status).toHaveText(/^Window 1 of 25:/)

  await page.keyboard.press('ArrowRight')
  await page.keyboard.press('ArrowRight')
  await expect(status).toHaveText(/^Window 3 of 25:/)
  await page.keyboard.press('ArrowLeft')
  await expect(status).toHaveText(/^Window 2 of 25:/)
  await page.keyboard.press('End')
  await expect(status).toHaveText(/^Window 25 of 25:/)
  await page.keyboard.press('Home')
  await expect(status).toHaveText(/^Window 1 of 25:/)
  await page.keyboard.press(' ')
  await expect(dialog.getByRole('button', { name: 'Pause' })).toBeVisible()
  await page.keyboard.press(' ')
  await expect(dialog.getByRole('button', { name: 'Play' })).toBeVisible()
  await expect(dialog).toBeVisible()

  // The lesson maps negative sums as the app's edge presets do: by magnitude.
  await expect(dialog.getByTestId('walkthrough-mapping')).toContainText('by magnitude')
  await dialog.getByLabel('Kernel', { exact: true }).selectOption('sharpen')
  await expect(dialog.getByTestId('walkthrough-mapping')).toContainText('here clamped')
  // Keys still work after using a select, once focus leaves it (a click on the stage).
  await dialog.locator('.math').click()
  await page.keyboard.press('ArrowRight')
  await expect(status).toHaveText(/^Window 2 of 25:/)
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
})

test('every preset card shows its whole name', async () => {
  const titles = page.locator('[role="option"][data-preset] .title')
  expect(await titles.count()).toBeGreaterThan(10)
  for (const title of await titles.all()) {
    const cut = await title.evaluate((el) => {
      const box = el as unknown as { scrollWidth: number; clientWidth: number; scrollHeight: number; clientHeight: number }
      return box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight
    })
    expect(cut, `${await title.innerText()} is cut off`).toBe(false)
  }
})

test('preset cards: a click and arrow keys preview, edits stay per preset until reset, Enter and double-click add', async () => {
  await page.getByRole('tab', { name: /^Stack/ }).click()
  await card('Sharpen').click()
  await waitForPreview(page, /^\[\{"name":"Sharpen","preset":"sharpen","params":\{"amount":1\}\}\]$/)
  await page.getByLabel('Amount', { exact: true }).fill('3')
  await waitForPreview(page, /"preset":"sharpen","params":\{"amount":3\}/)
  await expect(card('Sharpen')).toContainText('edited')

  // An arrow key previews the next card; coming back finds the edit kept.
  await card('Sharpen').focus()
  await page.keyboard.press('ArrowRight')
  await expect(card('Edge detect')).toBeFocused()
  await expect(card('Edge detect')).toHaveAttribute('aria-selected', 'true')
  await waitForPreview(page, /^\[\{"name":"Edge detect","preset":"edge-detect","params":\{\},"signed":"abs"\}\]$/)
  await expect(card('Sharpen')).toContainText('edited')
  await page.keyboard.press('ArrowLeft')
  await expect(card('Sharpen')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByLabel('Amount', { exact: true })).toHaveValue('3')
  await waitForPreview(page, /"preset":"sharpen","params":\{"amount":3\}/)
  expect(await stackPanel.getByRole('listitem').count()).toBe(0)

  // Enter adds the focused card, with its edits.
  await card('Sharpen').focus()
  await page.keyboard.press('Enter')
  await expect(stackPanel.getByRole('listitem')).toHaveText([/Sharpen/])
  await waitForPreview(page, /^\[\{"name":"Sharpen","preset":"sharpen","params":\{"amount":3\}\}\]$/)

  // A double-click adds another card at once; edge presets come with Absolute value.
  await card('Sobel').dblclick()
  await expect(stackPanel.getByRole('listitem')).toHaveText([/Sharpen/, /Sobel/])
  await waitForPreview(page, /"preset":"sobel","params":\{"direction":"right"\},"signed":"abs"\}\]$/)

  // Reset drops the kept edits.
  await card('Sharpen').click()
  await expect(page.getByLabel('Amount', { exact: true })).toHaveValue('3')
  await page.getByRole('button', { name: 'Reset parameters to defaults' }).click()
  await expect(page.getByLabel('Amount', { exact: true })).toHaveValue('1')
  await expect(card('Sharpen')).not.toContainText('edited')
  await page.getByRole('button', { name: 'Cancel' }).click()
  for (let i = 0; i < 2; i++) await stackPanel.getByRole('button', { name: /^Remove / }).first().click()
  await expect(stackPanel.getByRole('listitem')).toHaveCount(0)
})

test('border, output size and negative values are set while previewing; a Gaussian size follows sigma', async () => {
  await card('Laplacian').click()
  const params = page.getByRole('region', { name: 'Preset parameters' })
  await params.getByText('Border, output size and negative values').click()
  await expect(params.getByLabel('Negative values')).toHaveValue('abs')
  await params.getByLabel('Output size').selectOption('valid')
  await params.getByLabel('Border').selectOption('zero')
  await waitForPreview(page, /"preset":"laplacian","params":\{"variant":"4"\},"mode":"valid","border":"zero","signed":"abs"\}\]$/)
  await expect(params.getByRole('button', { name: 'Add to stack' })).toBeInViewport({ ratio: 1 })

  await card('Gaussian blur').click()
  await page.getByLabel('Sigma (σ)', { exact: true }).fill('20')
  await expect(page.getByLabel('Size', { exact: true })).toHaveValue('121')
  await expect(params.getByTestId('param-auto')).toBeVisible()
  await waitForPreview(page, /^\[\{"name":"Gaussian blur","preset":"gaussian-blur","params":\{"sigma":20\}\}\]$/)
  await expect(params.getByTestId('preset-warning')).toBeHidden()
  await page.getByLabel('Size', { exact: true }).fill('31')
  await expect(params.getByTestId('param-auto')).toBeHidden()
  await expect(params.getByTestId('preset-warning')).toContainText('size 31 holds the Gaussian only to 0.75σ each side')
  await waitForPreview(page, /"params":\{"size":31,"sigma":20\}/)

  // Unsharp mask has the most fields: "Add to stack" stays on screen at 1024x700.
  await card('Unsharp mask').click()
  await expect(params.getByRole('button', { name: 'Add to stack' })).toBeInViewport({ ratio: 1 })
  await page.getByRole('button', { name: 'Cancel' }).click()
})

test('opacity has a number box beside its slider', async () => {
  await card('Box blur').dblclick()
  await expect(stackPanel.getByRole('listitem')).toHaveCount(1)
  await stackPanel.getByRole('button', { name: /^Box blur, layer/ }).click()
  const box = page.getByTestId('opacity-number')
  await expect(box).toHaveValue('100')
  await box.fill('40')
  await box.press('Enter')
  await waitForPreview(page, /"preset":"box-blur".*"opacity":0\.4/)
  await expect(page.getByLabel('Opacity', { exact: true })).toHaveValue('40')
  await box.fill('')
  await box.press('Enter')
  await expect(box).toHaveValue('40')
  await stackPanel.getByRole('button', { name: /^Remove / }).click()
  await expect(stackPanel.getByRole('listitem')).toHaveCount(0)
})

test('every column of a 15x15 kernel is reachable and its float weights read as numbers, not 0.00', async () => {
  await card('Gaussian blur').click()
  await page.getByLabel('Size', { exact: true }).fill('15')
  await page.getByLabel('Sigma (σ)', { exact: true }).fill('3')
  await page.getByRole('button', { name: 'Add to stack' }).click()
  await page.getByRole('tab', { name: /^Kernel/ }).click()
  await page.getByRole('button', { name: 'Edit as kernel' }).click()
  const row = page.locator('input[aria-label^="Weight row 8,"]')
  await expect(row).toHaveCount(15)
  const scroller = page.getByTestId('kernel-grid-scroll')
  const frame = await scroller.boundingBox()
  if (!frame) throw new Error('no kernel grid')
  await row.first().focus()
  for (let c = 1; c < 15; c++) await page.keyboard.press('ArrowRight')
  const last = row.nth(14)
  await expect(last).toBeFocused()
  const box = await last.boundingBox()
  if (!box) throw new Error('no last cell')
  // The focused 15th column is scrolled into the panel, inside the window.
  expect(box.x).toBeGreaterThanOrEqual(frame.x - 1)
  expect(box.x + box.width).toBeLessThanOrEqual(frame.x + frame.width + 1)
  expect(box.x + box.width).toBeLessThanOrEqual(1024)
  // While edited, a cell shows its full text; the others a short number that fits (no cut-off "0.00").
  const full = await last.inputValue()
  expect(full.length).toBeGreaterThan(6)
  await page.keyboard.press('ArrowLeft')
  for (let c = 0; c < 15; c++) {
    const cell = row.nth(c)
    if (c === 13) continue
    const text = await cell.inputValue()
    expect(text, `column ${c + 1}`).not.toMatch(/^0\.0*$/)
    expect(Number(text)).toBeGreaterThan(0)
    const fits = await cell.evaluate((el) => { const box = el as unknown as { scrollWidth: number; clientWidth: number }; return box.scrollWidth <= box.clientWidth })
    expect(fits, `column ${c + 1} fits`).toBe(true)
  }
  await expect(row.nth(14)).toHaveAttribute('title', full)
})

test('Explain: Pin brings a typed pixel into view; spans read "to"; padding cells have a legend', async () => {
  for (let i = 0; i < 4; i++) await page.getByRole('button', { name: 'Zoom in' }).click()
  await page.getByRole('tab', { name: /^Explain/ }).click()
  const explain = page.getByRole('region', { name: 'Explain this pixel' })
  const canvas = page.getByTestId('viewer-canvas')
  const inView = async (row: number, col: number): Promise<boolean> => {
    const [x, y, w, h] = ((await canvas.getAttribute('data-image-rect')) ?? '').split(',').map(Number)
    const size = await canvas.boundingBox()
    if (!size) return false
    const px = x + ((col + 0.5) * w) / 451
    const py = y + ((row + 0.5) * h) / 300
    return px >= 0 && px <= size.width && py >= 0 && py <= size.height
  }
  expect(await inView(290, 440)).toBe(false)
  // Each label stays on the line of its box.
  for (const name of ['Output row', 'Output column']) {
    const label = await explain.locator('label', { hasText: name }).boundingBox()
    const box = await explain.getByLabel(name).boundingBox()
    expect(label && box && Math.abs(label.y + label.height / 2 - (box.y + box.height / 2)) < 4, `${name} beside its box`).toBe(true)
  }
  await explain.getByLabel('Output row').fill('290')
  await explain.getByLabel('Output column').fill('440')
  await explain.getByRole('button', { name: 'Pin', exact: true }).click()
  await expect(explain.getByTestId('explain-coords')).toContainText('Window: input rows 283 to 297, columns 433 to 447')
  await expect.poll(() => inView(290, 440)).toBe(true)

  await explain.getByLabel('Output row').fill('0')
  await explain.getByLabel('Output column').fill('0')
  await explain.getByRole('button', { name: 'Pin', exact: true }).click()
  await expect(explain.getByTestId('explain-coords')).toContainText('Window: input rows −7 to 7, columns −7 to 7')
  await expect(explain.getByTestId('explain-padding-legend')).toContainText('padding')
  await expect.poll(() => inView(0, 0)).toBe(true)
  await page.screenshot({ path: test.info().outputPath('newcomer-explain-1024x700.png') })
})

test('the status bar shows all three channels of the pixel under the cursor, none cut off', async () => {
  const box = await page.getByTestId('viewer-canvas').boundingBox()
  if (!box) throw new Error('no viewer canvas')
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  const values = page.getByTestId('pixel-values')
  await expect(values.locator('.chan')).toHaveCount(3)
  await expect(values.locator('.chan').first()).toContainText('→')
  const bounds = await values.boundingBox()
  for (let k = 0; k < 3; k++) {
    const chan = await values.locator('.chan').nth(k).boundingBox()
    // A channel that does not fit wraps onto the hidden second line or is cut at the right edge.
    expect(chan && bounds && chan.y === bounds.y && chan.x + chan.width <= bounds.x + bounds.width + 0.5, `channel ${k} shown whole`).toBe(true)
  }
})

test('5x5, 7x7 and 9x9 float kernels show numbers that fit their cells, never a cut-off 0.00', async () => {
  for (const size of [5, 7, 9]) {
    await card('Gaussian blur').click()
    await page.getByLabel('Size', { exact: true }).fill(String(size))
    await page.getByLabel('Sigma (σ)', { exact: true }).fill('1.5')
    await page.getByRole('button', { name: 'Add to stack' }).click()
    await page.getByRole('tab', { name: /^Kernel/ }).click()
    await page.getByRole('button', { name: 'Edit as kernel' }).click()
    const cells = page.locator('input[aria-label^="Weight row"]')
    await expect(cells).toHaveCount(size * size)
    for (let i = 0; i < size * size; i++) {
      const cell = cells.nth(i)
      const text = await cell.inputValue()
      expect(text, `${size}x${size} cell ${i}`).not.toMatch(/^0?\.0*$/)
      expect(Number(text), `${size}x${size} cell ${i}: ${text}`).toBeGreaterThan(0)
      const fits = await cell.evaluate((el) => { const box = el as unknown as { scrollWidth: number; clientWidth: number }; return box.scrollWidth <= box.clientWidth })
      expect(fits, `${size}x${size} cell ${i} (${text}) fits`).toBe(true)
    }
    await page.getByRole('tab', { name: /^Stack/ }).click()
  }
})

test('a long layer name cut in the list reads whole on hover; the tone range says it is in percent', async () => {
  const name = 'Soft glow on the whiskers, the fur and the background behind the cat'
  const layer = stackPanel.getByRole('listitem').first().locator('button.name')
  await layer.click()
  // A custom kernel layer opens in the Kernel panel; its name and mask are set in the Stack panel.
  await page.getByRole('tab', { name: /^Stack/ }).click()
  await stackPanel.getByLabel('Name', { exact: true }).fill(name)
  const label = layer.locator('.label')
  expect(await label.evaluate((el) => { const box = el as unknown as { scrollWidth: number; clientWidth: number }; return box.scrollWidth > box.clientWidth })).toBe(true)
  await expect(layer).toHaveAttribute('title', new RegExp(`^${name} \\(`))
  await expect(stackPanel.getByRole('group', { name: 'Tone range' })).toContainText('Tones (%)')
})
