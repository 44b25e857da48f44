// @vitest-environment node
// Three `kernel-studio batch --shard K/3` processes at once over the same folders, writing into one folder, as
// the nodes of a cluster job would: each input is done by exactly one of them, nothing is clobbered, and
// `--shard auto` makes the same split from a Kubernetes Indexed Job's or a Slurm array's environment.
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, SAMPLES, ensureCliBuilt } from './cli'

let work: string
const folders: string[] = []
const inputs: string[] = []

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-cli-batch-shards-'))
  const samples = ['chelsea.png', 'coffee.png', 'astronaut.png', 'rocket.jpg']
  for (const shoot of ['monday', 'tuesday']) {
    const folder = join(work, shoot)
    folders.push(folder)
    for (let i = 0; i < 10; i++) {
      const sub = i % 3 === 0 ? join(folder, 'picks') : folder
      await mkdir(sub, { recursive: true })
      const path = join(sub, `${shoot}-${i}.png`)
      await sharp(join(SAMPLES, samples[i % 4])).resize(160 + 8 * i, 120).png().toFile(path)
      inputs.push(path)
    }
  }
}, 60_000)
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

function run(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, 'batch', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code, stderr }))
  })
}

async function reportInputs(path: string): Promise<string[]> {
  const lines = (await readFile(path, 'utf8')).trim().split('\n').filter(Boolean)
  return lines.map((l) => JSON.parse(l) as { input: string; status: string }).map((l) => {
    expect(l.status).toBe('done')
    return l.input
  })
}

/** Runs three shards at once, each given its shard by `shardOf(k)`; returns the inputs each one did. */
async function threeShards(out: string, shardOf: (k: number) => { args: string[]; env?: NodeJS.ProcessEnv }): Promise<string[][]> {
  const common = [...folders, '-d', out, '--preset', 'sharpen', '--name', '{dir}/{name}.{ext}', '--progress', 'none', '--jobs', '2']
  const results = await Promise.all(
    [1, 2, 3].map((k) => {
      const { args, env } = shardOf(k)
      return run([...common, ...args, '--report', join(out, `..`, `${out.split('/').at(-1)}-${k}.jsonl`)], env)
    })
  )
  for (const r of results) {
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  }
  return Promise.all([1, 2, 3].map((k) => reportInputs(join(out, '..', `${out.split('/').at(-1)}-${k}.jsonl`))))
}

describe('kernel-studio batch --shard', () => {
  it('splits the same folders between three processes running at once: every input exactly once', async () => {
    const out = join(work, 'out')
    const done = await threeShards(out, (k) => ({ args: ['--shard', `${k}/3`] }))
    for (const shard of done) expect(shard.length).toBeGreaterThan(0)
    const all = done.flat()
    expect(all.sort()).toEqual([...inputs].sort())
    expect(new Set(all).size).toBe(inputs.length)
    const written = (await readdir(out, { recursive: true })).filter((n) => n.endsWith('.png')).sort()
    expect(written).toEqual(['picks/monday-0.png', 'picks/monday-3.png', 'picks/monday-6.png', 'picks/monday-9.png', 'monday-1.png', 'monday-2.png', 'monday-4.png', 'monday-5.png', 'monday-7.png', 'monday-8.png', 'picks/tuesday-0.png', 'picks/tuesday-3.png', 'picks/tuesday-6.png', 'picks/tuesday-9.png', 'tuesday-1.png', 'tuesday-2.png', 'tuesday-4.png', 'tuesday-5.png', 'tuesday-7.png', 'tuesday-8.png'].sort())
    expect((await readdir(out, { recursive: true })).filter((n) => n.endsWith('.tmp'))).toEqual([])
    for (const name of written) expect((await sharp(join(out, name), { failOn: 'truncated' }).metadata()).format).toBe('png')

    // --shard auto gives the same split from a Kubernetes Indexed Job (0-based index) and from a Slurm array (1-8 style).
    const k8s = await threeShards(join(work, 'k8s'), (k) => ({ args: ['--shard', 'auto'], env: { JOB_COMPLETION_INDEX: String(k - 1), JOB_COMPLETIONS: '3' } }))
    expect(k8s.map((s) => s.sort())).toEqual(done.map((s) => s.sort()))
    const slurm = await threeShards(join(work, 'slurm'), (k) => ({
      args: ['--shard', 'auto'],
      env: { SLURM_ARRAY_TASK_ID: String(k), SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '3' }
    }))
    expect(slurm.map((s) => s.sort())).toEqual(done.map((s) => s.sort()))
  }, 180_000)
})
