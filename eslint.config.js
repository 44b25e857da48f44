// Lint: the layering of the README's Architecture section (which folder may import what, and which packages each
// folder may use), plus the TypeScript and Vue recommended sets. tests/unit/lint/layering.spec.ts lints probe files
// that break each rule and expects errors, so a rule that stops firing fails the tests.
import { builtinModules } from 'node:module'
import boundaries from 'eslint-plugin-boundaries'
import pluginVue from 'eslint-plugin-vue'
import tseslint from 'typescript-eslint'

/**
 * Every folder of the layering and the folders it may import, itself included. A folder imports only folders
 * below it: `electron/`, serve and cli -> api -> host -> batch -> runtime -> io -> contract -> engine. cli may start
 * serve (`kernel-studio serve`); the renderer sees only engine and contract.
 */
export const LAYERS = {
  engine: ['engine'],
  contract: ['contract', 'engine'],
  io: ['io', 'contract', 'engine'],
  runtime: ['runtime', 'io', 'contract', 'engine'],
  batch: ['batch', 'runtime', 'io', 'contract', 'engine'],
  host: ['host', 'batch', 'runtime', 'io', 'contract', 'engine'],
  api: ['api', 'host', 'batch', 'runtime', 'io', 'contract', 'engine'],
  serve: ['serve', 'api', 'host', 'batch', 'runtime', 'io', 'contract', 'engine'],
  cli: ['cli', 'serve', 'api', 'host', 'batch', 'runtime', 'io', 'contract', 'engine'],
  electron: ['electron', 'api', 'host', 'batch', 'runtime', 'io', 'contract', 'engine'],
  renderer: ['renderer', 'contract', 'engine']
}

/** Where each folder lives. */
const FOLDERS = Object.fromEntries(Object.keys(LAYERS).map((name) => [name, name === 'electron' ? 'electron' : `src/${name}`]))

const nodeBuiltins = ['node:*', ...builtinModules, ...builtinModules.map((m) => `${m}/*`)]
const outsideNode = ['electron', 'vue', 'pinia', '@vue/*']

/** Globals that exist only in a browser or only in Node: pure code uses neither. */
const hostGlobals = ['window', 'document', 'navigator', 'location', 'localStorage', 'sessionStorage', 'HTMLElement',
  'HTMLCanvasElement', 'ImageData', 'OffscreenCanvas', 'fetch', 'XMLHttpRequest', 'WebSocket', 'process', 'Buffer',
  'require', '__dirname', '__filename', 'setImmediate']

/** Packages each folder may not import (the folder rules are boundaries/dependencies, below). */
const PACKAGE_RULES = [
  {
    folders: ['engine', 'contract'],
    group: [...nodeBuiltins, ...outsideNode, 'sharp', 'ws', 'commander'],
    message: 'src/engine and src/contract are pure TypeScript that Node, the engine host and the browser all run: no Node, Electron, Vue or sharp.'
  },
  {
    folders: ['io', 'runtime', 'batch', 'host', 'api', 'serve', 'cli'],
    group: outsideNode,
    message: 'Only electron/ imports electron, and only the renderer imports Vue and Pinia.'
  },
  {
    folders: ['renderer'],
    group: [...nodeBuiltins, 'electron', 'sharp', 'ws', 'commander'],
    message: 'The renderer runs in the browser: no Node, Electron or sharp (it reaches them through services/ and the API).'
  }
]

const filesOf = (folder) => [`${FOLDERS[folder]}/**/*.ts`, `${FOLDERS[folder]}/**/*.vue`]

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'src/wasm/**', 'test-results/**', 'playwright-report/**', '.bench/**'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } }
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/first-attribute-linebreak': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off'
    }
  },
  {
    // Folder to folder: every import between the folders of LAYERS must be allowed there (default: disallow).
    files: ['src/**/*.ts', 'src/**/*.vue', 'electron/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': Object.entries(FOLDERS).map(([type, pattern]) => ({ type, pattern })),
      'boundaries/include': ['src/**/*', 'electron/**/*'],
      'import/resolver': { node: { extensions: ['.ts', '.d.ts', '.js', '.mjs', '.vue', '.json'] } }
    },
    rules: {
      'boundaries/dependencies': ['error', {
        default: 'disallow',
        message: '{{from.type}} may not import {{to.type}}: see the allowed imports in the README\'s Architecture section (eslint.config.js LAYERS)',
        policies: Object.entries(LAYERS).map(([from, allowed]) => ({
          from: { element: { type: from } },
          allow: { to: { element: { types: { anyOf: allowed } } } }
        }))
      }]
    }
  },
  // Packages: one block per folder, so no later block replaces a folder's list (each file matches exactly one).
  ...PACKAGE_RULES.flatMap(({ folders, group, message }) =>
    folders.map((folder) => ({
      files: filesOf(folder),
      rules: { 'no-restricted-imports': ['error', { patterns: [{ group, message }] }] }
    }))
  ),
  {
    files: [...filesOf('engine'), ...filesOf('contract')],
    rules: { 'no-restricted-globals': ['error', ...hostGlobals] }
  }
)
