// The README's PNG-size claim, measured: each bundled sample photo written by Kernel Studio's PNG writer (the built
// CLI with the identity kernel, so the pixels are the photo's) and by sharp, at its default settings, with
// adaptive filtering, and with adaptive filtering at zlib level 9. Checks that all of them hold the same pixels
// (fails otherwise) and prints the sizes. Needs `npm run build:node` (out/node/cli.js).
// Usage: node scripts/measure-png-sizes.mjs [photo ...]
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, extname, join, resolve } from 'node:path'
import sharp from 'sharp'

const root = resolve(import.meta.dirname, '..')
const samples = join(root, 'resources', 'samples')
const photos = process.argv.length > 2
  ? process.argv.slice(2)
  : readdirSync(samples).filter((n) => /\.(png|jpe?g)$/i.test(n)).map((n) => join(samples, n))

const SHARP = {
  'sharp default': {},
  'sharp adaptive': { adaptiveFiltering: true },
  'sharp adaptive, level 9': { adaptiveFiltering: true, compressionLevel: 9 }
}

const dir = mkdtempSync(join(tmpdir(), 'ks-png-sizes-'))
try {
  for (const photo of photos) {
    const stem = basename(photo, extname(photo))
    const ours = join(dir, `${stem}-ours.png`)
    execFileSync(process.execPath, [join(root, 'out', 'node', 'cli.js'), 'apply', photo, '-o', ours, '--kernel', '1'])
    const raw = await sharp(ours).raw().toBuffer({ resolveWithObject: true })
    const sizes = { ours: statSync(ours).size }
    for (const [label, options] of Object.entries(SHARP)) {
      const file = join(dir, `${stem}-${label.replace(/\W+/g, '-')}.png`)
      await sharp(raw.data, { raw: raw.info }).png(options).toFile(file)
      const back = await sharp(file).raw().toBuffer()
      if (!back.equals(raw.data)) throw new Error(`${label} did not keep the pixels of ${stem}`)
      sizes[label] = statSync(file).size
    }
    const cells = Object.entries(sizes).map(([label, size]) => `${label} ${(size / 1024).toFixed(0)} KiB${label === 'ours' ? '' : ` (ours ${((sizes.ours / size) * 100).toFixed(0)}%)`}`)
    console.log(`${stem} ${raw.info.width}x${raw.info.height}x${raw.info.channels}: ${cells.join(', ')}`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
