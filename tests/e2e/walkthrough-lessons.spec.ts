// Runs in Node (Playwright): the walkthrough's lessons in serve mode. The padding ring filled by the border rule,
// the seeds' 1-D flip example as correlation and as convolution, the stride/dilation size formula and feature
// maps, and the window stepping over a crop of the open photo, one colour channel, against the file's own pixels.
import { join } from 'node:path'
import { expect, test, type Locator, type Page } from '@playwright/test'
import { kernelRows } from '../../src/engine/kernel'
import { presetKernel } from '../../src/engine/presets'
import { readPixels } from './fixtures/pixels'
import { ROOT } from './fixtures/serve'

const CHELSEA = join(ROOT, 'resources', 'samples', 'chelsea.png')

test.describe.configure({ mode: 'serial' })

let page: Page
let dialog: Locator

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage()
  await page.goto('/')
  await page.getByTestId('image-file-input').setInputFiles(CHELSEA)
  await expect(page.getByTestId('image-size')).toHaveText(/^451 × 300/)
  await page.getByRole('button', { name: /How convolution works/ }).click()
  dialog = page.getByRole('dialog', { name: 'How a convolution slides' })
  await expect(dialog).toBeVisible()
})

test.afterAll(async () => {
  await page?.close()
})

const cell = (r: number, c: number): Locator => dialog.getByTestId(`walk-input-${r}-${c}`)

test('the first lesson still slides in valid mode, and its keys work from the start', async () => {
  await expect(dialog.getByRole('tab', { name: /Sliding window/ })).toHaveAttribute('aria-selected', 'true')
  await expect(dialog.getByText(/Window 1 of 25/)).toBeVisible()
  await page.keyboard.press('ArrowRight')
  await expect(dialog.getByText(/Window 2 of 25/)).toBeVisible()
  await dialog.getByLabel('Example', { exact: true }).selectOption('lesson5')
  await expect(dialog.getByTestId('walkthrough-sum')).toHaveText('12')
})

test('padding: the ring is filled by the border rule and the size formula is shown at the edges', async () => {
  await dialog.getByRole('tab', { name: /Padding/ }).click()
  await expect(dialog.getByText(/Window 1 of 25/)).toBeVisible()
  // Same mode, 3x3 kernel: a ring of one. Ring cell (0, 4) is above image column 3.
  await dialog.getByLabel('Border', { exact: true }).selectOption('reflect')
  await expect(cell(0, 4)).toHaveText('3') // reflect: image row 1, column 3
  await expect(cell(0, 4)).toHaveAttribute('title', 'Copy of pixel row 1, column 3')
  await expect(cell(0, 4)).toHaveClass(/ring/)
  await expect(cell(1, 1)).not.toHaveClass(/ring/)
  await expect(dialog.getByTestId('walkthrough-sum')).toHaveText('12') // rows 1,0,1 and columns 1,0,1 of the image
  await dialog.getByLabel('Border', { exact: true }).selectOption('extend')
  await expect(cell(0, 4)).toHaveText('1') // extend: image row 0, column 3
  await dialog.getByLabel('Border', { exact: true }).selectOption('wrap')
  await expect(cell(0, 4)).toHaveText('0') // wrap: image row 4, column 3
  await dialog.getByLabel('Border', { exact: true }).selectOption('zero')
  await expect(cell(0, 4)).toHaveText('0')
  await expect(dialog.getByTestId('walkthrough-sum')).toHaveText('6')

  const formula = dialog.getByTestId('walk-size-formula')
  await dialog.getByLabel('Output size', { exact: true }).selectOption('full')
  await expect(dialog.getByText(/Window 1 of 49/)).toBeVisible()
  await expect(formula).toContainText('First column: the window reaches 2 columns past the left edge, into the ring. Output columns = N + K − 1 = 5 + 3 − 1 = 7')
  // Focus is on the select, which keeps its arrow keys: step with the button, then the keys work from there.
  await dialog.getByRole('button', { name: 'Step forward' }).click()
  await page.keyboard.press('ArrowRight')
  await expect(formula).not.toContainText('column:')
  await page.keyboard.press('End')
  await expect(formula).toContainText('Last column: the window reaches 2 columns past the right edge')
  await expect(formula).toContainText('Last row')
  await dialog.getByLabel('Output size', { exact: true }).selectOption('same')
  await expect(formula).toContainText('Output columns = N = 5')
})

