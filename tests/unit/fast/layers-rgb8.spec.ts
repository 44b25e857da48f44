// @vitest-environment node
// Layers on 8-bit RGB (layer-rgb8.ts and the kernels' compositeRgb8 / lumaRgb8): every blend mode, channel choice and
// light against the plain reference; the same bytes on either kernel set and any thread count; wherever the mask is
// 0 (outside an unfeathered rect, for one) the backdrop comes back bit for bit.
import { describe, expect, it } from 'vitest'
import { BLEND_MODES } from '../../../src/engine/blend'
import { LAYER_CHANNELS } from '../../../src/engine/layer'
import { coarseRow, maskRow, planMask, rasterMask, type LayerMask, type MaskSpan } from '../../../src/engine/mask'
import type { FilterSpec, IntImage } from '../../../src/engine/types'
import { runStack } from '../../../src/runtime/run-stack'
import { instantiateKernels, moduleFor } from '../../../src/runtime/pool-assets'
import { compare, randomIntImage, referenceResult, smoothIntImage } from './helpers'

const RECT: LayerMask = { shapes: [{ type: 'rect', x: 0.2, y: 0.15, width: 0.5, height: 0.6 }] }
const MASKS: readonly (LayerMask | undefined)[] = [
  undefined,
  RECT,
  { shapes: [{ type: 'ellipse', cx: 0.5, cy: 0.5, rx: 0.35, ry: 0.4 }], feather: 0.05 },
  { shapes: [{ type: 'tones', from: 0.2, to: 0.6, soft: 0.1 }], invert: true }
]

/** An odd width, so rows end inside a SIMD block of 4 pixels. */
const image: IntImage = smoothIntImage(5, 67, 37, 3)

const sharpen: FilterSpec = { preset: 'unsharp-mask', params: { size: 5, sigma: 1, amount: 2 } }

function layer(blend: (typeof BLEND_MODES)[number], channels: (typeof LAYER_CHANNELS)[number], i: number): FilterSpec {
  const mask = MASKS[i % MASKS.length]
  return { ...sharpen, blend, channels, light: i % 3 === 0 ? 'linear' : 'encoded', opacity: i % 2 === 0 ? 1 : 0.65, ...(mask ? { mask } : {}) }
}

