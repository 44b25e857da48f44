// @vitest-environment node
// Every bad input to `kernel-studio apply`: one line on stderr, exit code 1, no stack trace, nothing written.
import { statSync } from 'node:fs'
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hugeHeaderPng } from '../../unit/io/images'
import { ROOT, SAMPLES, ensureCliBuilt, listFolder, runCli } from './cli'

let work: string
let out: string
// Root reads and writes anything, so the permission cases run the CLI as "nobody" when the tests run as root.
const asUnprivileged = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}

/** Why "nobody" cannot run the CLI from this checkout (a folder above it others may not enter), or ''. */
function unreachableByOthers(path: string): string {
  if (process.getuid?.() !== 0) return ''
  for (let dir = path; ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return `run as root from ${dir}, which other users cannot enter`
    if (dirname(dir) === dir) return ''
  }
}
const noUnprivileged = unreachableByOthers(ROOT)

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-cli-err-'))
  out = join(work, 'out')
  await mkdir(out)
  await copyFile(join(SAMPLES, 'chelsea.png'), join(work, 'photo.png'))
  await writeFile(join(work, 'notes.png'), 'shopping list: milk, eggs\n')
  await writeFile(join(work, 'empty.png'), '')
  const png = await readFile(join(SAMPLES, 'chelsea.png'))
  await writeFile(join(work, 'cut.png'), png.subarray(0, png.length >> 1))
  const jpg = await readFile(join(SAMPLES, 'rocket.jpg'))
  await writeFile(join(work, 'cut.jpg'), jpg.subarray(0, jpg.length >> 1))
  const damaged = Buffer.from(jpg)
  damaged[damaged.length >> 1] = 0xff
  damaged[(damaged.length >> 1) + 1] = 0xd5
  await writeFile(join(work, 'damaged.jpg'), damaged)
  await writeFile(join(work, 'bomb.png'), await hugeHeaderPng(40_000, 40_000))
  await writeFile(join(work, 'broken.json'), '{"format": "kernel-studio/stack", "version": 1, "filters": [')
  await writeFile(
    join(work, 'invalid.json'),
    JSON.stringify({ format: 'kernel-studio/stack', version: 1, filters: [{ preset: 'box-blur' }, { kernel: [[1, 2], [3]] }] })
  )
  await writeFile(
    join(work, 'badparam.json'),
    JSON.stringify({ format: 'kernel-studio/stack', version: 1, filters: [{ preset: 'gaussian-blur', params: { size: 500 } }] })
  )
  await writeFile(
    join(work, 'wrongformat.json'),
    JSON.stringify({ format: 'something-else', version: 1, filters: [] })
  )
  await writeFile(
    join(work, 'disabled.json'),
    JSON.stringify({ format: 'kernel-studio/stack', version: 1, filters: [{ preset: 'box-blur', enabled: false }] })
  )
  await writeFile(join(work, 'ragged.txt'), '1 2 3\n4 5\n6 7 8\n')
  await writeFile(join(work, 'short.acf'), new Uint8Array(20))
  await writeFile(join(work, 'a-file'), 'not a folder')
})

afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

/** Runs apply and checks: exit 1, exactly one stderr line matching `message`, no stdout, no new files anywhere. */
async function expectRefusal(args: readonly string[], message: string | RegExp, user: { uid?: number; gid?: number } = {}): Promise<void> {
  const before = [await listFolder(work), await listFolder(out)]
  const result = await runCli(args, { cwd: work, ...user })
  expect(result.code, result.stderr).toBe(1)
  expect(result.stdout).toBe('')
  const lines = result.stderr.split('\n').filter((l) => l !== '')
  expect(lines, result.stderr).toHaveLength(1)
  const line = lines[0]
  if (typeof message === 'string') expect(line).toBe(`kernel-studio: error: ${message}`)
  else expect(line).toMatch(message)
  expect(line).not.toMatch(/\bat .*:\d+:\d+/)
  expect([await listFolder(work), await listFolder(out)]).toEqual(before)
}

