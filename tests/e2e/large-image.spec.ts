// Runs in Node (Playwright): a 24 MP photo in serve mode. The page must never freeze: the proxy (screen-sized)
// is all that travels at fit, zooming to 100% fetches only the visible region of the full-resolution result,
// and those pixels equal `kernel-studio apply` of the same preset. Long tasks and WebSocket bytes are recorded.
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect, test, type Page } from '@playwright/test'
import sharp from 'sharp'
import { CLI, ROOT, startServer, type PrivateServer } from './fixtures/serve'

const run = promisify(execFile)
const COFFEE = join(ROOT, 'resources', 'samples', 'coffee.png')

const WIDTH = 6000
const HEIGHT = 4000
/** Longest main-thread task the page may run (a frozen UI is anything the user notices). */
const MAX_TASK_MS = 200
/** Bytes of the whole image at full resolution as RGBA: no single transfer may come near it. */
const FULL_RGBA = WIDTH * HEIGHT * 4

/** A 24 MP RGB photo: the coffee sample enlarged ten times, with film grain so a blur changes most pixels. */
async function writePhoto(file: string): Promise<void> {
  const data = await sharp(COFFEE).resize(WIDTH, HEIGHT, { fit: 'fill' }).removeAlpha().raw().toBuffer()
  for (let i = 0; i < data.length; i++) {
    const grain = (Math.imul(i, 2654435761) >>> 27) - 16
    data[i] = Math.min(255, Math.max(0, data[i] + grain))
  }
  await sharp(data, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).png({ compressionLevel: 1 }).toFile(file)
}

/** What the page records about its own main thread (installed before any page script runs). */
interface PerfLog {
  readonly longTasks: { start: number; duration: number }[]
  /** Longest gap between animation frames once the app is up, ms. */
  maxFrameGap: number
  /** When the app first showed the image's size (page time, ms): the end of loading the page's own code. */
  bootedAt: number
}

/** Installs a long-task observer, a requestAnimationFrame gap monitor and a boot marker in the page. */
function installMonitors(): void {
  const scope = globalThis as unknown as {
    __ksPerf: PerfLog
    performance: { now(): number }
    document: { querySelector(s: string): unknown }
    requestAnimationFrame(cb: (t: number) => void): number
    PerformanceObserver: new (cb: (list: { getEntries(): { startTime: number; duration: number }[] }) => void) => {
      observe(options: { type: string; buffered?: boolean }): void
    }
  }
  const log: PerfLog = { longTasks: [], maxFrameGap: 0, bootedAt: 0 }
  scope.__ksPerf = log
  new scope.PerformanceObserver((list) => {
    for (const e of list.getEntries()) log.longTasks.push({ start: Math.round(e.startTime), duration: Math.round(e.duration) })
  }).observe({ type: 'longtask', buffered: true })
  let last = 0
  const tick = (t: number): void => {
    // The first frame that shows the image's size: the app's code has run and rendered once.
    if (log.bootedAt === 0 && scope.document.querySelector('[data-testid="image-size"]')) log.bootedAt = Math.round(scope.performance.now())
    else if (last > 0 && log.bootedAt > 0) log.maxFrameGap = Math.max(log.maxFrameGap, Math.round(t - last))
    last = t
    scope.requestAnimationFrame(tick)
  }
  scope.requestAnimationFrame(tick)
}

async function perfLog(page: Page): Promise<PerfLog> {
  return page.evaluate(() => (globalThis as unknown as { __ksPerf: PerfLog }).__ksPerf)
}

/** The canvas rectangle `[x, y, w, h]` (device pixels) where the whole source image lands. */
async function imageRect(page: Page): Promise<number[]> {
  const attr = await page.getByTestId('viewer-canvas').getAttribute('data-image-rect')
  return (attr ?? '').split(',').map(Number)
}

/** RGBA of a canvas rectangle. */
async function canvasRegion(page: Page, x: number, y: number, w: number, h: number): Promise<Uint8Array> {
  const b64 = await page.evaluate(
    ([x, y, w, h]) => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document
      const canvas = doc.querySelector('[data-testid="viewer-canvas"]') as {
        getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null
      }
      const data = canvas.getContext('2d')?.getImageData(x, y, w, h).data
      if (!data) throw new Error('no 2d context')
      let bin = ''
      for (let i = 0; i < data.length; i += 0x8000) bin += String.fromCharCode(...data.subarray(i, i + 0x8000))
      return btoa(bin)
    },
    [x, y, w, h]
  )
  return new Uint8Array(Buffer.from(b64, 'base64'))
}

