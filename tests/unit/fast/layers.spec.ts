// @vitest-environment node
// Layers with effects (channels, light, blend, mask) on the fast paths against the plain reference (src/engine/layer.ts),
// with the same bytes on 0, 2 and 3 worker threads.
import { describe, expect, it } from 'vitest'
import { BLEND_MODES } from '../../../src/engine/blend'
import { LAYER_CHANNELS } from '../../../src/engine/layer'
import type { LayerMask } from '../../../src/engine/mask'
import type { BitDepth, Channels, FilterSpec } from '../../../src/engine/types'
import { runStack } from '../../../src/runtime/run-stack'
import { compare, randomFloatRows, randomIntImage, referenceResult, rng, smoothIntImage } from './helpers'

const MASKS: readonly LayerMask[] = [
  { shapes: [{ type: 'rect', x: 0.2, y: 0.1, width: 0.5, height: 0.7 }] },
  { shapes: [{ type: 'ellipse', cx: 0.5, cy: 0.5, rx: 0.4, ry: 0.3 }], feather: 0.05, invert: true },
  { shapes: [{ type: 'gradient', x0: 0, y0: 0, x1: 1, y1: 0.5 }] },
  { shapes: [{ type: 'brush', points: [[0.1, 0.1], [0.8, 0.6], [0.3, 0.9]], radius: 0.1, hardness: 0.5 }] },
  { shapes: [{ type: 'tones', from: 0.3, to: 0.7, soft: 0.1 }] },
  { shapes: [{ type: 'tones', from: 0.5, to: 1, soft: 0.2 }, { type: 'rect', x: 0, y: 0, width: 0.3, height: 1 }], feather: 0.1 }
]

const KERNELS: readonly Omit<FilterSpec, 'opacity'>[] = [
  { preset: 'gaussian-blur', params: { size: 5, sigma: 1 } },
  { preset: 'sharpen' },
  { kernel: randomFloatRows(7, 5, 5), border: 'reflect' },
  { preset: 'box-blur', mode: 'valid' },
  { preset: 'sobel', signed: 'stretch', mode: 'full', border: 'zero' },
  { preset: 'high-pass', params: { size: 3 } },
  { kernel: randomFloatRows(8, 13, 13) }
]

function randomLayer(random: () => number): FilterSpec {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
  return {
    ...pick(KERNELS),
    channels: pick(LAYER_CHANNELS),
    light: random() < 0.4 ? 'linear' : 'encoded',
    blend: pick(BLEND_MODES),
    ...(random() < 0.7 ? { mask: pick(MASKS) } : {}),
    opacity: random() < 0.5 ? 1 : Math.round(random() * 100) / 100
  }
}

describe('layers with effects on the fast paths', () => {
  const layouts: readonly (readonly [Channels, BitDepth])[] = [[3, 8], [4, 8], [1, 8], [2, 8], [3, 16], [4, 16]]
  for (const [channels, depth] of layouts) {
    it(`match the reference within 1 level: ${channels} channels, ${depth}-bit`, async () => {
      const random = rng(1000 + channels * 10 + depth)
      for (let trial = 0; trial < 12; trial++) {
        const image =
          trial % 2 === 0 && depth === 8 && channels === 3
            ? smoothIntImage(trial, 53, 41, 3)
            : randomIntImage(trial + 17, 53, 41, channels, depth)
        const filters = [randomLayer(random), ...(trial % 3 === 0 ? [randomLayer(random)] : [])]
        const expected = referenceResult(image, filters)
        let first: Uint8Array | null = null
        for (const threads of [0, 2, 3]) {
          const actual = await runStack(image, filters, { engine: { threads } })
          const { max } = compare(actual, expected, depth === 16 ? 2048 : 8)
          expect(max, `${JSON.stringify(filters)} threads ${threads}`).toBeLessThanOrEqual(1)
          // The same bytes on any number of threads.
          const bytes = new Uint8Array(actual.data.buffer, actual.data.byteOffset, actual.data.byteLength)
          if (first) expect(Buffer.from(bytes).equals(Buffer.from(first)), `${JSON.stringify(filters)} threads ${threads}`).toBe(true)
          else first = bytes.slice()
        }
      }
    })
  }
})
