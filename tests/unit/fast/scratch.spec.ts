// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { applyStack } from '../../../src/engine/stack'
import { toFloat, toInt } from '../../../src/engine/image'
import { runFastStack, InlineExecutor } from '../../../src/engine/fast/run'
import { instantiateKernels, moduleFor } from '../../../src/host/pool-assets'
import type { FilterSpec, IntImage } from '../../../src/engine/types'
import type { FastMethod } from '../../../src/engine/fast/plan'

function rnd(seed: number) { let s = seed >>> 0; return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 } }
function image(w: number, h: number, c: 1|2|3|4, depth: 8|16, seed = 1): IntImage {
  const r = rnd(seed); const max = depth === 16 ? 65535 : 255
  const data = depth === 16 ? new Uint16Array(w*h*c) : new Uint8Array(w*h*c)
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(r() * (max + 1))
  return { width: w, height: h, channels: c, depth, data }
}
function maxDiff(a: IntImage, b: IntImage) { expect(a.width).toBe(b.width); expect(a.height).toBe(b.height); let m = 0; for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i]-b.data[i])); return m }

describe('scratch', () => {
  for (const backend of ['wasm', 'ts'] as const) {
    const ex = new InlineExecutor(instantiateKernels(moduleFor(backend)))
    for (const method of ['direct', 'separable', 'fft', 'direct-i16'] as FastMethod[]) {
      it(`${backend} ${method}`, async () => {
        const img = image(37, 23, 3, 8)
        const filters: FilterSpec[] = method === 'direct-i16' ? [{ kernel: [[0,-1,0],[-1,5,-1],[0,-1,0]] }] : [{ preset: 'gaussian-blur', params: { size: 5, sigma: 1 } }]
        const ref = toInt(applyStack(toFloat(img), filters))
        const fast = await runFastStack(img, filters, ex, { method })
        console.log(backend, method, maxDiff(ref, fast))
      })
    }
  }
})