const apply = (...rest: string[]): string[] => ['apply', 'photo.png', '-o', 'out/result.png', ...rest]

describe('apply refuses bad input images', () => {
  it('missing input', async () => {
    await expectRefusal(['apply', 'missing.png', '-o', 'out/r.png', '--preset', 'box-blur'], 'cannot read missing.png: no such file')
  })
  it('a folder as input', async () => {
    await expectRefusal(['apply', 'out', '-o', 'out/r.png', '--preset', 'box-blur'], 'cannot read out: it is a folder, not an image')
  })
  it.skipIf(noUnprivileged !== '')(`unreadable input${noUnprivileged && ` (skipped: ${noUnprivileged})`}`, async () => {
    await copyFile(join(work, 'photo.png'), join(work, 'locked.png'))
    await chmod(join(work, 'locked.png'), 0o000)
    await chmod(work, 0o777)
    await chmod(out, 0o777)
    await expectRefusal(['apply', 'locked.png', '-o', 'out/r.png', '--preset', 'box-blur'], 'cannot read locked.png: permission denied', asUnprivileged)
  })
  it('a file that is not an image', async () => {
    await expectRefusal(['apply', 'notes.png', '-o', 'out/r.png', '--preset', 'box-blur'], 'cannot read notes.png: it is not a PNG, JPEG, TIFF, WebP, AVIF or GIF image')
  })
  it('an empty file', async () => {
    await expectRefusal(['apply', 'empty.png', '-o', 'out/r.png', '--preset', 'box-blur'], 'cannot read empty.png: the file is empty')
  })
  it('truncated PNG and JPEG', async () => {
    await expectRefusal(['apply', 'cut.png', '-o', 'out/r.png', '--preset', 'box-blur'], /^kernel-studio: error: cannot read cut\.png: the file is truncated or corrupt \(.+\)$/)
    await expectRefusal(['apply', 'cut.jpg', '-o', 'out/r.png', '--preset', 'box-blur'], /^kernel-studio: error: cannot read cut\.jpg: the file is truncated or corrupt \(.+\)$/)
  })
  it('corrupt JPEG data', async () => {
    await expectRefusal(['apply', 'damaged.jpg', '-o', 'out/r.png', '--preset', 'box-blur'], /^kernel-studio: error: cannot read damaged\.jpg: the file is truncated or corrupt \(.+\)$/)
  })
  it('a decompression bomb', async () => {
    await expectRefusal(
      ['apply', 'bomb.png', '-o', 'out/r.png', '--preset', 'box-blur'],
      'cannot read bomb.png: 40000x40000 is 1600 MP, over the limit of 256 MP (refused as a possible decompression bomb)'
    )
  })
})

