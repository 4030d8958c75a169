/**
 * Randomized in-process clusters of 3 and 5 nodes under seeded faults: message drops, duplication,
 * reordering (random latency), partitions, crashes with restarts from MemoryLogStorage, leader
 * transfers, membership changes and snapshot catch-up. After a healing phase every node must have
 * applied the same entries in the same order and no acknowledged proposal may be lost. With fail fast
 * on (`noQuorumTimeoutMs`), a proposal answered `NoQuorumError { outcome: 'not-applied' }` must
 * never have been applied anywhere.
 * Replay one seed with TANDEM_SEED=<seed>.
 */
import { describe, expect, it } from 'vitest'
import {
  ConfChangeVetoedError,
  NoQuorumError,
  NotLeaderError,
  ProposalDroppedError,
  TimeoutError,
} from '../../src/driver/errors.js'
import { type Acknowledged, checkAcknowledged, checkSameOrder } from './checks.js'
import { DedupingStateMachine, wholeCommandKey } from './deduping-state-machine.js'
import { Cluster, type Member } from './harness.js'

const utf8 = new TextEncoder()
const baseSeed = Number(process.env.TANDEM_SEED ?? 20261122)

interface ScenarioStats {
  acknowledged: number
  failedProposals: number
  crashes: number
  partitions: number
  transfers: number
  membershipChanges: number
  snapshotsInstalled: number
  leaderChanges: number
  /** Fail fast only: rejections with `NoQuorumError`, by outcome. */
  noQuorumNotApplied: number
  noQuorumUnknown: number
  /** Sessions off: copies the state machines skipped (summed over the final incarnations). */
  duplicatesSkipped: number
}

/**
 * `failFast`: `noQuorumTimeoutMs` on. `bare`: also the built-in sessions off, with a state machine
 * that deduplicates by itself (the hybrid node's configuration).
 */
