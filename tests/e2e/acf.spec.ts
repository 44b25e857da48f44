// Runs in Node (Playwright): Photoshop Custom filter files (.acf) in the kernel editor, serve mode in Debian's
// Chromium. A file picked in the browser opens as a kernel layer; saving it as .acf downloads the same 54 bytes.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { encodeAcf, parseAcf } from '../../src/engine/acf'
import { kernelFromRows } from '../../src/engine/kernel'
import { ROOT } from './fixtures/serve'

const CHELSEA = join(ROOT, 'resources', 'samples', 'chelsea.png')

test('an .acf opens as a kernel layer and saves back to the same bytes', async ({ page }) => {
  const dir = await mkdtemp(join(tmpdir(), 'ks-acf-'))
  try {
    const source = join(dir, 'emboss.acf')
    const bytes = encodeAcf(kernelFromRows([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], { divisor: 3, offset: 20 }))
    await writeFile(source, bytes)

    await page.goto('/')
    await page.getByTestId('image-file-input').setInputFiles(CHELSEA)
    await expect(page.getByTestId('image-size')).toHaveText(/^451 × 300/)
    await page.getByRole('tab', { name: /^Kernel/ }).click()
    const section = page.getByTestId('acf-section')
    await section.getByText('Photoshop Custom filter (.acf)').click()
    await section.getByTestId('acf-file-input').setInputFiles(source)
    await expect(section.getByRole('status')).toHaveText('Opened “emboss” as a new layer.')
    await expect(page.locator('[data-preview-key]')).toHaveAttribute('data-preview-key', /"name":"emboss","kernel":\[\[-2,-1,0\],\[-1,1,1\],\[0,1,2\]\],"divisor":3,"offset":20/)

    const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('button', { name: 'Save as .acf' }).click()])
    expect(download.suggestedFilename()).toBe('emboss.acf')
    const saved = join(dir, 'saved.acf')
    await download.saveAs(saved)
    const back = await readFile(saved)
    expect(Buffer.compare(back, Buffer.from(bytes))).toBe(0)
    expect(parseAcf(new Uint8Array(back), 'saved.acf')).toEqual(parseAcf(bytes, 'emboss.acf'))

    // A file that is not an .acf: one line in the section, no layer added.
    const junk = join(dir, 'junk.acf')
    await writeFile(junk, 'not a filter')
    await section.getByTestId('acf-file-input').setInputFiles(junk)
    await expect(section.getByRole('alert')).toHaveText(/expected 54 bytes, got 12/)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