describe('apply refuses bad kernels', () => {
  it.each([
    ['1 NaN 1', /^kernel-studio: error: --kernel "1 NaN 1": .*"NaN".*not a number/],
    ['1 Infinity 1', /^kernel-studio: error: --kernel "1 Infinity 1": .*"Infinity".*not a (finite )?number/],
    ['0 1 x', /^kernel-studio: error: --kernel "0 1 x": .*"x".*not a number/],
    ['1 2 3; 4 5', /^kernel-studio: error: --kernel "1 2 3; 4 5": .*row 2 has 2 values, expected 3/],
    ['1 2; 3 4', /^kernel-studio: error: --kernel "1 2; 3 4": .*even/],
    ['1 1', /^kernel-studio: error: --kernel "1 1": .*width 2 is even/],
    ['', /^kernel-studio: error: --kernel "": kernel is empty$/],
    ['  ;  ', /^kernel-studio: error: --kernel " {2};  ": .*empty/]
  ])('--kernel %j', async (kernel, message) => {
    await expectRefusal(apply('--kernel', kernel), message)
  })

  it('bad kernel files', async () => {
    await expectRefusal(apply('--kernel-file', 'nope.txt'), 'cannot read kernel file nope.txt: no such file')
    await expectRefusal(apply('--kernel-file', 'ragged.txt'), /^kernel-studio: error: kernel file ragged\.txt: .*row 2 has 2 values, expected 3/)
    await expectRefusal(apply('--kernel-file', 'short.acf'), /^kernel-studio: error: short\.acf: not a Photoshop Custom filter \(\.acf\) file: expected 54 bytes, got 20/)
  })

  it('a zero or non-numeric divisor, a non-numeric offset', async () => {
    await expectRefusal(apply('--preset', 'box-blur', '--divisor', '0'), '--divisor must not be 0')
    await expectRefusal(apply('--preset', 'box-blur', '--divisor', 'half'), /^kernel-studio: error: --divisor "half" is not a number$/)
    await expectRefusal(apply('--preset', 'box-blur', '--offset', 'NaN'), /^kernel-studio: error: --offset "NaN" is not a number$/)
    await expectRefusal(apply('--preset', 'box-blur', '--divisor', ''), '--divisor needs a number, got ""')
    await expectRefusal(apply('--preset', 'box-blur', '--divisor', '1/0'), '--divisor "1/0" divides by zero')
    await expectRefusal(apply('--preset', 'box-blur', '--offset', '1e999'), '--offset "1e999" is not a finite number')
  })

  it('bad choices for --mode, --border, --signed', async () => {
    await expectRefusal(apply('--preset', 'box-blur', '--mode', 'huge'), /^kernel-studio: error: option '--mode <mode>' argument 'huge' is invalid\. Allowed choices are same, valid, full\.$/)
    await expectRefusal(apply('--preset', 'box-blur', '--border', 'mirror'), /^kernel-studio: error: option '--border <border>' argument 'mirror' is invalid/)
    await expectRefusal(apply('--preset', 'box-blur', '--signed', 'negate'), /^kernel-studio: error: option '--signed <mapping>' argument 'negate' is invalid/)
  })
})

describe('apply refuses bad presets', () => {
  it('unknown preset', async () => {
    await expectRefusal(apply('--preset', 'blurry'), /^kernel-studio: error: unknown preset "blurry": expected one of .*gaussian-blur/)
  })
  it('unknown parameter', async () => {
    await expectRefusal(apply('--preset', 'gaussian-blur:radius=2'), /^kernel-studio: error: preset "gaussian-blur" has no parameter "radius"/)
  })
  it('out-of-range, even, non-numeric and wrong enum parameters', async () => {
    await expectRefusal(apply('--preset', 'gaussian-blur:size=999'), /^kernel-studio: error: preset "gaussian-blur": size 999 is out of range/)
    await expectRefusal(apply('--preset', 'box-blur:size=4'), /^kernel-studio: error: preset "box-blur": size 4 is even/)
    await expectRefusal(apply('--preset', 'gaussian-blur:sigma=wide'), /^kernel-studio: error: preset "gaussian-blur": sigma "wide" is not a number/)
    await expectRefusal(apply('--preset', 'sobel:direction=up'), /^kernel-studio: error: preset "sobel": direction "up" is not one of/)
  })
  it('no filter at all', async () => {
    await expectRefusal(apply(), 'nothing to apply: give at least one --preset, --kernel, --kernel-file or --recipe')
    await expectRefusal(apply('--recipe', 'disabled.json'), 'nothing to apply: every filter in disabled.json is disabled')
  })
})

describe('apply refuses bad recipes', () => {
  it('missing recipe', async () => {
    await expectRefusal(apply('--recipe', 'nope.json'), 'cannot read recipe nope.json: no such file')
  })
  it('malformed JSON', async () => {
    await expectRefusal(apply('--recipe', 'broken.json'), /^kernel-studio: error: broken\.json: not valid JSON/)
  })
  it('invalid recipes name the file and the JSON path', async () => {
    await expectRefusal(apply('--recipe', 'invalid.json'), /^kernel-studio: error: invalid\.json: filters\[1\]\.kernel: .*row 2/)
    await expectRefusal(apply('--recipe', 'badparam.json'), /^kernel-studio: error: badparam\.json: filters\[0\].*size 500 is out of range/)
    await expectRefusal(apply('--recipe', 'wrongformat.json'), /^kernel-studio: error: wrongformat\.json: format: expected "kernel-studio\/stack"/)
  })
})

