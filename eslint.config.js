// Lint: layering rules from STYLE.md (which folder may import what), plus the TypeScript and Vue recommended sets.
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'stream', 'url', 'http', 'net']

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
    // The engine is pure: no Node, Electron, Vue or DOM.
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: [...nodeBuiltins, 'electron', 'vue', 'pinia', 'sharp'], message: 'src/engine is pure TypeScript (STYLE.md rule 1).' },
          { group: ['**/io/**', '**/host/**', '**/api/**', '**/serve/**', '**/cli/**', '**/renderer/**'], message: 'src/engine imports nothing outside itself.' }
        ]
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'process']
    }
  },
  {
    // Only electron/ may import electron.
    files: ['src/**/*.ts', 'src/**/*.vue'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only electron/ imports electron.' }] }]
    }
  },
  {
    // The renderer reaches the outside only through services/, and never Node-side code.
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.vue'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'Only electron/ imports electron.' }],
        patterns: [
          { group: [...nodeBuiltins, 'sharp', 'ws'], message: 'The renderer runs in the browser.' },
          { group: ['**/io/**', '**/host/**', '**/serve/**', '**/cli/**'], message: 'The renderer talks to the outside only through services/.' }
        ]
      }]
    }
  }
)
