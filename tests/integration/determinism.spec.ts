// @vitest-environment node
// Same input and filters, same bytes: a 16-bit image through both FFT paths (f32 and f64 tiles) on 1, 2, 3 and 4
// worker threads, on the calling thread, on the plain TypeScript kernels (machines without WebAssembly SIMD), in
// the CLI and in the engine host (the desktop app's export and serve mode) as real child processes.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SampleKind } from '../../src/engine/fast/backend'
import { planFilter } from '../../src/engine/fast/plan'
import { resolveFilter } from '../../src/engine/stack'
import type { FilterSpec, IntImage } from '../../src/engine/types'
import { HostClient, forkHost } from '../../src/host/client'
import { decodeImage } from '../../src/io/decode-image'
import { runStack } from '../../src/runtime/run-stack'
import { rng } from '../helpers/random'
import { writeWithSharp } from '../unit/io/images'
import { ensureCliBuilt, runCli } from './cli/cli'

/**
 * 16-bit RGB, an odd width (rows staged at every byte alignment) and tall enough for several FFT strips per
 * thread: smooth gradients with noise, as a photo.
 */
function photo(width: number, height: number): IntImage {
  const random = rng(11)
  const data = new Uint16Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        const v = 30000 + 20000 * Math.sin((x * (c + 1)) / 41 + y / 57) + 6000 * (random() - 0.5)
        data[(y * width + x) * 3 + c] = Math.round(v)
      }
    }
  }
  return { width, height, channels: 3, depth: 16, data }
}

/** A full-rank 31x31 blur (random positive weights summing to 1): FFT in f32 tiles at 16 bits. */
function blur31(): number[][] {
  const random = rng(12)
  const rows = Array.from({ length: 31 }, () => Array.from({ length: 31 }, () => 0.2 + random()))
  const sum = rows.flat().reduce((s, v) => s + v, 0)
  return rows.map((row) => row.map((v) => v / sum))
}

/** A 63x63 Laplacian of Gaussian (sigma 8) typed with 3 decimals: high gain, FFT in f64 tiles. */
function log63(): number[][] {
  return Array.from({ length: 63 }, (_, i) =>
    Array.from({ length: 63 }, (_, j) => {
      const q = ((i - 31) ** 2 + (j - 31) ** 2) / 128
      return Math.round(-1000 * (1 - q) * Math.exp(-q)) / 1000
    })
  )
}

const image = photo(401, 1400)
const jobs: [string, FilterSpec[], 'f32' | 'f64'][] = [
  ['blur 31x31 (f32 FFT)', [{ kernel: blur31() }], 'f32'],
  ['LoG 63x63 / (1/8), shift (f64 FFT)', [{ kernel: log63(), divisor: 1 / 8, signed: 'shift' }], 'f64']
]

let work: string
const reference = new Map<string, Buffer>()

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-determinism-'))
  await writeWithSharp(join(work, 'photo.png'), image)
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

/** Calls `start` (which starts a child process) with KERNEL_STUDIO_THREADS set, which the child inherits. */
function withThreads<T>(threads: number, start: () => T): T {
  const before = process.env.KERNEL_STUDIO_THREADS
  process.env.KERNEL_STUDIO_THREADS = String(threads)
  try {
    return start()
  } finally {
    if (before === undefined) delete process.env.KERNEL_STUDIO_THREADS
    else process.env.KERNEL_STUDIO_THREADS = before
  }
}

const bytes = (result: IntImage): Buffer => Buffer.from(result.data.buffer, result.data.byteOffset, result.data.byteLength)

describe.each(jobs)('%s on a 16-bit 401x1400 photo', (label, filters, precision) => {
  it('runs on the FFT path the test is about', () => {
    const shape = { width: image.width, height: image.height, channels: image.channels, depth: image.depth, kind: SampleKind.U16 }
    const plan = planFilter(shape, resolveFilter(filters[0]), { kind: SampleKind.U16, depth: 16 })
    expect([plan.method, plan.precision]).toEqual(['fft', precision])
  })

  it('gives the same bytes on 1, 2, 3 and 4 threads, in-process and on the TypeScript kernels', async () => {
    const first = bytes(await runStack(image, filters, { engine: { threads: 0 } }))
    reference.set(label, first)
    for (const threads of [1, 2, 3, 4, 3, 2]) {
      const out = await runStack(image, filters, { engine: { threads } })
      expect(bytes(out).equals(first), `${threads} threads`).toBe(true)
    }
    const ts = await runStack(image, filters, { engine: { threads: 2, backend: 'ts' } })
    expect(bytes(ts).equals(first), 'TypeScript kernels').toBe(true)
  }, 120_000)

  it('gives the same bytes in the CLI with KERNEL_STUDIO_THREADS=1 and 4', async () => {
    const expected = reference.get(label) ?? bytes(await runStack(image, filters))
    const recipe = join(work, `${precision}.json`)
    await writeFile(recipe, JSON.stringify({ format: 'kernel-studio/stack', version: 1, filters }))
    for (const threads of [1, 4]) {
      const out = join(work, `cli-${precision}-${threads}.png`)
      const result = await withThreads(threads, () => runCli(['apply', 'photo.png', '-o', out, '--recipe', recipe, '--force'], { cwd: work }))
      expect(result.code, result.stderr).toBe(0)
      const decoded = (await decodeImage(out)).image
      expect(bytes(decoded).equals(expected), `CLI, ${threads} threads`).toBe(true)
    }
  }, 120_000)

  it('gives the same bytes in the engine host (app export, serve mode) with 1 and 3 threads', async () => {
    const expected = reference.get(label) ?? bytes(await runStack(image, filters))
    for (const threads of [1, 3]) {
      const host = new HostClient(() => withThreads(threads, () => forkHost()))
      try {
        await host.request({ type: 'open', name: 'photo.png', path: join(work, 'photo.png') })
        const res = await host.request({ type: 'export', filters, format: 'png', depth: 16 })
        const exported = (await decodeImage(res.bytes, { name: 'export.png' })).image
        expect(bytes(exported).equals(expected), `host, ${threads} threads`).toBe(true)
      } finally {
        host.close()
      }
    }
  }, 120_000)
})
