// @vitest-environment node
// The engine host as a real child process (out/node/host.js), driven through its one message protocol.
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp, { type SharpOptions } from 'sharp'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { HostClient, forkHost, type HostTransport } from '../../../src/host/client'
import { hostScriptPath } from '../../../src/io/package-paths'
import type { FilterSpec, IntImage } from '../../../src/engine/types'
import type { HostMessage } from '../../../src/host/protocol'
import { runStack } from '../../../src/runtime/run-stack'
import { decodeImage } from '../../../src/io/decode-image'
import { downscale } from '../../../src/engine/downscale'

let dir: string
let rgbPath: string
let deepPath: string
let rgb: IntImage

/** A 40x30 RGB image with a gradient and a bright square, so blurs and edges change many pixels. */
function testImage(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3
      const inSquare = x > 10 && x < 20 && y > 8 && y < 18
      data[i] = inSquare ? 250 : (x * 6) % 256
      data[i + 1] = inSquare ? 240 : (y * 8) % 256
      data[i + 2] = (x * y) % 256
    }
  }
  return data
}

beforeAll(async () => {
  if (!existsSync(hostScriptPath())) {
    throw new Error(`${hostScriptPath()} is missing: run npm run build:node before these tests`)
  }
  dir = await mkdtemp(join(tmpdir(), 'ks-host-'))
  rgbPath = join(dir, 'rgb.png')
  await sharp(testImage(40, 30), { raw: { width: 40, height: 30, channels: 3 } }).png().toFile(rgbPath)
  deepPath = join(dir, 'deep.png')
  const deep = new Uint16Array(16 * 12)
  for (let i = 0; i < deep.length; i++) deep[i] = (i * 997) % 65536
  // sharp reads 16-bit raw input (raw.depth), which its typings do not list yet.
  await sharp(Buffer.from(deep.buffer), { raw: { width: 16, height: 12, channels: 1, depth: 'ushort' } } as SharpOptions)
    .toColourspace('grey16')
    .png()
    .toFile(deepPath)
  rgb = (await decodeImage(rgbPath)).image
})

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

const clients: HostClient[] = []
afterEach(() => {
  for (const c of clients.splice(0)) c.close()
})

function client(): HostClient {
  const c = new HostClient(() => forkHost())
  clients.push(c)
  return c
}

/** The RGBA the host should show for an RGB result. */
function rgbaOf(image: IntImage): Uint8Array {
  const out = new Uint8Array(image.width * image.height * 4)
  for (let p = 0; p < image.width * image.height; p++) {
    out[p * 4] = image.data[p * 3]
    out[p * 4 + 1] = image.data[p * 3 + 1]
    out[p * 4 + 2] = image.data[p * 3 + 2]
    out[p * 4 + 3] = 255
  }
  return out
}

const blur: FilterSpec[] = [{ preset: 'box-blur', params: { size: 3 } }]
const sharpen: FilterSpec[] = [{ preset: 'sharpen' }]

