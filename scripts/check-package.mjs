// Runs in Node (CI, after `npm test`): the packed package works as a command-line tool on its own. Packs the
// repository as `npm publish` would (its prepack build included), checks that the tarball holds what the CLI, its
// engine worker, the WebAssembly kernels and serve mode need and none of the sources, tests or source maps, installs
// it into an empty folder without running any install script, then runs `kernel-studio apply`, `batch` (when the CLI
// has it) and `serve` from there. Usage: node scripts/check-package.mjs
import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const samples = join(root, 'resources', 'samples')
const FILTER = ['--preset', 'gaussian-blur:size=5,sigma=1', '--preset', 'sharpen']

/** What the installed CLI cannot work without (paths inside the tarball). */
const REQUIRED = [
  'package/package.json',
  'package/bin/kernel-studio.js',
  'package/out/node/cli.js',
  'package/out/node/host.js',
  'package/out/node/engine-worker.js',
  'package/out/node/batch.js',
  'package/out/wasm/kernels.wasm',
  'package/out/renderer/index.html',
  'package/resources/samples/astronaut.png'
]

/** What a user of the CLI never needs: sources, tests, the Electron build, source maps, TypeScript. */
const FORBIDDEN = /^package\/(src|tests|electron|scripts|out\/(main|preload|test-worker))\/|\.map$|\.ts$/

/**
 * The tarball's size limit. Today: about 1 MB of built code plus 1.6 MB of sample photos, compressed to 1.6 MB.
 * Well above that, something that does not belong (sources, maps, a stray build) has crept in.
 */
const MAX_TARBALL_BYTES = 3_000_000

class CheckError extends Error {}

function fail(message) {
  throw new CheckError(message)
}

/** Runs a command to completion; fails with its output when it exits non-zero. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 600_000, ...options })
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim()
    fail(`\`${command} ${args.join(' ')}\` exited with ${result.status ?? result.signal}${output ? `:\n${output}` : ''}`)
  }
  return result.stdout
}

/** The environment for the installed CLI: nothing pointing it back at this repository's builds. */
function cleanEnv() {
  const env = { ...process.env }
  delete env.KERNEL_STUDIO_WORKER
  delete env.KERNEL_STUDIO_WASM
  return env
}

async function samePixels(actualPath, expectedPath, what) {
  const [actual, expected] = await Promise.all([actualPath, expectedPath].map((file) => sharp(file).raw().toBuffer({ resolveWithObject: true })))
  const sameShape = actual.info.width === expected.info.width && actual.info.height === expected.info.height && actual.info.channels === expected.info.channels
  if (!sameShape || !actual.data.equals(expected.data)) fail(`${what}: ${actualPath} differs from the repository's CLI result ${expectedPath}`)
}

function checkTarball(tarball) {
  const entries = run('tar', ['-tzf', tarball]).split('\n').filter(Boolean)
  const missing = REQUIRED.filter((path) => !entries.includes(path))
  if (missing.length) fail(`the tarball lacks ${missing.join(', ')}`)
  const extra = entries.filter((path) => FORBIDDEN.test(path))
  if (extra.length) fail(`the tarball holds files a CLI user does not need: ${extra.join(', ')}`)
  const bytes = statSync(tarball).size
  if (bytes > MAX_TARBALL_BYTES) fail(`the tarball is ${bytes} bytes, over the ${MAX_TARBALL_BYTES}-byte limit`)
  console.log(`check-package: ${tarball}: ${entries.length} files, ${(bytes / 1e6).toFixed(2)} MB`)
}

/** Installs the tarball into an empty project folder, as a user would, but with every install script disabled. */
function install(tarball, app) {
  mkdirSync(app)
  writeFileSync(join(app, 'package.json'), '{ "name": "kernel-studio-package-check", "private": true }\n')
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', tarball], { cwd: app })
  for (const devOnly of ['electron', '@sparticuz/chromium', 'vite']) {
    if (existsSync(join(app, 'node_modules', devOnly))) fail(`installing the package brought in the dev dependency ${devOnly}`)
  }
}

/**
 * Every package the installed build imports is one of its dependencies (or Node's own): a command the runs below do
 * not reach (inspect, presets, ...) must not need a dev dependency either.
 */
function checkImports(app) {
  const installed = join(app, 'node_modules', 'kernel-studio')
  const { dependencies = {} } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'))
  const files = readdirSync(join(installed, 'out', 'node'), { recursive: true }).filter((file) => file.endsWith('.js'))
  const wrong = new Set()
  for (const file of files) {
    const code = readFileSync(join(installed, 'out', 'node', file), 'utf8')
    for (const [, specifier] of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)["']([^"'./][^"']*)["']/g)) {
      const name = specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/')
      if (!specifier.startsWith('node:') && !builtinModules.includes(name) && !(name in dependencies)) wrong.add(`${specifier} (out/node/${file})`)
    }
  }
  if (wrong.size) fail(`the installed build imports packages that are not dependencies: ${[...wrong].join(', ')}`)
}

