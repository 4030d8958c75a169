import { describe, expect, it } from 'vitest'
import { swarmConfig } from '../src/config.js'
import { createRaftFactory } from '../src/raft-host.js'
import { runSimulation } from '../src/simulation.js'
import { runCli } from './cli-helpers.js'

async function traceOf(seed: number) {
  const config = swarmConfig(seed)
  return runSimulation({ config, factory: createRaftFactory({ disk: config.disk.kind }), keepTrace: true })
}

describe('same seed, same run', () => {
  for (const seed of [3, 15]) {
    it(`seed ${seed} twice gives identical full traces`, async () => {
      const first = await traceOf(seed)
      const second = await traceOf(seed)
      expect(first.traceLines.length, `seed ${seed}`).toBeGreaterThan(500)
      expect(second.traceLines, `seed ${seed}`).toEqual(first.traceLines)
      expect(second.traceDigest).toBe(first.traceDigest)
      expect(second.stats).toEqual(first.stats)
    }, 60_000)
  }

  it('another seed gives another trace', async () => {
    expect((await traceOf(4)).traceDigest).not.toBe((await traceOf(5)).traceDigest)
  }, 60_000)

  it('a seed replayed by the CLI in a fresh process gives the digest it gave here, after other seeds ran', async () => {
    await traceOf(1)
    const here = await traceOf(15)
    const output = runCli(['--seed', '15']).stdout
    expect(output).toContain(`trace ${here.traceDigest}`)
  }, 60_000)
})
