// Builds the WebAssembly SIMD kernels (src/wasm/kernels.ts, AssemblyScript) into out/wasm/kernels.wasm.
// Part of `npm run build` (and so of `npm install` through `prepare`). Skips the compile when the output is newer
// than every source, so repeated builds (and the test setup) stay fast.
import { mkdirSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const sourceDir = join(root, 'src', 'wasm')
const output = join(root, 'out', 'wasm', 'kernels.wasm')
const force = process.argv.includes('--force')

function newestSource() {
  let newest = 0
  for (const name of readdirSync(sourceDir)) newest = Math.max(newest, statSync(join(sourceDir, name)).mtimeMs)
  return Math.max(newest, statSync(fileURLToPath(import.meta.url)).mtimeMs)
}

function upToDate() {
  try {
    return statSync(output).mtimeMs >= newestSource()
  } catch {
    return false
  }
}

if (!force && upToDate()) {
  console.log(`${relative(root, output)} is up to date`)
} else {
  mkdirSync(dirname(output), { recursive: true })
  let asc
  try {
    ;({ default: asc } = await import('assemblyscript/asc'))
  } catch {
    // Without the compiler (an install without dev dependencies) the engine falls back to its TypeScript kernels.
    console.warn('build-wasm: assemblyscript is not installed; skipping kernels.wasm (the engine uses its TypeScript kernels)')
    process.exit(0)
  }
  const { error, stderr } = await asc.main([
    join(sourceDir, 'kernels.ts'),
    '--outFile', output,
    '--enable', 'simd',
    '--runtime', 'stub',
    '--optimizeLevel', '3',
    '--shrinkLevel', '0',
    '--noAssert'
  ])
  if (error) {
    console.error(stderr.toString())
    console.error(`build-wasm: ${error.message}`)
    process.exit(1)
  }
  console.log(`built ${relative(root, output)} (${statSync(output).size} bytes)`)
}