describe('engine host process', () => {
  it('opens an image and reports what it is', async () => {
    const host = client()
    expect(await host.request({ type: 'current' })).toBeNull()
    const info = await host.request({ type: 'open', name: 'rgb.png', path: rgbPath })
    expect(info).toMatchObject({ name: 'rgb.png', path: rgbPath, width: 40, height: 30, channels: 3, depth: 8, format: 'png' })
    expect(await host.request({ type: 'current' })).toEqual(info)
  })

  it('previews the whole image at full resolution exactly as runStack computes', async () => {
    const host = client()
    await host.request({ type: 'open', name: 'rgb.png', path: rgbPath })
    const region = { x: 0, y: 0, width: 40, height: 30 }
    const res = await host.request({ type: 'preview', requestId: 7, filters: sharpen, maxWidth: 100, maxHeight: 100, region })
    const expected = await runStack(rgb, sharpen)
    expect(res.requestId).toBe(7)
    expect(res.scale).toBe(1)
    expect([res.image.width, res.image.height]).toEqual([40, 30])
    expect(Buffer.from(res.image.rgba).equals(Buffer.from(rgbaOf(expected)))).toBe(true)
    // And the filter really did something, so the comparison above means something.
    expect(Buffer.from(res.image.rgba).equals(Buffer.from(rgbaOf(rgb)))).toBe(false)
  })

  it('previews the whole result exactly, area-averaged down to fit the box, as the source is for the before side', async () => {
    const host = client()
    await host.request({ type: 'open', name: 'rgb.png', path: rgbPath })
    const filters: FilterSpec[] = [{ preset: 'box-blur', params: { size: 5 }, mode: 'valid' }]
    const res = await host.request({ type: 'preview', requestId: 1, filters, maxWidth: 20, maxHeight: 20 })
    expect(res.exact).toBe(true)
    expect([res.resultWidth, res.resultHeight]).toEqual([40 - 4, 30 - 4])
    // 36x26 fitted into 20x20: 20x14, the full-resolution result averaged over each pixel's area.
    expect([res.image.width, res.image.height]).toEqual([20, 14])
    expect(res.scale).toBeCloseTo(20 / 36)
    expect(res.image.rgba).toEqual(rgbaOf(downscale(await runStack(rgb, filters), 20, 14)))
    const before = await host.request({ type: 'preview', requestId: 2, filters: [], maxWidth: 20, maxHeight: 20 })
    expect(before.image.rgba).toEqual(rgbaOf(downscale(rgb, 20, 15)))
  })

  it('gives a quick approximate frame on a proxy when asked, and says so', async () => {
    const host = client()
    await host.request({ type: 'open', name: 'rgb.png', path: rgbPath })
    const res = await host.request({ type: 'preview', requestId: 1, filters: [{ preset: 'box-blur', params: { size: 5 }, mode: 'valid' }], maxWidth: 20, maxHeight: 20, approximate: true })
    expect(res.exact).toBe(false)
    expect(res.scale).toBe(0.5)
    expect(res.image.width).toBe(20 - 4)
    expect(res.image.height).toBe(15 - 4)
    expect(res.image.rgba.length).toBe(res.image.width * res.image.height * 4)
    expect([res.resultWidth, res.resultHeight]).toEqual([40 - 4, 30 - 4])
  })

  it('a newer preview cancels the older one (client side and in the host)', async () => {
    const host = client()
    await host.request({ type: 'open', name: 'rgb.png', path: rgbPath })
    const older = host.request({ type: 'preview', requestId: 1, filters: blur, maxWidth: 40, maxHeight: 30 })
    const newer = host.request({ type: 'preview', requestId: 2, filters: sharpen, maxWidth: 40, maxHeight: 30 })
    await expect(older).rejects.toMatchObject({ name: 'AbortError' })
    expect((await newer).requestId).toBe(2)
  })

  it('the host itself drops an older preview when a newer one arrives before it starts', async () => {
    // Raw protocol, no client-side cancelling: both requests are sent in the same tick.
    const transport: HostTransport = forkHost()
    const replies = new Map<number, HostMessage>()
    const done = new Promise<void>((resolve) => {
      transport.onMessage((m) => {
        if ('id' in m && 'ok' in m) replies.set(m.id, m)
        if (replies.has(2) && replies.has(3)) resolve()
      })
    })
    try {
      transport.post({ id: 1, type: 'open', name: 'rgb.png', path: rgbPath })
      transport.post({ id: 2, type: 'preview', requestId: 1, filters: blur, maxWidth: 40, maxHeight: 30 })
      transport.post({ id: 3, type: 'preview', requestId: 2, filters: sharpen, maxWidth: 40, maxHeight: 30 })
      await done
      expect(replies.get(2)).toMatchObject({ ok: false, error: { name: 'AbortError' } })
      expect(replies.get(3)).toMatchObject({ ok: true, result: { requestId: 2 } })
    } finally {
      transport.kill()
    }
  })

  it('exports pixels equal to runStack of the same stack, with progress', async () => {
    const host = client()
    await host.request({ type: 'open', name: 'rgb.png', path: rgbPath })
    const progress: number[] = []
    const stack: FilterSpec[] = [...blur, { preset: 'sharpen', opacity: 0.5 }]
    const res = await host.request({ type: 'export', filters: stack, format: 'png' }, { onProgress: (f) => progress.push(f) })
    const exported = (await decodeImage(res.bytes, { name: 'export.png' })).image
    const expected = await runStack(rgb, stack)
    expect([exported.width, exported.height, exported.channels, exported.depth]).toEqual([40, 30, 3, 8])
    expect(Buffer.from(exported.data).equals(Buffer.from(expected.data))).toBe(true)
    expect(progress[0]).toBe(0)
    expect(progress.at(-1)).toBe(1)
  })

  it('keeps 16-bit data 16-bit through a 16-bit PNG export', async () => {
    const host = client()
    const info = await host.request({ type: 'open', name: 'deep.png', path: deepPath })
    expect(info.depth).toBe(16)
    const res = await host.request({ type: 'export', filters: blur, format: 'png', depth: 16 })
    const exported = (await decodeImage(res.bytes)).image
    const expected = await runStack((await decodeImage(deepPath)).image, blur)
    expect(exported.depth).toBe(16)
    expect(Array.from(exported.data)).toEqual(Array.from(expected.data))
  })

  it('answers pixel values of the source and of the result', async () => {
    const host = client()
    await host.request({ type: 'open', name: 'rgb.png', path: rgbPath })
    const at = (3 * 40 + 12) * 3
    expect((await host.request({ type: 'pixel', row: 3, col: 12 })).values).toEqual(Array.from(rgb.data.subarray(at, at + 3)))
    const filtered = await runStack(rgb, sharpen)
    expect((await host.request({ type: 'pixel', row: 3, col: 12, filters: sharpen })).values).toEqual(Array.from(filtered.data.subarray(at, at + 3)))
    await expect(host.request({ type: 'pixel', row: 30, col: 0 })).rejects.toThrow(/outside the 40x30 image/)
  })

  it('inspects a pixel of a later filter on the output of the earlier ones', async () => {
    const host = client()
    await host.request({ type: 'open', name: 'rgb.png', path: rgbPath })
    const res = await host.request({ type: 'inspect', filters: [...blur, ...sharpen], index: 1, row: 9, col: 11 })
    const full = await runStack(rgb, [...blur, ...sharpen])
    const at = (9 * 40 + 11) * 3
    expect(res.channels.map((c) => c.value)).toEqual(Array.from(full.data.subarray(at, at + 3)))
  })

  it('gives thumbnails per filter, null for a filter that cannot run', async () => {
    const host = client()
    await host.request({ type: 'open', name: 'rgb.png', path: rgbPath })
    const thumbs = await host.request({ type: 'thumbnails', filters: [...sharpen, { preset: 'no-such-preset' }], size: 16 })
    expect(thumbs).toHaveLength(2)
    expect(thumbs[0]).toMatchObject({ width: 16, height: 12 })
    expect(thumbs[1]).toBeNull()
  })

  it('makes each thumbnail from the full-resolution result, area-averaged: the export at that size', async () => {
    const host = client()
    await host.request({ type: 'open', name: 'rgb.png', path: rgbPath })
    const filters: FilterSpec[][] = [[{ preset: 'edge-detect' }], [{ preset: 'gaussian-blur', params: { sigma: 2 } }], [{ preset: 'sobel', mode: 'valid' }]]
    const thumbs = await host.request({ type: 'thumbnails', filters: filters.map((f) => f[0]), size: 16 })
    for (let i = 0; i < filters.length; i++) {
      const full = await runStack(rgb, filters[i])
      const width = 16
      const height = Math.round((full.height * 16) / full.width)
      const expected = downscale(full, width, height)
      const thumb = thumbs[i]
      expect(thumb, JSON.stringify(filters[i])).toMatchObject({ width, height })
      const rgbOf = (rgba: Uint8Array): number[] => Array.from(rgba).filter((_, k) => k % 4 !== 3)
      expect(rgbOf((thumb as { rgba: Uint8Array }).rgba), JSON.stringify(filters[i])).toEqual(Array.from(expected.data))
    }
  })

  it('asked again, gives the same cards; another image opened in the document gets its own, not the kept ones', async () => {
    const host = client()
    const flopPath = join(dir, 'flop.png')
    await sharp(rgbPath).flop().toFile(flopPath)
    const filters: FilterSpec[] = [{ preset: 'edge-detect' }, { preset: 'gaussian-blur', params: { sigma: 2 } }]
    const rgbOf = (rgba: Uint8Array): number[] => Array.from(rgba).filter((_, k) => k % 4 !== 3)
    const cards = async (path: string): Promise<number[][]> => {
      await host.request({ type: 'open', name: 'card.png', path })
      const thumbs = await host.request({ type: 'thumbnails', filters, size: 16 })
      return thumbs.map((t) => rgbOf((t as { rgba: Uint8Array }).rgba))
    }
    const expected = async (image: IntImage): Promise<number[][]> =>
      Promise.all(filters.map(async (f) => Array.from(downscale(await runStack(image, [f]), 16, 12).data)))
    const first = await cards(rgbPath)
    expect(first).toEqual(await expected(rgb))
    const again = (await host.request({ type: 'thumbnails', filters, size: 16 })).map((t) => rgbOf((t as { rgba: Uint8Array }).rgba))
    expect(again).toEqual(first)
    const flopped = await cards(flopPath)
    expect(flopped).toEqual(await expected((await decodeImage(flopPath)).image))
    expect(flopped).not.toEqual(first)
  })

  it('restarts after a crash: pending calls go to the new host, the next call works', async () => {
    const host = client()
    await host.request({ type: 'open', name: 'rgb.png', path: rgbPath })
    const firstPid = host.pid as number
    const restarted = new Promise<void>((resolve) => host.onRestarted(resolve))
    // Sent again to the new host, which has no image (the API's session re-opens it; see crash-retry.spec.ts).
    const pending = host.request({ type: 'export', filters: blur, format: 'png' })
    process.kill(firstPid, 'SIGKILL')
    const error = await pending.then(
      () => null,
      (e: unknown) => e as Error
    )
    expect(error?.message).toBe('no image is open')
    await restarted
    expect(host.pid).not.toBe(firstPid)
    // The new host starts empty and works.
    expect(await host.request({ type: 'current' })).toBeNull()
    expect((await host.request({ type: 'open', name: 'rgb.png', path: rgbPath })).width).toBe(40)
  })

  it('after a crash loop, waits for the next request to start a host (and still announces the restart)', async () => {
    const host = new HostClient(() => forkHost(), { maxQuickRestarts: 0 })
    clients.push(host)
    await host.request({ type: 'current' })
    let restarts = 0
    host.onRestarted(() => restarts++)
    const exited = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (host.pid === undefined) {
          clearInterval(timer)
          resolve()
        }
      }, 10)
    })
    process.kill(host.pid as number, 'SIGKILL')
    await exited
    expect(restarts).toBe(0)
    expect(await host.request({ type: 'current' })).toBeNull()
    expect(restarts).toBe(1)
    expect(host.pid).toBeTypeOf('number')
  })

  it('bad files give one-line errors and the host survives', async () => {
    const host = client()
    const text = join(dir, 'notes.png')
    await writeFile(text, 'this is not an image\n'.repeat(20))
    const whole = await sharp(testImage(40, 30), { raw: { width: 40, height: 30, channels: 3 } }).png().toBuffer()
    const truncated = join(dir, 'truncated.png')
    await writeFile(truncated, whole.subarray(0, Math.floor(whole.length / 2)))
    await host.request({ type: 'current' })
    const pid = host.pid
    expect(pid).toBeTypeOf('number')

    // The code crosses the process boundary with the message: callers branch on it.
    for (const [path, pattern, code] of [
      [text, /^cannot read notes\.png: /, 'unsupported-format'],
      [truncated, /^cannot read truncated\.png: /, 'corrupt'],
      [join(dir, 'missing.png'), /^cannot read missing\.png: no such file$/, 'unreadable']
    ] as const) {
      const err = await host.request({ type: 'open', name: path.split('/').pop() as string, path }).then(
        () => null,
        (e: unknown) => e as Error & { code?: string }
      )
      expect(err?.message).toMatch(pattern)
      expect(err?.message).not.toContain('\n')
      expect(err?.code).toBe(code)
    }
    await expect(host.request({ type: 'open', name: 'upload.jpg', bytes: new Uint8Array([0xff, 0xd8, 0xff, 0x00]) })).rejects.toThrow(/^cannot read upload\.jpg: /)
    // Same process, still serving.
    expect(host.pid).toBe(pid)
    expect((await host.request({ type: 'open', name: 'rgb.png', path: rgbPath })).width).toBe(40)
  })
})
