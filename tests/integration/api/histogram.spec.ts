// @vitest-environment node
// image:histogram through the real engine host: the counts of engine/histogram.ts on the source and on the stack's
// full-resolution result, as the CLI's inspect --histogram computes them; bad stacks fail with one line.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { ApiEvent, ApiEvents } from '../../../src/contract/api'
import { createHandlers } from '../../../src/api/handlers'
import { computeHistogram } from '../../../src/engine/histogram'
import type { FilterSpec } from '../../../src/engine/types'
import { HostClient, forkHost } from '../../../src/host/client'
import { decodeImage } from '../../../src/io/decode-image'
import { runStack } from '../../../src/runtime/run-stack'

let dir: string
let host: HostClient
let imagePath: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ks-histogram-'))
  imagePath = join(dir, 'photo.png')
  const data = Buffer.from(Array.from({ length: 40 * 30 * 3 }, (_, i) => (i % 7 === 0 ? 255 : (i * 29) % 256)))
  await sharp(data, { raw: { width: 40, height: 30, channels: 3 } }).png().toFile(imagePath)
  host = new HostClient(() => forkHost())
})

afterAll(async () => {
  await host.close()
  await rm(dir, { recursive: true, force: true })
})

it('answers the histograms of the source and of the full-resolution result of the stack', async () => {
  const api = createHandlers({ shell: 'serve', host, emit: <E extends ApiEvent>(_e: E, _p: ApiEvents[E]) => undefined, dataDir: null })
  await api['image:open']({ path: imagePath })
  const filters: FilterSpec[] = [
    { preset: 'sharpen', blend: 'luminosity', channels: 'luminance', mask: { shapes: [{ type: 'ellipse', cx: 0.5, cy: 0.5, rx: 0.3, ry: 0.4 }] } }
  ]
  const { image } = await decodeImage(imagePath, { name: 'photo.png' })
  const res = await api['image:histogram']({ filters })
  expect(res.before).toEqual(computeHistogram(image))
  expect(res.after).toEqual(computeHistogram(await runStack(image, filters)))
  expect(res.after).not.toEqual(res.before)
  const bad = await api['image:histogram']({ filters: [{ preset: 'no-such-preset' }] }).then(
    () => null,
    (e: unknown) => e as Error
  )
  expect(bad?.message).toMatch(/no-such-preset/)
  expect(bad?.message).not.toContain('\n')
})