async function scenario(
  seed: number,
  size: 3 | 5,
  phases: number,
  mode: { readonly failFast?: boolean; readonly bare?: boolean } = {},
): Promise<ScenarioStats> {
  const failFast = mode.failFast === true || mode.bare === true
  const ids = Array.from({ length: size }, (_, i) => `n${i + 1}`)
  const cluster = new Cluster({
    seed,
    ids,
    faults: { dropRate: 0.03, duplicateRate: 0.03, latencyMsMin: 1, latencyMsMax: 8 },
    encode: seed % 2 === 0,
    nodeOptions: {
      snapshotEntriesThreshold: 30,
      ...(failFast ? { noQuorumTimeoutMs: 1_000 } : {}),
      ...(mode.bare === true ? { builtInSessions: false, commandKey: wholeCommandKey } : {}),
    },
    ...(mode.bare === true ? { stateMachine: () => new DedupingStateMachine() } : {}),
  })
  const random = cluster.random
  const stats: ScenarioStats = {
    acknowledged: 0,
    failedProposals: 0,
    crashes: 0,
    partitions: 0,
    transfers: 0,
    membershipChanges: 0,
    snapshotsInstalled: 0,
    leaderChanges: 0,
    noQuorumNotApplied: 0,
    noQuorumUnknown: 0,
    duplicatesSkipped: 0,
  }
  /** Sessions off: acknowledged by a skipped copy; each must be applied (once) all the same. */
  const settledByCopy: string[] = []
  /** Commands answered `not-applied`: none of them may ever be applied. */
  const notApplied = new Set<string>()
  const acknowledged: Acknowledged[] = []
  const removed = new Set<string>()
  const crashed = new Set<string>()
  let nextCommand = 0
  let nextNodeNumber = size + 1
  let membershipBusy = false
  const expected = (error: unknown) =>
    error instanceof NotLeaderError ||
    error instanceof TimeoutError ||
    error instanceof ProposalDroppedError ||
    (failFast && error instanceof NoQuorumError) ||
    (mode.bare === true && error instanceof ConfChangeVetoedError) ||
    (error as Error).name === 'NodeStoppedError'

  const unexpected: string[] = []
  const track = (member: Member) =>
    member.node.onChange((event) => {
      if (event.type === 'snapshot-installed') stats.snapshotsInstalled++
    })

  await cluster.start()
  for (const member of cluster.members.values()) track(member)
  await cluster.waitForLeader()

  for (let phase = 0; phase < phases; phase++) {
    const live = cluster.running().filter((member) => !removed.has(member.node.id))
    // Proposals from random nodes: followers forward to the leader.
    const proposals = 1 + random.nextInt(8)
    for (let i = 0; i < proposals && live.length > 0; i++) {
      const member = live[random.nextInt(live.length)] as Member
      const command = `s${seed}-c${nextCommand++}`
      member.node.propose(utf8.encode(command)).then(
        (outcome) => {
          // A duplicate outcome is legitimate: the proposer may learn of the first copy's apply only
          // through a snapshot, and then sees its retry deduplicated. It still names the index.
          // Sessions off: a proposer that got the first copy through a snapshot is settled by a
          // later copy, which its state machine skipped (-1); the command is applied, elsewhere.
          if (outcome.result === -1) settledByCopy.push(command)
          else acknowledged.push({ command, index: outcome.index })
        },
        (error: unknown) => {
          if (!expected(error)) unexpected.push(`seed ${seed}: ${command} failed with ${String(error)}`)
          if (error instanceof NoQuorumError) {
            if (error.outcome === 'not-applied') {
              notApplied.add(command)
              stats.noQuorumNotApplied++
            } else {
              stats.noQuorumUnknown++
            }
          }
          stats.failedProposals++
        },
      )
    }
    const dice = random.nextInt(100)
    if (dice < 10) {
      // Partition: a random minority (or a lone leader) is cut off.
      const shuffled = [...ids, ...[...cluster.members.keys()].filter((id) => !ids.includes(id))].sort(
        () => random.nextInt(3) - 1,
      )
      const cut = 1 + random.nextInt(Math.floor(shuffled.length / 2))
      cluster.network.partition([shuffled.slice(0, cut), shuffled.slice(cut)])
      stats.partitions++
    } else if (dice < 14) {
      // Asymmetric cut: one direction between two nodes is lost.
      const all = [...cluster.members.keys()]
      const from = all[random.nextInt(all.length)] as string
      const to = all[random.nextInt(all.length)] as string
      if (from !== to) cluster.network.block(from, to)
      stats.partitions++
    } else if (dice < 20) {
      cluster.network.heal()
    } else if (dice < 27 && crashed.size === 0) {
      const victim = live[random.nextInt(live.length)]
      if (victim !== undefined) {
        await cluster.crash(victim.node.id)
        crashed.add(victim.node.id)
        stats.crashes++
      }
    } else if (dice < 37 && crashed.size > 0) {
      for (const id of crashed) {
        await cluster.restart(id)
        track(cluster.member(id))
      }
      crashed.clear()
    } else if (dice < 42) {
      const leader = cluster.leader()
      const voters = leader?.node.status().confState.voters ?? []
      const target = voters.filter((id) => id !== leader?.node.id && !crashed.has(id))[0]
      if (leader !== null && target !== undefined) {
        stats.transfers++
        leader.node.transferLeadership(target, { timeoutMs: 500 }).catch(() => {})
      }
    } else if (dice < 50 && !membershipBusy) {
      const leader = cluster.leader()
      if (leader !== null) {
        membershipBusy = true
        const voters = leader.node.status().confState.voters
        const change =
          voters.length > size || random.nextInt(2) === 0
            ? async () => {
                // Remove a voter other than the leader, keeping at least `size` voters.
                const victim = voters.find((id) => id !== leader.node.id && !crashed.has(id))
                if (victim === undefined || voters.length <= 3) return
                await leader.node.removeMember(victim, { timeoutMs: 1_000 })
                removed.add(victim)
              }
            : async () => {
                const id = `n${nextNodeNumber++}`
                const joiner = await cluster.addNode(id)
                track(joiner)
                await leader.node.addLearner(id, { timeoutMs: 1_000 })
                await cluster
                  .runUntil(
                    () => joiner.node.status().applied >= leader.node.status().commit - 5,
                    3_000,
                    `learner ${id} catching up`,
                  )
                  .catch(() => {})
                await leader.node.promote(id, { timeoutMs: 1_000 })
              }
        change()
          .then(() => {
            stats.membershipChanges++
          })
          .catch((error: unknown) => {
            if (!expected(error) && !(error instanceof Error && /did not happen/.test(error.message))) {
              unexpected.push(`seed ${seed}: membership change failed with ${String(error)}`)
            }
          })
          .finally(() => {
            membershipBusy = false
          })
      }
    }
    await cluster.run(50 + random.nextInt(100))
    const safety = checkSameOrder(cluster, [...cluster.members.values()])
    if (safety !== null) throw new Error(safety)
  }

  // Healing: everything back up, no faults; the cluster must converge.
  if (process.env.TANDEM_TRACE) {
    cluster.network.trace = (m) => {
      if (m.to === process.env.TANDEM_TRACE || m.from === process.env.TANDEM_TRACE) {
        console.log(
          cluster.clock.now(),
          m.type,
          m.from,
          '->',
          m.to,
          'term',
          m.term,
          'idx',
          m.index,
          'logTerm',
          m.logTerm,
          'n',
          m.entries.length,
          'rej',
          m.reject,
          'hint',
          m.rejectHint,
          'commit',
          m.commit,
          m.snapshot ? 'SNAP' : '',
        )
      }
    }
  }
  cluster.network.heal()
  cluster.network.faults = { dropRate: 0, duplicateRate: 0, latencyMsMin: 1, latencyMsMax: 3 }
  for (const id of crashed) {
    await cluster.restart(id)
  }
  crashed.clear()
  await cluster.run(6_000)
  const leader = await cluster.waitForLeader(10_000)
  // One more write after healing: liveness, and a barrier that commits everything before it.
  const barrier = leader.node.propose(utf8.encode(`s${seed}-barrier`))
  let barrierDone = false
  barrier.then(
    (outcome) => {
      acknowledged.push({ command: `s${seed}-barrier`, index: outcome.index })
      barrierDone = true
    },
    (error: unknown) => unexpected.push(`seed ${seed}: barrier failed with ${String(error)}`),
  )
  await cluster.runUntil(() => barrierDone || unexpected.length > 0, 10_000, 'the barrier write')
  // A removed node never hears of its removal (Raft thesis §4.2.2); judge membership by the leader.
  const { voters, learners } = leader.node.status().confState
  const members = cluster
    .running()
    .filter((member) => voters.includes(member.node.id) || learners.includes(member.node.id))
  expect(members.length, `seed ${seed}`).toBe(voters.length + learners.length)
  const commit = leader.node.status().commit
  await cluster
    .runUntil(
      () => members.every((member) => member.node.status().applied >= commit),
      10_000,
      'every member applying the last commit',
    )
    .catch((error: unknown) => {
      const statuses = [...cluster.members.values()].map((member) => {
        const { id, role, term, leader, commit, applied, confState, progress, state } = member.node.status()
        return JSON.stringify({ id, role, term, leader, commit, applied, confState, progress, state })
      })
      throw new Error(`${String(error)}\n${statuses.join('\n')}`)
    })
  expect(unexpected, `seed ${seed}`).toEqual([])
  expect(checkSameOrder(cluster, [...cluster.members.values()]), `seed ${seed}`).toBeNull()
  expect(checkAcknowledged(cluster, members, acknowledged), `seed ${seed}`).toBeNull()
  for (const member of members) {
    const commands = new Set(member.stateMachine.history.map((h) => h.command))
    const missing = settledByCopy.filter((command) => !commands.has(command))
    expect(missing, `seed ${seed}: acknowledged, yet missing on ${member.node.id}`).toEqual([])
  }
  for (const member of cluster.members.values()) {
    const applied = member.stateMachine.history.filter((h) => notApplied.has(h.command))
    expect(applied, `seed ${seed}: answered not-applied, yet applied on ${member.node.id}`).toEqual([])
  }
  stats.acknowledged = acknowledged.length
  for (const member of cluster.members.values()) {
    if (member.stateMachine instanceof DedupingStateMachine)
      stats.duplicatesSkipped += member.stateMachine.duplicates
  }
  stats.leaderChanges = Math.max(...members.map((member) => member.node.status().leaderChangeCount))
  for (const member of cluster.running()) await member.node.stop()
  return stats
}

