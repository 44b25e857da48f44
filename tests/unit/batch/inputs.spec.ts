// @vitest-environment node
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expandBraces, expandInputs, segmentRegExp } from '../../../src/batch/inputs'

let dir: string
const files = ['a.jpg', 'b.PNG', 'notes.txt', '.hidden.jpg', 'sub/c.tif', 'sub/deeper/d.webp', 'sub/e.gif', 'other/f.jpeg', 'other/g.avif', '.git/h.png', 'out/done.jpg']

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ks-inputs-'))
  for (const file of files) {
    await mkdir(join(dir, file, '..'), { recursive: true })
    await writeFile(join(dir, file), 'x')
  }
  await symlink(join(dir, 'sub'), join(dir, 'loop'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const rel = async (args: string[], exclude: string[] = []): Promise<string[]> =>
  (await expandInputs(args.map((a) => join(dir, a)), { exclude: exclude.map((e) => join(dir, e)) })).map((i) => i.relative)

describe('expandInputs', () => {
  it('walks folders recursively: images by extension only, sorted, hidden entries and folder links skipped', async () => {
    expect(await rel(['.'])).toEqual(['a.jpg', 'b.PNG', 'other/f.jpeg', 'other/g.avif', 'out/done.jpg', 'sub/c.tif', 'sub/deeper/d.webp', 'sub/e.gif'])
  })

  it('never walks into excluded folders inside an input folder (the output folder), but walks one named as input', async () => {
    expect(await rel(['.'], ['out'])).not.toContain('out/done.jpg')
    expect(await rel(['out'], ['out'])).toEqual(['done.jpg'])
  })

  it('takes a file named on the command line whatever its extension, relative to its own folder', async () => {
    const inputs = await expandInputs([join(dir, 'notes.txt'), join(dir, 'sub/c.tif')])
    expect(inputs).toEqual([
      { path: join(dir, 'notes.txt'), relative: 'notes.txt' },
      { path: join(dir, 'sub/c.tif'), relative: 'c.tif' }
    ])
  })

  it('expands globs relative to their literal folders: *, **, ?, [..], {a,b}', async () => {
    expect(await rel(['*.jpg'])).toEqual(['a.jpg'])
    expect(await rel(['sub/**/*.{tif,webp}'])).toEqual(['c.tif', 'deeper/d.webp'])
    expect(await rel(['**/*.gif'])).toEqual(['sub/e.gif'])
    expect(await rel(['?.*'])).toEqual(['a.jpg', 'b.PNG'])
    expect(await rel(['other/[fg].*'])).toEqual(['f.jpeg', 'g.avif'])
    // A glob matching a folder walks it; matched files that are not images are left out.
    expect(await rel(['s*'])).toEqual(['sub/c.tif', 'sub/deeper/d.webp', 'sub/e.gif'])
    expect(await rel(['*.txt']).catch((e: Error) => e.message)).toBe(`no image matches ${join(dir, '*.txt')}`)
  })

  it('keeps each file once, first argument first', async () => {
    expect(await rel(['sub/e.gif', 'sub'])).toEqual(['e.gif', 'c.tif', 'deeper/d.webp'])
  })

  it('refuses a missing path and an empty result with one line each', async () => {
    await expect(expandInputs([join(dir, 'missing.jpg')])).rejects.toThrow(`cannot read ${join(dir, 'missing.jpg')}: no such file or folder`)
    await mkdir(join(dir, 'empty'), { recursive: true })
    await expect(expandInputs([join(dir, 'empty')])).rejects.toThrow(/^no images found in /)
  })
})

describe('glob pieces', () => {
  it('expands braces, nested ones too, and leaves a lone {x} literal', () => {
    expect(expandBraces('a.{jpg,png}')).toEqual(['a.jpg', 'a.png'])
    expect(expandBraces('{a,b{1,2}}.x')).toEqual(['a.x', 'b1.x', 'b2.x'])
    expect(expandBraces('{x}.png')).toEqual(['{x}.png'])
  })

  it('matches one segment like the shells (no leading dot for wildcards)', () => {
    expect(segmentRegExp('*.jpg').test('a.jpg')).toBe(true)
    expect(segmentRegExp('*.jpg').test('.a.jpg')).toBe(false)
    expect(segmentRegExp('.*').test('.a')).toBe(true)
    expect(segmentRegExp('[!a]?').test('bc')).toBe(true)
    expect(segmentRegExp('[!a]?').test('ac')).toBe(false)
    expect(segmentRegExp('a+b(1).jpg').test('a+b(1).jpg')).toBe(true)
  })
})
