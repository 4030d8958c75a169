import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The files that take minutes, longest first. vitest orders files by the durations of its last run,
 * but a fresh clone (CI) has none and keeps glob order, so one of these could start last and run
 * alone at the end while the other worker idles. Measured in a fresh clone with two workers
 * (2026-12-07): 246 s, 95 s, 75 s, 65 s, 65 s.
 */
const LONGEST_FIRST = [
  'packages/node/test/node-durability-sigkill.test.ts',
  'packages/node/test/node-durability-learner.test.ts',
  'packages/sim/test/node-mode.test.ts',
  'packages/sim/test/crdt-swarm-a.test.ts',
  'packages/sim/test/crdt-swarm-b.test.ts',
]

/** vitest's order, with {@link LONGEST_FIRST} moved to the front. */
export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const rank = (file: TestSpecification) => {
      const at = LONGEST_FIRST.findIndex((path) => file.moduleId.endsWith(path))
      return at < 0 ? LONGEST_FIRST.length : at
    }
    return [...sorted].sort((a, b) => rank(a) - rank(b))
  }
}
