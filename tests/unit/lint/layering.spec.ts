// @vitest-environment node
// Lints probe sources placed (by path only, nothing is written) in each folder of the layering, with the project's
// own eslint.config.js: every broken rule must report an error, every allowed import none.
import { fileURLToPath } from 'node:url'
import { ESLint, type Linter } from 'eslint'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const eslint = new ESLint({ cwd: root })

/** The rule ids of the errors `code` gets as the file `path` (relative to the repository). */
async function errors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` })
  return result.messages.filter((m: Linter.LintMessage) => m.severity === 2).map((m) => m.ruleId ?? m.message)
}

describe('the layering lint', () => {
  it.each([
    ['src/engine/probe.ts', "import { readFileSync } from 'node:fs'; export const f = readFileSync", 'no-restricted-imports'],
    ['src/engine/probe.ts', "import { ref } from 'vue'; export const r = ref", 'no-restricted-imports'],
    ['src/engine/probe.ts', "import sharp from 'sharp'; export const s = sharp", 'no-restricted-imports'],
    ['src/engine/probe.ts', 'export const title = document.title', 'no-restricted-globals'],
    ['src/engine/probe.ts', 'export const cwd = process.cwd()', 'no-restricted-globals'],
    ['src/engine/probe.ts', "import { formatFromPath } from '../io/formats'; export const f = formatFromPath", 'boundaries/dependencies'],
    ['src/engine/probe.ts', "import { CodedError } from '../contract/errors'; export const e = CodedError", 'boundaries/dependencies'],
    ['src/contract/probe.ts', "import { ref } from 'vue'; export const r = ref", 'no-restricted-imports'],
    ['src/contract/probe.ts', "import { join } from 'path'; export const j = join", 'no-restricted-imports'],
    ['src/contract/probe.ts', 'export const w = window.innerWidth', 'no-restricted-globals'],
    ['src/contract/probe.ts', "import { HostClient } from '../host/client'; export const h = HostClient", 'boundaries/dependencies'],
    ['src/renderer/probe.ts', "import { createHandlers } from '../api/handlers'; export const h = createHandlers", 'boundaries/dependencies'],
    ['src/renderer/probe.ts', "import { formatFromPath } from '../io/formats'; export const f = formatFromPath", 'boundaries/dependencies'],
    ['src/renderer/probe.ts', "import { readFile } from 'node:fs/promises'; export const r = readFile", 'no-restricted-imports'],
    ['src/renderer/stores/probe.ts', "import { ipcRenderer } from 'electron'; export const i = ipcRenderer", 'no-restricted-imports'],
    ['src/api/probe.ts', "import { app } from 'electron'; export const a = app", 'no-restricted-imports'],
    ['src/api/probe.ts', "import { setupIpc } from '../../electron/main/ipc'; export const s = setupIpc", 'boundaries/dependencies'],
    ['src/api/probe.ts', "import { startServer } from '../serve/server'; export const s = startServer", 'boundaries/dependencies'],
    ['src/host/probe.ts', "import { createHandlers } from '../api/handlers'; export const h = createHandlers", 'boundaries/dependencies'],
    ['src/runtime/probe.ts', "import { HostClient } from '../host/client'; export const h = HostClient", 'boundaries/dependencies'],
    ['src/io/probe.ts', "import { runStack } from '../runtime/run-stack'; export const r = runStack", 'boundaries/dependencies'],
    ['src/serve/probe.ts', "import { registerApply } from '../cli/apply'; export const r = registerApply", 'boundaries/dependencies'],
    ['src/cli/probe.ts', "import { createApp } from 'vue'; export const c = createApp", 'no-restricted-imports']
  ])('%s: %s is an error (%s)', async (path, code, rule) => {
    expect(await errors(path, code)).toContain(rule)
  })

  it.each([
    ['src/renderer/probe.ts', "import { firstLine } from '../contract/errors'; import { parseKernel } from '../engine/kernel'; export const x = [firstLine, parseKernel]"],
    ['src/contract/probe.ts', "import type { FilterSpec } from '../engine/types'; export type X = FilterSpec"],
    ['src/api/probe.ts', "import { HostClient } from '../host/client'; import { readFile } from 'node:fs/promises'; export const x = [HostClient, readFile]"],
    ['src/host/probe.ts', "import { runStack } from '../runtime/run-stack'; import { decodeImage } from '../io/decode-image'; export const x = [runStack, decodeImage]"],
    ['src/cli/probe.ts', "import { createHandlers } from '../api/handlers'; export const x = [createHandlers, () => import('../serve/server')]"],
    ['electron/main/probe.ts', "import { app } from 'electron'; import { createHandlers } from '../../src/api/handlers'; export const x = [app, createHandlers]"]
  ])('%s: allowed imports are not reported', async (path, code) => {
    expect(await errors(path, code)).toEqual([])
  })
})
