import { describe, expect, it } from 'vitest'
import { type SimOptions, Simulation } from './harness/sim.js'

// Seeded randomized simulation of whole clusters of cores (TigerBeetle/etcd style): a safety phase
// with faults everywhere (loss, duplication, reordering, partitions, late persistence, crashes that
// lose unpersisted state, compaction and snapshots, membership changes), checked after every step
// for election safety, leader completeness, state-machine safety and linearizable reads (a read
// index is never below what was applied anywhere before the read began); then a liveness phase with
// the faults healed, in which a fresh proposal must be applied by every member. A failure names
// its seed: rerun with TANDEM_SEED=<seed> to replay it alone. RAFT_CORE_SIM_SEEDS=<n> runs n seeds
// per case (a long run).

const only = process.env.TANDEM_SEED === undefined ? null : Number(process.env.TANDEM_SEED)

function run(base: Omit<SimOptions, 'seed'>, seeds: readonly number[]): void {
  for (const seed of only === null ? seeds : [only]) {
    const sim = new Simulation({ ...base, seed })
    for (let step = 0; step < base.steps; step++) sim.step(true)
    const live = sim.liveness(3000)
    expect(live, `seed ${seed}: no progress after healing (replay with TANDEM_SEED=${seed})`).toBe(true)
    expect(sim.leaders.size, `seed ${seed}: no leader was ever elected`).toBeGreaterThan(0)
  }
}

// RAFT_CORE_SIM_SEEDS=N runs N seeds per case instead of the few used in CI (a long run).
const extra = Number(process.env.RAFT_CORE_SIM_SEEDS ?? 0)
const seeds = (from: number, count: number) =>
  Array.from({ length: extra > 0 ? extra : count }, (_, i) => from + i)

describe('randomized cluster simulation (core only)', () => {
  it('3 voters, PreVote + CheckQuorum, loss/duplication/reordering/partitions/crashes/compaction', () => {
    run(
      {
        nodes: 3,
        steps: 12000,
        preVote: true,
        checkQuorum: true,
        dropRate: 0.1,
        duplicateRate: 0.05,
        confChanges: false,
      },
      seeds(1, 25),
    )
  })

  it('3 voters, frequent faults (a crash, partition or compaction every ~25 steps), membership changes', () => {
    run(
      {
        nodes: 3,
        steps: 8000,
        preVote: true,
        checkQuorum: true,
        dropRate: 0.15,
        duplicateRate: 0.05,
        confChanges: true,
        faultRate: 0.04,
      },
      seeds(4001, 15),
    )
  })

  it('5 voters, no PreVote, no CheckQuorum, heavy loss', () => {
    run(
      {
        nodes: 5,
        steps: 12000,
        preVote: false,
        checkQuorum: false,
        dropRate: 0.3,
        duplicateRate: 0.1,
        confChanges: false,
      },
      seeds(1001, 15),
    )
  })

  it('3 voters with membership changes, no PreVote or CheckQuorum (includes seed 9023: a removed leader whose last commit notice was lost)', () => {
    run(
      {
        nodes: 3,
        steps: 8000,
        preVote: false,
        checkQuorum: false,
        dropRate: 0.15,
        duplicateRate: 0.05,
        confChanges: true,
      },
      [9023, 5049, ...seeds(3001, 18)],
    )
  })

  it('3 voters with membership changes, seeds that once broke safety (40363: a lone voter led the same term twice after a crash)', () => {
    run(
      {
        nodes: 3,
        steps: 6000,
        preVote: true,
        checkQuorum: true,
        dropRate: 0.15,
        duplicateRate: 0.05,
        confChanges: true,
      },
      [40363],
    )
  })

  it('3 voters with membership changes (learner, promotion, demotion, joint, removal, leader removal) under faults', () => {
    run(
      {
        nodes: 3,
        steps: 15000,
        preVote: true,
        checkQuorum: true,
        dropRate: 0.1,
        duplicateRate: 0.05,
        confChanges: true,
      },
      seeds(2001, 25),
    )
  })
})
