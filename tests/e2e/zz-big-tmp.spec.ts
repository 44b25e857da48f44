import { test, expect } from '@playwright/test'
test('big', async ({ page }) => {
  await page.goto('/')
  await page.getByTestId('image-file-input').setInputFiles('/tmp/ks-a/big24.jpg')
  await expect(page.getByTestId('image-size')).toHaveText(/^6000 × 4000/, { timeout: 60000 })
  const v = page.locator('[data-preview-key]')
  await expect(v).toHaveAttribute('data-preview-state', 'ready', { timeout: 60000 })
  await page.getByRole('option', { name: 'Gaussian blur' }).click()
  await expect(v).toHaveAttribute('data-preview-key', /gaussian/, { timeout: 60000 })
  await page.evaluate(() => {
    ;(window as any).__long = []
    new PerformanceObserver((l) => { for (const e of l.getEntries()) (window as any).__long.push(Math.round(e.duration)) }).observe({ type: 'longtask' })
  })
  const t2 = Date.now()
  await page.getByRole('button', { name: 'Actual size (100%)' }).click()
  await expect(v).toHaveAttribute('data-preview-scale', '1', { timeout: 120000 })
  console.log('full', Date.now() - t2)
  await page.waitForTimeout(2500)
  console.log('long tasks', JSON.stringify(await page.evaluate(() => (window as any).__long)))
  await page.screenshot({ path: '/tmp/ks-a/bigshot.png' })
})
