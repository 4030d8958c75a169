import { defineConfig } from 'vitest/config'

// One runner for the whole monorepo. Each package's tests live in packages/<name>/test;
// cross-package end-to-end tests live in test/. Packages import each other through
// their built dist/ (the test command builds first), exactly as an app would.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
})
