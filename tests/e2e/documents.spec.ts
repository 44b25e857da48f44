// Runs in Node (Playwright): every browser tab has its own document. Two tabs of one browser open different photos
// and each export is its own photo; a reload brings back the image, the stack and its undo history; the title and
// the toolbar show the file name and a modified marker; `valid` mode shows the output size in the status bar.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import sharp from 'sharp'
import { decodeMessage, type WireCall } from '../../src/contract/wire'
import { readPixels } from './fixtures/pixels'
import { startProxy } from './fixtures/proxy'
import { ROOT } from './fixtures/serve'

const CHELSEA = join(ROOT, 'resources', 'samples', 'chelsea.png')
const ASTRONAUT = join(ROOT, 'resources', 'samples', 'astronaut.png')

let dir: string

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ks-documents-'))
})

test.afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Opens `file` in `page` through the file picker (after the first-launch image, which it replaces). */
async function openFile(page: Page, file: string, size: RegExp): Promise<void> {
  await expect(page.getByTestId('image-size')).toHaveText(/×/, { timeout: 60_000 })
  await page.getByTestId('image-file-input').setInputFiles(file)
  await expect(page.getByTestId('image-size')).toHaveText(size, { timeout: 60_000 })
}

/** Exports the stack as PNG (a browser download) and returns the saved file. */
async function exportPng(page: Page, name: string): Promise<string> {
  await page.getByRole('button', { name: 'Export', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'Export image' })
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export', exact: true }).click()])
  const file = join(dir, name)
  await download.saveAs(file)
  await expect(dialog).toBeHidden()
  return file
}

/** Mean absolute difference of two decoded images' RGB samples (they must have the same size). */
async function meanDifference(a: string, b: string): Promise<number> {
  const [pa, pb] = await Promise.all([readPixels(a), sharp(b).removeAlpha().raw().toBuffer({ resolveWithObject: true })])
  expect([pa.width, pa.height]).toEqual([pb.info.width, pb.info.height])
  let sum = 0
  let n = 0
  for (let p = 0; p < pa.width * pa.height; p++) {
    for (let c = 0; c < 3; c++) {
      sum += Math.abs(pa.data[p * pa.channels + c] - pb.data[p * pb.info.channels + c])
      n++
    }
  }
  return sum / n
}

test('two tabs of one browser edit two documents; each export is its own photo', async ({ browser }) => {
  test.setTimeout(120_000)
  const context = await browser.newContext()
  try {
    const a = await context.newPage()
    const b = await context.newPage()
    await a.goto('/')
    await b.goto('/')
    await openFile(a, CHELSEA, /^451 × 300/)
    await openFile(b, ASTRONAUT, /^512 × 512/)
    // Tab A still has its own photo after tab B opened another one.
    await a.reload()
    await expect(a.getByTestId('image-size')).toHaveText(/^451 × 300/, { timeout: 60_000 })
    await expect(a.getByTestId('document-name')).toHaveText(/^chelsea\.png/)
    await expect(b.getByTestId('document-name')).toHaveText(/^astronaut\.png/)
    const exportA = await exportPng(a, 'a.png')
    const exportB = await exportPng(b, 'b.png')
    expect(await meanDifference(exportA, CHELSEA)).toBeLessThan(0.01)
    expect(await meanDifference(exportB, ASTRONAUT)).toBeLessThan(0.01)
  } finally {
    await context.close()
  }
})

test('a photo opened while the first-launch sample is still opening is the one shown and exported', async ({ browser, baseURL }) => {
  test.setTimeout(120_000)
  // The reply to the sample's open is held back 2 s, so the photo below is picked while it is on its way.
  const opens = new Set<number>()
  let held = false
  const proxy = await startProxy(baseURL ?? '', {
    fromPage(data, forward) {
      const call = decodeMessage(new Uint8Array(data)) as WireCall
      if (call.t === 'call' && call.channel === 'image:open') opens.add(call.id)
      forward()
    },
    fromServer(data, forward) {
      const reply = decodeMessage(new Uint8Array(data)) as { t: string; id?: number }
      if (!held && reply.t === 'reply' && reply.id !== undefined && opens.has(reply.id)) {
        held = true
        setTimeout(forward, 2000)
      } else {
        forward()
      }
    }
  })
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    await page.goto(proxy.url)
    await expect.poll(() => opens.size).toBeGreaterThan(0)
    await page.getByTestId('image-file-input').setInputFiles(CHELSEA)
    await expect.poll(() => held).toBe(true)
    await page.waitForTimeout(2500)
    await expect(page.getByTestId('image-size')).toHaveText(/^451 × 300/)
    await expect(page.getByTestId('document-name')).toHaveText(/^chelsea\.png/)
    expect(await meanDifference(await exportPng(page, 'raced.png'), CHELSEA)).toBeLessThan(0.01)
  } finally {
    await context.close()
    await proxy.close()
  }
})

