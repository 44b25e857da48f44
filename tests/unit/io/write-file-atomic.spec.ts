// @vitest-environment node
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IoError } from '../../../src/io/io-error'
import { checkOutputPath, writeFileAtomic } from '../../../src/io/write-file-atomic'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ks-atomic-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

describe('writeFileAtomic', () => {
  it('writes the bytes and leaves only the target in the folder', async () => {
    const target = join(dir, 'out.png')
    await writeFileAtomic(target, bytes('hello'))
    expect(await readFile(target, 'utf8')).toBe('hello')
    expect(await readdir(dir)).toEqual(['out.png'])
  })

  it('refuses to overwrite an existing file without force, leaving it untouched', async () => {
    const target = join(dir, 'out.png')
    await writeFile(target, 'original')
    await expect(writeFileAtomic(target, bytes('new'))).rejects.toMatchObject({ message: `${target} already exists`, code: 'exists' })
    expect(await readFile(target, 'utf8')).toBe('original')
    expect(await readdir(dir)).toEqual(['out.png'])
  })

  it('overwrites with force', async () => {
    const target = join(dir, 'out.png')
    await writeFile(target, 'original')
    await writeFileAtomic(target, bytes('new'), { force: true })
    expect(await readFile(target, 'utf8')).toBe('new')
    expect(await readdir(dir)).toEqual(['out.png'])
  })

  it('lets exactly one of two racing writers create the file and cleans up after the loser', async () => {
    const target = join(dir, 'race.png')
    const results = await Promise.allSettled([writeFileAtomic(target, bytes('first')), writeFileAtomic(target, bytes('second'))])
    const fulfilled = results.filter((r) => r.status === 'fulfilled')
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(fulfilled).toHaveLength(1)
    expect(rejected).toHaveLength(1)
    expect(rejected[0].reason).toBeInstanceOf(IoError)
    expect(String(rejected[0].reason.message)).toContain('already exists')
    const winner = results[0].status === 'fulfilled' ? 'first' : 'second'
    expect(await readFile(target, 'utf8')).toBe(winner)
    expect(await readdir(dir)).toEqual(['race.png'])
  })

  it('names a missing folder and creates nothing', async () => {
    const target = join(dir, 'missing', 'out.png')
    await expect(writeFileAtomic(target, bytes('x'))).rejects.toThrow(`cannot write ${target}: the folder ${join(dir, 'missing')} does not exist`)
    expect(await readdir(dir)).toEqual([])
  })

  it('names a "folder" that is a file', async () => {
    await writeFile(join(dir, 'file.txt'), 'x')
    const target = join(dir, 'file.txt', 'out.png')
    await expect(writeFileAtomic(target, bytes('x'))).rejects.toThrow(/^cannot write .*out\.png: .*file\.txt is not a folder$/)
    expect(await readdir(dir)).toEqual(['file.txt'])
  })

  it('refuses a target that is a folder, even with force', async () => {
    const target = join(dir, 'sub')
    await mkdir(target)
    await expect(writeFileAtomic(target, bytes('x'), { force: true })).rejects.toThrow(`cannot write ${target}: it is a folder`)
    expect(await readdir(dir)).toEqual(['sub'])
  })

  it('removes its temp file when writing fails after the temp file was created', async () => {
    const target = join(dir, 'out.png')
    // Not bytes: the write itself throws once the temp file exists.
    const notBytes = Symbol('not bytes') as unknown as Uint8Array
    await expect(writeFileAtomic(target, notBytes)).rejects.toThrow(/^cannot write /)
    expect(await readdir(dir)).toEqual([])
  })
})

/** The pid of a process that has exited (so no process has it, barring reuse in the meantime). */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
    child.on('error', reject)
    child.on('exit', () => resolve(child.pid as number))
  })
}

describe('writeFileAtomic cleans up after writers that died', () => {
  it('sweeps temp files of the same target left by processes that are gone, and nothing else', async () => {
    const dead = await deadPid()
    const alive = process.ppid
    const stale = `.out.png.${dead}.0123456789ab.tmp`
    const running = `.out.png.${alive}.0123456789ab.tmp`
    const otherTarget = `.other.png.${dead}.0123456789ab.tmp`
    const lookalike = `.out.png.${dead}.tmp`
    for (const name of [stale, running, otherTarget, lookalike]) await writeFile(join(dir, name), 'partial')
    await writeFileAtomic(join(dir, 'out.png'), bytes('done'))
    expect((await readdir(dir)).sort()).toEqual([lookalike, otherTarget, running, 'out.png'].sort())
    expect(await readFile(join(dir, 'out.png'), 'utf8')).toBe('done')
  })

  it('with guard, writes the same and leaves only the target', async () => {
    const target = join(dir, 'guarded.png')
    await writeFile(target, 'old')
    await writeFileAtomic(target, bytes('new'), { force: true, guard: true })
    await writeFileAtomic(join(dir, 'fresh.png'), bytes('fresh'), { guard: true })
    expect(await readFile(target, 'utf8')).toBe('new')
    expect(await readFile(join(dir, 'fresh.png'), 'utf8')).toBe('fresh')
    expect((await readdir(dir)).sort()).toEqual(['fresh.png', 'guarded.png'])
  })
})

describe('checkOutputPath', () => {
  it('refuses a name ending with a slash (a folder), which would otherwise be written without it', async () => {
    await expect(checkOutputPath(join(dir, 'out.png/'))).rejects.toThrow(
      `cannot write ${join(dir, 'out.png/')}: the name ends with a slash, so it names a folder, not a file`
    )
    await expect(writeFileAtomic(`${join(dir, 'out.png')}/`, bytes('x'))).rejects.toThrow(/ends with a slash/)
    expect(await readdir(dir)).toEqual([])
  })

  it('accepts a new file in an existing folder and refuses an existing one without force', async () => {
    const target = join(dir, 'a.png')
    await expect(checkOutputPath(target)).resolves.toBeUndefined()
    await writeFile(target, 'x')
    await expect(checkOutputPath(target)).rejects.toMatchObject({ message: `${target} already exists`, code: 'exists' })
    await expect(checkOutputPath(target, { force: true })).resolves.toBeUndefined()
  })
})
