// @vitest-environment node
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { planBatch } from '../../../src/batch/plan'
import { shardOf } from '../../../src/batch/shard'

let dir: string
let photos: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ks-plan-'))
  photos = join(dir, 'photos')
  for (const file of ['a.jpg', 'b.png', 'c.BMP', 'x/d.jpg', 'x/y/e.tif', 'x/f.webp', 'g.gif', 'h.avif', 'i.jpeg', 'j.png']) {
    await mkdir(join(photos, file, '..'), { recursive: true })
    await writeFile(join(photos, file), 'x')
  }
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const error = (promise: Promise<unknown>): Promise<{ message: string; code: string }> =>
  promise.then(
    () => ({ message: 'resolved', code: '' }),
    (err: Error & { code: string }) => ({ message: err.message, code: err.code })
  )

describe('planBatch', () => {
  it('names every output and numbers the inputs before sharding', async () => {
    const out = join(dir, 'out')
    const plan = await planBatch({ inputs: [photos], outDir: out, name: '{dir}/{index:2}-{name}.{ext}', format: 'jpeg' })
    expect(plan.inputs).toBe(9)
    expect(plan.jobs.map((j) => [j.input.relative, j.output.slice(out.length + 1), j.format?.id, j.skip])).toEqual([
      ['a.jpg', '01-a.jpg', 'jpeg', false],
      ['b.png', '02-b.jpg', 'jpeg', false],
      ['g.gif', '03-g.jpg', 'jpeg', false],
      ['h.avif', '04-h.jpg', 'jpeg', false],
      ['i.jpeg', '05-i.jpg', 'jpeg', false],
      ['j.png', '06-j.jpg', 'jpeg', false],
      ['x/d.jpg', 'x/07-d.jpg', 'jpeg', false],
      ['x/f.webp', 'x/08-f.jpg', 'jpeg', false],
      ['x/y/e.tif', 'x/y/09-e.jpg', 'jpeg', false]
    ])
  })

  it('gives each shard the files of its hash, with the same numbers as the whole run', async () => {
    const whole = await planBatch({ inputs: [photos], outDir: join(dir, 'out'), name: '{dir}/{index}.{ext}' })
    const shards = await Promise.all([1, 2, 3].map((index) => planBatch({ inputs: [photos], outDir: join(dir, 'out'), name: '{dir}/{index}.{ext}', shard: { index, count: 3 } })))
    shards.forEach((plan, k) => {
      expect(plan.inputs).toBe(9)
      for (const job of plan.jobs) expect(shardOf(job.input.relative, 3)).toBe(k + 1)
    })
    const union = shards.flatMap((p) => p.jobs).sort((a, b) => a.index - b.index)
    expect(union).toEqual(whole.jobs)
  })

  it("keeps a file's own problem in its job when the extension comes from the input", async () => {
    const plan = await planBatch({ inputs: [photos, join(photos, 'c.BMP')], outDir: join(dir, 'out'), quality: 80 })
    const problems = Object.fromEntries(plan.jobs.map((j) => [j.input.relative, j.problem?.code]))
    expect(problems).toEqual({
      'a.jpg': undefined,
      'b.png': 'bad-options',
      'g.gif': 'bad-options',
      'h.avif': undefined,
      'i.jpeg': undefined,
      'j.png': 'bad-options',
      'x/d.jpg': undefined,
      'x/f.webp': undefined,
      'x/y/e.tif': 'bad-options',
      'c.BMP': 'unsupported-format'
    })
  })

  it('refuses problems of the whole run with one coded line each', async () => {
    const out = join(dir, 'out')
    expect(await error(planBatch({ inputs: [photos], outDir: out, name: '{name}.png', format: 'jpeg' }))).toEqual({
      message: '--name "{name}.png" gives a.png, not a JPEG name as --format asks',
      code: 'bad-options'
    })
    expect(await error(planBatch({ inputs: [photos], outDir: out, name: '{name}' }))).toMatchObject({ code: 'unsupported-format' })
    expect(await error(planBatch({ inputs: [photos], outDir: out, name: 'same.jpg' }))).toEqual({
      message: `${join(photos, 'a.jpg')} and ${join(photos, 'b.png')} would both be written to ${join(out, 'same.jpg')} (put {name} or {index} in --name)`,
      code: 'bad-options'
    })
    // The hint names only what tells the two files apart: the same name in two input folders needs {index}, the
    // same name in two subfolders of one input {dir}/ too.
    const copy = join(dir, 'copy')
    await mkdir(copy, { recursive: true })
    await writeFile(join(copy, 'a.jpg'), 'x')
    expect(await error(planBatch({ inputs: [photos, copy], outDir: out }))).toEqual({
      message: `${join(photos, 'a.jpg')} and ${join(copy, 'a.jpg')} would both be written to ${join(out, 'a.jpg')} (put {index} in --name)`,
      code: 'bad-options'
    })
    await writeFile(join(photos, 'x', 'a.jpg'), 'x')
    try {
      expect(await error(planBatch({ inputs: [photos], outDir: out }))).toEqual({
        message: `${join(photos, 'a.jpg')} and ${join(photos, 'x', 'a.jpg')} would both be written to ${join(out, 'a.jpg')} (put {dir}/ or {index} in --name)`,
        code: 'bad-options'
      })
    } finally {
      await rm(join(photos, 'x', 'a.jpg'))
    }
    expect(await error(planBatch({ inputs: [photos], outDir: join(photos, 'a.jpg') }))).toEqual({
      message: `cannot write to ${join(photos, 'a.jpg')}: it is not a folder`,
      code: 'unwritable'
    })
    // Writing into the input folder itself: 0.png (index 1) would become 1.jpg, which is the next input.
    const mixed = join(dir, 'mixed')
    await mkdir(mixed)
    await writeFile(join(mixed, '0.png'), 'x')
    await writeFile(join(mixed, '1.jpg'), 'x')
    expect(await error(planBatch({ inputs: [join(mixed, '0.png'), join(mixed, '1.jpg')], outDir: mixed, name: '{index}.jpg', existing: 'overwrite' }))).toEqual({
      message: `${join(mixed, '1.jpg')} would be written by one file and read as another input (${join(mixed, '1.jpg')})`,
      code: 'bad-options'
    })
  })

  it('refuses existing outputs, or skips them, or overwrites them', async () => {
    const out = join(dir, 'existing')
    await mkdir(out, { recursive: true })
    await writeFile(join(out, 'a.jpg'), 'done before')
    await writeFile(join(out, 'i.jpeg'), 'done before')
    expect(await error(planBatch({ inputs: [photos], outDir: out }))).toEqual({
      message: `2 outputs exist already, e.g. ${join(out, 'a.jpg')}; --skip-existing resumes a run`,
      code: 'exists'
    })
    const skip = await planBatch({ inputs: [photos], outDir: out, existing: 'skip' })
    expect(skip.jobs.filter((j) => j.skip).map((j) => j.input.relative)).toEqual(['a.jpg', 'i.jpeg'])
    const overwrite = await planBatch({ inputs: [photos], outDir: out, existing: 'overwrite' })
    expect(overwrite.jobs.filter((j) => j.skip)).toEqual([])
  })
})
