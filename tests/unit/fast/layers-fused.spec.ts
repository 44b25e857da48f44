// @vitest-environment node
// Layers on Y or one channel of an 8-bit photo in one pass per band (layer-fused.ts): the same bytes as making Y,
// filtering it and compositing one after another (layer-run.ts with fuse off), for any bands (a band of one row at
// the image's top and bottom, kernels taller than a band), every border, both kernel sets; and through runStack
// within a level of the plain reference, the same bytes on any number of threads.
import { describe, expect, it } from 'vitest'
import type { Kernels } from '../../../src/engine/fast/backend'
import { BandRunner, type BandIO } from '../../../src/engine/fast/band'
import { runLayer, type LayerStep } from '../../../src/engine/fast/layer-run'
import type { FilterPlan } from '../../../src/engine/fast/plan'
import { runRowTask, type RowTask } from '../../../src/engine/fast/row-tasks'
import type { LayerMask } from '../../../src/engine/mask'
import { resolveFilter } from '../../../src/engine/stack'
import type { Border, FilterSpec, IntImage } from '../../../src/engine/types'
import { instantiateKernels, moduleFor } from '../../../src/runtime/pool-assets'
import { runStack } from '../../../src/runtime/run-stack'
import { compare, randomFloatRows, randomIntImage, referenceResult, smoothIntImage } from './helpers'

const BORDERS: readonly Border[] = ['extend', 'reflect', 'wrap', 'zero']

const MASKS: readonly (LayerMask | undefined)[] = [
  undefined,
  { shapes: [{ type: 'rect', x: 0.2, y: 0.15, width: 0.5, height: 0.6 }] },
  { shapes: [{ type: 'ellipse', cx: 0.5, cy: 0.5, rx: 0.35, ry: 0.4 }], feather: 0.05 },
  { shapes: [{ type: 'tones', from: 0.2, to: 0.6, soft: 0.1 }], invert: true }
]

/**
 * Separable (two 1-D passes), small non-separable (direct), a column 31 rows tall (taller than most bands here), a
 * row 81 wide (wider than the image: its borders reach past the far edge).
 */
const KERNELS: readonly FilterSpec[] = [
  { preset: 'gaussian-blur', params: { size: 5, sigma: 1 } },
  { preset: 'unsharp-mask', params: { size: 5, sigma: 1, amount: 2 } },
  { preset: 'sharpen' },
  { kernel: randomFloatRows(3, 3, 5), divisor: 1.5, offset: 4 },
  { kernel: randomFloatRows(4, 31, 1), signed: 'abs' },
  { kernel: randomFloatRows(5, 5, 7), signed: 'shift' },
  { kernel: randomFloatRows(6, 1, 81) }
]

/** The layer with fusion on or off, on one thread, with its row tasks run in `bands`. */
async function runBoth(image: IntImage, spec: FilterSpec, kernels: Kernels, bands: readonly (readonly [number, number])[]): Promise<{ fused: Uint8Array; apart: Uint8Array; tasks: string[] }> {
  const filter = resolveFilter(spec)
  const effects = filter.effects
  if (!effects) throw new Error('the spec has no effects')
  const src = new Uint8Array(new SharedArrayBuffer(image.data.byteLength))
  src.set(image.data)
  const runner = new BandRunner(instantiateKernels(moduleFor(kernels.name)))
  const run = async (fuse: boolean): Promise<{ out: Uint8Array; tasks: string[] }> => {
    const tasks: string[] = []
    let out = new Uint8Array(0)
    const step: LayerStep = {
      filter,
      effects,
      shape: { width: image.width, height: image.height, channels: 3, depth: 8, kind: 0 },
      src: { buffer: src.buffer, offset: 0 },
      target: { kind: 0, depth: 8 },
      opaque: true,
      fuse,
      take: (bytes) => new ArrayBuffer(bytes),
      done: () => {},
      runPlan: (plan: FilterPlan, io: BandIO) => {
        tasks.push(`plan ${plan.method}`)
        const { low, high } = runner.run(plan, io, 0, plan.outHeight)
        return Promise.resolve({ low, high })
      },
      runRows: (task: RowTask, rows: number) => {
        tasks.push(task.kind)
        const split = task.kind === 'layer-fused' ? bands : [[0, rows] as const]
        for (const [r0, r1] of split) runRowTask(task, r0, Math.min(r1, rows), kernels)
        return Promise.resolve()
      },
      output: (plan: FilterPlan) => {
        out = new Uint8Array(plan.outWidth * plan.outHeight * 3)
        return { buffer: out.buffer, offset: 0 }
      }
    }
    await runLayer(step)
    return { out, tasks }
  }
  const fused = await run(true)
  const apart = await run(false)
  return { fused: fused.out, apart: apart.out, tasks: fused.tasks }
}

