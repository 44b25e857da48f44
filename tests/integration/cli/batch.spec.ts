// @vitest-environment node
// `kernel-studio batch` as a real process on real files: bad files in the middle, name templates, existing
// outputs, JSON progress, the report, and the same pixels as `apply`.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hugeHeaderPng } from '../../unit/io/images'
import { BIN, SAMPLES, ensureCliBuilt, runCli } from './cli'

let work: string
let photos: string

/** Every file under `dir`, relative, '/'-separated, sorted (temp files included). */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort()
}

async function pixels(path: string): Promise<Buffer> {
  return sharp(path, { failOn: 'truncated' }).raw().toBuffer()
}

const LOOK = ['--preset', 'gaussian-blur:size=5,sigma=1', '--preset', 'sharpen']

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-cli-batch-'))
  photos = join(work, 'photos')
  await mkdir(join(photos, '2024', 'summer'), { recursive: true })
  await sharp(join(SAMPLES, 'chelsea.png')).toFile(join(photos, 'a-cat.png'))
  await sharp(join(SAMPLES, 'coffee.png')).resize(300).jpeg({ quality: 92 }).toFile(join(photos, '2024', 'coffee.jpg'))
  await sharp(join(SAMPLES, 'astronaut.png')).resize(200).toFile(join(photos, '2024', 'summer', 'astronaut.png'))
  await sharp(join(SAMPLES, 'rocket.jpg')).resize(240).webp().toFile(join(photos, 'z-rocket.webp'))
  await writeFile(join(photos, 'notes.txt'), 'not an image, and folders only contribute images')
}, 60_000)
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('kernel-studio batch', () => {
  it('writes every image of a folder, recursively, with the same pixels as apply', async () => {
    const out = join(work, 'out-plain')
    const result = await runCli(['batch', photos, '-d', out, ...LOOK, '--name', '{dir}/{name}.{ext}', '--progress', 'none'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^done: 4 written, 0 skipped, 0 failed of 4 in [\d.]+ s \([\d.]+ MP\/s\)\n$/)
    expect(await tree(out)).toEqual(['2024/coffee.jpg', '2024/summer/astronaut.png', 'a-cat.png', 'z-rocket.webp'])
    const single = join(work, 'single-astronaut.png')
    const applied = await runCli(['apply', join(photos, '2024', 'summer', 'astronaut.png'), '-o', single, ...LOOK])
    expect(applied.code).toBe(0)
    expect((await pixels(join(out, '2024/summer/astronaut.png'))).equals(await pixels(single))).toBe(true)
    expect((await sharp(join(out, '2024/coffee.jpg')).metadata()).format).toBe('jpeg')
    expect((await sharp(join(out, 'z-rocket.webp')).metadata()).format).toBe('webp')
  })

  it('starts a photo again from its file when the engine workers die mid-run (it was being filtered in place)', async () => {
    // Worker threads that exit as they start: the first run fails, that photo is decoded again and filtered on
    // the main thread, and so are the next ones; every output has the pixels of a normal run.
    const dying = join(work, 'dying-worker.mjs')
    await writeFile(dying, 'process.exit(3)\n')
    const input = join(work, 'dying-in')
    await mkdir(input)
    await sharp(join(SAMPLES, 'chelsea.png')).toFile(join(input, 'a.png'))
    await sharp(join(SAMPLES, 'coffee.png')).resize(400).toFile(join(input, 'b.png'))
    const normal = join(work, 'dying-normal')
    const out = join(work, 'dying-out')
    expect((await runCli(['batch', input, '-d', normal, ...LOOK, '--progress', 'none'])).code).toBe(0)
    const result = spawnSync(process.execPath, [BIN, 'batch', input, '-d', out, ...LOOK, '--progress', 'none'], {
      encoding: 'utf8',
      env: { ...process.env, KERNEL_STUDIO_WORKER: dying, KERNEL_STUDIO_DEBUG: '' }
    })
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/^done: 2 written, 0 skipped, 0 failed of 2 /)
    for (const name of ['a.png', 'b.png']) expect((await pixels(join(out, name))).equals(await pixels(join(normal, name))), name).toBe(true)
  })

  it('reports bad files in the middle with their codes, goes on, and exits 1 with a summary naming them', async () => {
    const input = join(work, 'mixed')
    await mkdir(input)
    const good = await readFile(join(photos, '2024', 'coffee.jpg'))
    await writeFile(join(input, '1-good.jpg'), good)
    await writeFile(join(input, '2-corrupt.jpg'), good.subarray(0, Math.floor(good.length / 2)))
    await writeFile(join(input, '3-not-an-image.png'), 'plain text with an image extension')
    await writeFile(join(input, '4-huge.png'), await hugeHeaderPng(30000, 30000))
    await sharp(join(SAMPLES, 'chelsea.png')).toFile(join(input, '5-good.png'))
    const out = join(work, 'out-mixed')
    const report = join(work, 'mixed.jsonl')
    const result = await runCli(['batch', input, '-d', out, ...LOOK, '--report', report, '--jobs', '2'])
    expect(result.code).toBe(1)
    expect(await tree(out)).toEqual(['1-good.jpg', '5-good.png'])
    expect(result.stdout).toMatch(/^done: 2 written, 0 skipped, 3 failed of 5 /)
    const failed = result.stderr.split('\n').filter((line) => line.startsWith('failed: '))
    expect(failed).toEqual([
      expect.stringMatching(/^failed: \S+2-corrupt\.jpg \[corrupt\] cannot read \S+2-corrupt\.jpg: the file is truncated or corrupt/),
      expect.stringMatching(/^failed: \S+3-not-an-image\.png \[unsupported-format\] cannot read \S+: it is not a PNG, JPEG, TIFF, WebP, AVIF or GIF image$/),
      expect.stringMatching(/^failed: \S+4-huge\.png \[too-large\] cannot read \S+: 30000x30000 is 900 MP, over the limit of 256 MP/)
    ])
    // Each failure also had its own line while the run went on; nothing else reached stderr (no stack trace).
    const live = result.stderr.split('\n').filter((line) => line.startsWith('kernel-studio: failed: '))
    expect(live).toHaveLength(3)
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(6)
    const lines = (await readFile(report, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(lines.map((l) => [relative(input, String(l.input)), l.status, l.code]).sort()).toEqual([
      ['1-good.jpg', 'done', undefined],
      ['2-corrupt.jpg', 'failed', 'corrupt'],
      ['3-not-an-image.png', 'failed', 'unsupported-format'],
      ['4-huge.png', 'failed', 'too-large'],
      ['5-good.png', 'done', undefined]
    ])
    for (const line of lines) {
      expect(line.output).toBe(join(out, relative(input, String(line.input))))
      expect(typeof line.ms).toBe('number')
      if (line.status === 'failed') expect(line.error).toMatch(/^cannot read /)
    }
  })

  // Tests run as root here, so a permission bit cannot make a file unreadable; a named pipe cannot be read as an image either.
  it.skipIf(process.platform === 'win32')('reports an input that is not a regular file as unreadable', async () => {
    const input = join(work, 'pipe')
    await mkdir(input)
    expect(spawnSync('mkfifo', [join(input, 'pipe.jpg')]).status).toBe(0)
    const out = join(work, 'out-pipe')
    const result = await runCli(['batch', join(input, 'pipe.jpg'), join(photos, 'a-cat.png'), '-d', out, ...LOOK, '--progress', 'none'])
    expect(result.code).toBe(1)
    expect(result.stderr.split('\n').filter((line) => line.startsWith('failed: '))).toEqual([
      `failed: ${join(input, 'pipe.jpg')} [unreadable] cannot read ${join(input, 'pipe.jpg')}: not a regular file`
    ])
    expect(await tree(out)).toEqual(['a-cat.png'])
  })

  it('reports an output folder it cannot create as unwritable and writes the other files', async () => {
    const out = join(work, 'out-blocked')
    await mkdir(out)
    // A file where {dir} needs the folder 2024.
    await writeFile(join(out, '2024'), 'in the way')
    const result = await runCli(['batch', photos, '-d', out, ...LOOK, '--name', '{dir}/{name}.{ext}', '--progress', 'none'])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^done: 2 written, 0 skipped, 2 failed of 4 /)
    const failed = result.stderr.split('\n').filter((line) => line.startsWith('failed: '))
    expect(failed).toEqual([
      `failed: ${join(photos, '2024', 'coffee.jpg')} [unwritable] cannot create the folder ${join(out, '2024')}: a file is in the way`,
      `failed: ${join(photos, '2024', 'summer', 'astronaut.png')} [unwritable] cannot create the folder ${join(out, '2024', 'summer')}: a file is in the way`
    ])
    expect(await tree(out)).toEqual(['2024', 'a-cat.png', 'z-rocket.webp'])
  })

  it('recreates folders with {dir}, numbers with {index:N} over all inputs, and converts with --format', async () => {
    const out = join(work, 'out-named')
    const result = await runCli(['batch', photos, '-d', out, ...LOOK, '--name', '{dir}/{index:3}-{name}-look.{ext}', '--format', 'jpg', '--quality', '80', '--progress', 'none'])
    expect(result.code).toBe(0)
    // Inputs in code-unit order of their relative paths: 2024/coffee.jpg, 2024/summer/astronaut.png, a-cat.png, z-rocket.webp.
    expect(await tree(out)).toEqual(['003-a-cat-look.jpg', '004-z-rocket-look.jpg', '2024/001-coffee-look.jpg', '2024/summer/002-astronaut-look.jpg'])
    for (const file of await tree(out)) expect((await sharp(join(out, file)).metadata()).format).toBe('jpeg')
  })

  it('says what a format changed, as apply does: alpha flattened for JPEG', async () => {
    const input = join(work, 'alpha')
    await mkdir(input)
    await sharp(join(SAMPLES, 'chelsea.png')).resize(80).ensureAlpha(0.5).png().toFile(join(input, 'cut-out.png'))
    const result = await runCli(['batch', input, '-d', join(work, 'out-alpha'), ...LOOK, '--format', 'jpg', '--progress', 'none'])
    expect(result.code).toBe(0)
    expect(result.stderr).toBe(`note: ${join(input, 'cut-out.png')}: JPEG has no alpha channel: transparency was flattened onto white\n`)
  })

  it.skipIf(!existsSync('/dev/full'))('stops with one line when the report cannot be written (a full disk)', async () => {
    const out = join(work, 'out-full')
    const result = await runCli(['batch', photos, '-d', out, ...LOOK, '--report', '/dev/full', '--jobs', '2', '--progress', 'none'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^kernel-studio: error: cannot write the report \/dev\/full: ENOSPC: no space left on device, write\n$/)
    // It stopped at the first report line: files in flight are dropped unless already being written, none starts.
    const written = await tree(out)
    expect(written.length).toBeGreaterThanOrEqual(1)
    expect(written.length).toBeLessThanOrEqual(2)
  })

  it('refuses two inputs with one output name before writing anything', async () => {
    const input = join(work, 'twins')
    await mkdir(join(input, 'x'), { recursive: true })
    await mkdir(join(input, 'y'), { recursive: true })
    await sharp(join(SAMPLES, 'chelsea.png')).resize(50).toFile(join(input, 'x', 'cat.png'))
    await sharp(join(SAMPLES, 'chelsea.png')).resize(60).toFile(join(input, 'y', 'cat.png'))
    const out = join(work, 'out-twins')
    const result = await runCli(['batch', input, '-d', out, ...LOOK])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      `kernel-studio: error: ${join(input, 'x', 'cat.png')} and ${join(input, 'y', 'cat.png')} would both be written to ${join(out, 'cat.png')} (put {dir}/ or {index} in --name)\n`
    )
    await expect(stat(out)).rejects.toThrow()
  })

  it('never overwrites without --force; --skip-existing skips; --force rewrites', async () => {
    const out = join(work, 'out-existing')
    expect((await runCli(['batch', photos, '-d', out, ...LOOK, '--name', '{index}.png', '--progress', 'none'])).code).toBe(0)
    const before = await Promise.all((await tree(out)).map(async (f) => [f, (await stat(join(out, f))).mtimeMs] as const))
    expect(before).toHaveLength(4)

    const again = await runCli(['batch', photos, '-d', out, ...LOOK, '--name', '{index}.png'])
    expect(again.code).toBe(1)
    expect(again.stderr).toBe(`kernel-studio: error: 4 outputs exist already, e.g. ${join(out, '1.png')}; --skip-existing resumes a run (use --force to overwrite)\n`)
    const skip = await runCli(['batch', photos, '-d', out, ...LOOK, '--name', '{index}.png', '--skip-existing', '--progress', 'none'])
    expect(skip.code).toBe(0)
    expect(skip.stdout).toMatch(/^done: 0 written, 4 skipped, 0 failed of 4 /)
    for (const [file, mtime] of before) expect((await stat(join(out, file))).mtimeMs).toBe(mtime)

    const both = await runCli(['batch', photos, '-d', out, ...LOOK, '--force', '--skip-existing'])
    expect(both.stderr).toBe('kernel-studio: error: --force and --skip-existing contradict each other: choose one\n')
    await new Promise((r) => setTimeout(r, 20))
    const forced = await runCli(['batch', photos, '-d', out, ...LOOK, '--name', '{index}.png', '--force', '--progress', 'none'])
    expect(forced.code).toBe(0)
    expect(forced.stdout).toMatch(/^done: 4 written, 0 skipped, 0 failed of 4 /)
    for (const [file, mtime] of before) expect((await stat(join(out, file))).mtimeMs).toBeGreaterThan(mtime)
    expect(await tree(out)).toEqual(before.map(([f]) => f))
  })

  it('prints one JSON event per line with --progress json: start, one per file, end', async () => {
    const out = join(work, 'out-json')
    const result = await runCli(['batch', photos, '-d', out, ...LOOK, '--progress', 'json', '--name', '{dir}/{name}.{ext}'])
    expect(result.code).toBe(0)
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string } & Record<string, unknown>)
    expect(events.map((e) => e.type)).toEqual(['start', 'file', 'file', 'file', 'file', 'end'])
    expect(events[0]).toMatchObject({ type: 'start', total: 4, inputs: 4, existing: 0 })
    const files = events.filter((e) => e.type === 'file')
    expect(files.map((e) => e.done)).toEqual([1, 2, 3, 4])
    for (const e of files) {
      expect(e).toMatchObject({ status: 'done', total: 4 })
      expect(e.width as number).toBeGreaterThan(0)
      expect(e.megapixelsPerSecond as number).toBeGreaterThan(0)
      expect(typeof e.etaMs).toBe('number')
    }
    expect(events.at(-1)).toMatchObject({ type: 'end', total: 4, written: 4, skipped: 0, failed: 0, cancelled: false, failures: [] })
    // The summary for people goes to stderr, so stdout stays parseable.
    expect(result.stderr).toMatch(/^done: 4 written/)
  })

  // util-linux's `script` gives the CLI a terminal; without it (macOS's takes other flags) there is no way to get one.
  it.skipIf(!existsSync('/usr/bin/script'))('draws a progress bar on a terminal: files done/total, MP/s, time left', () => {
    const out = join(work, 'out-bar')
    const command = [process.execPath, BIN, 'batch', photos, '-d', out, ...LOOK, '--name', '{dir}/{name}.{ext}'].map((a) => `'${a}'`).join(' ')
    const result = spawnSync('/usr/bin/script', ['-qc', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, COLUMNS: '120' } })
    expect(result.status).toBe(0)
    const frames = result.stdout.split('\r').map((f) => f.replace('\x1b[2K', '')).filter((f) => f.startsWith('['))
    expect(frames.map((f) => /^\[[#.]{24}\] (\d)\/4 files {2}[\d.]+ MP\/s {2}\d+:\d\d left/.exec(f)?.[1])).toEqual(['1', '2', '3', '4'])
    expect(result.stdout).toMatch(/\r\x1b\[2Kdone: 4 written, 0 skipped, 0 failed of 4 in [\d.]+ s/)
  })

  it('takes glob patterns, leaves the output folder inside an input folder alone, and reads --shard auto from the runner', async () => {
    const out = join(photos, 'looked')
    const first = await runCli(['batch', photos, '-d', out, ...LOOK, '--progress', 'none', '--name', '{dir}/{name}.{ext}'])
    expect(first.code).toBe(0)
    // A second run over the same folder finds the same four inputs, not its own outputs.
    const second = await runCli(['batch', photos, '-d', out, ...LOOK, '--progress', 'none', '--skip-existing', '--name', '{dir}/{name}.{ext}'])
    expect(second.stdout).toMatch(/^done: 0 written, 4 skipped, 0 failed of 4 /)
    await rm(out, { recursive: true })

    const globbed = await runCli(['batch', join(photos, '**', '*.{png,webp}'), '-d', join(work, 'out-glob'), ...LOOK, '--progress', 'none', '--name', '{dir}/{name}.{ext}'])
    expect(globbed.code).toBe(0)
    expect(await tree(join(work, 'out-glob'))).toEqual(['2024/summer/astronaut.png', 'a-cat.png', 'z-rocket.webp'])

    const auto = await runCli(['batch', photos, '-d', join(work, 'out-auto'), ...LOOK, '--shard', 'auto'])
    expect(auto.code).toBe(1)
    expect(auto.stderr).toMatch(/^kernel-studio: error: --shard auto needs JOB_COMPLETION_INDEX and JOB_COMPLETIONS \(Kubernetes Indexed Job\) or SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT \(Slurm array\); neither is set\n$/)
  })
})
