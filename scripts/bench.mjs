// `npm run bench`: Kernel Studio's engine, its CLI end to end, and sharp on the same 12 MP photo in one run, plus
// preview latency on a 1920x1080 proxy and the engine on 24 MP. Prints one table. Images and bundles go to .bench/
// (git-ignored). Real processes throughout; expect 6 to 8 minutes on 2 cores.
//   node scripts/bench.mjs [--quick]   (--quick: fewer repetitions, no 24 MP, no sharp 31x31; for a smoke test)
//   node scripts/bench.mjs --only learn   (only the rows of kernel-studio learn, scripts/bench-learn.mjs)
//   node scripts/bench.mjs --only batch   (only the batch row, scripts/bench-batch.mjs)
//   node scripts/bench.mjs --only layers  (only the layer-effect rows, scripts/bench-layers.mjs)
//   node scripts/bench.mjs --only preview (only the engine host's exact preview at fit, scripts/bench-preview.mjs)
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dir = join(root, '.bench')
const quick = process.argv.includes('--quick')
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined
if (only === 'batch') {
  const { benchBatch } = await import('./bench-batch.mjs')
  process.stdout.write(`\n${await benchBatch({ root, dir, quick, log: (text) => process.stderr.write(`bench: ${text}\n`) })}`)
  process.exit(0)
}
if (only !== undefined && only !== 'learn' && only !== 'layers' && only !== 'preview') {
  process.stderr.write(`bench: --only takes "learn", "layers", "batch" or "preview", got ${JSON.stringify(only)}\n`)
  process.exit(1)
}
const { benchLearn } = await import('./bench-learn.mjs')
const { benchLayers } = await import('./bench-layers.mjs')
mkdirSync(dir, { recursive: true })
const log = (text) => process.stderr.write(`bench: ${text}\n`)

// ---- builds: kernels.wasm, the CLI and its worker (npm run build does the same), and an in-process bundle ----
execFileSync(process.execPath, [join(root, 'scripts', 'build-wasm.mjs')], { stdio: ['ignore', 2, 2] })
if (!existsSync(join(root, 'out', 'node', 'cli.js')) || !existsSync(join(root, 'out', 'node', 'engine-worker.js'))) {
  log('building the CLI (npm run build:node)')
  execFileSync('npm', ['run', 'build:node'], { cwd: root, stdio: ['ignore', 2, 2] })
}
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
    outDir: join(dir, 'engine'),
    emptyOutDir: true,
    minify: false,
    rolldownOptions: {
      input: { 'run-stack': join(root, 'src/runtime/run-stack.ts'), presets: join(root, 'src/engine/presets.ts') },
      external: (id) => id.startsWith('node:') || builtinModules.includes(id),
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name].js' }
    }
  }
})
const { runStack, sharedImage, warmEngine } = await import(join(dir, 'engine', 'run-stack.js'))
const { presetKernel } = await import(join(dir, 'engine', 'presets.js'))
const { default: sharp } = await import('sharp')
// sharp defaults to one libvips thread on glibc Linux without jemalloc; the issue's figures use all cores.
const threads = cpus().length
sharp.concurrency(threads)

// ---- inputs ----
async function photo(file, width, height) {
  const path = join(dir, file)
  if (!existsSync(path)) {
    log(`generating ${file} (${width}x${height} RGB PNG)`)
    await sharp(join(root, 'resources', 'samples', 'coffee.png'))
      .removeAlpha()
      .resize({ width, height, fit: 'fill', kernel: 'lanczos3' })
      .png()
      .toFile(path)
  }
  return path
}
const png12 = await photo('photo-12mp.png', 4000, 3000)
if (only === 'learn') {
  process.stdout.write(`\n${await benchLearn({ root, dir, png12, quick, log })}`)
  process.exit(0)
}
const png24 = quick ? null : await photo('photo-24mp.png', 6000, 4000)
const { benchPreview } = await import('./bench-preview.mjs')
if (only === 'preview') {
  process.stdout.write(`\n${await benchPreview({ root, dir, png12, png24, quick, log })}`)
  process.exit(0)
}
// Decoded once into shared memory, as the app's engine host keeps an open image: runs read it in place.
async function decode(path) {
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true })
  return sharedImage({ width: info.width, height: info.height, channels: info.channels, depth: 8, data: new Uint8Array(data) })
}
const image12 = await decode(png12)

