// The batch row of `npm run bench` (also alone: `node scripts/bench.mjs --only batch`): 12 photos of 12 MP JPEG ->
// gaussian 5x5 sigma 1 then sharpen 3x3 -> JPEG q90 with `kernel-studio batch`, against one Node process running
// sharp on the same photos (sharp.concurrency = cores, two photos in flight, .blur(1).convolve(sharpen)), runs
// alternating; then a longer batch of 48 such photos the same way, as a folder of a shoot is, where start-up
// counts less; then the batch's peak memory on 24 MP photos. Real processes, peak RSS from /usr/bin/time -v.
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'

const SAMPLES = ['coffee.png', 'chelsea.png', 'astronaut.png', 'rocket.jpg']
const SHARPEN = { width: 3, height: 3, kernel: [0, -1, 0, -1, 5, -1, 0, -1, 0], scale: 1, offset: 0 }
/**
 * What `kernel-studio batch` writes for JPEG at quality 90 (src/io/encode-image.ts with the batch's settings):
 * full-resolution chroma, standard Huffman tables. The sharp pipeline writes the same, so both do the same work.
 */
const SAME_JPEG = { quality: 90, chromaSubsampling: '4:4:4', optimiseCoding: false }
/** sharp's own defaults at quality 90 (4:2:0 chroma, Huffman tables optimised per image), for context. */
const SHARP_DEFAULT_JPEG = { quality: 90 }

/** `count` JPEGs of width x height made from the sample photos (resized, mirrored), in `folder`; made once. */
async function photos(root, folder, count, width, height, log) {
  mkdirSync(folder, { recursive: true })
  const names = Array.from({ length: count }, (_, i) => `photo-${String(i + 1).padStart(2, '0')}.jpg`)
  if (names.every((n) => existsSync(join(folder, n)))) return folder
  log(`generating ${count} photos of ${width}x${height} JPEG in ${folder}`)
  for (let i = 0; i < count; i++) {
    let photo = sharp(join(root, 'resources', 'samples', SAMPLES[i % 4])).removeAlpha().resize({ width, height, fit: 'cover', kernel: 'lanczos3' })
    if (i & 4) photo = photo.flop()
    if (i & 8) photo = photo.flip()
    await photo.jpeg({ quality: 92 }).toFile(join(folder, names[i]))
  }
  return folder
}

const hasTime = existsSync('/usr/bin/time')

