// Build config for the Node side (CLI, engine host, its worker): a Vite SSR build to out/node/[name].js.
import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { resolve } from 'node:path'
import { defineConfig } from 'vite'

const root = import.meta.dirname
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
}
const packages = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]

/** The programs: the CLI, the engine host process, the worker threads both run the engine on, and the app's batch process. */
const entries: Record<string, string> = {
  cli: 'src/cli/index.ts',
  host: 'src/host/process.ts',
  'engine-worker': 'src/runtime/engine-worker.ts',
  batch: 'src/batch/process.ts'
}
const input = Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, resolve(root, file)]))

/**
 * Bundled in: zod, whose package is dozens of small ES modules: loading them one by one costs a CLI run with a
 * recipe about 50 ms; bundled, its used parts load with the chunk that needs them. commander, a CommonJS package
 * that Node would otherwise scan for its exports and load file by file: bundled, every command starts about 4 ms
 * sooner.
 */
const BUNDLED = new Set(['zod', 'commander'])

/** Other packages and Node built-ins stay external: they are loaded from node_modules at run time. */
function isExternal(id: string): boolean {
  if (id.startsWith('node:') || builtinModules.includes(id)) return true
  return packages.some((name) => !BUNDLED.has(name) && (id === name || id.startsWith(`${name}/`)))
}

export default defineConfig({
  root,
  publicDir: false,
  logLevel: 'warn',
  ssr: { noExternal: [...BUNDLED] },
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'out/node',
    // Not emptied: tests and the engine host may be running files from here while the CLI is rebuilt.
    emptyOutDir: false,
    sourcemap: true,
    minify: false,
    copyPublicDir: false,
    rolldownOptions: {
      input,
      external: isExternal,
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name].js'
      }
    }
  }
})
