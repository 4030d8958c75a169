import { describe, expect, it } from 'vitest'
import { checkNames, exitCodes } from '../src/checkers/violation.js'
import { type SimulationConfig, swarmConfig } from '../src/config.js'
import { createRaftFactory, type RaftFactoryOptions } from '../src/raft-host.js'
import { runSimulation, type SimulationResult } from '../src/simulation.js'
import { runCli } from './cli-helpers.js'

/** A swarm configuration with crashes frequent enough for a lying disk to matter. */
function crashHeavy(seed: number): SimulationConfig {
  const base = swarmConfig(seed)
  return { ...base, faults: { ...base.faults, crashProbability: 0.2 } }
}

/** Runs seeds 1..`seeds` and returns the runs that failed a check. */
async function failures(
  seeds: number,
  config: (seed: number) => SimulationConfig,
  factory: (config: SimulationConfig) => RaftFactoryOptions,
): Promise<SimulationResult[]> {
  const failed: SimulationResult[] = []
  for (let seed = 1; seed <= seeds; seed++) {
    const run = config(seed)
    const result = await runSimulation({
      config: run,
      factory: createRaftFactory(factory(run)),
      keepTrace: false,
    })
    if (result.violation !== null) failed.push(result)
  }
  return failed
}

const safetyChecks = [
  'election-safety',
  'log-matching',
  'leader-completeness',
  'state-machine-safety',
  'linearizability',
]

describe('the checkers bite', () => {
  it('a disk that loses acknowledged writes on a crash is caught within 20 seeds', async () => {
    const found = await failures(20, crashHeavy, () => ({ disk: 'memory', lostAcknowledgedWrites: 4 }))
    const safety = found.filter((result) => safetyChecks.includes(result.violation?.check ?? ''))
    expect(safety.length, 'no safety violation in 20 seeds with a lying disk').toBeGreaterThan(0)
  }, 120_000)

  it('the same 20 seeds pass with an honest disk', async () => {
    const found = await failures(20, crashHeavy, () => ({ disk: 'memory' }))
    expect(found.map((result) => `seed ${result.seed}: ${result.violation?.check}`)).toEqual([])
  }, 120_000)

  it('reads served without ReadIndex (stale reads) are caught as non-linearizable within 10 seeds', async () => {
    const found = await failures(10, swarmConfig, (config) => ({ disk: config.disk.kind, staleReads: true }))
    expect(found.map((result) => result.violation?.check)).toContain('linearizability')
  }, 120_000)
})

describe('the CLI', () => {
  const run = runCli

  it('gives every check its own exit code', () => {
    const codes = checkNames.map((check) => exitCodes[check])
    expect(new Set(codes).size).toBe(checkNames.length)
    for (const code of codes) expect(code).toBeGreaterThanOrEqual(10)
  })

  it('exits 0 on a passing seed', () => {
    const result = run(['--seed', '2'])
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toContain('seed 2: ok')
  })

  it('names the failed check, the seed and a replay command, with the check exit code', () => {
    const result = run(['--seeds', '10', '--inject-bug', 'stale-reads'])
    expect(result.status).toBe(exitCodes.linearizability)
    expect(result.stderr).toMatch(/FAIL seed \d+: linearizability \(exit 14\)/)
    expect(result.stderr).toMatch(/replay: pnpm sim --seed \d+ --trace/)
  })

  it('exits 2 on bad arguments', () => {
    expect(run(['--nodes', '4']).status).toBe(2)
    expect(run(['--bogus']).status).toBe(2)
  })
})