/** Waits until the viewer is idle and shows the filters matching `key`. */
async function waitForReady(page: Page, key: RegExp | string): Promise<void> {
  const viewer = page.locator('[data-preview-key]')
  await expect(viewer).toHaveAttribute('data-preview-key', key, { timeout: 120_000 })
  await expect(viewer).toHaveAttribute('data-preview-state', 'ready', { timeout: 120_000 })
}

test.describe.configure({ mode: 'serial' })
// The trace recorder films every frame and snapshots the page at every action; with it on, its work showed up
// here as the page's long tasks (up to 140 ms, none over 90 ms without it). A failure still leaves a screenshot.
test.use({ trace: 'off' })

let dir: string
let photo: string
let engineResult: string
let server: PrivateServer | null = null

test.beforeAll(async () => {
  test.setTimeout(300_000)
  dir = await mkdtemp(join(tmpdir(), 'ks-large-'))
  photo = join(dir, 'photo-24mp.png')
  await writePhoto(photo)
  // The engine's own answer for the whole photo, computed before the page runs so it does not compete with it.
  engineResult = join(dir, 'photo-gauss.png')
  await run(process.execPath, [CLI, 'apply', photo, '-o', engineResult, '--preset', 'gaussian-blur'], { cwd: ROOT, timeout: 240_000 })
  server = await startServer({ args: ['--open', photo], timeoutMs: 90_000 })
})

test.afterAll(async () => {
  server?.child.kill()
  if (dir) await rm(dir, { recursive: true, force: true })
})

