import { describe, expect, it } from 'vitest'
import { exitCodes } from '../src/checkers/violation.js'
import { crdtSwarmConfig } from '../src/crdt/config.js'
import { type CrdtInjectedBug, type CrdtSimulationResult, runCrdtSimulation } from '../src/crdt/simulation.js'
import { runCli } from './cli-helpers.js'

/** Runs CRDT seeds 1..`seeds` (with `bug`, if any) and returns the runs that failed a check. */
async function failures(seeds: number, bug?: CrdtInjectedBug): Promise<CrdtSimulationResult[]> {
  const failed: CrdtSimulationResult[] = []
  for (let seed = 1; seed <= seeds; seed++) {
    const result = await runCrdtSimulation({
      config: crdtSwarmConfig(seed),
      keepTrace: false,
      ...(bug !== undefined ? { injectBug: bug } : {}),
    })
    if (result.violation !== null) failed.push(result)
  }
  return failed
}

const crdtChecks = ['crdt-convergence', 'crdt-semantics', 'crdt-read-your-writes']

describe('the CRDT checks bite', () => {
  it('a replica that restarts without its durable log (reusing its dots) is caught within 20 seeds', async () => {
    const found = await failures(20, 'forgetful-restart')
    const caught = found.filter((result) => crdtChecks.includes(result.violation?.check ?? ''))
    expect(caught.length, 'no CRDT violation in 20 seeds with forgetful restarts').toBeGreaterThan(0)
  }, 120_000)

  it('sync without periodic anti-entropy (lost updates never repaired) fails convergence within 20 seeds', async () => {
    const found = await failures(20, 'no-anti-entropy')
    expect(found.map((result) => result.violation?.check)).toContain('crdt-convergence')
  }, 120_000)

  it('the same 20 seeds pass without an injected bug', async () => {
    const found = await failures(20)
    expect(found.map((result) => `seed ${result.seed}: ${result.violation?.check}`)).toEqual([])
  }, 120_000)
})

describe('CRDT runs replay exactly', () => {
  it('a seed run twice gives identical full traces', async () => {
    const run = () => runCrdtSimulation({ config: crdtSwarmConfig(4), keepTrace: true })
    const first = await run()
    const second = await run()
    expect(first.traceLines.length).toBeGreaterThan(500)
    expect(second.traceLines).toEqual(first.traceLines)
    expect(second.stats).toEqual(first.stats)
  }, 60_000)

  it('another seed gives another trace', async () => {
    const digest = async (seed: number) =>
      (await runCrdtSimulation({ config: crdtSwarmConfig(seed), keepTrace: false })).traceDigest
    expect(await digest(7)).not.toBe(await digest(8))
  }, 60_000)
})

describe('the CLI in crdt mode', () => {
  const run = runCli

  it('exits 0 on a passing seed and prints the digest a replay here gives', async () => {
    const here = await runCrdtSimulation({ config: crdtSwarmConfig(9), keepTrace: false })
    const result = run(['--mode', 'crdt', '--seed', '9'])
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toContain('crdt seed 9: ok')
    expect(result.stdout).toContain(`trace ${here.traceDigest}`)
  }, 60_000)

  it('names the failed check, the seed and a replay command, with the check exit code', () => {
    const result = run(['--mode', 'crdt', '--seeds', '20', '--inject-bug', 'no-anti-entropy'])
    expect(result.status).toBe(exitCodes['crdt-convergence'])
    expect(result.stderr).toMatch(/FAIL crdt seed \d+: crdt-convergence \(exit 18\)/)
    expect(result.stderr).toMatch(
      /replay: pnpm sim --mode crdt --seed \d+ --inject-bug no-anti-entropy --trace/,
    )
  }, 60_000)

  it('exits 2 on arguments of the other mode', () => {
    expect(run(['--mode', 'crdt', '--nodes', '3']).status).toBe(2)
    expect(run(['--replicas', '3']).status).toBe(2)
    expect(run(['--mode', 'crdt', '--replicas', '12']).status).toBe(2)
    expect(run(['--mode', 'paxos']).status).toBe(2)
  })
})
