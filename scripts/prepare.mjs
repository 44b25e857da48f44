// Runs in Node: the `prepare` script. `npm install` in the repository builds everything (the README's first command
// relies on it). npm also runs `prepare` on `npm pack` and `npm publish`, right after `prepack` has built the same
// things for the tarball: there the second build is skipped.
import { spawnSync } from 'node:child_process'

if (process.env.npm_command === 'pack' || process.env.npm_command === 'publish') process.exit(0)
const result = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' })
process.exit(result.status ?? 1)
