// Runs in Node: sharp, loaded through its CommonJS build. Its ES module build costs a process about 0.2 s of CPU
// more to load (Node parses every CommonJS file it imports, semver's dozens among them, to find their exports),
// which is most of the start-up a short batch or `apply` pays before the first photo is read.
import { createRequire } from 'node:module'
import type Sharp from 'sharp'

/** The sharp function, as `import sharp from 'sharp'` gives it. */
const sharp = createRequire(import.meta.url)('sharp') as typeof Sharp

export default sharp