function randomRows(size, seed) {
  let s = seed >>> 0
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32)
  const rows = Array.from({ length: size }, () => Array.from({ length: size }, () => next() * 2 - 0.7))
  const sum = rows.flat().reduce((a, b) => a + b, 0)
  return rows.map((row) => row.map((v) => v / sum))
}
const rows = (kernel) => Array.from({ length: kernel.height }, (_, r) => kernel.weights.slice(r * kernel.width, (r + 1) * kernel.width))
const cases = [
  { name: '3x3 sharpen', rows: rows(presetKernel('sharpen')), sharpReps: 5, opencv: '14' },
  { name: '5x5 gaussian', rows: rows(presetKernel('gaussian-blur', { size: 5, sigma: 1 })), sharpReps: 5, opencv: '54' },
  { name: '15x15 gaussian', rows: rows(presetKernel('gaussian-blur', { size: 15, sigma: 3 })), sharpReps: 2, opencv: '508 (sepFilter2D 46)' },
  { name: '15x15 random', rows: randomRows(15, 7), sharpReps: 2, opencv: '~508' },
  { name: '31x31 random', rows: randomRows(31, 9), sharpReps: 1, opencv: '580' }
]
const reps = quick ? 3 : 5
// The engine is JavaScript around WebAssembly: its row loops in the worker threads reach optimised code only after
// a few runs. Steady state is what a preview loop sees and what native code shows from the first run.
const engineWarm = quick ? 1 : 4
const engineReps = quick ? 3 : 11

// ---- timing helpers ----
const stats = (times) => {
  const sorted = [...times].sort((a, b) => a - b)
  return { best: sorted[0], median: sorted[Math.floor((sorted.length - 1) / 2)], n: sorted.length }
}
async function timed(fn, count, warm = 1) {
  for (let i = 0; i < warm; i++) await fn()
  const times = []
  const cpu = []
  for (let i = 0; i < count; i++) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    await fn()
    times.push(performance.now() - t0)
    const c = process.cpuUsage(c0)
    cpu.push((c.user + c.system) / 1000)
  }
  // CPU time over all threads moves less than wall time when other processes share the cores.
  return { ...stats(times), cpu: stats(cpu).median }
}
const ms = (v) => (v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1))
if (only === 'layers') {
  warmEngine()
  process.stdout.write(`\n${await benchLayers({ image: image12, runStack, timed, ms, log, quick })}\n`)
  process.exit(0)
}

const hasTime = existsSync('/usr/bin/time')
/** Runs the CLI once; wall time in ms and peak RSS in MB (from /usr/bin/time -v, else from the child itself). */
function cli(args) {
  const bin = join(root, 'bin', 'kernel-studio.js')
  const t0 = performance.now()
  let result
  if (hasTime) result = spawnSync('/usr/bin/time', ['-v', process.execPath, bin, ...args], { cwd: root, encoding: 'utf8' })
  else {
    const wrapper = join(dir, 'rss-wrapper.mjs')
    writeFileSync(
      wrapper,
      "process.on('exit', () => process.stderr.write(`\\nMaximum resident set size (kbytes): ${process.resourceUsage().maxRSS}\\n`))\n" +
        'process.argv.splice(1, 1)\nawait import(process.argv[1])\n'
    )
    result = spawnSync(process.execPath, [wrapper, bin, ...args], { cwd: root, encoding: 'utf8' })
  }
  const wall = performance.now() - t0
  if (result.status !== 0) throw new Error(`kernel-studio ${args.join(' ')} failed:\n${result.stderr}`)
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)?.[1] ?? NaN) / 1024
  return { wall, rss }
}

/** sharp alone as a new Node process: decode the PNG, convolve, encode PNG (level 6, its default); wall ms. */
function sharpProcess(kernelFile) {
  const script = join(dir, 'sharp-e2e.mjs')
  writeFileSync(
    script,
    "import sharp from 'sharp'\nimport { readFileSync } from 'node:fs'\n" +
      `sharp.concurrency(${threads})\n` +
      'const [input, kernel, output] = process.argv.slice(2)\n' +
      "await sharp(input).convolve(JSON.parse(readFileSync(kernel, 'utf8'))).png({ compressionLevel: 6 }).toFile(output)\n"
  )
  const args = [script, png12, kernelFile, join(dir, 'out-sharp.png')]
  const t0 = performance.now()
  const result = hasTime
    ? spawnSync('/usr/bin/time', ['-v', process.execPath, ...args], { cwd: root, encoding: 'utf8' })
    : spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' })
  const wall = performance.now() - t0
  if (result.status !== 0) throw new Error(`sharp e2e failed:\n${result.stderr}`)
  return wall
}

const loadStart = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ')
const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`
log(`machine: ${machine}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
warmEngine()

