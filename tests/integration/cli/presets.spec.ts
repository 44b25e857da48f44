// @vitest-environment node
// `kernel-studio presets`, `--help` and `--version`, and the bin script without a build.
import { execFile } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kernelRows } from '../../../src/engine/kernel'
import { PRESETS, presetDefaults, presetKernel } from '../../../src/engine/presets'
import { BIN, ROOT, ensureCliBuilt, runCli } from './cli'

let work: string

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-cli-presets-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('presets', () => {
  it('--json lists every preset with parameters, defaults, descriptions and default kernels', async () => {
    const result = await runCli(['presets', '--json'])
    expect(result.code, result.stderr).toBe(0)
    const listed = JSON.parse(result.stdout) as {
      name: string
      description: string
      params: { name: string; default: number | string; min?: number; max?: number; options?: string[] }[]
      kernel: { rows: number[][]; divisor: number; offset: number; width: number; height: number }
    }[]
    expect(listed.map((p) => p.name)).toEqual(PRESETS.map((p) => p.name))
    for (const preset of PRESETS) {
      const entry = listed.find((p) => p.name === preset.name)!
      expect(entry.description).toBe(preset.description)
      expect(entry.params.map((p) => [p.name, p.default])).toEqual(preset.params.map((p) => [p.name, p.default]))
      // Types, ranges, steps, options and descriptions too: everything a UI or script needs to offer the parameter.
      expect(entry.params).toEqual(JSON.parse(JSON.stringify(preset.params)))
      const kernel = presetKernel(preset.name, presetDefaults(preset))
      expect(entry.kernel.rows).toEqual(kernelRows(kernel))
      expect([entry.kernel.width, entry.kernel.height, entry.kernel.divisor, entry.kernel.offset]).toEqual([kernel.width, kernel.height, kernel.divisor, kernel.offset])
    }
    expect(listed.find((p) => p.name === 'sobel')?.kernel.rows).toEqual([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
  })

  it('prints a table with names, parameters (default and range) and descriptions', async () => {
    const result = await runCli(['presets'])
    expect(result.code, result.stderr).toBe(0)
    const lines = result.stdout.split('\n')
    expect(lines[0]).toMatch(/^NAME\s+PARAMETERS \(default, range\)\s+DESCRIPTION$/)
    for (const preset of PRESETS) {
      const line = lines.find((l) => l.startsWith(`${preset.name} `))
      expect(line, preset.name).toBeDefined()
      expect(line).toContain(preset.description)
      for (const param of preset.params) expect(result.stdout).toContain(`${param.name}=${String(param.default)} (`)
    }
    expect(result.stdout).toMatch(/box-blur +size=3 \(odd whole number 1\.\.255\)/)
    expect(result.stdout).toMatch(/gaussian-blur +size=7 \(odd whole number 1\.\.255,.*\n +derived from the others when not given\)/)
  })
})

describe('help and version', () => {
  it.each([[[] as string[]], [['apply']], [['inspect']], [['presets']], [['serve']]])('%j --help', async (command) => {
    const result = await runCli([...command, '--help'])
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout).toContain(`Usage: kernel-studio ${command.length ? `${command[0]} ` : ''}`)
    const short = await runCli([...command, '-h'])
    expect(short.stdout).toBe(result.stdout)
  })

  it.each(['apply', 'inspect', 'presets', 'serve'])('help %s prints the same as %s --help', async (command) => {
    const viaHelp = await runCli(['help', command])
    expect(viaHelp.code).toBe(0)
    expect(viaHelp.stdout).toBe((await runCli([command, '--help'])).stdout)
  })

  it('inspect --help documents the flags', async () => {
    const { stdout } = await runCli(['inspect', '--help'])
    for (const flag of ['--kernel', '--kernel-file', '--preset', '--at', '--mode', '--border', '--flip', '--divisor', '--offset', '--signed', '--json']) {
      expect(stdout).toContain(flag)
    }
  })

  it('runs as `npx --no-install kernel-studio` from the repository root', async () => {
    const result = await new Promise<{ code: number | null; stdout: string }>((resolvePromise, reject) => {
      execFile('npx', ['--no-install', 'kernel-studio', '--help'], { cwd: ROOT }, (error, stdout) => {
        if (error && typeof error.code !== 'number') reject(error)
        else resolvePromise({ code: error ? (error.code as number) : 0, stdout })
      })
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Usage: kernel-studio [options] [command]')
  })

  it('apply --help documents the flags and the filter order', async () => {
    const { stdout } = await runCli(['apply', '--help'])
    for (const flag of ['--output', '--preset', '--kernel', '--kernel-file', '--recipe', '--mode', '--border', '--flip', '--divisor', '--offset', '--signed', '--force', '--quality', '--depth']) {
      expect(stdout).toContain(flag)
    }
    expect(stdout).toContain("the recipe's filters run first")
  })

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    const result = await runCli(['--version'])
    expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n` })
  })

  it('the bin script says how to build when the CLI is not built', async () => {
    await mkdir(join(work, 'bin'))
    await copyFile(BIN, join(work, 'bin/kernel-studio.js'))
    const result = await runCli(['--help'], { bin: join(work, 'bin/kernel-studio.js'), cwd: work })
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('kernel-studio: error: the CLI is not built yet; run `npm install` (or `npm run build:node`) in the kernel-studio folder\n')
  })
})
