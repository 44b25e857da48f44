// The learn rows of `npm run bench` (also alone: `node scripts/bench.mjs --only learn`): `kernel-studio learn` end to
// end (decode both PNGs, fit, print) on a 12 MP pair, the AFTER made by sharp's gaussian blur, as a new process.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

const SIGMA = 1.5

/** Second-moment sigma of a square kernel given as rows (weights over their sum, columns and rows averaged). */
function spread(rows) {
  const centre = (rows.length - 1) / 2
  let sum = 0
  let xx = 0
  let yy = 0
  rows.forEach((row, r) =>
    row.forEach((w, c) => {
      sum += w
      xx += w * (c - centre) ** 2
      yy += w * (r - centre) ** 2
    })
  )
  return (Math.sqrt(xx / sum) + Math.sqrt(yy / sum)) / 2
}

/** Runs the learn benchmark and returns its table and notes as Markdown. */
export async function benchLearn({ root, dir, png12, quick, log }) {
  const { default: sharp } = await import('sharp')
  const after = join(dir, 'learn-after-12mp.png')
  if (!existsSync(after)) {
    log(`generating learn-after-12mp.png (the 12 MP photo blurred by sharp, sigma ${SIGMA}, float mask)`)
    await sharp(png12).blur({ sigma: SIGMA, precision: 'float', minAmplitude: 0.001 }).png().toFile(after)
  }
  const bin = join(root, 'bin', 'kernel-studio.js')
  const hasTime = existsSync('/usr/bin/time')
  const rows = []
  for (const size of [3, 9]) {
    log(`learn ${size}x${size} on 12 MP, CLI end to end`)
    const runs = []
    let json
    for (let i = 0; i < (quick ? 1 : 5); i++) {
      const args = [bin, 'learn', png12, after, '--size', String(size), '--json']
      const t0 = performance.now()
      const result = hasTime
        ? spawnSync('/usr/bin/time', ['-v', process.execPath, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 })
        : spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 })
      const wall = performance.now() - t0
      if (result.status !== 0) throw new Error(`kernel-studio learn failed:\n${result.stderr}`)
      json = JSON.parse(result.stdout)
      const field = (name) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(result.stderr)?.[1] ?? NaN)
      runs.push({ wall, cpu: (field('User time \\(seconds\\)') + field('System time \\(seconds\\)')) * 1000, rss: field('Maximum resident set size \\(kbytes\\)') / 1024 })
    }
    const walls = runs.map((r) => r.wall).sort((a, b) => a - b)
    const cpus = runs.map((r) => r.cpu).sort((a, b) => a - b)
    const median = (sorted) => sorted[Math.floor((sorted.length - 1) / 2)]
    rows.push([
      `${size}x${size} from a 12 MP pair`,
      `${walls[0].toFixed(0)} / ${median(walls).toFixed(0)}`,
      hasTime ? median(cpus).toFixed(0) : '-',
      hasTime ? Math.max(...runs.map((r) => r.rss)).toFixed(0) : '-',
      `${json.windows} of ${json.validWindows}${json.sampled ? ' (sampled)' : ''}`,
      json.rms.toFixed(3),
      spread(json.kernels[0].weights).toFixed(3)
    ])
  }
  const head = ['learn (CLI end to end)', 'wall ms (best / median)', 'CPU ms (median, all threads)', 'peak RSS MB', 'windows fitted', 'rms residual (levels)', `learnt sigma (true ${SIGMA})`]
  const table = [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n')
  const notes = [
    `Learn: \`kernel-studio learn photo-12mp.png learn-after-12mp.png --size K --json\` as a new process (both PNGs decoded, the fit, JSON printed), ${quick ? '1 run' : '5 runs'}; AFTER is the 4000x3000 photo blurred by sharp (libvips gaussblur, sigma ${SIGMA}, float mask); x 3 colour channels per window. Target: 9x9 under 3 s on 2 cores. The photo is an upscaled sample, so it holds little fine detail and a 3x3 window cannot hold the whole blur (hence its larger residual and sigma).`
  ]
  return `${table}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`
}