test('a photo opened while the app starts is not replaced by the first-launch sample', async ({ browser, baseURL }) => {
  test.setTimeout(120_000)
  // The photo is picked while the app waits for its saved document (that reply is held back 2 s), and reaches
  // the host only after the host has said it has no image open: the app must not open its sample after it.
  const calls = new Map<number, string>()
  let loadHeld = false
  let answeredNoImage = false
  const uploads: (() => void)[] = []
  const proxy = await startProxy(baseURL ?? '', {
    fromPage(data, forward) {
      const call = decodeMessage(new Uint8Array(data)) as WireCall
      if (call.t === 'call') calls.set(call.id, call.channel)
      forward()
    },
    request(path, forward) {
      // Serve mode uploads the photo's bytes over HTTP.
      if (path.startsWith('/api/image:upload') && !answeredNoImage) uploads.push(forward)
      else forward()
    },
    fromServer(data, forward) {
      const reply = decodeMessage(new Uint8Array(data)) as { t: string; id?: number }
      const channel = reply.t === 'reply' && reply.id !== undefined ? calls.get(reply.id) : undefined
      if (channel === 'document:load' && !loadHeld) {
        loadHeld = true
        setTimeout(forward, 2000)
        return
      }
      forward()
      if (channel === 'image:current') {
        answeredNoImage = true
        for (const upload of uploads.splice(0)) upload()
      }
    }
  })
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    await page.goto(proxy.url)
    await expect.poll(() => loadHeld).toBe(true)
    await page.getByTestId('image-file-input').setInputFiles(CHELSEA)
    await expect.poll(() => answeredNoImage, { timeout: 10_000 }).toBe(true)
    await page.waitForTimeout(3000)
    await expect(page.getByTestId('image-size')).toHaveText(/^451 × 300/)
    await expect(page.getByTestId('document-name')).toHaveText(/^chelsea\.png/)
  } finally {
    await context.close()
    await proxy.close()
  }
})

test('a photo opened before the app has asked the host for its image is not replaced by the first-launch sample', async ({ browser, baseURL }) => {
  test.setTimeout(120_000)
  // The reply to the app's first question, which image the host has open, is held back 2 s: the photo below is
  // picked before the app would open its first-launch sample.
  const asks = new Set<number>()
  let held = false
  const proxy = await startProxy(baseURL ?? '', {
    fromPage(data, forward) {
      const call = decodeMessage(new Uint8Array(data)) as WireCall
      if (call.t === 'call' && call.channel === 'image:current') asks.add(call.id)
      forward()
    },
    fromServer(data, forward) {
      const reply = decodeMessage(new Uint8Array(data)) as { t: string; id?: number }
      if (!held && reply.t === 'reply' && reply.id !== undefined && asks.has(reply.id)) {
        held = true
        setTimeout(forward, 2000)
      } else {
        forward()
      }
    }
  })
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    await page.goto(proxy.url)
    await expect.poll(() => held).toBe(true)
    await page.getByTestId('image-file-input').setInputFiles(CHELSEA)
    await page.waitForTimeout(4000)
    await expect(page.getByTestId('image-size')).toHaveText(/^451 × 300/)
    await expect(page.getByTestId('document-name')).toHaveText(/^chelsea\.png/)
  } finally {
    await context.close()
    await proxy.close()
  }
})

test('a reload brings back the image, the stack with its undo history, and the modified marker', async ({ browser }) => {
  test.setTimeout(120_000)
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    await page.goto('/')
    await openFile(page, CHELSEA, /^451 × 300/)
    const stackPanel = page.getByRole('region', { name: 'Filter stack' })
    for (const title of ['Gaussian blur', 'Sharpen']) {
      await page.getByRole('option', { name: title, exact: true }).click()
      await page.getByRole('button', { name: 'Add to stack' }).click()
    }
    await expect(stackPanel.getByRole('listitem')).toHaveText([/Gaussian blur/, /Sharpen/])
    await expect(page.getByTestId('document-name')).toHaveText('chelsea.png •')
    await expect(page).toHaveTitle('• chelsea.png — Kernel Studio')
    // Saved a moment after the last change.
    await page.waitForTimeout(1000)
    await page.reload()
    await expect(page.getByTestId('image-size')).toHaveText(/^451 × 300/, { timeout: 60_000 })
    await expect(stackPanel.getByRole('listitem')).toHaveText([/Gaussian blur/, /Sharpen/])
    await expect(page).toHaveTitle('• chelsea.png — Kernel Studio')
    // The history came back too: undo removes Sharpen, then Gaussian blur.
    await page.getByRole('button', { name: 'Undo', exact: true }).click()
    await expect(stackPanel.getByRole('listitem')).toHaveText([/Gaussian blur/])
    // Exported: nothing to lose any more.
    await exportPng(page, 'kept.png')
    await expect(page.getByTestId('document-name')).toHaveText('chelsea.png')
    await expect(page).toHaveTitle('chelsea.png — Kernel Studio')
  } finally {
    await context.close()
  }
})

test('leaving with unkept changes asks first', async ({ browser }) => {
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    await page.goto('/')
    await openFile(page, CHELSEA, /^451 × 300/)
    await page.getByRole('option', { name: 'Box blur', exact: true }).click()
    await page.getByRole('button', { name: 'Add to stack' }).click()
    await expect(page.getByTestId('document-name')).toHaveText('chelsea.png •')
    // beforeunload only asks after the user has interacted with the page, which the clicks above did.
    const asked = new Promise<string>((resolve) => page.once('dialog', (d) => void d.dismiss().then(() => resolve(d.type()))))
    await page.close({ runBeforeUnload: true })
    expect(await asked).toBe('beforeunload')
  } finally {
    await context.close()
  }
})

test('valid mode shows the output size in the status bar', async ({ browser }) => {
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    await page.goto('/')
    await openFile(page, CHELSEA, /^451 × 300/)
    const recipe = join(dir, 'valid.recipe.json')
    await writeFile(recipe, JSON.stringify({ format: 'kernel-studio/stack', version: 1, filters: [{ preset: 'box-blur', params: { size: 15 }, mode: 'valid' }] }))
    await page.getByTestId('recipe-file-input').setInputFiles(recipe)
    // N - K + 1: 451 - 15 + 1 = 437, 300 - 15 + 1 = 286.
    await expect(page.getByTestId('image-size')).toHaveText(/^451 × 300 → 437 × 286/)
  } finally {
    await context.close()
  }
})
