// @vitest-environment node
// Explain after a `stretch` filter on a 2 MP photo with a 31x31 kernel, in a real engine host: the whole image's
// range comes from the fast run on worker threads (no whole-image reference pass on the host's only thread), so
// the host keeps answering meanwhile, a newer explain cancels the older one, and the explained value is the
// exported pixel.
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FilterSpec } from '../../../src/engine/types'
import { HostClient, forkHost } from '../../../src/host/client'
import { hostScriptPath } from '../../../src/io/package-paths'
import { texturePixels } from '../../helpers/texture'

const WIDTH = 1600
const HEIGHT = 1250

/** A 31x31 kernel that is neither separable nor symmetric, integer weights. */
const odd31: number[][] = Array.from({ length: 31 }, (_, i) => Array.from({ length: 31 }, (_, j) => ((i * 7 + j * 3) % 5) - 1))
const STACK: FilterSpec[] = [
  { preset: 'box-blur', params: { size: 3 } },
  { kernel: odd31, divisor: 31, border: 'reflect', signed: 'stretch' }
]

let dir: string
let photo: string
let host: HostClient

function photoPixels(): Buffer {
  return texturePixels(WIDTH, HEIGHT, { cx: 800, cy: 600, r: 300 })
}

beforeAll(async () => {
  if (!existsSync(hostScriptPath())) throw new Error(`${hostScriptPath()} is missing: run npm run build:node before these tests`)
  dir = await mkdtemp(join(tmpdir(), 'ks-explain-stretch-'))
  photo = join(dir, 'photo.png')
  await sharp(photoPixels(), { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).png().toFile(photo)
  host = new HostClient(() => forkHost())
  await host.request({ type: 'open', name: 'photo.png', path: photo })
})

afterAll(async () => {
  host?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('explain after a stretch filter', () => {
  it('runs off the host thread, is cancelled by a newer explain, and gives the exported pixel', async () => {
    // The first explain asks for another stack, so whatever range it measured before being cancelled cannot answer
    // the newer one: the newer explain measures its own range while the host answers `current`.
    const other: FilterSpec[] = [STACK[0], { ...STACK[1], divisor: 29 }]
    const first = host.request({ type: 'inspect', filters: other, index: 1, row: 10, col: 20 })
    const firstOutcome = first.then(
      () => 'answered',
      (err: Error) => err.name
    )
    // The host answers other requests while the range is measured (the old reference pass blocked it for ~30 s).
    await new Promise((resolve) => setTimeout(resolve, 30))
    const newer = host.request({ type: 'inspect', filters: STACK, index: 1, row: 700, col: 1234 })
    let newerDone = false
    const newerTimed = newer.finally(() => (newerDone = true))
    expect(await firstOutcome).toBe('AbortError')
    await host.request({ type: 'current' })
    expect(newerDone, 'the host answered a small request before finishing the explain').toBe(false)
    const explained = await newerTimed
    expect(explained.range).toBeDefined()
    // Exactly what an export writes there: the `pixel` readout of a stretch stack renders the whole result with
    // the export's run.
    const { values } = await host.request({ type: 'pixel', filters: STACK, row: 700, col: 1234 })
    expect(explained.channels.map((c) => c.value)).toEqual(values)
    // The mapping really spreads values (the comparison means something).
    expect(new Set(explained.channels.map((c) => c.value)).size).toBeGreaterThan(1)
    // The range is kept: the next pixel is explained from its window at once, again as exported.
    const next = await host.request({ type: 'inspect', filters: STACK, index: 1, row: HEIGHT - 1, col: 0 })
    const edge = await host.request({ type: 'pixel', filters: STACK, row: HEIGHT - 1, col: 0 })
    expect(next.range).toEqual(explained.range)
    expect(next.channels.map((c) => c.value)).toEqual(edge.values)
  }, 120_000)

  it('explains a filter after the stretch filter the same way, off the host thread', async () => {
    const filters: FilterSpec[] = [...STACK, { preset: 'sharpen', border: 'wrap' }]
    const explained = host.request({ type: 'inspect', filters, index: 2, row: 333, col: 1500 })
    let done = false
    const timed = explained.finally(() => (done = true))
    await host.request({ type: 'current' })
    expect(done, 'the host answered a small request before finishing the explain').toBe(false)
    const got = await timed
    const { values } = await host.request({ type: 'pixel', filters, row: 333, col: 1500 })
    expect(got.channels.map((c) => c.value)).toEqual(values)
  }, 120_000)
})