describe('8-bit RGB layers', () => {
  it('match the reference within 1 level for every blend mode and channel choice', async () => {
    let i = 0
    for (const blend of BLEND_MODES) {
      for (const channels of LAYER_CHANNELS) {
        const filters = [layer(blend, channels, i++)]
        const actual = await runStack(image, filters, { engine: { threads: 0 } })
        const { max } = compare(actual, referenceResult(image, filters))
        expect(max, JSON.stringify(filters)).toBeLessThanOrEqual(1)
      }
    }
  })

  it('give the same bytes on both kernel sets and on 1 to 3 threads', async () => {
    // The photo-like image, and noise, where sharpening clamps often (luminosity and color then take SetLum).
    const noise = randomIntImage(9, 61, 29, 3)
    let i = 0
    for (const blend of BLEND_MODES) {
      for (const [input, channels] of [[image, LAYER_CHANNELS[i % LAYER_CHANNELS.length]], [noise, 'luminance']] as const) {
        const filters = [layer(blend, channels, i++)]
        const wasm = await runStack(input, filters, { engine: { threads: 0, backend: 'wasm' } })
        expect(compare(wasm, referenceResult(input, filters)).max, JSON.stringify(filters)).toBeLessThanOrEqual(1)
        for (const engine of [{ threads: 0, backend: 'ts' as const }, { threads: 2 }, { threads: 3, backend: 'ts' as const }]) {
          const other = await runStack(input, filters, { engine })
          expect(Buffer.from(other.data).equals(Buffer.from(wasm.data)), `${JSON.stringify(filters)} ${JSON.stringify(engine)}`).toBe(true)
        }
      }
    }
  })

  it('leave every pixel where the mask is 0 bit for bit (rects, ellipses, their unions, a feathered one)', async () => {
    const { width, height } = image
    const masks: readonly LayerMask[] = [
      RECT,
      { shapes: [{ type: 'ellipse', cx: 0.45, cy: 0.5, rx: 0.3, ry: 0.35 }] },
      // Two runs of 1 with a gap between them, then two that overlap into one run.
      { shapes: [RECT.shapes[0], { type: 'rect', x: 0.8, y: 0, width: 0.15, height: 1 }] },
      { shapes: [RECT.shapes[0], { type: 'ellipse', cx: 0.7, cy: 0.5, rx: 0.2, ry: 0.2 }] },
      { shapes: [{ type: 'ellipse', cx: 0.5, cy: 0.5, rx: 0.2, ry: 0.2 }], feather: 0.03 }
    ]
    for (const mask of masks) {
      const values = rasterMask(mask, width, height, null)
      for (const blend of ['overlay', 'luminosity', 'soft-light'] as const) {
        for (const backend of ['wasm', 'ts'] as const) {
          const filters: FilterSpec[] = [{ ...sharpen, blend, channels: 'luminance', mask }]
          const out = await runStack(image, filters, { engine: { threads: 0, backend } })
          const { max } = compare(out, referenceResult(image, filters))
          expect(max, `${JSON.stringify(mask)} ${blend} ${backend}`).toBeLessThanOrEqual(1)
          let inside = 0
          for (let p = 0; p < width * height; p++) {
            const changed = [0, 1, 2].some((c) => out.data[3 * p + c] !== image.data[3 * p + c])
            if (values[p] > 0) inside += changed ? 1 : 0
            else expect(changed, `${JSON.stringify(mask)} ${blend} ${backend} pixel ${p}`).toBe(false)
          }
          // The layer did act inside the mask.
          expect(inside).toBeGreaterThan(50)
        }
      }
    }
  })

  it('make a feathered mask row in the kernels to the bit as maskRow does (both kernel sets)', () => {
    const width = 301
    const plan = planMask({ shapes: [{ type: 'ellipse', cx: 0.4, cy: 0.5, rx: 0.3, ry: 0.3 }], feather: 0.1 }, width, 203, null)
    const coarse = plan.coarse
    if (!coarse) throw new Error('a feathered plan has a grid')
    for (const backend of ['wasm', 'ts'] as const) {
      const kernels = instantiateKernels(moduleFor(backend))
      const [out, line, col0, colT] = [4096, 8192, 12288, 16384]
      kernels.ensure(20480 + 4096)
      const f32 = new Float32Array(kernels.buffer())
      new Int32Array(kernels.buffer()).set(coarse.col0, col0 >> 2)
      f32.set(coarse.colT, colT >> 2)
      const expected = new Float32Array(width)
      const cells = new Float32Array(coarse.width)
      const span: MaskSpan = { start: 0, end: 0, onesStart: 0, onesEnd: 0 }
      let edge = 0
      for (let y = 0; y < 203; y += 7) {
        maskRow(plan, y, expected, null)
        coarseRow(coarse, width, y, cells, span)
        f32.set(cells, line >> 2)
        kernels.lerpMask(out, line, coarse.width, col0, colT, width)
        const actual = new Float32Array(kernels.buffer(), out, width)
        for (let x = 0; x < width; x++) expect(actual[x], `${backend} (${x}, ${y})`).toBe(expected[x])
        // The span: 0 outside it, 1 in its middle part.
        for (let x = 0; x < width; x++) {
          if (x < span.start || x >= span.end) expect(expected[x]).toBe(0)
          else if (x >= span.onesStart && x < span.onesEnd) expect(expected[x]).toBe(1)
          else edge++
        }
      }
      expect(edge).toBeGreaterThan(1000)
    }
  })
})
