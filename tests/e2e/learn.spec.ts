// Runs in Node (Playwright): "Learn from example…" and the frequency response in the kernel editor, in Debian's
// Chromium against serve mode. The "after" image is made by the CLI with a known gaussian; the app learns it back as
// a layer (weights within 0.002), shows the fit and where it fails, and the layer's frequency response shows a blur.
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect, test, type Page } from '@playwright/test'
import { presetKernel } from '../../src/engine/presets'
import { CLI, ROOT } from './fixtures/serve'
import { waitForPreview } from './fixtures/viewer'

const run = promisify(execFile)
const CHELSEA = join(ROOT, 'resources', 'samples', 'chelsea.png')
const COFFEE = join(ROOT, 'resources', 'samples', 'coffee.png')
const GAUSSIAN = presetKernel('gaussian-blur', { size: 5, sigma: 1 })

test.describe.configure({ mode: 'serial' })

let dir: string
let page: Page

test.beforeAll(async ({ browser }) => {
  dir = await mkdtemp(join(tmpdir(), 'ks-learn-e2e-'))
  await run(process.execPath, [CLI, 'apply', CHELSEA, '-o', join(dir, 'soft.png'), '--preset', 'gaussian-blur:size=5,sigma=1'])
  page = await browser.newPage()
})

test.afterAll(async () => {
  await page?.close()
  await rm(dir, { recursive: true, force: true })
})

async function previewFilters(): Promise<{ name?: string; kernel?: number[][]; offset?: number }[]> {
  return JSON.parse((await page.locator('[data-preview-key]').getAttribute('data-preview-key')) ?? '[]') as []
}

test('learns the gaussian that made the "after" image and adds it as a layer', async () => {
  await page.goto('/')
  await page.getByTestId('image-file-input').setInputFiles(CHELSEA)
  await expect(page.getByTestId('image-size')).toHaveText(/^451 × 300/)
  await page.getByRole('tab', { name: /^Kernel/ }).click()
  const section = page.locator('details.learn')
  await section.locator('summary').click()
  await page.getByTestId('learn-size').selectOption('5')
  await page.getByTestId('learn-file').setInputFiles(join(dir, 'soft.png'))

  const result = page.getByTestId('learn-result')
  await expect(result).toBeVisible()
  await expect(result).toContainText('Learnt a 5×5 kernel from soft.png')
  expect(Number(await page.getByTestId('learn-rms').textContent())).toBeLessThan(0.35)
  await expect(page.getByTestId('learn-residual')).toBeVisible()

  await waitForPreview(page, /"name":"Learnt from soft.png"/)
  const layer = (await previewFilters()).find((f) => f.name === 'Learnt from soft.png')
  expect(layer?.kernel).toHaveLength(5)
  const truth = GAUSSIAN.weights.map((w) => w / GAUSSIAN.divisor)
  layer?.kernel?.flat().forEach((w, i) => expect(Math.abs(w - truth[i])).toBeLessThan(0.002))
  expect(Math.abs(layer?.offset ?? 0)).toBeLessThan(0.5)
  await page.locator('details.learn').screenshot({ path: test.info().outputPath('learnt.png') })
})

test('the learnt layer\'s frequency response: a blur that cuts fine detail', async () => {
  await expect(page.getByTestId('frequency-map')).toBeVisible()
  await expect(page.getByTestId('frequency-profile')).toBeVisible()
  await expect(page.getByTestId('frequency-summary')).toHaveText(/^DC gain 1(\.0+\d*)?; at Nyquist 0\.0\d+ horizontally, .*: it cuts fine detail, more the finer it is\.$/)
  await page.locator('details.frequency').screenshot({ path: test.info().outputPath('frequency.png') })
})

test('a blank (identity) kernel keeps every frequency, sharpen boosts fine detail, a box blur shows its sidelobe', async () => {
  await page.locator('details.start-wrap > summary').click()
  await page.getByRole('button', { name: 'New blank kernel' }).click()
  await expect(page.getByTestId('frequency-summary')).toHaveText(/: it keeps detail at every scale about the same\.$/)
  await page.locator('summary', { hasText: 'As text' }).click()
  const text = page.getByLabel(/^Kernel text/)
  await text.fill('0 -1 0; -1 5 -1; 0 -1 0')
  await page.getByRole('button', { name: 'Apply text' }).click()
  await expect(page.getByTestId('frequency-summary')).toHaveText('DC gain 1; at Nyquist 5 horizontally, 5 vertically, 9 diagonally: it boosts fine detail.')
  await text.fill('1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9')
  await page.getByRole('button', { name: 'Apply text' }).click()
  await expect(page.getByTestId('frequency-summary')).toHaveText(/: it cuts fine detail but lets some back through past its first dip \(a sidelobe\)\.$/)
  await page.locator('details.frequency').screenshot({ path: test.info().outputPath('box-frequency.png') })
})

test('preset layers show their response too: the gallery\'s Gaussian blur cuts steadily, its Box blur leaks', async () => {
  for (const [title, shape] of [
    ['Gaussian blur', /: it cuts fine detail, more the finer it is\.$/],
    ['Box blur', /: it cuts fine detail but lets some back through past its first dip \(a sidelobe\)\.$/]
  ] as const) {
    await page.getByRole('tab', { name: /^Stack/ }).click()
    await page.getByRole('option', { name: title, exact: true }).click()
    await page.getByRole('button', { name: 'Add to stack' }).click()
    await page.getByRole('tab', { name: /^Kernel/ }).click()
    await expect(page.getByText(`The selected layer uses the preset ${title}`)).toBeVisible()
    await expect(page.getByTestId('frequency-summary')).toHaveText(shape)
  }
})

test('an "after" image of another size is refused with one line, and no layer is added', async () => {
  const before = (await previewFilters()).length
  await page.getByTestId('learn-file').setInputFiles(COFFEE)
  await expect(page.locator('details.learn [role="alert"]')).toHaveText(/^BEFORE is 451x300 but AFTER is \d+x\d+: the images must be the same size$/)
  expect((await previewFilters()).length).toBe(before)
})
