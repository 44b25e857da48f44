// `node scripts/bench.mjs --only preview` (and part of `npm run bench`): the engine host's exact preview at fit
// zoom, as the viewer asks for it: a real host process (out/node/host.js) with the photo open, the whole result at
// full resolution area-averaged down to the fitted size, timed from request to the reply with its raster (the
// raster's trip to the renderer included; drawing it is not). Budgets (issue 13): 12 MP, a kernel-cell edit of a
// 5x5 -> exact frame within 150 ms; 24 MP, a 15x15 gaussian -> within 400 ms; approximate frames while a slider
// moves at >= 10 fps (the proxy row). One more row, without a budget: the same edit zoomed in to 52 %, where the
// viewer asks for the window of the zoom's grid on screen.
import { existsSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'

/**
 * CPU milliseconds the process `pid` has used so far, all its threads (Linux /proc; null elsewhere). Steadier than
 * wall time when other work shares the cores.
 */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    // utime and stime, fields 14 and 15 of stat (11 and 12 after the command), in clock ticks (100 a second).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  } catch {
    return null
  }
}

/** The viewer's box at fit in a 1400x900 window (panels on both sides), device pixels. */
const FIT = { maxWidth: 1100, maxHeight: 825 }

/**
 * Runs the preview rows and returns their table (markdown). `png12` / `png24` are the bench photos (`png24` may be
 * null with --quick); the host client is bundled into `dir`.
 */
export async function benchPreview({ root, dir, png12, png24, quick, log }) {
  const hostScript = join(root, 'out', 'node', 'host.js')
  if (!existsSync(hostScript)) throw new Error(`${hostScript} is missing: run npm run build:node`)
  const { build } = await import('vite')
  const { builtinModules } = await import('node:module')
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    publicDir: false,
    build: {
      ssr: true,
      target: 'node20',
      outDir: join(dir, 'host-client'),
      emptyOutDir: true,
      minify: false,
      rolldownOptions: {
        input: { client: join(root, 'src/host/client.ts') },
        external: (id) => id.startsWith('node:') || builtinModules.includes(id),
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name].js' }
      }
    }
  })
  const { HostClient, forkHost } = await import(join(dir, 'host-client', 'client.js'))

  const reps = quick ? 5 : 11
  const warm = quick ? 2 : 3
  const stats = (times) => {
    const sorted = [...times].sort((a, b) => a - b)
    return { best: sorted[0], median: sorted[Math.floor((sorted.length - 1) / 2)], worst: sorted[sorted.length - 1] }
  }
  const ms = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(1))
  // A kernel-cell edit: the same 5x5 with its centre weight changed each time, so no result is ever cached.
  const cell = (v) => [
    [1, 4, 6, 4, 1],
    [4, 16, 24, 16, 4],
    [6, 24, v, 24, 6],
    [4, 16, 24, 16, 4],
    [1, 4, 6, 4, 1]
  ]
  const gaussian = (sigma) => [{ preset: 'gaussian-blur', params: { size: 15, sigma } }]
  // At 52 % in the same 1100x825 viewer, centred: the window of the 2080x1560 grid on screen, as an edit asks for it.
  const zoomed = { width: 2080, height: 1560, window: { x: 490, y: 367, width: 1100, height: 825 } }
  const cases = [
    { name: '12 MP, 5x5 kernel-cell edit, exact', file: png12, budget: 150, filters: (i) => [{ kernel: cell(36 + i) }] },
    { name: '12 MP at 52 %, 5x5 kernel-cell edit, exact window on screen', file: png12, budget: '-', grid: zoomed, filters: (i) => [{ kernel: cell(136 + i) }] },
    { name: '12 MP, 5x5 kernel-cell edit, approximate (slider frames)', file: png12, budget: 100, approximate: true, filters: (i) => [{ kernel: cell(36 + i) }] },
    ...(png24
      ? [
          { name: '24 MP, 15x15 gaussian, exact', file: png24, budget: 400, filters: (i) => gaussian(3 + i / 100) },
          { name: '24 MP, 15x15 gaussian, approximate (slider frames)', file: png24, budget: 100, approximate: true, filters: (i) => gaussian(3 + i / 100) }
        ]
      : [])
  ]
  const lines = [
    '| preview (viewer 1100x825), engine host process | raster | budget ms | best / median / worst ms | frames/s (median) | host CPU ms, all threads (median) |',
    '| --- | --- | --- | --- | --- | --- |'
  ]
  let opened = null
  const host = new HostClient(() => forkHost(hostScript))
  try {
    for (const c of cases) {
      if (opened !== c.file) {
        log(`preview: opening ${c.file}`)
        await host.request({ type: 'open', name: 'photo.png', path: c.file })
        opened = c.file
      }
      log(`preview: ${c.name}`)
      const times = []
      const cpu = []
      let raster = ''
      for (let i = 0; i < warm + reps; i++) {
        const c0 = cpuMs(host.pid)
        const t0 = performance.now()
        const res = await host.request({
          type: 'preview',
          requestId: i,
          filters: c.filters(i),
          ...FIT,
          ...(c.approximate ? { approximate: true } : {}),
          ...(c.grid ? { grid: c.grid } : {})
        })
        const t = performance.now() - t0
        const c1 = cpuMs(host.pid)
        if (i >= warm && c0 !== null && c1 !== null) cpu.push(c1 - c0)
        if (res.exact === Boolean(c.approximate)) throw new Error(`${c.name}: the host answered exact=${res.exact}`)
        raster = `${res.image.width}x${res.image.height}`
        if (i >= warm) times.push(t)
      }
      const s = stats(times)
      const cpuText = cpu.length > 0 ? ms(stats(cpu).median) : '-'
      lines.push(`| ${c.name} | ${raster} | ${c.budget} | ${ms(s.best)} / ${ms(s.median)} / ${ms(s.worst)} | ${(1000 / s.median).toFixed(1)} | ${cpuText} |`)
    }
  } finally {
    host.close()
  }
  const load = loadavg().map((l) => l.toFixed(2)).join(' ')
  return `${lines.join('\n')}\n\nPreview: ${reps} edits after ${warm} warm-ups per row, each a different kernel (no cache hits); times include the host's IPC reply with the raster; host CPU from /proc (10 ms ticks). Load average at the end: ${load}.\n`
}