// ---- measurements ----
const results = []
for (const c of cases) {
  const filters = [{ kernel: c.rows }]
  const mpix = (image12.width * image12.height) / 1e6
  log(`${c.name}: engine in-process`)
  let method = ''
  // As OpenCV's filter2D(src, dst) in a loop reuses dst: each run writes into the previous run's result.
  let previous
  const engine = await timed(async () => {
    previous = await runStack(image12, filters, { into: previous?.data, engine: { onPlan: (p) => (method = p.method) } })
  }, engineReps, engineWarm)
  previous = undefined
  // Every run into new memory (first-touch page faults on the whole result), as a one-off call pays.
  const fresh = await timed(() => runStack(image12, filters), engineReps, engineWarm)

  log(`${c.name}: CLI end to end`)
  const recipe = join(dir, `recipe-${c.name.replace(/\W+/g, '-')}.json`)
  writeFileSync(recipe, JSON.stringify({ format: 'kernel-studio/stack', version: 1, filters }))
  const cliRuns = Array.from({ length: quick ? 1 : 5 }, () => cli(['apply', png12, '-o', join(dir, 'out-cli.png'), '--recipe', recipe, '--force']))
  const cliBytes = statSync(join(dir, 'out-cli.png')).size

  const flat = c.rows.flat()
  const size = c.rows.length
  const convolve = { width: size, height: size, kernel: flat, scale: 1, offset: 0 }
  const sharpReps = quick && size > 15 ? 0 : quick ? 1 : c.sharpReps
  let sharpRaw
  let sharpFile
  if (sharpReps > 0) {
    log(`${c.name}: sharp convolve x${sharpReps} (raw in, raw out)`)
    const raw = { raw: { width: image12.width, height: image12.height, channels: image12.channels } }
    sharpRaw = await timed(() => sharp(image12.data, raw).convolve(convolve).raw().toBuffer(), sharpReps, 0)
    log(`${c.name}: sharp decode + convolve + encode (a new process, like the CLI)`)
    const kernelFile = join(dir, `sharp-kernel-${size}.json`)
    writeFileSync(kernelFile, JSON.stringify(convolve))
    // Where a run takes under a second, as many runs as the CLI gets, alternating with it (the same conditions).
    const runs = quick || size > 5 ? 1 : 5
    const walls = []
    for (let i = 0; i < runs; i++) {
      walls.push(sharpProcess(kernelFile))
      if (runs > 1) cliRuns.push(cli(['apply', png12, '-o', join(dir, 'out-cli.png'), '--recipe', recipe, '--force']))
    }
    sharpFile = { ...stats(walls), bytes: statSync(join(dir, 'out-sharp.png')).size }
  }
  let blur
  if (c.name === '15x15 gaussian') blur = await timed(() => sharp(image12.data, { raw: { width: image12.width, height: image12.height, channels: 3 } }).blur(3).raw().toBuffer(), reps)
  const cliStats = stats(cliRuns.map((r) => r.wall))
  const cliRss = Math.max(...cliRuns.map((r) => r.rss))
  results.push({ c, method, mpix, engine, fresh, cliStats, cliRss, cliBytes, sharpRaw, sharpReps, sharpFile, blur })
}

log('preview latency on 1920x1080 proxies')
const proxyRgb = await decode(await (async () => {
  const p = join(dir, 'proxy-1080p.png')
  if (!existsSync(p)) await sharp(png12).resize({ width: 1920, height: 1080, fit: 'fill' }).png().toFile(p)
  return p
})())
const rgba = new Uint8Array(proxyRgb.width * proxyRgb.height * 4)
for (let p = 0; p < proxyRgb.width * proxyRgb.height; p++) {
  rgba.set(proxyRgb.data.subarray(p * 3, p * 3 + 3), p * 4)
  rgba[p * 4 + 3] = 255
}
const proxyRgba = sharedImage({ ...proxyRgb, channels: 4, data: rgba })
for (const r of results) {
  const filters = [{ kernel: r.c.rows }]
  // A kernel edit: the weights change between runs (alternating two versions), as when the user types.
  const edited = [{ kernel: r.c.rows.map((row) => row.map((v) => v * 1.001)) }]
  let flipFlop = false
  const edit = (image) => runStack(image, (flipFlop = !flipFlop) ? filters : edited)
  r.previewRgb = await timed(() => edit(proxyRgb), quick ? 5 : 15, 3)
  r.previewRgba = await timed(() => edit(proxyRgba), quick ? 5 : 15, 3)
}

if (png24) {
  log('24 MP: engine in-process, CLI peak memory')
  const image24 = await decode(png24)
  for (const r of results) r.engine24 = await timed(() => runStack(image24, [{ kernel: r.c.rows }]), 3)
  const last = results.at(-1)
  const recipe = join(dir, `recipe-${last.c.name.replace(/\W+/g, '-')}.json`)
  last.cli24 = cli(['apply', png24, '-o', join(dir, 'out-cli.png'), '--recipe', recipe, '--force'])
}

