// @vitest-environment node
// Replacing and naming output files with the real CLI: a replaced file keeps its mode (and its owner where the
// runner may set it), it is a new inode (a hard link keeps the old content, as the README says), and legal names
// up to 255 bytes work although the temp file's name is longer than its target's.
import { chmod, chown, copyFile, link, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SAMPLES, ensureCliBuilt, listFolder, runCli } from './cli'

let work: string

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-replace-'))
  await copyFile(join(SAMPLES, 'chelsea.png'), join(work, 'photo.png'))
})

afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

const apply = (output: string, ...extra: string[]): ReturnType<typeof runCli> =>
  runCli(['apply', 'photo.png', '-o', output, '--preset', 'box-blur', ...extra], { cwd: work })

describe('output files', () => {
  it('keeps the mode of a replaced file, and it is a new inode', async () => {
    const target = join(work, 'private.png')
    await writeFile(target, 'old content')
    await chmod(target, 0o600)
    await link(target, join(work, 'hardlink.png'))
    const before = await stat(target)
    const result = await apply('private.png', '--force')
    expect(result.code, result.stderr).toBe(0)
    const after = await stat(target)
    expect(after.mode & 0o777).toBe(0o600)
    expect(after.ino).not.toBe(before.ino)
    expect(await readFile(join(work, 'hardlink.png'), 'utf8')).toBe('old content')
  })

  it.skipIf(process.getuid?.() !== 0)('keeps the owner of a replaced file where the runner may set it (root)', async () => {
    const target = join(work, 'theirs.png')
    await writeFile(target, 'old content')
    await chown(target, 65534, 65534)
    await chmod(target, 0o640)
    const result = await apply('theirs.png', '--force')
    expect(result.code, result.stderr).toBe(0)
    const after = await stat(target)
    expect([after.uid, after.gid, after.mode & 0o777]).toEqual([65534, 65534, 0o640])
  })

  it.each([233, 240, 251])('writes a file whose name is %i bytes long, leaving no temp file', async (length) => {
    const name = `${'n'.repeat(length - 4)}.png`
    expect(Buffer.byteLength(name)).toBe(length)
    const before = await listFolder(work)
    const result = await apply(name)
    expect(result.code, result.stderr).toBe(0)
    expect(await listFolder(work)).toEqual([...before, name].sort())
  })

  it('writes a 255-byte name of multi-byte characters', async () => {
    const name = `${'é'.repeat(125)}1.png`
    expect(Buffer.byteLength(name)).toBe(255)
    const result = await apply(name)
    expect(result.code, result.stderr).toBe(0)
    expect((await listFolder(work)).includes(name)).toBe(true)
  })
})
