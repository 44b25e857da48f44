// @vitest-environment node
// scripts/check-layers.mjs (run by npm run lint): no import cycle between the top-level folders of src/.
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
// @ts-expect-error: a plain .mjs script without type declarations.
import { describeCycles, findCycles, folderImports, folderOf } from '../../../scripts/check-layers.mjs'

type Edge = { from: string; to: string; file: string; spec: string }
const root = fileURLToPath(new URL('../../..', import.meta.url))
const edge = (from: string, to: string): Edge => ({ from, to, file: `src/${from}/a.ts`, spec: `../${to}/b` })

describe('the folder cycle check', () => {
  it('names folders by where a file lies', () => {
    expect(folderOf('src/engine/fast/plan.ts')).toBe('engine')
    expect(folderOf('electron/main/ipc.ts')).toBe('electron')
    expect(folderOf('package.json')).toBeNull()
    expect(folderOf('src/index.ts')).toBeNull()
  })

  it('finds a cycle and names the imports that make it', () => {
    const edges = [edge('api', 'host'), edge('host', 'runtime'), edge('runtime', 'api'), edge('cli', 'api')]
    const cycles = findCycles(edges) as string[][]
    expect(cycles).toEqual([['api', 'host', 'runtime', 'api']])
    expect(describeCycles(cycles, edges)).toEqual([
      'import cycle between folders: api -> host (src/api/a.ts imports ../host/b), host -> runtime (src/host/a.ts imports ../runtime/b), runtime -> api (src/runtime/a.ts imports ../api/b)'
    ])
    expect(findCycles([edge('host', 'api'), edge('api', 'host')])).toHaveLength(1)
  })

  it('passes a one-way graph', () => {
    expect(findCycles([edge('cli', 'api'), edge('api', 'host'), edge('cli', 'host'), edge('host', 'engine')])).toEqual([])
  })

  it('finds no cycle in this tree', () => {
    const edges = folderImports(root) as Edge[]
    expect(edges.some((e) => e.from === 'host' && e.to === 'runtime')).toBe(true)
    expect(describeCycles(findCycles(edges), edges)).toEqual([])
  })
})