/** `npx kernel-studio ...` in the install folder: the installed bin, never one elsewhere on PATH or downloaded. */
function cli(app, args) {
  return run('npx', ['--no', '--', 'kernel-studio', ...args], { cwd: app, env: cleanEnv() })
}

async function checkApply(app, work) {
  const input = join(samples, 'astronaut.png')
  const output = join(work, 'apply.png')
  const expected = join(work, 'expected.png')
  cli(app, ['apply', input, '-o', output, ...FILTER])
  run(process.execPath, [join(root, 'bin', 'kernel-studio.js'), 'apply', input, '-o', expected, ...FILTER])
  await samePixels(output, expected, 'apply')
  console.log('check-package: apply writes the same pixels as the repository')
  return expected
}

async function checkBatch(app, work, expectedAstronaut) {
  if (!/^\s+batch\b/m.test(cli(app, ['--help']))) {
    console.log('check-package: this CLI has no batch command; skipped')
    return
  }
  const inputs = join(work, 'in')
  const outputs = join(work, 'batch')
  mkdirSync(inputs)
  for (const name of ['astronaut.png', 'coffee.png']) copyFileSync(join(samples, name), join(inputs, name))
  cli(app, ['batch', inputs, '-d', outputs, '--progress', 'none', ...FILTER])
  const written = readdirSync(outputs).sort()
  if (written.join(',') !== 'astronaut.png,coffee.png') fail(`batch wrote [${written.join(', ')}] instead of astronaut.png and coffee.png`)
  await samePixels(join(outputs, 'astronaut.png'), expectedAstronaut, 'batch')
  console.log('check-package: batch writes every input, with the same pixels as apply')
}

/** GET with the cookie a redirect sets (serve mode may trade a token in its URL for a cookie). */
async function get(url, cookie = '') {
  const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} })
  if (response.status >= 300 && response.status < 400) {
    const next = response.headers.get('set-cookie')?.split(';')[0] ?? cookie
    return get(new URL(response.headers.get('location') ?? '/', url).href, next)
  }
  return { response, cookie }
}

async function checkServe(app) {
  const server = spawn(process.execPath, [join(app, 'node_modules', '.bin', 'kernel-studio'), 'serve', '--port', '0'], {
    cwd: app,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let said = ''
  server.stdout.on('data', (chunk) => (said += chunk))
  server.stderr.on('data', (chunk) => (said += chunk))
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new CheckError(`serve printed no address within 30 s: ${said.trim()}`)), 30_000)
      const look = () => {
        const found = /http:\/\/127\.0\.0\.1:\d+\/\S*/.exec(said)
        if (found) {
          clearTimeout(timer)
          resolve(found[0])
        }
      }
      server.stdout.on('data', look)
      server.on('exit', (code) => reject(new CheckError(`serve exited with ${code}: ${said.trim()}`)))
    })
    const { response, cookie } = await get(url)
    const html = await response.text()
    if (response.status !== 200 || !html.includes('<div id="app"')) fail(`serve answered ${url} with ${response.status}, not the editor's page`)
    const script = /<script[^>]+src="([^"]+)"/.exec(html)?.[1]
    if (!script) fail("the editor's page names no script")
    const asset = await get(new URL(script, url).href, cookie)
    if (asset.response.status !== 200) fail(`serve answered the editor's script ${script} with ${asset.response.status}`)
    console.log(`check-package: serve serves the editor and its script at ${new URL('/', url).href}`)
  } finally {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve))
      server.kill()
      await exited
    }
  }
}

const temp = mkdtempSync(join(tmpdir(), 'kernel-studio-package-'))
try {
  run('npm', ['pack', '--pack-destination', temp], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] })
  const tarball = readdirSync(temp).find((name) => name.endsWith('.tgz'))
  if (!tarball) fail('npm pack wrote no tarball')
  checkTarball(join(temp, tarball))
  const app = join(temp, 'app')
  install(join(temp, tarball), app)
  checkImports(app)
  const work = join(temp, 'work')
  mkdirSync(work)
  const expected = await checkApply(app, work)
  await checkBatch(app, work, expected)
  await checkServe(app)
  console.log('check-package: ok')
} catch (error) {
  if (!(error instanceof CheckError)) throw error
  console.error(`check-package: error: ${error.message}`)
  process.exitCode = 1
} finally {
  rmSync(temp, { recursive: true, force: true })
}
