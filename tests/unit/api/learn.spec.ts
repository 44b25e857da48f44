// @vitest-environment node
// `image:learn` through the API handlers and the real engine host child process: the open image is BEFORE, the bytes
// sent are AFTER, and the answer is the kernel, its residual and a picture of where the fit fails.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createHandlers } from '../../../src/api/handlers'
import type { Api } from '../../../src/contract/api'
import { errorCode } from '../../../src/contract/errors'
import { convolve } from '../../../src/engine/convolve'
import { toFloat, toInt } from '../../../src/engine/image'
import { parseKernel } from '../../../src/engine/kernel'
import { HostClient, forkHost } from '../../../src/host/client'
import { decodeImage } from '../../../src/io/decode-image'
import { hostScriptPath, samplesDir } from '../../../src/io/package-paths'

const TRUTH = parseKernel('1 2 1; 2 4 2; 1 2 1', { divisor: 16 })
let host: HostClient
let after: Uint8Array
let small: Uint8Array

function make(): Api {
  return createHandlers({ shell: 'serve', host, emit: () => undefined, dataDir: null })
}

async function failure(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => null,
    (e: unknown) => e as Error
  )
  expect(err, 'expected the call to fail').toBeInstanceOf(Error)
  return err as Error
}

beforeAll(async () => {
  if (!existsSync(hostScriptPath())) throw new Error(`${hostScriptPath()} is missing: run npm run build:node before these tests`)
  const { image } = await decodeImage(join(samplesDir(), 'coffee.png'))
  const filtered = toInt(convolve(toFloat(image), TRUTH))
  const raw = { raw: { width: filtered.width, height: filtered.height, channels: filtered.channels } }
  after = new Uint8Array(await sharp(filtered.data, raw).png().toBuffer())
  small = new Uint8Array(await sharp(filtered.data, raw).resize(100, 80).png().toBuffer())
})

beforeEach(() => {
  host = new HostClient(() => forkHost())
})
afterEach(() => host.close())

describe('image:learn', () => {
  it('learns the kernel that made AFTER from the open image, with the residual and its picture', async () => {
    const api = make()
    const info = await api['image:open']({ sample: 'coffee' })
    const learnt = await api['image:learn']({ name: 'soft.png', bytes: after, size: 3 })
    expect(learnt).toMatchObject({ name: 'soft.png', size: 3, depth: 8, windows: learnt.validWindows, validWindows: ((info?.width ?? 0) - 2) * ((info?.height ?? 0) - 2) })
    expect(learnt.kernels).toHaveLength(1)
    learnt.kernels[0].rows.flat().forEach((w, i) => expect(Math.abs(w - TRUTH.weights[i] / 16)).toBeLessThan(0.002))
    expect(Math.abs(learnt.kernels[0].offset)).toBeLessThan(0.1)
    expect(learnt.rms).toBeLessThan(0.35)
    expect(learnt.residualRms).toBeLessThan(0.35)
    expect(learnt.residualWhite).toBeGreaterThanOrEqual(1)
    const { residual } = learnt
    expect(Math.max(residual.width, residual.height)).toBeLessThanOrEqual(512)
    expect(residual.rgba.length).toBe(residual.width * residual.height * 4)
  })

  it('one kernel per channel on request', async () => {
    const api = make()
    await api['image:open']({ sample: 'coffee' })
    const learnt = await api['image:learn']({ name: 'soft.png', bytes: after, size: 3, perChannel: true })
    expect(learnt.kernels.map((k) => k.channel)).toEqual(['red', 'green', 'blue'])
  })

  it('refuses a bad size, an AFTER of another size, and no open image, each with one line and a code', async () => {
    const api = make()
    const none = await failure(api['image:learn']({ name: 'soft.png', bytes: after, size: 3 }))
    expect([none.message, errorCode(none)]).toEqual(['no image is open', 'no-image'])
    await api['image:open']({ sample: 'coffee' })
    const even = await failure(api['image:learn']({ name: 'soft.png', bytes: after, size: 4 }))
    expect([even.message, errorCode(even)]).toEqual(['image:learn: size: must be odd', 'bad-request'])
    const other = await failure(api['image:learn']({ name: 'small.png', bytes: small, size: 3 }))
    expect(other.message).toMatch(/^BEFORE is \d+x\d+ but AFTER is 100x80: the images must be the same size$/)
    const broken = await failure(api['image:learn']({ name: 'broken.png', bytes: new Uint8Array([1, 2, 3]), size: 3 }))
    expect(broken.message).toMatch(/^cannot read broken\.png: /)
  })
})
