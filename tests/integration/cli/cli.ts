// Test helpers: run the real built `kernel-studio` (node bin/kernel-studio.js) as a child process.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../../..')
/** The package's bin script, exactly what `npx kernel-studio` runs. */
export const BIN = join(ROOT, 'bin/kernel-studio.js')
/** The sample photos. */
export const SAMPLES = join(ROOT, 'resources/samples')

const CLI = join(ROOT, 'out/node/cli.js')
const LOCK = join(ROOT, 'out/.cli-build-lock')
const SOURCES = ['src', 'vite.node.config.ts', 'package.json']

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0
  const info = statSync(path)
  if (!info.isDirectory()) return info.mtimeMs
  if (path.endsWith(join('src', 'renderer'))) return 0
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))))
}

function isFresh(): boolean {
  return existsSync(CLI) && statSync(CLI).mtimeMs >= Math.max(...SOURCES.map((p) => newestMtime(join(ROOT, p))))
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/**
 * Builds the CLI (`npm run build:node`) when out/node/cli.js is missing or older than the sources, so the specs
 * always run the current code. Spec files run in parallel: a lock folder lets one build while the others wait.
 */
export function ensureCliBuilt(): void {
  if (isFresh()) return
  mkdirSync(join(ROOT, 'out'), { recursive: true })
  const deadline = Date.now() + 180_000
  for (;;) {
    try {
      mkdirSync(LOCK)
      break
    } catch {
      // Someone else is building; a lock older than 5 minutes is left over from a killed run.
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > 300_000) rmSync(LOCK, { recursive: true, force: true })
      if (Date.now() > deadline) throw new Error('timed out waiting for another test to build the CLI')
      sleep(250)
      if (!existsSync(LOCK) && isFresh()) return
    }
  }
  try {
    if (isFresh()) return
    execFileSync('npm', ['run', 'build:node'], { cwd: ROOT, stdio: 'pipe' })
  } catch (err) {
    const detail = err instanceof Error && 'stderr' in err ? String((err as { stderr: unknown }).stderr) : String(err)
    throw new Error(`building the CLI with "npm run build:node" failed:\n${detail}`)
  } finally {
    rmSync(LOCK, { recursive: true, force: true })
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing after "npm run build:node"`)
}

/** What a CLI run gave. */
export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** The environment a CLI run gets: this process's as it is now (tests set variables for a run), stack traces off. */
export function cliEnv(): NodeJS.ProcessEnv {
  return { ...process.env, KERNEL_STUDIO_DEBUG: '' }
}

/** Runs `node bin/kernel-studio.js ...args` in `cwd` (optionally as another user) and collects its output. */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; bin?: string; uid?: number; gid?: number } = {}
): Promise<CliResult> {
  return collectOutput(spawn(process.execPath, [options.bin ?? BIN, ...args], { cwd: options.cwd ?? ROOT, env: cliEnv(), uid: options.uid, gid: options.gid }))
}

/** The exit code and the whole output of a spawned child, once it has closed. */
export function collectOutput(child: ChildProcessWithoutNullStreams): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }))
  })
}

/** Every entry of a folder, dotfiles (temp files) included, sorted. */
export async function listFolder(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort()
}
