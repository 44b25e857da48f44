// @vitest-environment node
// runStack as callers use it: automatic choices, worker threads sharing memory, progress, cancellation, errors,
// on a real photo and on generated images, always against the reference stack.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it, vi } from 'vitest'
import { EngineError } from '../../../src/engine/errors'
import type { FastMethod, FilterPlan } from '../../../src/engine/fast/plan'
import { InlineExecutor, runFastStack, type Executor } from '../../../src/engine/fast/run'
import type { FilterSpec, IntImage } from '../../../src/engine/types'
import { instantiateKernels, moduleFor } from '../../../src/runtime/pool-assets'
import { runStack, sharedImage } from '../../../src/runtime/run-stack'
import { maxDifference, randomFloatRows, randomIntImage, randomIntRows, referenceResult, smoothIntImage } from './helpers'

// The test setup (global-setup.ts) fails the run when kernels.wasm or the worker bundle does not build: nothing
// here is skipped for want of them.

async function samplePhoto(name: string, width: number): Promise<IntImage> {
  const path = join(import.meta.dirname, '..', '..', '..', 'resources', 'samples', name)
  const { data, info } = await sharp(path).resize({ width }).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  return { width: info.width, height: info.height, channels: 3, depth: 8, data: new Uint8Array(data) }
}

describe('automatic choices', () => {
  it('picks the integer, fixed-point separable, separable and FFT paths where they pay off', async () => {
    const image = smoothIntImage(1, 300, 200, 3)
    const chosen = async (filters: FilterSpec[]): Promise<string> => {
      let method = ''
      await runStack(image, filters, { engine: { threads: 0, onPlan: (p) => (method = p.method) } })
      return method
    }
    expect(await chosen([{ preset: 'sharpen' }])).toBe('direct-i16')
    expect(await chosen([{ preset: 'gaussian-blur', params: { size: 15, sigma: 3 } }])).toBe('separable-i16')
    expect(await chosen([{ preset: 'unsharp-mask', params: { size: 9, sigma: 2, amount: 1 } }])).toBe('separable')
    expect(await chosen([{ kernel: randomFloatRows(3, 31, 31) }])).toBe('fft')
    expect(await chosen([{ kernel: randomFloatRows(4, 3, 3) }])).toBe('direct')
  })

  it('matches the reference on a real photo through the default path', async () => {
    const photo = await samplePhoto('chelsea.png', 240)
    const filters: FilterSpec[] = [
      { preset: 'gaussian-blur', params: { size: 7, sigma: 1.5 } },
      { preset: 'sharpen', opacity: 0.7 },
      { kernel: randomFloatRows(5, 11, 11), border: 'reflect' }
    ]
    const actual = await runStack(photo, filters)
    expect(maxDifference(actual, referenceResult(photo, filters))).toBeLessThanOrEqual(1)
  })

  it('keeps the input untouched and reports progress up to 1', async () => {
    const image = randomIntImage(6, 64, 40, 4)
    const before = image.data.slice()
    const seen: number[] = []
    await runStack(image, [{ preset: 'box-blur' }, { preset: 'sobel', signed: 'stretch' }], { onProgress: (f) => seen.push(f) })
    expect(image.data).toEqual(before)
    expect(seen.length).toBeGreaterThan(1)
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1])).toBe(true)
    expect(seen.at(-1)).toBe(1)
  })

  it('counts a fused layer (luminance, 8-bit RGB in and out) as a step: progress reaches 1, its plan is reported', async () => {
    const image = randomIntImage(9, 64, 40, 3)
    for (const filters of [
      [{ preset: 'gaussian-blur', params: { size: 5, sigma: 1 }, channels: 'luminance', blend: 'overlay' }],
      [{ preset: 'sharpen', enabled: false }, { preset: 'gaussian-blur', params: { size: 5, sigma: 1 }, channels: 'g' }]
    ] as FilterSpec[][]) {
      const seen: number[] = []
      let plans = 0
      await runStack(image, filters, { onProgress: (f) => seen.push(f), engine: { onPlan: () => plans++ } })
      expect(seen.every((f, i) => i === 0 || f >= seen[i - 1])).toBe(true)
      expect(seen.at(-1)).toBe(1)
      expect(plans).toBe(1)
    }
  })

  it('gives the reference errors, with the filter number in stacks', async () => {
    const image = randomIntImage(7, 8, 8, 1)
    await expect(runStack(image, [{ kernel: '1 2; 3 4' }])).rejects.toThrow(EngineError)
    await expect(runStack(image, [{ preset: 'box-blur' }, { kernel: '1 x 1' }])).rejects.toThrow(/^filter 2: /)
    await expect(runStack(image, [{ kernel: '1 1 1 1 1 1 1 1 1 1 1', mode: 'valid' }])).rejects.toThrow(/does not fit/)
  })

  it('returns a copy at the requested depth when no filter is enabled', async () => {
    const image = randomIntImage(8, 9, 4, 3)
    const out = await runStack(image, [{ preset: 'sharpen', enabled: false }], { depth: 16 })
    expect(out.depth).toBe(16)
    expect(maxDifference(out, referenceResult(image, [], 16))).toBe(0)
  })
})