describe('in-process cluster under seeded faults', () => {
  // TANDEM_SEED alone replays one seed; TANDEM_CLUSTER_SEEDS=N runs N seeds from TANDEM_SEED (a soak).
  const single = process.env.TANDEM_SEED !== undefined && process.env.TANDEM_CLUSTER_SEEDS === undefined
  const count = Number(process.env.TANDEM_CLUSTER_SEEDS ?? 30)
  const seeds3 = single ? [baseSeed] : Array.from({ length: count }, (_, i) => baseSeed + i)
  const seeds5 = single
    ? [baseSeed]
    : Array.from({ length: Math.ceil(count / 2) }, (_, i) => baseSeed + 100_000 + i)

  it('3 nodes: same entries in the same order everywhere, no acknowledged proposal lost', async () => {
    const totals: ScenarioStats[] = []
    for (const seed of seeds3) totals.push(await scenario(seed, 3, 40))
    const sum = (key: keyof ScenarioStats) => totals.reduce((total, stats) => total + stats[key], 0)
    console.log('3-node totals', JSON.stringify(totals))
    if (single) return
    // The scenarios must actually exercise what they claim to.
    expect(sum('acknowledged')).toBeGreaterThan(200)
    expect(sum('crashes')).toBeGreaterThan(0)
    expect(sum('partitions')).toBeGreaterThan(0)
    expect(sum('membershipChanges')).toBeGreaterThan(0)
    expect(sum('snapshotsInstalled')).toBeGreaterThan(0)
  })

  it('5 nodes: same entries in the same order everywhere, no acknowledged proposal lost', async () => {
    const totals: ScenarioStats[] = []
    for (const seed of seeds5) totals.push(await scenario(seed, 5, 40))
    const sum = (key: keyof ScenarioStats) => totals.reduce((total, stats) => total + stats[key], 0)
    console.log('5-node totals', JSON.stringify(totals))
    if (single) return
    expect(sum('acknowledged')).toBeGreaterThan(100)
    expect(sum('crashes')).toBeGreaterThan(0)
  })

  it("3 nodes with fail fast: the same, and no proposal answered 'not-applied' is ever applied", async () => {
    const totals: ScenarioStats[] = []
    const seeds = single ? [baseSeed] : seeds3.slice(0, Math.ceil(seeds3.length / 2)).map((s) => s + 200_000)
    for (const seed of seeds) totals.push(await scenario(seed, 3, 40, { failFast: true }))
    const sum = (key: keyof ScenarioStats) => totals.reduce((total, stats) => total + stats[key], 0)
    console.log('3-node fail-fast totals', JSON.stringify(totals))
    if (single) return
    expect(sum('acknowledged')).toBeGreaterThan(100)
    expect(sum('noQuorumNotApplied')).toBeGreaterThan(0)
    expect(sum('noQuorumUnknown')).toBeGreaterThan(0)
  })

  it('3 nodes as the hybrid node runs Raft (fail fast, sessions off, deduplication in the state machine): the same', async () => {
    const totals: ScenarioStats[] = []
    const seeds = single ? [baseSeed] : seeds3.slice(0, Math.ceil(seeds3.length / 2)).map((s) => s + 300_000)
    for (const seed of seeds) totals.push(await scenario(seed, 3, 40, { bare: true }))
    const sum = (key: keyof ScenarioStats) => totals.reduce((total, stats) => total + stats[key], 0)
    console.log('3-node sessions-off totals', JSON.stringify(totals))
    if (single) return
    expect(sum('acknowledged')).toBeGreaterThan(100)
    expect(sum('membershipChanges')).toBeGreaterThan(0)
    expect(sum('duplicatesSkipped')).toBeGreaterThan(0)
  })
})
