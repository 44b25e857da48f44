// Runs in Node: Playwright configuration. The UI is tested in Chromium (found by tests/e2e/browser.ts) against serve
// mode (the same renderer, API handlers and engine host as the desktop app), built beforehand with `npm run build`.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig } from '@playwright/test'
import { findChromium } from './tests/e2e/browser'
import { loggedIn } from './tests/e2e/fixtures/serve'

/** Port of the serve-mode server the tests start (override with KS_E2E_PORT to run beside another server). */
const PORT = Number(process.env.KS_E2E_PORT ?? 5923)

/** The server's recent files and kernel gallery go to a throwaway folder, never the user's own settings. */
// Set on process.env so Playwright's workers, which load this file again, reuse the same folder.
process.env.KERNEL_STUDIO_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'kernel-studio-e2e-'))
const DATA_DIR = process.env.KERNEL_STUDIO_DATA_DIR

const browser = await findChromium().catch((error: Error) => {
  process.stderr.write(`kernel-studio e2e: error: ${error.message}\n`)
  process.exit(1)
})
// Said once, by the runner (its workers load this file again): which browser the results come from.
if (!process.env.TEST_WORKER_INDEX) console.log(`e2e browser: ${browser.path} (${browser.source})`)

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: process.env.KS_E2E_OUTPUT ?? 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    // Serve mode wants its token (KERNEL_STUDIO_TOKEN, set by fixtures/serve.ts): the cookie its URL would set.
    storageState: loggedIn(PORT),
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    colorScheme: 'dark',
    acceptDownloads: true,
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: browser.path,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run'
      ]
    }
  },
  projects: [{ name: 'chromium' }],
  webServer: {
    command: `node bin/kernel-studio.js serve --port ${PORT}`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    env: { KERNEL_STUDIO_DATA_DIR: DATA_DIR },
    stdout: 'pipe',
    stderr: 'pipe'
  }
})