describe('worker threads', () => {
  const methods: FastMethod[] = ['direct', 'separable', 'fft']
  for (const backend of ['auto', 'ts'] as const) {
    for (const method of methods) {
      it(`${backend} kernels, ${method}, 2 threads`, async () => {
        const image = randomIntImage(10, 97, 61, 3)
        const filters: FilterSpec[] = [
          { kernel: randomFloatRows(11, 9, 7), border: 'wrap' },
          { preset: 'laplacian', signed: 'stretch', opacity: 0.8 }
        ]
        const plans: FilterPlan[] = []
        const actual = await runStack(image, filters, { engine: { threads: 2, backend, method, onPlan: (p) => plans.push(p) } })
        expect(plans.some((p) => p.method === method)).toBe(true)
        expect(maxDifference(actual, referenceResult(image, filters))).toBeLessThanOrEqual(1)
      })
    }
  }

  it('runs the integer path in workers exactly', async () => {
    const image = smoothIntImage(12, 300, 101, 3)
    const filters: FilterSpec[] = [{ preset: 'sharpen' }]
    const actual = await runStack(image, filters, { engine: { threads: 2, method: 'direct-i16' } })
    expect(maxDifference(actual, referenceResult(image, filters))).toBe(0)
  })

  it('runs many bands of an alpha image across threads', async () => {
    const image = randomIntImage(13, 513, 300, 4)
    const filters: FilterSpec[] = [{ preset: 'gaussian-blur', params: { size: 9, sigma: 2 } }, { preset: 'emboss' }]
    const actual = await runStack(image, filters, { engine: { threads: 2 } })
    expect(maxDifference(actual, referenceResult(image, filters), 8)).toBeLessThanOrEqual(1)
  })

  it('stops promptly on abort, and the pool keeps working', async () => {
    // About a second of work on two threads when left to finish.
    const big = randomIntImage(14, 2000, 1500, 4)
    const slow: FilterSpec[] = [{ kernel: randomFloatRows(15, 31, 31) }]
    const controller = new AbortController()
    const run = runStack(big, slow, { signal: controller.signal, engine: { threads: 2, method: 'direct' } })
    let aborted = 0
    setTimeout(() => {
      aborted = performance.now()
      controller.abort()
    }, 50)
    await expect(run).rejects.toMatchObject({ name: 'AbortError' })
    // Workers poll the cancel flag between rows: the run ends within a few rows, not at the end of a band.
    expect(performance.now() - aborted).toBeLessThan(250)
    const image = randomIntImage(16, 200, 150, 3)
    const filters: FilterSpec[] = [{ preset: 'box-blur' }]
    const after = await runStack(image, filters, { engine: { threads: 2 } })
    expect(maxDifference(after, referenceResult(image, filters))).toBeLessThanOrEqual(1)
  })

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(
      runStack(randomIntImage(17, 400, 300, 3), [{ preset: 'box-blur' }], { signal: controller.signal, engine: { threads: 2 } })
    ).rejects.toMatchObject({ name: 'AbortError' })
  })
})