describe('apply names the recipe file and the JSON path for every kind of mistake', () => {
  const recipe = (body: Record<string, unknown>): string =>
    JSON.stringify({ format: 'kernel-studio/stack', version: 1, filters: [{ preset: 'box-blur' }], ...body })
  it.each([
    ['format.json', recipe({ format: 'kernel-studio/stak' }), 'format.json: format: expected "kernel-studio/stack" (this is not a Kernel Studio recipe)'],
    ['noformat.json', JSON.stringify({ version: 1, filters: [] }), 'noformat.json: format: is missing (expected "kernel-studio/stack")'],
    ['version.json', recipe({ version: 3 }), 'version.json: version: expected one of 1, 2, got 3'],
    ['topkey.json', recipe({ author: 'me' }), 'topkey.json: unknown key "author"'],
    ['key.json', recipe({ filters: [{ preset: 'box-blur' }, { preset: 'sharpen', strength: 2 }] }), 'key.json: filters[1]: unknown key "strength"'],
    ['both.json', recipe({ filters: [{ preset: 'box-blur', kernel: '1' }] }), 'both.json: filters[0]: give either "preset" or "kernel", not both'],
    ['neither.json', recipe({ filters: [{ border: 'zero' }] }), 'neither.json: filters[0]: needs "preset" or "kernel"'],
    ['opacity.json', recipe({ filters: [{ preset: 'box-blur', opacity: 1.5 }] }), 'opacity.json: filters[0].opacity: must be at most 1'],
    ['opacity2.json', recipe({ filters: [{ preset: 'box-blur', opacity: 'half' }] }), 'opacity2.json: filters[0].opacity: expected number, got "half"'],
    ['ragged.json', recipe({ filters: [{ kernel: [[1, 2, 3], [4, 5], [6, 7, 8]] }] }), 'ragged.json: filters[0].kernel: row 2 has 2 values, expected 3'],
    ['raggedtext.json', recipe({ filters: [{ kernel: '1 2 3; 4 5; 6 7 8' }] }), 'raggedtext.json: filters[0].kernel: row 2 has 2 values, expected 3'],
    ['params.json', recipe({ filters: [{ preset: 'gaussian-blur', params: { radius: 2 } }] }), 'params.json: filters[0].params: preset "gaussian-blur" has no parameter "radius": expected size, sigma'],
    ['params2.json', recipe({ filters: [{ preset: 'gaussian-blur', params: { sigma: [1] } }] }), 'params2.json: filters[0].params.sigma: expected a number or a string, got an array'],
    ['params3.json', recipe({ filters: [{ preset: 'gaussian-blur', params: [5, 1] }] }), 'params3.json: filters[0].params: expected object, got an array'],
    ['params4.json', recipe({ filters: [{ preset: 'sobel', params: { direction: 'up' } }] }), 'params4.json: filters[0].params: preset "sobel": direction "up" is not one of right, left, top, bottom']
  ])('%s', async (name, body, message) => {
    await writeFile(join(work, name), body)
    await expectRefusal(apply('--recipe', name), message)
  })

  it('a binary file as recipe, and a recipe with no filters', async () => {
    await expectRefusal(apply('--recipe', 'photo.png'), 'photo.png: not a recipe file: it holds binary data, not JSON text')
    await writeFile(join(work, 'none.json'), JSON.stringify({ format: 'kernel-studio/stack', version: 1, filters: [] }))
    await expectRefusal(apply('--recipe', 'none.json'), 'nothing to apply: none.json has no filters')
  })
})

