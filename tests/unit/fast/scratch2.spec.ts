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
function rk(n: number) { const rows: number[][] = []; let s = 7; for (let i = 0; i < n; i++) { const r: number[] = []; for (let j = 0; j < n; j++) { s = (s * 1664525 + 1013904223) >>> 0; r.push((s / 2**32) * 2 - 0.9) } rows.push(r) } const sum = rows.flat().reduce((a,b)=>a+b,0); return rows.map(r => r.map(v => v / sum)) }

it('timings', async () => {
  const img = image(4000, 3000, 3)
  const cases: [string, FilterSpec[]][] = [
    ['3x3 sharpen', [{ preset: 'sharpen' }]],
    ['5x5 gauss', [{ preset: 'gaussian-blur', params: { size: 5, sigma: 1 } }]],
    ['15x15 gauss', [{ preset: 'gaussian-blur', params: { size: 15, sigma: 3 } }]],
    ['15x15 random', [{ kernel: rk(15) }]],
    ['31x31 random', [{ kernel: rk(31) }]],
  ]
  for (const [name, f] of cases) {
    let plan = ''
    const times: number[] = []
    for (let i = 0; i < 4; i++) { const t0 = performance.now(); await runStack(img, f, { engine: { onPlan: (p) => { plan = p.method + ' ' + JSON.stringify(p.costs) } } }); times.push(performance.now() - t0) }
    console.log(name, plan, times.map(t => t.toFixed(0)).join(' '))
  }
  const prev = image(1920, 1080, 4)
  for (const [name, f] of cases) {
    const times: number[] = []
    for (let i = 0; i < 5; i++) { const t0 = performance.now(); await runStack(prev, f); times.push(performance.now() - t0) }
    console.log('preview', name, times.map(t => t.toFixed(0)).join(' '))
  }
}, 300000)