describe('shared input and reused result memory', () => {
  /** `image` with its samples at `offset` bytes into a larger SharedArrayBuffer (a view, as a caller may hold). */
  function sharedAt(image: IntImage, offset: number): IntImage {
    const bytes = image.data.byteLength
    const buffer = new SharedArrayBuffer(offset + bytes + 64)
    const data = image.depth === 16 ? new Uint16Array(buffer, offset, image.data.length) : new Uint8Array(buffer, offset, bytes)
    data.set(image.data)
    return { ...image, data }
  }

  it('sharedImage copies once into shared memory and keeps an already shared image', () => {
    const image = randomIntImage(40, 30, 20, 3)
    const shared = sharedImage(image)
    expect(shared.data.buffer).toBeInstanceOf(SharedArrayBuffer)
    expect(shared.data).toEqual(image.data)
    expect(sharedImage(shared)).toBe(shared)
  })

  for (const threads of [0, 2]) {
    it(`reads a shared input at an offset in place and leaves it untouched (${threads} threads)`, async () => {
      const image = randomIntImage(41, 301, 97, 3)
      const input = sharedAt(image, 24)
      const filters: FilterSpec[] = [{ preset: 'gaussian-blur', params: { size: 5, sigma: 1 } }, { preset: 'sharpen' }]
      const out = await runStack(input, filters, { engine: { threads } })
      expect(maxDifference(out, referenceResult(image, filters))).toBeLessThanOrEqual(1)
      expect(input.data).toEqual(image.data)
    })

    it(`writes into a usable \`into\` in place, at an offset, for 8 and 16 bits (${threads} threads)`, async () => {
      for (const depth of [8, 16] as const) {
        const image = randomIntImage(42, 257, 80, 3, depth)
        const filters: FilterSpec[] = [{ preset: 'sharpen' }, { preset: 'sobel', signed: 'stretch' }]
        const expected = referenceResult(image, filters)
        const into = sharedAt({ ...image, data: depth === 16 ? new Uint16Array(image.data.length) : new Uint8Array(image.data.length) }, 16).data
        into.fill(7)
        const out = await runStack(image, filters, { into, engine: { threads } })
        expect(out.data.buffer).toBe(into.buffer)
        expect(out.data.byteOffset).toBe(into.byteOffset)
        expect(maxDifference(out, expected)).toBeLessThanOrEqual(1)
        // Again into the same memory: the previous result is overwritten, not accumulated.
        const again = await runStack(image, filters, { into: out.data, engine: { threads } })
        expect(again.data.buffer).toBe(into.buffer)
        expect(maxDifference(again, expected)).toBeLessThanOrEqual(1)
      }
    })
  }

  it('ignores an `into` of the wrong size or type, a plain buffer for workers, or one overlapping the input', async () => {
    const image = randomIntImage(43, 200, 120, 3)
    const filters: FilterSpec[] = [{ preset: 'box-blur' }]
    const expected = referenceResult(image, filters)
    const n = image.data.length
    const shared = (length: number): Uint8Array => new Uint8Array(new SharedArrayBuffer(length))
    const unusable: [string, IntImage['data'], IntImage][] = [
      ['too short', shared(n - 3), image],
      ['16-bit for an 8-bit result', new Uint16Array(new SharedArrayBuffer(n * 2)), image],
      ['a plain ArrayBuffer', new Uint8Array(n), image]
    ]
    // The input itself as `into`: a filter reads rows around the one it writes, so in place would corrupt it.
    const input = sharedImage(image)
    unusable.push(['the input itself', input.data, input])
    const twice = new SharedArrayBuffer(n * 2)
    const overlapping = { ...image, data: new Uint8Array(twice, 0, n) }
    overlapping.data.set(image.data)
    unusable.push(['overlapping the input', new Uint8Array(twice, n - 1, n), overlapping])
    for (const [label, into, source] of unusable) {
      const out = await runStack(source, filters, { into, engine: { threads: 2 } })
      expect(out.data.buffer, label).not.toBe(into.buffer)
      expect(maxDifference(out, expected), label).toBeLessThanOrEqual(1)
      expect(source.data, label).toEqual(image.data)
    }
    // Beside the input in one buffer, not overlapping: used.
    const beside = new Uint8Array(twice, n, n)
    const out = await runStack(overlapping, filters, { into: beside, engine: { threads: 2 } })
    expect(out.data.buffer).toBe(twice)
    expect(out.data.byteOffset).toBe(n)
    expect(maxDifference(out, expected)).toBeLessThanOrEqual(1)
  })
})

describe('fallback to the TypeScript kernels', () => {
  for (const [label, path] of [
    ['kernels.wasm missing', '/nonexistent/kernels.wasm'],
    ['kernels.wasm not loadable (as without WebAssembly SIMD)', join(import.meta.dirname, 'helpers.ts')]
  ] as const) {
    it(`${label}: still correct, on the calling thread and in workers`, async () => {
      vi.resetModules()
      process.env.KERNEL_STUDIO_WASM = path
      try {
        const fresh = (await import('../../../src/runtime/run-stack')) as typeof import('../../../src/runtime/run-stack')
        const assets = (await import('../../../src/runtime/pool-assets')) as typeof import('../../../src/runtime/pool-assets')
        const loaded = assets.kernelModule()
        expect(loaded.module).toBeNull()
        expect(loaded.reason).toMatch(/kernels\.wasm/)
        const image = randomIntImage(30, 120, 70, 3)
        const filters: FilterSpec[] = [{ preset: 'gaussian-blur', params: { size: 7, sigma: 2 } }, { preset: 'sharpen' }]
        const expected = referenceResult(image, filters)
        expect(maxDifference(await fresh.runStack(image, filters, { engine: { threads: 0 } }), expected)).toBeLessThanOrEqual(1)
        expect(maxDifference(await fresh.runStack(image, filters, { engine: { threads: 2 } }), expected)).toBeLessThanOrEqual(1)
      } finally {
        delete process.env.KERNEL_STUDIO_WASM
        vi.resetModules()
      }
    })
  }
})