describe('apply refuses bad outputs and export options', () => {
  it('an output name ending with a slash', async () => {
    await expectRefusal(['apply', 'photo.png', '-o', 'out/r.png/', '--preset', 'box-blur'], 'cannot write out/r.png/: the name ends with a slash, so it names a folder, not a file')
  })
  it('an output folder that does not exist', async () => {
    await expectRefusal(['apply', 'photo.png', '-o', 'nowhere/r.png', '--preset', 'box-blur'], 'cannot write nowhere/r.png: the folder nowhere does not exist')
  })
  it('an output "folder" that is a file', async () => {
    await expectRefusal(['apply', 'photo.png', '-o', 'a-file/r.png', '--preset', 'box-blur'], 'cannot write a-file/r.png: a-file is not a folder')
  })
  it.skipIf(noUnprivileged !== '')(`a read-only output folder${noUnprivileged && ` (skipped: ${noUnprivileged})`}`, async () => {
    await mkdir(join(work, 'locked'))
    await chmod(join(work, 'locked'), 0o555)
    await chmod(work, 0o777)
    await expectRefusal(['apply', 'photo.png', '-o', 'locked/r.png', '--preset', 'box-blur'], 'cannot write locked/r.png: permission denied in locked', asUnprivileged)
  })
  it('an existing output, which stays untouched', async () => {
    await writeFile(join(out, 'exists.png'), 'precious')
    await expectRefusal(['apply', 'photo.png', '-o', 'out/exists.png', '--preset', 'box-blur'], 'out/exists.png already exists (use --force to overwrite)')
    expect(await readFile(join(out, 'exists.png'), 'utf8')).toBe('precious')
    await rm(join(out, 'exists.png'))
  })
  it('the input as output', async () => {
    await expectRefusal(['apply', 'photo.png', '-o', './photo.png', '--preset', 'box-blur'], './photo.png is the input file (use --force to overwrite it)')
  })
  it('an unknown output extension', async () => {
    await expectRefusal(
      ['apply', 'photo.png', '-o', 'out/r.bmp', '--preset', 'box-blur'],
      'cannot write out/r.bmp: the file name has the unknown extension ".bmp" (use .png .jpg .jpeg .tif .tiff .webp .avif .gif)'
    )
  })
  it('bad --quality and --depth', async () => {
    await expectRefusal(['apply', 'photo.png', '-o', 'out/r.jpg', '--preset', 'box-blur', '--quality', 'best'], '--quality must be a whole number from 1 to 100, got "best"')
    await expectRefusal(['apply', 'photo.png', '-o', 'out/r.jpg', '--preset', 'box-blur', '--quality', '0'], '--quality must be a whole number from 1 to 100, got "0"')
    await expectRefusal(['apply', 'photo.png', '-o', 'out/r.jpg', '--preset', 'box-blur', '--quality', '101'], '--quality must be a whole number from 1 to 100, got "101"')
    await expectRefusal(apply('--preset', 'box-blur', '--quality', '80'), 'quality applies to JPEG, WebP, AVIF output only, not PNG')
    await expectRefusal(apply('--preset', 'box-blur', '--depth', '12'), '--depth must be 8 or 16, got "12"')
    await expectRefusal(['apply', 'photo.png', '-o', 'out/r.jpg', '--preset', 'box-blur', '--depth', '16'], 'JPEG cannot store 16-bit images (16-bit needs PNG or TIFF)')
  })
})

describe('usage errors', () => {
  it('unknown option, missing -o, unknown command: one line each', async () => {
    await expectRefusal(apply('--preset', 'box-blur', '--forse'), /^kernel-studio: error: unknown option '--forse' \(Did you mean --force\?\)$/)
    await expectRefusal(['apply', 'photo.png', '--preset', 'box-blur'], "required option '-o, --output <file>' not specified")
    await expectRefusal(['convolve', 'photo.png'], /^kernel-studio: error: unknown command 'convolve'/)
  })
})
