import { defineConfig } from 'vitest/config'
import LongestFirstSequencer from './scripts/longest-first-sequencer.ts'

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
    // Two files side by side on the 2-core CI machine (vitest's default is one fewer worker than
    // cores: one at a time here). Many files wait on child processes, fsync and timers, so two
    // overlap well: 1,041 s → 687 s for the suite in a fresh clone.
    maxWorkers: 2,
    sequence: { sequencer: LongestFirstSequencer },
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
})
