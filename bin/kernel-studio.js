#!/usr/bin/env node
// Runs in Node: the `kernel-studio` command. The CLI itself is built to out/node/cli.js by `npm run build:node`,
// which `npm install` runs through the `prepare` script.
import { existsSync } from 'node:fs'

const cli = new URL('../out/node/cli.js', import.meta.url)
if (!existsSync(cli)) {
  process.stderr.write('kernel-studio: error: the CLI is not built yet; run `npm install` (or `npm run build:node`) in the kernel-studio folder\n')
  process.exit(1)
}
await import(cli.href)