describe('fused filters (consecutive row filters run band by band, no f32 image between them)', () => {
  // Stacks whose neighbours fuse, under every border, mode, flip, signed mode, alpha layout and depth that
  // reaches the fused rows; the same bytes as running each filter over the whole image, on any thread count.
  const stacks: [string, FilterSpec[]][] = [
    ['the batch bench look', [{ preset: 'gaussian-blur', params: { size: 5, sigma: 1 } }, { preset: 'sharpen' }]],
    ['three float filters, mirrored borders', [
      { kernel: randomFloatRows(51, 3, 5), border: 'reflect' },
      { preset: 'gaussian-blur', params: { size: 7, sigma: 1.5 }, border: 'wrap' },
      { kernel: randomFloatRows(52, 5, 3), border: 'zero', flip: true }
    ]],
    ['full and valid modes, shift and abs', [
      { kernel: randomFloatRows(53, 3, 3), mode: 'full', signed: 'shift' },
      { kernel: randomIntRows(54, 5, 5), mode: 'valid', signed: 'abs', divisor: 7 },
      { preset: 'box-blur', offset: 3 }
    ]],
    ['opacity, offsets and an unsharp mask (two separable terms)', [
      { preset: 'unsharp-mask', params: { size: 5, sigma: 1, amount: 1 }, opacity: 0.6 },
      { preset: 'sharpen', opacity: 0.5, border: 'reflect' },
      { kernel: randomFloatRows(55, 3, 3), offset: -4 }
    ]],
    ['wrap-around rows at both edges', [
      { kernel: randomFloatRows(56, 7, 1), border: 'wrap' },
      { kernel: randomFloatRows(57, 9, 3), border: 'wrap' }
    ]]
  ]
  // Tall enough that every pair fuses on up to 3 threads (see `fuses`: a band boundary recomputes kh - 1 rows).
  const images: [string, IntImage][] = [
    ['RGB', randomIntImage(60, 53, 901, 3)],
    ['RGBA with alpha', randomIntImage(61, 41, 887, 4)],
    ['opaque RGBA', { ...randomIntImage(62, 37, 893, 4), data: randomIntImage(62, 37, 893, 4).data.map((v, i) => (i % 4 === 3 ? 255 : v)) }],
    ['grey', randomIntImage(63, 61, 905, 1)],
    ['16-bit RGB', randomIntImage(64, 43, 899, 3, 16)],
    ['grey + alpha, 16-bit', randomIntImage(65, 39, 911, 2, 16)]
  ]

  /** runFastStack on the calling thread through an executor that records the fused plans of each run. */
  async function fusedRuns(image: IntImage, filters: FilterSpec[]): Promise<{ result: IntImage; fused: number[] }> {
    const inline = new InlineExecutor(instantiateKernels(moduleFor('auto')))
    const fused: number[] = []
    const recording: Executor = {
      threads: 1,
      allocate: (bytes, scratch) => inline.allocate(bytes, scratch),
      release: (buffer) => inline.release(buffer),
      shares: () => inline.shares(),
      run: (plan, io, bands, signal, onBand) => {
        fused.push(io.before?.length ?? 0)
        return inline.run(plan, io, bands, signal, onBand)
      },
      runRows: (task, bands, signal) => inline.runRows(task, bands, signal)
    }
    return { result: await runFastStack(image, filters, recording), fused }
  }

  /**
   * runStack in place on `image` whose samples are in a temp file (after a 64-byte header, as in a decode spool),
   * its own memory filled with other values until the file is loaded; counts the loads.
   */
  async function fromFile(image: IntImage, filters: FilterSpec[], threads: number): Promise<{ result: IntImage; input: IntImage; loads: number }> {
    const dir = mkdtempSync(join(tmpdir(), 'ks-source-file-'))
    const path = join(dir, 'samples.v')
    const bytes = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength)
    writeFileSync(path, Buffer.concat([Buffer.alloc(64, 7), bytes]))
    const input = sharedImage({ ...image, data: image.data.slice().fill(image.depth === 16 ? 4321 : 99) })
    const fd = openSync(path, 'r')
    let loads = 0
    const load = async (): Promise<void> => {
      loads++
      readSync(fd, new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.byteLength), 0, bytes.length, 64)
    }
    try {
      const result = await runStack(input, filters, { inPlace: true, sourceFile: { fd, offset: 64, load }, engine: { threads } })
      return { result, input, loads }
    } finally {
      closeSync(fd)
      rmSync(dir, { recursive: true, force: true })
    }
  }

  for (const [name, filters] of stacks) {
    it(`${name}: the same bytes fused and not, on 0 to 3 threads`, async () => {
      for (const [label, image] of images) {
        const apart = await runStack(image, filters, { engine: { threads: 0, fuse: false } })
        expect(maxDifference(apart, referenceResult(image, filters), 8), label).toBeLessThanOrEqual(1)
        const bytes = (result: IntImage): Buffer => Buffer.from(result.data.buffer, result.data.byteOffset, result.data.byteLength)
        for (const threads of [0, 1, 2, 3]) {
          const fused = await runStack(image, filters, { engine: { threads } })
          expect(bytes(fused).equals(bytes(apart)), `${label}, ${threads} threads`).toBe(true)
          // Over the input where the stack allows it (one fused group keeping the size), else as without.
          const over = await runStack(sharedImage({ ...image, data: image.data.slice() }), filters, { inPlace: true, engine: { threads } })
          expect(bytes(over).equals(bytes(apart)), `${label}, in place, ${threads} threads`).toBe(true)
          // Its samples still in a file (a batch's decode spool): rows read from the file where the stack runs as
          // one group in place (no alpha), else loaded first; the same bytes either way.
          const file = await fromFile(image, filters, threads)
          expect(bytes(file.result).equals(bytes(apart)), `${label}, from a file, ${threads} threads`).toBe(true)
          const rowsRead = file.result.data.buffer === file.input.data.buffer && image.channels % 2 === 1
          expect(file.loads, `${label}, loads from the file, ${threads} threads`).toBe(rowsRead ? 0 : 1)
        }
      }
    })
  }

  it('fuses every neighbour pair that can be fused, and nothing across a stretch or a layer effect', async () => {
    const image = randomIntImage(66, 240, 320, 3)
    expect((await fusedRuns(image, stacks[0][1])).fused).toEqual([1])
    expect((await fusedRuns(image, stacks[1][1])).fused).toEqual([2])
    const split: FilterSpec[] = [{ preset: 'box-blur' }, { preset: 'sobel', signed: 'stretch' }, { preset: 'sharpen' }, { preset: 'box-blur', channels: 'luminance' }]
    const { result, fused } = await fusedRuns(image, split)
    // box-blur alone; the stretch's two stages; sharpen alone (its next filter is a layer, run by layer-run.ts).
    expect(fused.every((n) => n === 0)).toBe(true)
    expect(maxDifference(result, referenceResult(image, split))).toBeLessThanOrEqual(1)
  })

  it('writes the result over the input only where the whole stack is one group keeping size and sample type', async () => {
    const look = stacks[0][1]
    const over = async (image: IntImage, filters: FilterSpec[], depth?: 8 | 16): Promise<boolean> => {
      const input = sharedImage({ ...image, data: image.data.slice() })
      const result = await runStack(input, filters, { inPlace: true, depth, engine: { threads: 2 } })
      return result.data.buffer === input.data.buffer
    }
    expect(await over(images[0][1], look)).toBe(true)
    expect(await over(images[4][1], look)).toBe(true)
    expect(await over(images[0][1], [{ preset: 'sharpen' }])).toBe(true)
    // A result of another depth, another size, a stretch (two passes), a layer effect: new memory.
    expect(await over(images[4][1], look, 8)).toBe(false)
    expect(await over(images[0][1], [look[0], { ...look[1], mode: 'valid' }])).toBe(false)
    expect(await over(images[0][1], [look[0], { preset: 'sobel', signed: 'stretch' }])).toBe(false)
    expect(await over(images[0][1], [look[0], { preset: 'sharpen', channels: 'luminance' }])).toBe(false)
    // Not asked for: never.
    const input = sharedImage({ ...images[0][1], data: images[0][1].data.slice() })
    expect((await runStack(input, look, { engine: { threads: 2 } })).data.buffer).not.toBe(input.data.buffer)
  })

  it('keeps large second kernels apart where bands would recompute too many rows', async () => {
    const filters: FilterSpec[] = [{ preset: 'box-blur' }, { kernel: randomFloatRows(68, 7, 7) }]
    expect((await fusedRuns(randomIntImage(67, 200, 120, 3), filters)).fused).toEqual([0, 0])
    expect((await fusedRuns(randomIntImage(67, 200, 400, 3), filters)).fused).toEqual([1])
  })
})
