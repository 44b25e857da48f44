import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.spec.ts', 'tests/integration/**/*.spec.ts'],
    environment: 'node',
    // Builds kernels.wasm and a private engine-worker bundle, so the fast paths are tested from current sources.
    globalSetup: ['tests/unit/fast/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
})
