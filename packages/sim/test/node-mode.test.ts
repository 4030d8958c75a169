/**
 * The simulator's node mode over many seeds: every seed must pass (C identical at equal index on
 * every node, no acknowledged strong write lost, every acknowledged eventual write folded and V = C
 * after the heal). A failing seed prints its one-line replay command.
 */
import { describe, expect, it } from 'vitest'
import { nodeReplayCommand, runNodeSimulation } from '../src/node/node-simulation.js'

/** At ~7 seeds/s on an idle core, about 70 s (design.md: ≥ 500 such seeds in `pnpm test`). */
const SEEDS = 500

describe('sim --mode node', () => {
  it(`passes ${SEEDS} seeds`, { timeout: 900_000 }, async () => {
    let strongApplied = 0
    let eventualAcknowledged = 0
    let crashes = 0
    let compared = 0
    let registerOperations = 0
    let membershipChanges = 0
    for (let seed = 1; seed <= SEEDS; seed++) {
      const result = await runNodeSimulation({ seed, keepTrace: false })
      if (result.violation !== null) {
        throw new Error(
          `seed ${seed}: ${result.violation.check}: ${result.violation.message}\nreplay: ${nodeReplayCommand(seed)}`,
        )
      }
      strongApplied += result.stats.strongApplied
      eventualAcknowledged += result.stats.eventualAcknowledged
      crashes += result.stats.crashes
      compared += result.stats.indexesCompared
      registerOperations += result.stats.registerOperations
      membershipChanges += result.stats.membershipChanges
    }
    // The runs did work: writes of both kinds were acknowledged, nodes crashed, C was compared.
    expect(strongApplied).toBeGreaterThan(SEEDS)
    expect(eventualAcknowledged).toBeGreaterThan(SEEDS)
    expect(crashes).toBeGreaterThan(0)
    expect(compared).toBeGreaterThan(SEEDS * 10)
    expect(registerOperations).toBeGreaterThan(SEEDS)
    // Every cluster was built by joining: at least one addLearner and one promote per extra node.
    expect(membershipChanges).toBeGreaterThanOrEqual(SEEDS * 4)
  })

  it('catches deliberately broken nodes: stale reads (linearizability) and a skipped entry (C differs)', {
    timeout: 120_000,
  }, async () => {
    const firstFailure = async (injectBug: 'stale-reads' | 'skipped-entries') => {
      for (let seed = 1; seed <= 40; seed++) {
        const result = await runNodeSimulation({ seed, keepTrace: false, injectBug })
        if (result.violation !== null) return result.violation.check
      }
      return null
    }
    expect(await firstFailure('stale-reads')).toBe('linearizability')
    expect(await firstFailure('skipped-entries')).toBe('state-machine-safety')
    expect(nodeReplayCommand(3, 'stale-reads')).toBe(
      'pnpm sim --mode node --seed 3 --inject-bug stale-reads --trace',
    )
  })

  it('runs real sealing (pure provider) under --sealing pure: seeds pass and replay identically', {
    timeout: 120_000,
  }, async () => {
    for (const seed of [1, 2]) {
      const first = await runNodeSimulation({ seed, keepTrace: false, sealing: 'pure' })
      expect(first.violation, nodeReplayCommand(seed, null, 'pure')).toBeNull()
      expect(first.stats.strongApplied + first.stats.eventualAcknowledged).toBeGreaterThan(0)
      const second = await runNodeSimulation({ seed, keepTrace: false, sealing: 'pure' })
      expect(second.traceDigest).toBe(first.traceDigest)
      // The sealed run is another run: the trace names its sealing.
      const plain = await runNodeSimulation({ seed, keepTrace: false })
      expect(plain.traceDigest).not.toBe(first.traceDigest)
    }
    expect(nodeReplayCommand(4, null, 'pure')).toBe('pnpm sim --mode node --seed 4 --sealing pure --trace')
  })

  it('replays a seed identically (same trace digest)', async () => {
    const first = await runNodeSimulation({ seed: 5, keepTrace: false })
    const second = await runNodeSimulation({ seed: 5, keepTrace: false })
    expect(second.traceDigest).toBe(first.traceDigest)
    expect(nodeReplayCommand(5)).toBe('pnpm sim --mode node --seed 5 --trace')
  })
})