test('flip: the 1-D example gives the correlation, and the toggle the convolution, step by step', async () => {
  await dialog.getByRole('tab', { name: /Flip/ }).click()
  const result = dialog.getByTestId('walk-flip-result')
  await expect(result).toHaveText('[4 11 20 29 38 23 10]')
  await expect(dialog.getByText(/Window 1 of 7: output row 0, column 0 = 4$/)).toBeVisible()
  // A lesson picked with the mouse hands the keys back to the stage: → steps, Home returns.
  await page.keyboard.press('ArrowRight')
  await expect(dialog.getByText(/Window 2 of 7: output row 0, column 1 = 11$/)).toBeVisible()
  await page.keyboard.press('Home')
  await dialog.getByLabel(/Convolution \(kernel flipped\)/).check()
  await expect(result).toHaveText('[2 7 16 25 34 31 20]')
  await expect(dialog.getByTestId('walk-kernel')).toHaveAttribute('aria-label', 'Kernel weights as applied 4 3 2')
  await dialog.getByRole('button', { name: 'Step forward' }).click()
  await expect(dialog.getByTestId('walkthrough-sum')).toHaveText('7')
  await dialog.getByRole('button', { name: 'Step forward' }).click()
  await expect(dialog.getByTestId('walkthrough-sum')).toHaveText('16')
  await expect(dialog.getByTestId('walk-output')).toHaveText(/^\s*2\s*7\s*16\s*$/)

  await dialog.getByLabel('Example', { exact: true }).selectOption('2d')
  await expect(dialog.getByText(/Window 1 of 49/)).toBeVisible()
  await expect(dialog.getByTestId('walk-kernel')).toHaveAttribute('aria-label', 'Kernel weights as applied 2 1 0; 0 2 2; 2 1 0')
  await dialog.getByLabel(/Correlation \(kernel as written\)/).check()
  await expect(dialog.getByTestId('walk-kernel')).toHaveAttribute('aria-label', 'Kernel weights as applied 0 1 2; 2 2 0; 0 1 2')
})

test('stride and dilation: the output size follows the numbers, and three kernels give three maps', async () => {
  await dialog.getByRole('tab', { name: /Stride/ }).click()
  const size = dialog.getByTestId('walk-stride-size')
  await expect(size).toHaveText('3')
  await dialog.getByLabel('S (stride)').fill('2')
  await expect(size).toHaveText('2')
  await expect(dialog.getByText('floor((5 + 2·0 − 1·(3−1) − 1) / 2) + 1 = floor(2 / 2) + 1')).toBeVisible()
  await dialog.getByLabel('N (input)').fill('224')
  await dialog.getByLabel('K (kernel)').fill('7')
  await dialog.getByLabel('P (padding)').fill('3')
  await expect(size).toHaveText('112')
  await dialog.getByLabel('N (input)').fill('5')
  await dialog.getByLabel('K (kernel)').fill('3')
  await dialog.getByLabel('P (padding)').fill('0')
  // The maps use the 5x5 grid: stride 2 keeps the valid result's corners.
  const lessonMap = dialog.getByTestId('walk-map-lesson').getByRole('button')
  await expect(lessonMap).toHaveText(['12', '17', '9', '14'])
  await dialog.getByLabel('S (stride)').fill('1')
  await dialog.getByLabel('D (dilation)').fill('2')
  await expect(size).toHaveText('1')
  await expect(lessonMap).toHaveText(['14'])
  await expect(dialog.getByTestId('walk-map-sobel-right').getByRole('button')).toHaveCount(1)
  await expect(dialog.getByTestId('walk-map-sobel-bottom').getByRole('button')).toHaveCount(1)
  await dialog.getByLabel('D (dilation)').fill('3')
  await expect(size).toHaveText('0')
})

test('any image: the window steps over a crop of the open photo, one channel, with its real values', async () => {
  await dialog.getByRole('tab', { name: /Your photo/ }).click()
  await dialog.getByLabel('Channel', { exact: true }).selectOption({ label: 'green' })
  const photo = await readPixels(CHELSEA)
  // Nothing pinned: the crop is centred on the image's middle pixel (row 150, column 226), rows 146.., columns 222..
  const sample = (r: number, c: number): number => photo.data[((146 + r) * photo.width + 222 + c) * photo.channels + 1]
  for (const [r, c] of [[0, 0], [4, 4], [8, 8], [3, 6]]) await expect(cell(r, c)).toHaveText(String(sample(r, c)))
  const sobel = kernelRows(presetKernel('sobel', { direction: 'right' }))
  let sum = 0
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) sum += sobel[i][j] * sample(i, j)
  await expect(dialog.getByText(/Window 1 of 49/)).toBeVisible()
  await expect(dialog.getByTestId('walkthrough-sum')).toHaveText(String(sum))
  await dialog.getByRole('button', { name: 'Step forward' }).click()
  await page.keyboard.press('ArrowRight')
  await expect(dialog.getByText(/Window 3 of 49/)).toBeVisible()
  await dialog.getByLabel('Channel', { exact: true }).selectOption({ label: 'red' })
  await expect(cell(0, 0)).toHaveText(String(photo.data[(146 * photo.width + 222) * photo.channels]))
  // Another pixel: the crop moves there (kept inside the image near an edge: row 1 crops rows 0..8).
  await dialog.getByLabel('Around row').fill('1')
  await dialog.getByLabel('column', { exact: true }).fill('20')
  await expect(dialog.getByText(/rows 0–8, columns 16–24/)).toBeVisible()
  await expect(cell(0, 0)).toHaveText(String(photo.data[16 * photo.channels]))
  await expect(cell(8, 8)).toHaveText(String(photo.data[(8 * photo.width + 24) * photo.channels]))
  await page.screenshot({ path: test.info().outputPath('walkthrough-photo.png') })
})
