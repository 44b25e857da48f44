// Runs in Node (CLI, engine host, serve mode, tests): finds the built engine worker and kernels.wasm, and loads
// the fast-path kernels (WebAssembly SIMD, or plain TypeScript when the module is missing or unsupported).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Kernels } from '../engine/fast/backend'
import { tsKernels } from '../engine/fast/ts-backend'
import { wasmKernels } from '../engine/fast/wasm-backend'
import { packageRoot } from '../io/package-paths'

/** Which kernel set to use: 'auto' takes WebAssembly SIMD when it loads, else TypeScript. */
export type BackendChoice = 'auto' | 'wasm' | 'ts'

/**
 * The engine worker script: KERNEL_STUDIO_WORKER if set (the test setup builds its own copy), else
 * out/node/engine-worker.js when it has been built (npm run build:node); null when there is none.
 */
export function workerScriptPath(): string | null {
  const override = process.env.KERNEL_STUDIO_WORKER
  if (override) return existsSync(override) ? override : null
  const file = join(packageRoot(), 'out', 'node', 'engine-worker.js')
  return existsSync(file) ? file : null
}

/**
 * The kernels module: KERNEL_STUDIO_WASM if set (tests point it elsewhere to check the fallback), else
 * out/wasm/kernels.wasm when it has been built (npm run build:wasm); null when there is none.
 */
export function wasmFilePath(): string | null {
  const override = process.env.KERNEL_STUDIO_WASM
  if (override) return existsSync(override) ? override : null
  const file = join(packageRoot(), 'out', 'wasm', 'kernels.wasm')
  return existsSync(file) ? file : null
}

let compiled: { module: WebAssembly.Module | null; reason: string } | undefined

/**
 * The compiled kernels module, or null with the reason (not built, or no WebAssembly SIMD here). Compiled once
 * per process; worker threads receive the compiled module instead of reading the file again.
 */
export function kernelModule(): { module: WebAssembly.Module | null; reason: string } {
  if (compiled) return compiled
  const file = wasmFilePath()
  if (!file) return (compiled = { module: null, reason: 'kernels.wasm is not built (npm run build:wasm)' })
  try {
    return (compiled = { module: new WebAssembly.Module(readFileSync(file)), reason: '' })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return (compiled = { module: null, reason: `kernels.wasm did not load (no WebAssembly SIMD?): ${message}` })
  }
}

/** A kernel set from a compiled module (or TypeScript for null); throws if the module's exports do not fit. */
export function instantiateKernels(module: WebAssembly.Module | null): Kernels {
  if (!module) return tsKernels()
  const instance = new WebAssembly.Instance(module, {})
  return wasmKernels(instance.exports as Record<string, unknown>)
}

/** The module a backend choice runs on: null means TypeScript. 'wasm' throws when WebAssembly is unavailable. */
export function moduleFor(choice: BackendChoice): WebAssembly.Module | null {
  if (choice === 'ts') return null
  const { module, reason } = kernelModule()
  if (!module && choice === 'wasm') throw new Error(reason)
  return module
}
