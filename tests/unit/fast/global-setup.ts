// Vitest global setup (runs once in Node before the tests): builds kernels.wasm and a private bundle of the engine
// worker from the current sources, so the WebAssembly and worker-thread paths are tested as they are now; either
// build failing fails the run.
// The bundle goes to out/test-worker/<hash of the sources>/, never to out/node (other test runs use that).
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join, resolve } from 'node:path'
import { build } from 'vite'

const repository = resolve(import.meta.dirname, '..', '..', '..')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

function sourceHash(root: string): string {
  const hash = createHash('sha1')
  for (const file of [...sourceFiles(join(root, 'src', 'engine')), ...sourceFiles(join(root, 'src', 'runtime'))].sort()) {
    hash.update(file)
    hash.update(readFileSync(file))
  }
  return hash.digest('hex').slice(0, 16)
}

async function buildWorker(root: string): Promise<string> {
  const base = join(root, 'out', 'test-worker')
  const dir = join(base, sourceHash(root))
  const script = join(dir, 'engine-worker.js')
  if (existsSync(script)) return script
  const staging = join(base, `tmp-${process.pid}-${Date.now()}`)
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    publicDir: false,
    build: {
      ssr: true,
      target: 'node20',
      outDir: staging,
      emptyOutDir: true,
      minify: false,
      copyPublicDir: false,
      rolldownOptions: {
        input: { 'engine-worker': join(root, 'src', 'runtime', 'engine-worker.ts') },
        external: (id: string) => id.startsWith('node:') || builtinModules.includes(id),
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name].js' }
      }
    }
  })
  try {
    renameSync(staging, dir)
  } catch {
    // Another test run built the same sources first: use theirs.
    rmSync(staging, { recursive: true, force: true })
  }
  // Bundles of older sources are dead weight after a while.
  for (const name of readdirSync(base)) {
    const path = join(base, name)
    if (path !== dir && Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { recursive: true, force: true })
  }
  return script
}

/**
 * Builds what the fast-path tests need in the checkout at `root`. A build that fails fails the whole run, with the
 * reason: the WebAssembly and worker-thread paths are never quietly left untested.
 */
export async function prepare(root: string): Promise<void> {
  try {
    execFileSync(process.execPath, [join(root, 'scripts', 'build-wasm.mjs')], { stdio: 'pipe' })
  } catch (error) {
    const output = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error)
    throw new Error(`the kernels.wasm build failed (npm run build:wasm): ${output.trim().split('\n').slice(-3).join(' ')}`)
  }
  try {
    new WebAssembly.Module(readFileSync(join(root, 'out', 'wasm', 'kernels.wasm')))
  } catch (error) {
    throw new Error(`out/wasm/kernels.wasm does not load here (no WebAssembly SIMD?): ${error instanceof Error ? error.message : String(error)}`)
  }
  try {
    mkdirSync(join(root, 'out', 'test-worker'), { recursive: true })
    process.env.KERNEL_STUDIO_WORKER = await buildWorker(root)
  } catch (error) {
    throw new Error(`the engine worker bundle did not build: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** Vitest's global setup: {@link prepare} for this checkout. */
export default function setup(): Promise<void> {
  return prepare(repository)
}
