import type { Reporter, TestModule } from 'vitest/node'

/**
 * Ends every run with one plain line, `tests: N passed, N failed, N skipped`, which CI reads as the
 * verdict. A test file that fails to load counts as one failure, so a broken import cannot pass
 * as "no tests".
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const testModule of testModules) {
      let failedInModule = 0
      for (const test of testModule.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failedInModule++
        else skipped++
      }
      if (failedInModule === 0 && testModule.state() === 'failed') failedInModule = 1
      failed += failedInModule
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  }
}
