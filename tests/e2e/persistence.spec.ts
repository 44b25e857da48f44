// Runs in Node (Playwright): the personal kernel gallery is kept in the app's data folder, not in the browser.
// Serve mode gets a new port, so a new browser origin with an empty localStorage, on every launch: a kernel saved
// in one launch must still be there after the server restarts on another port. Starts its own servers, each
// pointed at a temporary data folder through KERNEL_STUDIO_DATA_DIR, so the user's real gallery is never touched.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test'
import { CLI, ROOT } from './fixtures/serve'


/** A `kernel-studio serve` process of this test. */
interface Server {
  readonly url: string
  readonly port: number
  stop(): Promise<void>
}

/** Starts `kernel-studio serve --port 0` (a free port) on `dataDir` and waits until it says where it serves. */
async function startServer(dataDir: string): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, KERNEL_STUDIO_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${output}`)), 30_000)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      const match = /serving on (http:\/\/127\.0\.0\.1:\d+\/\S*)\n/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the server exited with code ${String(code)}: ${output}`))
    })
  })
  return {
    url,
    port: Number(new URL(url).port),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      await exited
    }
  }
}

/** The gallery file in the data folder, parsed. */
async function galleryFile(dataDir: string): Promise<{ format: string; items: { name?: string; kernel?: unknown; mode?: string }[] }> {
  return JSON.parse(await readFile(join(dataDir, 'kernels.json'), 'utf8')) as never
}

/** A fresh browser context (its own, empty localStorage) on `server`, showing the Kernel panel. */
async function openApp(browser: Browser, server: Server): Promise<{ page: Page; editor: Locator }> {
  const context = await browser.newContext({ baseURL: server.url })
  const page = await context.newPage()
  await page.goto(server.url)
  await page.getByRole('tab', { name: 'Kernel' }).click()
  return { page, editor: page.getByRole('region', { name: 'Kernel editor' }) }
}

test.describe.configure({ mode: 'serial' })

let dataDir: string
let servers: Server[] = []

test.beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ks-gallery-'))
})

test.afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()))
  servers = []
  await rm(dataDir, { recursive: true, force: true })
})

test('a saved kernel survives a restart of the server on another port', async ({ browser }) => {
  const first = await startServer(dataDir)
  servers.push(first)
  const { page, editor } = await openApp(browser, first)
  await expect(editor.getByText('Kernels you save appear here')).toBeVisible()

  // A custom kernel in valid mode, saved under a name.
  await editor.getByRole('button', { name: 'New blank kernel' }).click()
  await editor.getByText('As text', { exact: true }).click()
  await editor.getByLabel(/Kernel text/).fill('0 1 2; 2 2 0; 0 1 2')
  await editor.getByRole('button', { name: 'Apply text' }).click()
  await editor.getByLabel('Output size').selectOption('valid')
  await editor.getByText('Save to my kernels', { exact: true }).click()
  await editor.getByLabel('Name for the saved kernel').fill('Lesson kernel')
  await editor.getByRole('button', { name: 'Save kernel' }).click()
  await expect(editor.getByText('Saved as “Lesson kernel”.')).toBeVisible()
  await expect(editor.getByRole('button', { name: 'Add Lesson kernel to the stack' })).toBeVisible()
  await expect
    .poll(async () => (await galleryFile(dataDir).catch(() => null))?.items)
    .toEqual([{ name: 'Lesson kernel', kernel: [[0, 1, 2], [2, 2, 0], [0, 1, 2]], mode: 'valid' }])
  expect((await galleryFile(dataDir)).format).toBe('kernel-studio/gallery')
  await page.context().close()
  await first.stop()

  // Another launch: another port, so another origin whose localStorage knows nothing.
  const second = await startServer(dataDir)
  servers.push(second)
  expect(second.port).not.toBe(first.port)
  const again = await openApp(browser, second)
  const add = again.editor.getByRole('button', { name: 'Add Lesson kernel to the stack' })
  await expect(add).toBeVisible()
  // Runs in the page: the new origin's storage holds only the offline copy written after loading.
  const keys = await again.page.evaluate(() => Object.keys((globalThis as unknown as { localStorage: Record<string, string> }).localStorage))
  expect(keys.filter((k) => k.includes('custom-kernels'))).toEqual([
    'kernel-studio:custom-kernels:v2'
  ])
  await add.click()
  await expect(again.editor.getByRole('textbox', { name: 'Weight row 1, column 3', exact: true })).toHaveValue('2')
  await expect(again.editor.getByRole('textbox', { name: 'Weight row 2, column 1', exact: true })).toHaveValue('2')
  await expect(again.editor.getByLabel('Output size')).toHaveValue('valid')
  await expect(again.page.locator('[data-preview-key]')).toHaveAttribute(
    'data-preview-key',
    /"name":"Lesson kernel","kernel":\[\[0,1,2\],\[2,2,0\],\[0,1,2\]\],"mode":"valid"/
  )
  await again.page.screenshot({ path: test.info().outputPath('gallery-after-restart.png') })

  // Deleting is stored too.
  await again.editor.getByRole('button', { name: 'Delete saved kernel Lesson kernel' }).click()
  await expect(again.editor.getByText('Kernels you save appear here')).toBeVisible()
  await expect.poll(async () => (await galleryFile(dataDir)).items).toEqual([])
  await again.page.context().close()
})

test('a save that fails is reported in the error banner and stored with the next change', async ({ browser }) => {
  const server = servers.at(-1) ?? (await startServer(dataDir))
  if (!servers.includes(server)) servers.push(server)
  const { page, editor } = await openApp(browser, server)
  await expect(editor.getByText('Kernels you save appear here')).toBeVisible()

  // The gallery file's place is taken by a folder: writing it fails.
  const file = join(dataDir, 'kernels.json')
  await rm(file, { force: true })
  await mkdir(file)
  await writeFile(join(file, 'keep'), 'x')

  await editor.getByRole('button', { name: 'New blank kernel' }).click()
  await editor.getByText('Save to my kernels', { exact: true }).click()
  await editor.getByLabel('Name for the saved kernel').fill('First')
  await editor.getByRole('button', { name: 'Save kernel' }).click()
  const banner = page.getByTestId('error-banner')
  await expect(banner).toContainText(/Could not save your kernels: cannot write .*kernels\.json: .*They stay listed here/)
  await expect(editor.getByRole('button', { name: 'Add First to the stack' })).toBeVisible()
  await expect(editor.getByText('“First” is listed below but could not be stored yet: see the message above.')).toBeVisible()
  await page.screenshot({ path: test.info().outputPath('gallery-save-failed.png') })
  await banner.getByRole('button', { name: 'Dismiss error' }).click()

  // Fixed: the next change stores both kernels.
  await rm(file, { recursive: true, force: true })
  await editor.getByLabel('Name for the saved kernel').fill('Second')
  await editor.getByRole('button', { name: 'Save kernel' }).click()
  await expect(editor.getByText('Saved as “Second”.')).toBeVisible()
  await expect.poll(async () => (await galleryFile(dataDir).catch(() => null))?.items.map((i) => i.name)).toEqual(['Second', 'First'])
  await expect(page.getByTestId('error-banner')).toHaveCount(0)
  await page.context().close()
})