// ---- the table ----
const head = [
  'kernel (12 MP RGB u8)',
  'path',
  'engine best / median ms (result buffer reused)',
  'engine CPU ms (all threads, median)',
  'engine median ms (new result buffer)',
  'Mpix/s',
  'CLI e2e ms (best / median)',
  'CLI peak RSS MB',
  'sharp convolve ms',
  'engine vs sharp (new buffer)',
  'sharp e2e ms (best / median)',
  'CLI vs sharp e2e',
  'PNG MB ours / sharp',
  'preview 1080p RGB / RGBA ms',
  '24 MP engine ms',
  'OpenCV filter2D ms (issue #4 figures, not measured here)'
]
const body = results.map((r) => [
  r.c.name,
  r.method,
  `${ms(r.engine.best)} / ${ms(r.engine.median)}`,
  ms(r.engine.cpu),
  ms(r.fresh.median),
  (r.mpix / (r.engine.median / 1000)).toFixed(0),
  `${ms(r.cliStats.best)} / ${ms(r.cliStats.median)}`,
  r.cliRss.toFixed(0),
  r.sharpRaw ? `${ms(r.sharpRaw.best)}${r.sharpReps > 1 ? ` (best of ${r.sharpReps})` : ' (1 run)'}` : 'skipped',
  r.sharpRaw
    ? `${(r.sharpRaw.best / r.engine.median).toFixed(1)}x faster (${(r.sharpRaw.best / r.fresh.median).toFixed(1)}x)`
    : '-',
  r.sharpFile ? (r.sharpFile.n > 1 ? `${ms(r.sharpFile.best)} / ${ms(r.sharpFile.median)}` : ms(r.sharpFile.best)) : '-',
  r.sharpFile ? `${(r.sharpFile.best / r.cliStats.best).toFixed(1)}x faster` : '-',
  `${(r.cliBytes / 1e6).toFixed(1)} / ${r.sharpFile ? (r.sharpFile.bytes / 1e6).toFixed(1) : '-'}`,
  `${ms(r.previewRgb.median)} / ${ms(r.previewRgba.median)}`,
  r.engine24 ? ms(r.engine24.median) : '-',
  r.c.opencv
])
const table = [head, head.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`).join('\n')
const blur = results.find((r) => r.blur)?.blur
const last = results.at(-1)
const notes = [
  `Machine: ${machine}. Load average (1/5/15 min) at the start: ${loadStart}; at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other processes on the same cores slow the wall times).`,
  `Engine: runStack() in-process on a decoded image kept in shared memory, as the app's engine host keeps the open image (best / median of ${engineReps} after ${engineWarm} warm-up runs; median used for Mpix/s and ratios). "Result buffer reused": each run writes into the previous result (runStack's \`into\`), as a loop of OpenCV's filter2D(src, dst) reuses dst; "new result buffer": fresh memory every run, whose first-touch page faults cost about 10 ms per 36 MB here.`,
  `CLI: \`kernel-studio apply photo.png -o out.png --recipe kernel.json\` as a new process (decode + stack + PNG encode), ${quick ? '1 run' : "5 runs (10 where sharp's runs alternate with them)"}, best and median; "vs sharp" compares the bests; peak RSS from ${hasTime ? '/usr/bin/time -v' : 'process.resourceUsage() in the child'}. Both write lossless PNGs of the same pixels: sharp unfiltered at zlib level 6 (its default), the CLI filtered None/Up per row with run-length deflate (the size column).`,
  `sharp ${sharp.versions?.sharp ?? ''} (libvips ${sharp.versions?.vips ?? '?'}, concurrency set to ${sharp.concurrency()} threads): convolve on the same raw pixels, fewer repetitions where one run takes seconds (counts in the column); e2e = a new Node process running sharp(png).convolve().png().toFile(), ${quick ? '1 run' : "5 runs alternating with the CLI's for 3x3 and 5x5, 1 run for the slower kernels"}.`,
  blur ? `Context: sharp blur(3) (separable, SIMD) on the same pixels: ${ms(blur.best)} ms best, ${ms(blur.median)} ms median.` : '',
  'Preview: runStack() on a 1920x1080 proxy in shared memory (as the engine host keeps its proxies), a new result buffer every run, alternating two versions of the kernel (a kernel edit), median of 15 after 3 warm-ups.',
  '24 MP engine: shared input, a new result buffer every run, median of 3.',
  last?.cli24 ? `24 MP (6000x4000) CLI with the 31x31 kernel: ${ms(last.cli24.wall)} ms, peak RSS ${last.cli24.rss.toFixed(0)} MB.` : ''
].filter(Boolean)
const learnTables = await benchLearn({ root, dir, png12, quick, log })
const layerTable = await benchLayers({ image: image12, runStack, timed, ms, log, quick })
process.stdout.write(`\n${table}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n\n${learnTables}\n\n${layerTable}\n`)
process.stdout.write(`\n${await (await import('./bench-batch.mjs')).benchBatch({ root, dir, quick, log })}`)
process.stdout.write(`\n${await benchPreview({ root, dir, png12, png24, quick, log })}`)
process.exit(0)
