// No import cycle between the top-level folders of src/ (and electron/): reads every relative import, builds the
// folder graph and fails, naming the cycle and the imports that make it, when a folder reaches itself again.
// eslint.config.js says which folder may import which; this check holds even where a file escapes the lint.
// Run by `npm run lint`; tests/unit/lint/layer-cycles.spec.ts checks that it fails on a cycle.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const SOURCE = /\.(ts|vue|mjs|js)$/
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g

/** The folder a repository path belongs to: `engine` for src/engine/..., `electron` for electron/...; else null. */
export function folderOf(path) {
  const parts = path.split(/[\\/]/)
  if (parts[0] === 'electron') return 'electron'
  if (parts[0] === 'src' && parts.length > 2) return parts[1]
  return null
}

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* sourceFiles(path)
    else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path
  }
}

/** Every import from one folder into another under `root`: `{ from, to, file, spec }`. */
export function folderImports(root) {
  const edges = []
  for (const top of ['src', 'electron']) {
    for (const file of sourceFiles(join(root, top))) {
      const path = relative(root, file).split(sep).join('/')
      const from = folderOf(path)
      if (!from) continue
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const target = relative(root, resolve(dirname(file), spec)).split(sep).join('/')
        const to = folderOf(target)
        if (to && to !== from) edges.push({ from, to, file: path, spec })
      }
    }
  }
  return edges
}

/** The cycles of a folder graph: each a list of folders `[a, b, ..., a]`, found by depth-first search. */
export function findCycles(edges) {
  const next = new Map()
  for (const { from, to } of edges) {
    if (!next.has(from)) next.set(from, new Set())
    next.get(from).add(to)
  }
  const cycles = []
  const seen = new Set()
  const state = new Map() // 1 = on the current path, 2 = done
  const path = []
  const visit = (node) => {
    state.set(node, 1)
    path.push(node)
    for (const to of [...(next.get(node) ?? [])].sort()) {
      if (state.get(to) === 1) {
        const cycle = [...path.slice(path.indexOf(to)), to]
        const key = [...cycle.slice(0, -1)].sort().join(' ')
        if (!seen.has(key)) {
          seen.add(key)
          cycles.push(cycle)
        }
      } else if (!state.has(to)) visit(to)
    }
    path.pop()
    state.set(node, 2)
  }
  for (const node of [...next.keys()].sort()) if (!state.has(node)) visit(node)
  return cycles
}

/** One line per cycle, with one import for each of its steps. */
export function describeCycles(cycles, edges) {
  return cycles.map((cycle) => {
    const steps = cycle.slice(0, -1).map((from, i) => {
      const to = cycle[i + 1]
      const edge = edges.find((e) => e.from === from && e.to === to)
      return `${from} -> ${to} (${edge.file} imports ${edge.spec})`
    })
    return `import cycle between folders: ${steps.join(', ')}`
  })
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
  const edges = folderImports(root)
  const problems = describeCycles(findCycles(edges), edges)
  for (const line of problems) console.error(`check-layers: ${line}`)
  if (problems.length > 0) process.exit(1)
}