/** Runs `node args...` once: wall ms, CPU ms (user + system, all threads) and peak RSS MB. */
function measure(args, env) {
  const t0 = performance.now()
  const result = hasTime
    ? spawnSync('/usr/bin/time', ['-v', process.execPath, ...args], { encoding: 'utf8', env })
    : spawnSync(process.execPath, ['--eval', RSS_WRAPPER, ...args], { encoding: 'utf8', env })
  const wall = performance.now() - t0
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed:\n${result.stderr}`)
  const field = (name) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(result.stderr)?.[1] ?? NaN)
  return {
    wall,
    stdout: result.stdout,
    cpu: (field('User time \\(seconds\\)') + field('System time \\(seconds\\)')) * 1000,
    rss: field('Maximum resident set size \\(kbytes\\)') / 1024
  }
}
// Without /usr/bin/time: the child reports its own peak RSS and CPU time in the same words.
const RSS_WRAPPER =
  "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write(`\\nUser time (seconds): ${u.userCPUTime / 1e6}\\nSystem time (seconds): ${u.systemCPUTime / 1e6}\\nMaximum resident set size (kbytes): ${u.maxRSS}\\n`) });" +
  'const [script, ...rest] = process.argv.slice(1); process.argv = [process.argv[0], script, ...rest]; import(require("node:url").pathToFileURL(script).href)'

function folderBytes(folder) {
  return readdirSync(folder).reduce((n, f) => n + statSync(join(folder, f)).size, 0)
}

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  return { best: sorted[0], median: sorted[Math.floor((sorted.length - 1) / 2)] }
}

/**
 * Measures the batch row. `root`: the repository; `dir`: .bench; returns the table and its notes as Markdown.
 */
export async function benchBatch({ root, dir, quick, log }) {
  const threads = cpus().length
  // The CLI from the current sources, built apart from out/node (which `npm run build:node` may be rewriting).
  const cliDir = join(dir, 'batch-cli')
  execFileSync(process.execPath, [join(root, 'scripts', 'build-wasm.mjs')], { stdio: ['ignore', 2, 2] })
  log('batch: building the CLI into .bench/batch-cli')
  execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(root, 'vite.node.config.ts'), '--outDir', cliDir, '--emptyOutDir'], {
    cwd: root,
    stdio: ['ignore', 2, 2]
  })
  const env = { ...process.env, KERNEL_STUDIO_WORKER: join(cliDir, 'engine-worker.js') }
  const cli = join(cliDir, 'cli.js')

  const input12 = await photos(root, join(dir, 'batch-12mp'), 12, 4000, 3000, log)
  const sharpScript = join(dir, 'sharp-batch.mjs')
  writeFileSync(
    sharpScript,
    [
      '// sharp through its CommonJS build, as kernel-studio loads it (src/io/sharp.ts): its ES module build costs a',
      '// process about 0.2 s more CPU to load, which would count against sharp here.',
      "import { createRequire } from 'node:module'",
      "import { readdirSync } from 'node:fs'",
      "import { join } from 'node:path'",
      "const sharp = createRequire(import.meta.url)('sharp')",
      `sharp.concurrency(${threads})`,
      'const [input, output, jpeg] = process.argv.slice(2)',
      "const files = readdirSync(input).filter((f) => f.endsWith('.jpg'))",
      'let next = 0',
      'const lane = async () => {',
      '  while (next < files.length) {',
      '    const file = files[next++]',
      `    await sharp(join(input, file)).blur(1).convolve(${JSON.stringify(SHARPEN)}).jpeg(JSON.parse(jpeg)).toFile(join(output, file))`,
      '    // When each photo is done, for the steady-state rate.',
      "    process.stdout.write(`${performance.now()}\\n`)",
      '  }',
      '}',
      '// Two photos in flight.',
      'await Promise.all([lane(), lane()])'
    ].join('\n')
  )
  const outKs = join(dir, 'batch-out-ks')
  const outSame = join(dir, 'batch-out-sharp')
  const outDefault = join(dir, 'batch-out-sharp-default')
  for (const folder of [outKs, outSame, outDefault]) {
    rmSync(folder, { recursive: true, force: true })
    mkdirSync(folder, { recursive: true })
  }
  const ks = (input, out) =>
    measure([cli, 'batch', input, '-d', out, '--preset', 'gaussian-blur:size=5,sigma=1', '--preset', 'sharpen', '--format', 'jpg', '--quality', '90', '--force', '--progress', 'json'], env)
  const sharpRun = (out, jpeg, input = input12) => measure([sharpScript, input, out, JSON.stringify(jpeg)], env)

  const runs = quick ? 1 : 3
  const results = { ks: [], same: [], sharpDefault: [] }
  // Other work on the same cores moves wall times a lot (CPU time much less): said next to the figures.
  const load = (values) => values.map((v) => v.toFixed(2)).join(' ')
  const loadBefore = loadavg()
  for (let i = 0; i < runs; i++) {
    log(`batch: run ${i + 1} of ${runs} (kernel-studio batch, sharp with the same JPEG settings, sharp's defaults)`)
    results.ks.push(ks(input12, outKs))
    results.same.push(sharpRun(outSame, SAME_JPEG))
    results.sharpDefault.push(sharpRun(outDefault, SHARP_DEFAULT_JPEG))
  }
  const perMinute = (ms) => (12 * 60_000) / ms
  const wall = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, stats(v.map((r) => r.wall))]))
  const cpu = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, stats(v.map((r) => r.cpu)).median]))
  const rss = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Math.max(...v.map((r) => r.rss))]))
  // Photos per minute once the first photo is done (the engine's buffers allocated and touched, its code warm), from
  // when each photo finished: what a long batch sees.
  const doneTimes = (key, run) =>
    key === 'ks'
      ? run.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.type === 'file').map((e) => e.elapsedMs)
      : run.stdout.split('\n').filter(Boolean).map(Number)
  const steady = Object.fromEntries(
    Object.entries(results).map(([k, v]) => [
      k,
      stats(
        v.map((run) => {
          const times = doneTimes(k, run).sort((a, b) => a - b)
          return ((times.length - 1) * 60_000) / (times.at(-1) - times[0])
        })
      ).median
    ])
  )

  const loadAfter = loadavg()
  // A longer batch: the same photos four times over (48 files), two runs each, alternating.
  let long
  if (!quick) {
    log('batch: 48 photos (kernel-studio batch, sharp with the same JPEG settings)')
    const input48 = join(dir, 'batch-12mp-48')
    mkdirSync(input48, { recursive: true })
    for (const name of readdirSync(input12)) {
      for (let copy = 1; copy <= 4; copy++) {
        const to = join(input48, name.replace('.jpg', `-${copy}.jpg`))
        if (!existsSync(to)) copyFileSync(join(input12, name), to)
      }
    }
    // Folders of their own, so that the output sizes below stay those of the 12 photos.
    const [outKs48, outSame48] = [join(dir, 'batch-out-ks-48'), join(dir, 'batch-out-sharp-48')]
    for (const folder of [outKs48, outSame48]) mkdirSync(folder, { recursive: true })
    const runs48 = { ks: [], same: [] }
    for (let i = 0; i < 2; i++) {
      runs48.ks.push(ks(input48, outKs48).wall)
      runs48.same.push(sharpRun(outSame48, SAME_JPEG, input48).wall)
    }
    long = { ks: Math.min(...runs48.ks), same: Math.min(...runs48.same) }
  }
  let rss24
  if (!quick) {
    log('batch: peak memory on 24 MP photos')
    const input24 = await photos(root, join(dir, 'batch-24mp'), 6, 6000, 4000, log)
    const out24 = join(dir, 'batch-out-24mp')
    mkdirSync(out24, { recursive: true })
    rss24 = ks(input24, out24)
  }

  const pm = (s) => `${perMinute(s.best).toFixed(0)} / ${perMinute(s.median).toFixed(0)}`
  const head = [
    'batch (12 photos, 12 MP JPEG -> gaussian 5x5 sigma 1, sharpen 3x3 -> JPEG q90)',
    'kernel-studio batch photos/min (best / median)',
    'sharp, same JPEG settings, photos/min',
    'batch vs sharp (best, median)',
    "sharp's JPEG defaults, photos/min",
    'batch vs sharp defaults (best)',
    'after the first photo, photos/min (median): batch / sharp same / defaults',
    '48 photos, photos/min (best of 2): batch / sharp same, ratio',
    'CPU s per run: batch / sharp same / sharp defaults',
    'peak RSS MB 12 MP: batch / sharp same / defaults',
    'batch peak RSS MB, 24 MP',
    'output MB: batch / sharp same / defaults'
  ]
  const row = [
    `${threads} cores, ${runs} run${runs > 1 ? 's' : ''} each, alternating`,
    pm(wall.ks),
    pm(wall.same),
    `${(wall.same.best / wall.ks.best).toFixed(2)}x, ${(wall.same.median / wall.ks.median).toFixed(2)}x`,
    pm(wall.sharpDefault),
    `${(wall.sharpDefault.best / wall.ks.best).toFixed(2)}x`,
    `${steady.ks.toFixed(0)} / ${steady.same.toFixed(0)} / ${steady.sharpDefault.toFixed(0)}`,
    long ? `${((48 * 60_000) / long.ks).toFixed(0)} / ${((48 * 60_000) / long.same).toFixed(0)}, ${(long.same / long.ks).toFixed(2)}x` : 'skipped (--quick)',
    `${(cpu.ks / 1000).toFixed(1)} / ${(cpu.same / 1000).toFixed(1)} / ${(cpu.sharpDefault / 1000).toFixed(1)}`,
    `${rss.ks.toFixed(0)} / ${rss.same.toFixed(0)} / ${rss.sharpDefault.toFixed(0)}`,
    rss24 ? `${rss24.rss.toFixed(0)} (6 photos, ${(rss24.wall / 1000).toFixed(1)} s)` : 'skipped (--quick)',
    `${(folderBytes(outKs) / 1e6).toFixed(1)} / ${(folderBytes(outSame) / 1e6).toFixed(1)} / ${(folderBytes(outDefault) / 1e6).toFixed(1)}`
  ]
  const table = [head, head.map(() => '---'), row].map((cells) => `| ${cells.join(' | ')} |`).join('\n')
  const notes = [
    `Batch: \`kernel-studio batch .bench/batch-12mp -d OUT --preset gaussian-blur:size=5,sigma=1 --preset sharpen --format jpg --quality 90\` as a new process (its default --jobs), against one Node process running sharp ${sharp.versions?.sharp ?? ''} with sharp.concurrency(${threads}) and two photos in flight: \`.blur(1).convolve(sharpen).jpeg()\` (sharp loaded through its CommonJS build, as the CLI loads it). Photos per minute from wall time, process start-up included on both sides.`,
    '48 photos: the 12 photos four times over as 48 files (a shoot is hundreds), the same commands, two runs each, alternating: start-up included, spread over four times as many photos.',
    'After the first photo: the photos finished after the first one, per minute from the first to the last to finish (the batch\'s --progress json events, the sharp script\'s timestamps), median run: the rate of a long batch, without start-up and the first touch of the engine\'s buffers.',
    `Load average (1/5/15 min) at the start of the runs: ${load(loadBefore)}; at their end: ${load(loadAfter)}.`,
    `"Same JPEG settings": what the batch writes at q90, ${JSON.stringify(SAME_JPEG)} (identical pixels need no second Huffman pass; it costs 5-8x the encode time and a copy of every coefficient in memory). "sharp's defaults": ${JSON.stringify(SHARP_DEFAULT_JPEG)}, i.e. 4:2:0 chroma and optimised Huffman tables: smaller files, different pixels.`
  ]
  return `${table}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`
}
