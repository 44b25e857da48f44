// @vitest-environment node
import { it } from 'vitest'
import { runStack } from '../../../src/host/run-stack'
import type { FilterSpec, IntImage } from '../../../src/engine/types'

function image(w: number, h: number, c: 1|2|3|4): IntImage {
  const data = new Uint8Array(w*h*c)
  let s = 1
  for (let i = 0; i < data.length; i++) { s = (s * 1664525 + 1013904223) >>> 0; data[i] = (i % 251 + (s >>> 28)) & 255 }
  return { width: w, height: h, channels: c, depth: 8, data }
}
it('timings', async () => {
  const img = image(4000, 3000, 3)
  const f: FilterSpec[] = [{ preset: 'sharpen' }]
  for (const threads of [0, 1, 2]) {
    const times: number[] = []
    for (let i = 0; i < 5; i++) { const t0 = performance.now(); await runStack(img, f, { engine: { threads } }); times.push(performance.now() - t0) }
    console.log('threads', threads, times.map(t => t.toFixed(0)).join(' '))
  }
}, 300000)