test('a 24 MP photo opens, filters and zooms to 100% without freezing the page, showing exact pixels', async ({ page }) => {
  test.setTimeout(300_000)
  const frames: { at: number; bytes: number }[] = []
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => frames.push({ at: Date.now(), bytes: typeof f.payload === 'string' ? f.payload.length : f.payload.byteLength }))
  })
  await page.addInitScript(installMonitors)
  await page.goto(server?.url ?? '')

  await expect(page.getByTestId('image-size')).toHaveText(/^6000 × 4000/, { timeout: 120_000 })
  await waitForReady(page, '[]')

  await page.getByRole('option', { name: 'Gaussian blur' }).click()
  await waitForReady(page, /"preset":"gaussian-blur"/)
  const viewerGroup = page.locator('[data-preview-key]')
  // Fitted, the screen-sized proxy is all there is: no full-resolution pixels at all.
  await expect(viewerGroup).toHaveAttribute('data-detail', '')
  const fitBytes = frames.reduce((sum, f) => sum + f.bytes, 0)
  const fitLargest = Math.max(...frames.map((f) => f.bytes))
  const rect = await imageRect(page)
  expect(fitLargest).toBeLessThanOrEqual(Math.ceil(rect[2]) * Math.ceil(rect[3]) * 4 + 4096)
  await page.screenshot({ path: test.info().outputPath('large-fit.png') })

  // Zoom to 100% around a point left of and above the centre (double-click zooms to 100% there).
  const viewer = page.getByRole('group', { name: /^Image viewer/ })
  const box = await viewer.boundingBox()
  if (!box) throw new Error('no viewer')
  await viewer.dblclick({ position: { x: box.width * 0.3, y: box.height * 0.4 } })
  await expect(page.getByTestId('zoom-level')).toHaveText('100%')
  await waitForReady(page, /"preset":"gaussian-blur"/)
  // A region of the full-resolution result, at every pixel, is drawn over the proxy.
  await expect(viewerGroup).toHaveAttribute('data-detail', /@1$/)

  // Compare the visible part of the canvas with the CLI's result there.
  const [ix, iy] = await imageRect(page)
  const canvasSize = await page.getByTestId('viewer-canvas').evaluate((c) => [(c as unknown as { width: number }).width, (c as unknown as { height: number }).height])
  const x0 = Math.max(0, ix)
  const y0 = Math.max(0, iy)
  const x1 = Math.min(canvasSize[0], ix + WIDTH)
  const y1 = Math.min(canvasSize[1], iy + HEIGHT)
  expect(x1 - x0).toBeGreaterThan(400)
  expect(y1 - y0).toBeGreaterThan(300)
  const left = x0 - ix
  const top = y0 - iy
  const expected = await sharp(engineResult).extract({ left, top, width: x1 - x0, height: y1 - y0 }).raw().toBuffer()
  const original = await sharp(photo).extract({ left, top, width: x1 - x0, height: y1 - y0 }).raw().toBuffer()
  const differing = async (): Promise<number> => {
    const shown = await canvasRegion(page, x0, y0, x1 - x0, y1 - y0)
    let n = 0
    for (let p = 0; p < (x1 - x0) * (y1 - y0); p++) {
      if (shown[p * 4] !== expected[p * 3] || shown[p * 4 + 1] !== expected[p * 3 + 1] || shown[p * 4 + 2] !== expected[p * 3 + 2]) n++
    }
    return n
  }
  await expect.poll(differing, { message: 'pixels at 100% differing from kernel-studio apply', timeout: 30_000 }).toBe(0)
  // The blur really changed that region, so the comparison means something.
  let changed = 0
  for (let i = 0; i < expected.length; i++) if (expected[i] !== original[i]) changed++
  expect(changed).toBeGreaterThan(expected.length / 4)
  await page.screenshot({ path: test.info().outputPath('large-100.png') })

  // The status bar reads exact values of the result under the cursor.
  const probe = { x: box.width * 0.5, y: box.height * 0.5 }
  await viewer.hover({ position: probe })
  const col = Math.floor(probe.x - ix)
  const row = Math.floor(probe.y - iy)
  await expect(page.getByTestId('pixel-position')).toHaveText(`x ${col} · y ${row}`)
  const after = [...(await sharp(engineResult).extract({ left: col, top: row, width: 1, height: 1 }).raw().toBuffer())]
  const source = [...(await sharp(photo).extract({ left: col, top: row, width: 1, height: 1 }).raw().toBuffer())]
  const same = after.every((v, k) => v === source[k])
  const readout = ['R', 'G', 'B'].map((n, k) => `${n}\\s*${source[k]}${same ? '' : `\\s*→\\s*${after[k]}`}`).join('\\s*')
  await expect(page.getByTestId('pixel-values')).toHaveText(new RegExp(`^\\s*${readout}\\s*$`))

  // Pan far (several screens): a new region follows, and it is exact there too.
  const before = (await viewerGroup.getAttribute('data-detail')) ?? ''
  for (let i = 0; i < 6; i++) await page.keyboard.press('Shift+ArrowRight')
  await waitForReady(page, /"preset":"gaussian-blur"/)
  await expect(viewerGroup).not.toHaveAttribute('data-detail', before)
  await expect(viewerGroup).toHaveAttribute('data-detail', /@1$/)

  // Back to fit: nothing more at full resolution. The socket's worker reports its frames on a channel of its own,
  // which can trail what the page already drew: the count is taken once those reports have stopped coming.
  let framesBeforeFit = -1
  while (framesBeforeFit !== frames.length) {
    framesBeforeFit = frames.length
    await page.waitForTimeout(500)
  }
  await page.getByRole('button', { name: 'Fit to window' }).click()
  await waitForReady(page, /"preset":"gaussian-blur"/)
  await expect(viewerGroup).toHaveAttribute('data-detail', '')
  expect(frames.slice(framesBeforeFit).every((f) => f.bytes < 64 * 1024)).toBe(true)

  // At fit, a 15x15 gaussian's exact frame. Its budget, 400 ms on a quiet 2-core machine, is npm run bench's; this
  // generous limit only catches a preview that stalls or waits for something it should not.
  const size = page.getByLabel('Size', { exact: true })
  await size.fill('15')
  const edited = Date.now()
  await size.press('Tab')
  await waitForReady(page, /"preset":"gaussian-blur","params":\{"size":15/)
  await expect(viewerGroup).toHaveAttribute('data-preview-exact', 'exact')
  const fifteenMs = Date.now() - edited
  test.info().annotations.push({ type: '24 MP 15x15 gaussian at fit', description: `exact frame ${fifteenMs} ms after the edit, as the test saw it` })
  expect(fifteenMs).toBeLessThan(10_000)

  const perf = await perfLog(page)
  const total = frames.reduce((sum, f) => sum + f.bytes, 0)
  // Evaluating the app's own code and its first render happen before any image work and whatever the image
  // (reported, not judged here); everything after that is the flow under test.
  const startup = perf.longTasks.filter((t) => t.start < perf.bootedAt)
  const flow = perf.longTasks.filter((t) => t.start >= perf.bootedAt)
  const longest = flow.reduce((m, t) => Math.max(m, t.duration), 0)
  const report = {
    bootedAtMs: perf.bootedAt,
    startupLongTasks: startup,
    longTasks: flow,
    longestTaskMs: longest,
    maxFrameGapMs: perf.maxFrameGap,
    bytesAtFit: fitBytes,
    largestFrameAtFit: fitLargest,
    bytesTotal: total,
    largestFrame: Math.max(...frames.map((f) => f.bytes)),
    frames: frames.length
  }
  console.log(`large-image: ${JSON.stringify(report)}`)
  await test.info().attach('perf.json', { body: JSON.stringify(report, null, 2), contentType: 'application/json' })
  expect(perf.bootedAt).toBeGreaterThan(0)
  expect(longest, `long tasks: ${JSON.stringify(flow)}`).toBeLessThan(MAX_TASK_MS)
  expect(report.largestFrame).toBeLessThan(FULL_RGBA / 4)
})