describe('fused luminance and one-channel layers on 8-bit RGB', () => {
  // An odd width (rows end inside a SIMD block); 45 rows: bands of 1 row at either edge, and bands shorter than the
  // 31-row kernel.
  const photo = smoothIntImage(11, 67, 45, 3)
  const noise = randomIntImage(12, 53, 45, 3)
  const bands = [[0, 1], [1, 9], [9, 25], [25, 44], [44, 45]] as const

  for (const name of ['wasm', 'ts'] as const) {
    it(`give the bytes of the three passes for every border, kernel and band split (${name} kernels)`, async () => {
      const kernels = instantiateKernels(moduleFor(name))
      let i = 0
      for (const border of BORDERS) {
        for (const kernel of KERNELS) {
          const channels = (['luminance', 'r', 'g', 'b'] as const)[i % 4]
          const blend = (['overlay', 'luminosity', 'normal', 'multiply', 'color'] as const)[i % 5]
          const mask = MASKS[i % MASKS.length]
          const spec: FilterSpec = { ...kernel, border, channels, blend, opacity: i % 3 === 0 ? 0.6 : 1, ...(mask ? { mask } : {}) }
          i++
          for (const image of [photo, noise]) {
            const { fused, apart, tasks } = await runBoth(image, spec, kernels, bands)
            // The fused run made no Y image and ran no plan of its own.
            expect(tasks, JSON.stringify(spec)).toEqual(['layer-fused'])
            expect(Buffer.from(fused).equals(Buffer.from(apart)), `${JSON.stringify(spec)} ${name}`).toBe(true)
          }
        }
      }
    })
  }

  it('leave layers they cannot compute to the three passes', async () => {
    const kernels = instantiateKernels(moduleFor('wasm'))
    const cases: readonly FilterSpec[] = [
      { ...KERNELS[0], channels: 'rgb', blend: 'overlay' },
      { ...KERNELS[0], channels: 'luminance', light: 'linear' },
      { ...KERNELS[0], channels: 'luminance', blend: 'soft-light' },
      { ...KERNELS[0], channels: 'luminance', mode: 'valid' },
      { preset: 'sobel', channels: 'luminance', signed: 'stretch' }
    ]
    for (const spec of cases) {
      const { fused, apart, tasks } = await runBoth(photo, spec, kernels, bands)
      expect(tasks, JSON.stringify(spec)).not.toContain('layer-fused')
      expect(Buffer.from(fused).equals(Buffer.from(apart))).toBe(true)
    }
  })

  it('match the reference within 1 level, the same bytes on both kernel sets and 0, 2 and 3 threads', async () => {
    let i = 0
    for (const border of BORDERS) {
      for (const kernel of [KERNELS[1], KERNELS[4], KERNELS[5]]) {
        const mask = MASKS[i % MASKS.length]
        const filters: FilterSpec[] = [{ ...kernel, border, channels: i % 2 ? 'luminance' : 'g', blend: i % 3 ? 'overlay' : 'luminosity', ...(mask ? { mask } : {}) }]
        i++
        const expected = referenceResult(photo, filters)
        const first = await runStack(photo, filters, { engine: { threads: 0, backend: 'wasm' } })
        expect(compare(first, expected).max, JSON.stringify(filters)).toBeLessThanOrEqual(1)
        for (const engine of [{ threads: 0, backend: 'ts' as const }, { threads: 2 }, { threads: 3, backend: 'ts' as const }]) {
          const other = await runStack(photo, filters, { engine })
          expect(Buffer.from(other.data).equals(Buffer.from(first.data)), `${JSON.stringify(filters)} ${JSON.stringify(engine)}`).toBe(true)
        }
      }
    }
  })
})
