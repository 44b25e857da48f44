// Runs in Node: sharp, loaded on first use through its CommonJS build. Its ES module build costs a process about
// 0.2 s of CPU more to load (Node parses every CommonJS file it imports, semver's dozens among them, to find their
// exports). Loading it on first use lets commands that read no image skip it, and lets a batch start its engine
// worker threads on the other core while sharp loads, instead of while the first photos decode.
import { createRequire } from 'node:module'
import type Sharp from 'sharp'

let loaded: typeof Sharp | undefined

/** The sharp function, as `import sharp from 'sharp'` gives it; the package is loaded on the first call. */
export function loadSharp(): typeof Sharp {
  loaded ??= createRequire(import.meta.url)('sharp') as typeof Sharp
  return loaded
}
