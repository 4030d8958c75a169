import { expect, it } from 'vitest'
import { exitCodes } from '../src/checkers/violation.js'
import { describeConfig, swarmConfig } from '../src/config.js'
import { createRaftFactory } from '../src/raft-host.js'
import { replayCommand, runSeeds } from '../src/runner.js'

/**
 * Runs `count` swarm seeds from `from`, in batches of 50 (one test each), against the production
 * Raft core, driver and WAL. A failure names the check, its exit code and the replay command.
 */
export function swarmSeedRange(from: number, count: number): void {
  const batch = 50
  for (let start = from; start < from + count; start += batch) {
    const size = Math.min(batch, from + count - start)
    it(`seeds ${start}–${start + size - 1}: zero violations`, async () => {
      const summary = await runSeeds({
        from: start,
        count: size,
        factory: (config) => createRaftFactory({ disk: config.disk.kind }),
      })
      const failure = summary.failure
      const report =
        failure?.violation == null
          ? ''
          : `seed ${failure.seed}: ${failure.violation.check} (exit ${exitCodes[failure.violation.check]})\n${
              failure.violation.message
            }\n${describeConfig(swarmConfig(failure.seed))}\nreplay: ${replayCommand(failure.seed)}`
      expect(failure === null, report).toBe(true)
      expect(summary.seedsRun).toBe(size)
    }, 120_000)
  }
}
