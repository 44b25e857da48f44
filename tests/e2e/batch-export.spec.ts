// Runs in Node (Playwright): Batch export in serve mode, in Debian's Chromium. A photo open with a preset in the
// stack; the dialog gets an input folder of three generated images (one corrupt, in the middle) and an output
// folder typed as paths on the server's computer; the run shows its progress and a summary with the one failure;
// the files written equal those of `kernel-studio batch` with the recipe saved in the app. Cancel stops a longer
// run, leaving only complete files.
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect, test } from '@playwright/test'
import sharp from 'sharp'
import { CLI, ROOT } from './fixtures/serve'

const run = promisify(execFile)
const CHELSEA = join(ROOT, 'resources', 'samples', 'chelsea.png')

test('batch export: a folder with a corrupt file, progress, a summary with 1 failure, the same files as the CLI', async ({ page }) => {
  const dir = await mkdtemp(join(tmpdir(), 'ks-batch-e2e-'))
  try {
    const photos = join(dir, 'photos')
    await mkdir(photos)
    await sharp(CHELSEA).resize(300).toFile(join(photos, 'a-cat.png'))
    await writeFile(join(photos, 'b-corrupt.png'), (await sharp(CHELSEA).resize(200).png().toBuffer()).subarray(0, 400))
    await sharp(join(ROOT, 'resources', 'samples', 'coffee.png')).resize(260).jpeg({ quality: 90 }).toFile(join(photos, 'c-coffee.jpg'))
    const out = join(dir, 'out')

    await page.goto('/')
    await page.getByTestId('image-file-input').setInputFiles(CHELSEA)
    await expect(page.getByTestId('image-size')).toHaveText(/^451 × 300/)
    await page.getByRole('tab', { name: /^Stack/ }).click()
    await page.getByRole('option', { name: 'Sharpen', exact: true }).click()
    await page.getByRole('button', { name: 'Add to stack' }).click()
    await expect(page.getByRole('region', { name: 'Filter stack' }).getByRole('button', { name: /^Sharpen, layer/ })).toBeVisible()

    const [recipeDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save recipe' }).click()])
    const recipe = join(dir, 'look.json')
    await recipeDownload.saveAs(recipe)

    // The keyboard opens it (Ctrl+Shift+B), as the toolbar button does.
    await page.keyboard.press('Control+Shift+B')
    const dialog = page.getByRole('dialog', { name: 'Batch export' })
    await expect(dialog).toBeVisible()
    await expect(dialog.getByText(/on the computer running Kernel Studio's server/)).toBeVisible()
    await expect(dialog.getByText(/Applies the current stack \(1 filter\)/)).toBeVisible()
    await dialog.getByLabel('Photos and folders on the computer running the server').fill(photos)
    await dialog.getByLabel('Output folder (on the same computer)').fill(out)
    await dialog.getByLabel('File names').fill('{name}-look.{ext}')
    await dialog.getByLabel('Format').selectOption('jpeg')
    await dialog.getByLabel('Quality').fill('85')
    await dialog.getByTestId('batch-start').click()

    await expect(dialog.getByTestId('batch-progress')).toBeVisible()
    const summary = dialog.getByTestId('batch-summary')
    await expect(summary).toContainText('Done: 2 written, 0 skipped, 1 failed of 3')
    await expect(dialog.getByTestId('batch-progress')).toHaveAttribute('aria-valuenow', '100')
    await expect(dialog.getByTestId('batch-progress-text')).toContainText('3 of 3 files')
    const failures = dialog.getByTestId('batch-failures').getByRole('listitem')
    await expect(failures).toHaveCount(1)
    await expect(failures.first()).toContainText('b-corrupt.png')
    await expect(failures.first()).toContainText('[corrupt]')

    const cliOut = join(dir, 'cli')
    const cli = await run(process.execPath, [CLI, 'batch', photos, '-d', cliOut, '--recipe', recipe, '--format', 'jpg', '--quality', '85', '--name', '{name}-look.{ext}', '--progress', 'none'], { cwd: ROOT }).catch(
      (err: { code: number; stderr: string }) => err
    )
    // The CLI says the same: one file failed (exit code 1).
    expect('code' in cli ? cli.code : 0).toBe(1)
    const written = (await readdir(out)).sort()
    expect(written).toEqual(['a-cat-look.jpg', 'c-coffee-look.jpg'])
    expect((await readdir(cliOut)).sort()).toEqual(written)
    for (const name of written) expect(Buffer.compare(await readFile(join(out, name)), await readFile(join(cliOut, name)))).toBe(0)

    // Closed with Escape; the toolbar button opens it again, keeping the last summary.
    await page.keyboard.press('Escape')
    await expect(dialog).toBeHidden()
    await page.getByRole('button', { name: 'Batch export' }).click()
    await expect(page.getByRole('dialog', { name: 'Batch export' }).getByTestId('batch-summary')).toContainText('1 failed')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('batch export: Cancel stops the run and leaves only complete files', async ({ page }) => {
  const dir = await mkdtemp(join(tmpdir(), 'ks-batch-cancel-e2e-'))
  try {
    const photos = join(dir, 'photos')
    await mkdir(photos)
    const big = await sharp(CHELSEA).resize(2400, 1600, { fit: 'fill' }).png().toBuffer()
    for (let i = 0; i < 10; i++) await writeFile(join(photos, `p${i}.png`), big)
    const out = join(dir, 'out')

    await page.goto('/')
    await page.getByTestId('image-file-input').setInputFiles(CHELSEA)
    await expect(page.getByTestId('image-size')).toHaveText(/^451 × 300/)
    await page.getByRole('button', { name: 'Batch export' }).click()
    const dialog = page.getByRole('dialog', { name: 'Batch export' })
    await dialog.getByLabel('Photos and folders on the computer running the server').fill(photos)
    await dialog.getByLabel('Output folder (on the same computer)').fill(out)
    await dialog.getByTestId('batch-start').click()
    await expect(dialog.getByTestId('batch-start')).toHaveText('Cancel batch')
    await dialog.getByTestId('batch-start').click()
    const summary = dialog.getByTestId('batch-summary')
    await expect(summary).toContainText(/^Cancelled: \d+ written, 0 skipped, 0 failed of 10/, { timeout: 60_000 })
    const written = Number(/Cancelled: (\d+) written/.exec((await summary.textContent()) ?? '')?.[1])
    expect(written).toBeLessThan(10)
    // Only whole files, no temp file: each one decodes to the full size.
    const left = (await readdir(out).catch(() => [] as string[])).sort()
    expect(left).toHaveLength(written)
    for (const name of left) {
      expect(name).toMatch(/^p\d\.png$/)
      const meta = await sharp(join(out, name), { failOn: 'truncated' }).raw().toBuffer({ resolveWithObject: true })
      expect([meta.info.width, meta.info.height]).toEqual([2400, 1600])
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
