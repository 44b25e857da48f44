// Rows of `npm run bench` for layer effects (issue 15): on the 12 MP photo, a 5x5 gaussian layer alone and the same
// layer with a feathered mask, a blend mode and luminance-only filtering, through runStack as the app and CLI run
// it. The target: the effects cost at most 1.3x the plain layer. Run alone with `node scripts/bench.mjs --only layers`.

const GAUSSIAN = { preset: 'gaussian-blur', params: { size: 5, sigma: 1 } }
const MASK = { shapes: [{ type: 'ellipse', cx: 0.5, cy: 0.5, rx: 0.35, ry: 0.4 }], feather: 0.02 }

/** The layer variants measured; the first is the baseline the others are compared with. */
export const LAYER_CASES = [
  { name: '5x5 gaussian', filters: [GAUSSIAN] },
  { name: '+ mask (ellipse, feather 0.02), overlay, luminance', filters: [{ ...GAUSSIAN, mask: MASK, blend: 'overlay', channels: 'luminance' }] },
  { name: '+ mask, luminosity, luminance', filters: [{ ...GAUSSIAN, mask: MASK, blend: 'luminosity', channels: 'luminance' }] },
  { name: '+ mask (rect, no feather), overlay, luminance', filters: [{ ...GAUSSIAN, mask: { shapes: [{ type: 'rect', x: 0.1, y: 0.1, width: 0.8, height: 0.8 }] }, blend: 'overlay', channels: 'luminance' }] },
  { name: '+ linear light', filters: [{ ...GAUSSIAN, light: 'linear' }] }
]

/**
 * Times each case with runStack on `image` (shared memory; first with the result buffer reused, as the main table's
 * first figure, then into new memory). The cases take turns, one run each per round, so load from other programs
 * falls on all of them alike: the ratios are read within a round. Medians over the rounds after warm-up; returns a
 * markdown table with the ratio to the plain layer.
 */
export async function benchLayers({ image, runStack, ms, log, quick }) {
  const warm = quick ? 1 : 4
  const rounds = quick ? 3 : 15
  const freshRounds = quick ? 2 : 5
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]
  const rows = LAYER_CASES.map((c) => ({ ...c, into: undefined, reused: [], cpu: [], fresh: [] }))
  const once = async (row, reuse) => {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    const out = await runStack(image, row.filters, reuse ? { into: row.into } : {})
    const time = performance.now() - t0
    const c = process.cpuUsage(c0)
    if (reuse) row.into = out.data
    return { time, cpu: (c.user + c.system) / 1000 }
  }
  log(`layers: ${LAYER_CASES.length} cases in turn, ${warm} warm-up and ${rounds} timed rounds, then ${freshRounds} into new memory`)
  for (let round = 0; round < warm + rounds; round++) {
    for (const row of rows) {
      const { time, cpu } = await once(row, true)
      if (round < warm) continue
      row.reused.push(time)
      row.cpu.push(cpu)
    }
  }
  for (let round = 0; round < freshRounds; round++) for (const row of rows) row.fresh.push((await once(row, false)).time)
  const base = rows[0]
  const head = ['layer (12 MP RGB u8)', 'best / median ms (result reused)', 'CPU ms (all threads, median)', 'median ms (new result)', 'vs plain layer (median, reused / new)']
  const body = rows.map((r) => [
    r.name,
    `${ms(Math.min(...r.reused))} / ${ms(median(r.reused))}`,
    ms(median(r.cpu)),
    ms(median(r.fresh)),
    r === base ? '1' : `${(median(r.reused) / median(base.reused)).toFixed(2)}x / ${(median(r.fresh) / median(base.fresh)).toFixed(2)}x`
  ])
  return [head, head.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`).join('\n')
}
