// @vitest-environment node
// Previews are fitted to the size asked whatever the stack does to the size: `full` mode grows the result by each
// kernel (a 346 MB raster once came back for a preview that asked for a screenful). Real host process.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FilterSpec } from '../../../src/engine/types'
import { HostClient, forkHost } from '../../../src/host/client'
import { hostScriptPath, samplesDir } from '../../../src/io/package-paths'

let host: HostClient
const row = Array.from({ length: 255 }, () => '1').join(' ')
const column = Array.from({ length: 255 }, () => '1').join('; ')
/** Eight thin 255-tap kernels in `full` mode: each adds 254 pixels to one side of the result. */
const growing: FilterSpec[] = Array.from({ length: 8 }, (_, i) => ({ kernel: i % 2 === 0 ? row : column, divisor: 255, mode: 'full' as const }))

beforeAll(async () => {
  if (!existsSync(hostScriptPath())) throw new Error(`${hostScriptPath()} is missing: run npm run build:node before these tests`)
  host = new HostClient(() => forkHost())
  await host.request({ type: 'open', name: 'chelsea.png', path: join(samplesDir(), 'chelsea.png') })
})

afterAll(() => host?.close())

describe('previews of a stack that grows the image', () => {
  it.each([false, true])('fit the size asked (approximate: %s)', async (approximate) => {
    const res = await host.request({ type: 'preview', requestId: 1, filters: growing, maxWidth: 320, maxHeight: 240, approximate })
    expect(res.resultWidth).toBe(451 + 4 * 254)
    expect(res.resultHeight).toBe(300 + 4 * 254)
    expect(res.image.width).toBeLessThanOrEqual(320)
    expect(res.image.height).toBeLessThanOrEqual(240)
    expect(res.image.rgba.length).toBe(res.image.width * res.image.height * 4)
  })
})
