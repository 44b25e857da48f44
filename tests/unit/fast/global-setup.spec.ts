// @vitest-environment node
// The test setup must fail the run, not skip tests, when kernels.wasm or the engine worker bundle cannot be built:
// `prepare` on checkouts that are broken in each way.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { prepare } from './global-setup'

const made: string[] = []
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true })
})

/** A checkout whose scripts/build-wasm.mjs runs `script` (nothing else is there). */
async function checkout(script: string | null): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'ks-setup-'))
  made.push(root)
  if (script !== null) {
    await mkdir(join(root, 'scripts'))
    await writeFile(join(root, 'scripts', 'build-wasm.mjs'), script)
  }
  return root
}

/** A build-wasm.mjs that writes `bytes` (as a JS array literal) to out/wasm/kernels.wasm. */
const writesWasm = (bytes: string): string =>
  `import { mkdirSync, writeFileSync } from 'node:fs'\n` +
  `mkdirSync(new URL('../out/wasm', import.meta.url), { recursive: true })\n` +
  `writeFileSync(new URL('../out/wasm/kernels.wasm', import.meta.url), new Uint8Array(${bytes}))\n`

describe('the test setup', () => {
  it('fails when the WebAssembly build fails', async () => {
    await expect(prepare(await checkout(null))).rejects.toThrow(/^the kernels\.wasm build failed/)
    await expect(prepare(await checkout("console.error('asc: syntax error'); process.exit(1)"))).rejects.toThrow(/asc: syntax error/)
  })

  it('fails when the module it built does not load', async () => {
    await expect(prepare(await checkout(writesWasm('[1, 2, 3]')))).rejects.toThrow(/kernels\.wasm does not load here/)
  })

  it('fails when the engine worker does not build', async () => {
    // An empty but valid module: the WebAssembly step passes, the checkout has no engine sources to bundle.
    const root = await checkout(writesWasm('[0, 97, 115, 109, 1, 0, 0, 0]'))
    await expect(prepare(root)).rejects.toThrow(/^the engine worker bundle did not build/)
  })
})
