import { expect, it } from 'vitest'
import { exitCodes } from '../src/checkers/violation.js'
import { crdtSwarmConfig, describeCrdtConfig } from '../src/crdt/config.js'
import { crdtReplayCommand, runCrdtSeeds } from '../src/crdt/runner.js'

/**
 * Runs `count` swarm seeds of eventual writes from `from`, in batches of 100 (one test each),
 * against the production CRDT replicas, sync sessions and codec. A failure names the check, its
 * exit code and the replay command.
 */
export function crdtSwarmSeedRange(from: number, count: number): void {
  const batch = 100
  for (let start = from; start < from + count; start += batch) {
    const size = Math.min(batch, from + count - start)
    it(`crdt seeds ${start}–${start + size - 1}: converged, as specified, zero violations`, async () => {
      const summary = await runCrdtSeeds({ from: start, count: size })
      const failure = summary.failure
      const report =
        failure?.violation == null
          ? ''
          : `crdt seed ${failure.seed}: ${failure.violation.check} (exit ${exitCodes[failure.violation.check]})\n${
              failure.violation.message
            }\n${describeCrdtConfig(crdtSwarmConfig(failure.seed))}\nreplay: ${crdtReplayCommand(failure.seed)}`
      expect(failure === null, report).toBe(true)
      expect(summary.seedsRun).toBe(size)
    }, 120_000)
  }
}
