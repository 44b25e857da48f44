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
 * Times each case with runStack on `image` (shared memory, result buffer reused as the main table's first
 * figure), median of `reps` after `warm` runs; returns a markdown table with the ratio to the plain layer.
 */
export async function benchLayers({ image, runStack, timed, ms, log, quick }) {
  const warm = quick ? 1 : 4
  const reps = quick ? 3 : 11
  const rows = []
  for (const c of LAYER_CASES) {
    log(`layers: ${c.name}`)
    let into
    const reused = await timed(async () => {
      const out = await runStack(image, c.filters, { into })
      into = out.data
    }, reps, warm)
    const fresh = await timed(() => runStack(image, c.filters), quick ? 2 : 5, 1)
    rows.push({ ...c, reused, fresh })
  }
  const base = rows[0]
  const head = ['layer (12 MP RGB u8)', 'best / median ms (result reused)', 'CPU ms (all threads, median)', 'median ms (new result)', 'vs plain layer (median, reused / new)']
  const body = rows.map((r) => [
    r.name,
    `${ms(r.reused.best)} / ${ms(r.reused.median)}`,
    ms(r.reused.cpu),
    ms(r.fresh.median),
    r === base ? '1' : `${(r.reused.median / base.reused.median).toFixed(2)}x / ${(r.fresh.median / base.fresh.median).toFixed(2)}x`
  ])
  return [head, head.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`).join('\n')
}
