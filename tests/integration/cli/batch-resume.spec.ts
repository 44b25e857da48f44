// @vitest-environment node
// `kernel-studio batch` killed with SIGKILL in the middle of a run, twice, then run again with --skip-existing:
// every output complete and valid, none partial, none written twice. And Ctrl-C/SIGTERM stop a run cleanly.
import { spawn, spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, SAMPLES, ensureCliBuilt, runCli } from './cli'

let work: string
let input: string
const COUNT = 12
const LOOK = ['--preset', 'gaussian-blur:size=5,sigma=1', '--preset', 'sharpen', '--progress', 'json', '--jobs', '2']

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-cli-batch-resume-'))
  input = join(work, 'in')
  await mkdir(input)
  const samples = ['chelsea.png', 'coffee.png', 'astronaut.png', 'rocket.jpg']
  for (let i = 0; i < COUNT; i++) {
    // Big enough that a run takes a few seconds, so the kills land while files are in flight.
    let photo = sharp(join(SAMPLES, samples[i % 4])).removeAlpha().resize(1800, 1200, { fit: 'fill' })
    if (i >= 4) photo = photo.flop()
    if (i >= 8) photo = photo.flip()
    await photo.png({ compressionLevel: 1 }).toFile(join(input, `p${String(i).padStart(2, '0')}.png`))
  }
}, 120_000)
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

interface Run {
  readonly events: { type: string; status?: string; output?: string }[]
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/** Runs batch with --progress json and sends `signal` once `after` files have been written (never, if undefined). */
function runBatch(args: readonly string[], after?: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, 'batch', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    const events: Run['events'] = []
    let buffered = ''
    let files = 0
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        const event = JSON.parse(line) as Run['events'][number]
        events.push(event)
        if (event.type === 'file' && event.status === 'done' && ++files === after) child.kill(signal)
      }
    })
    child.stderr.resume()
    child.on('error', reject)
    child.on('close', (code, sig) => resolvePromise({ events, code, signal: sig }))
  })
}

const written = (run: Run): string[] =>
  run.events.filter((e) => e.type === 'file' && e.status === 'done').map((e) => e.output as string)

async function mtimes(dir: string): Promise<Map<string, number>> {
  const names = await readdir(dir)
  return new Map(await Promise.all(names.map(async (n) => [join(dir, n), (await stat(join(dir, n))).mtimeMs] as const)))
}

describe('kernel-studio batch, interrupted', () => {
  it('resumes after kill -9 with --skip-existing: every output complete, none partial, none done twice', async () => {
    const reference = join(work, 'reference')
    const clean = await runBatch([input, '-d', reference, ...LOOK])
    expect(clean.code).toBe(0)

    const out = join(work, 'out')
    const first = await runBatch([input, '-d', out, ...LOOK], 2)
    expect(first.signal).toBe('SIGKILL')
    const second = await runBatch([input, '-d', out, ...LOOK, '--skip-existing'], 3)
    expect(second.signal).toBe('SIGKILL')
    const doneBefore = [...written(first), ...written(second)]
    expect(doneBefore.length).toBeGreaterThanOrEqual(5)
    expect(doneBefore.length).toBeLessThan(COUNT)
    // Whatever the kills interrupted, no file under its final name is partial: each one there is complete.
    const before = await mtimes(out)
    for (const [path] of before) {
      if (path.endsWith('.tmp')) continue
      expect((await sharp(path, { failOn: 'truncated' }).raw().toBuffer()).length).toBeGreaterThan(0)
    }

    // A temp file as a kill -9 between writing and renaming leaves it (its writer's process is gone) is removed by
    // the next run that writes or skips its target; another name's is not this run's to touch.
    const dead = spawnSync(process.execPath, ['-e', '']).pid
    await writeFile(join(out, `.p00.png.${dead}.0123456789ab.tmp`), 'partial')
    await writeFile(join(out, `.other.png.${dead}.0123456789ab.tmp`), 'not ours')
    const report = join(work, 'final.jsonl')
    const last = await runBatch([input, '-d', out, ...LOOK, '--skip-existing', '--report', report])
    expect(last.code).toBe(0)
    const lines = (await readFile(report, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { output: string; status: string })
    expect(lines).toHaveLength(COUNT)
    const skipped = lines.filter((l) => l.status === 'skipped').map((l) => l.output).sort()
    const redone = lines.filter((l) => l.status === 'done').map((l) => l.output)
    // Files finished before a kill are skipped, not written again; the others are written now, once each.
    expect(skipped).toEqual(expect.arrayContaining(doneBefore.sort()))
    expect(redone.filter((o) => doneBefore.includes(o))).toEqual([])
    expect(skipped.length + redone.length).toBe(COUNT)
    const after = await mtimes(out)
    for (const output of skipped) expect(after.get(output)).toBe(before.get(output))

    // No temp file is left, and every output has exactly the pixels of an uninterrupted run.
    await rm(join(out, `.other.png.${dead}.0123456789ab.tmp`))
    const names = (await readdir(out)).sort()
    expect(names).toEqual((await readdir(reference)).sort())
    expect(names).toHaveLength(COUNT)
    for (const name of names) {
      const [a, b] = await Promise.all([join(out, name), join(reference, name)].map((p) => sharp(p, { failOn: 'truncated' }).raw().toBuffer()))
      expect(a.equals(b)).toBe(true)
    }
  }, 300_000)

  it.each(['SIGINT', 'SIGTERM'] as const)('stops promptly on %s, leaving only complete files, exit code 128 + signal', async (signal) => {
    const out = join(work, `stopped-${signal}`)
    const run = await runBatch([input, '-d', out, ...LOOK], 1, signal)
    expect(run.code).toBe(signal === 'SIGINT' ? 130 : 143)
    const end = run.events.at(-1) as { type: string; cancelled?: boolean; written?: number }
    expect(end).toMatchObject({ type: 'end', cancelled: true })
    expect(end.written).toBeLessThan(COUNT)
    const names = await readdir(out)
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([])
    expect(names.sort()).toEqual(written(run).map((p) => p.slice(out.length + 1)).sort())
    // The stopped run resumes like a killed one.
    const rest = await runCli(['batch', input, '-d', out, ...LOOK.slice(0, 4), '--skip-existing', '--progress', 'none'])
    expect(rest.code).toBe(0)
    expect(rest.stdout).toMatch(new RegExp(`^done: ${COUNT - names.length} written, ${names.length} skipped, 0 failed of ${COUNT} `))
  }, 120_000)
})
