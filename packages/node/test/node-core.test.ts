/**
 * The composition core on three real RaftNodes (raft's MemoryNetwork and MemoryLogStorage) under one
 * ManualClock: founding and `open`, strong writes with their results and conditions, eventual writes
 * acknowledged durably and folded, fail fast in a minority, log time from clock entries, and the
 * conf-change veto. Deterministic: one seed, virtual time advanced a millisecond at a time.
 */
import { ManualClock, SeededRandom } from '@tandem/base'
import {
  ConfChangeVetoedError,
  defaultNoQuorumTimeoutMs,
  MemoryLogStorage,
  MemoryNetwork,
  RaftNode,
} from '@tandem/raft'
import { describe, expect, it } from 'vitest'
import { MemoryDeltaLog } from '../src/compose/delta-log.js'
import { NoQuorumError, WriteRefusedError } from '../src/compose/errors.js'
import { NodeCore, NULL_ENVELOPE } from '../src/compose/node-core.js'
import type { FoldedBatchHeader } from '../src/core/control.js'
import { type Incarnation, type MemberId, memberId, streamId, type WriterKey } from '../src/core/ids.js'
import type { AppliedEntry } from '../src/core/log-applier.js'
import { LearnerNotReadyError, MembershipChangeRefusedError } from '../src/errors.js'
import { ManualTime } from './manual-time.js'

const TICK_MS = 10
const ELECTION_TICKS = 10
const NO_QUORUM_MS = defaultNoQuorumTimeoutMs(TICK_MS, ELECTION_TICKS)
const EPOCH_MS = 1_700_000_000_000

interface Member {
  readonly id: MemberId
  readonly key: WriterKey
  readonly storage: MemoryLogStorage
  readonly deltaLog: MemoryDeltaLog
  core: NodeCore
  raft: RaftNode<AppliedEntry> | null
  wallOffsetMs: number
  starts: number
}

class Fixture {
  readonly clock = new ManualClock(0)
  readonly time = new ManualTime(this.clock)
  readonly network = new MemoryNetwork()
  readonly members: Member[]
  readonly random: SeededRandom

  constructor(seed: number) {
    this.random = new SeededRandom(seed)
    const names = ['A', 'B', 'C']
    const ids = names.map((name) =>
      memberId(`SimPeerNodeNumberAbc${name}`, `${name.toLowerCase()}`.repeat(16)),
    )
    this.members = ids.map((id, index) => ({
      id,
      key: String(index + 1).repeat(64) as WriterKey,
      // The founder starts as the single voter; every other node joins on an empty configuration.
      storage: index === 0 ? new MemoryLogStorage({ voters: [id] }) : new MemoryLogStorage(),
      deltaLog: new MemoryDeltaLog(),
      core: null as unknown as NodeCore,
      raft: null,
      wallOffsetMs: 0,
      starts: 0,
    }))
    this.members.forEach((member, index) => {
      member.core = this.#core(member, index === 0)
    })
  }

  #core(member: Member, founder: boolean): NodeCore {
    member.starts++
    const incarnation = this.random
      .bytes(16)
      .reduce((hex, byte) => hex + byte.toString(16).padStart(2, '0'), '') as Incarnation
    return new NodeCore({
      member: member.id,
      key: member.key,
      incarnation,
      clock: this.clock,
      wallClock: () => EPOCH_MS + this.clock.now() + member.wallOffsetMs,
      deltaLog: member.deltaLog,
      sealing: NULL_ENVELOPE,
      noQuorumTimeoutMs: NO_QUORUM_MS,
      ...(founder ? { init: true } : {}),
      createRaft: (parts) => {
        const raft = new RaftNode<AppliedEntry>({
          id: member.id,
          storage: member.storage,
          transport: this.network.transport(member.id),
          snapshotTransport: this.network.snapshotTransport(member.id),
          clock: this.clock,
          random: new SeededRandom(this.random.nextInt(2 ** 30)),
          tickMs: TICK_MS,
          electionTicks: ELECTION_TICKS,
          ...parts,
        })
        member.raft = raft
        return raft
      },
    })
  }

  /** Stops a member's core and Raft node and starts a new incarnation over the same disk and delta log. */
  async restart(member: Member): Promise<void> {
    member.core.halt()
    await this.settled(member.raft?.stop() ?? Promise.resolve())
    member.core = this.#core(member, false)
    await member.core.start()
  }

  /**
   * Builds the cluster the design's way: `init` on the first node, then for each other node
   * `addLearner` on the founder, its start on an empty configuration, and `promote`.
   */
  async start(): Promise<void> {
    const [founder, ...joiners] = this.members as [Member, ...Member[]]
    await founder.core.start()
    await this.runUntil(() => founder.core.opened, 10_000, 'the founder opening')
    for (const joiner of joiners) {
      await joiner.core.start()
      await this.settled(founder.core.addLearner(joiner.id, joiner.key, { keyed: true }))
      await this.settled(founder.core.promote(joiner.id))
    }
    await this.runUntil(() => this.members.every((m) => m.core.opened), 10_000, 'every node opening')
  }

  run(ms: number): Promise<void> {
    return this.time.run(ms)
  }

  runUntil(predicate: () => boolean, msMax: number, what: string): Promise<void> {
    return this.time.runUntil(predicate, msMax, what)
  }

  settled<T>(promise: Promise<T>, msMax?: number): Promise<T> {
    return this.time.settled(promise, msMax)
  }

  leader(): Member {
    const leader = this.members.find((member) => member.core.leading)
    if (leader === undefined) throw new Error('no leader')
    return leader
  }

  followers(): Member[] {
    return this.members.filter((member) => !member.core.leading)
  }

  /** Every node at the same applied index. */
  async caughtUp(): Promise<void> {
    await this.runUntil(
      () => new Set(this.members.map((m) => m.core.applier.appliedIndex)).size === 1,
      5_000,
      'every node applying the same index',
    )
  }

  async stopAll(): Promise<void> {
    for (const member of this.members) member.core.halt()
    for (const member of this.members) await member.raft?.stop()
  }
}

const map = { kind: 'map', name: 'm' } as const
const stock = { kind: 'map', name: 'stock' } as const

describe('NodeCore on three RaftNodes', () => {
  it('founds the cluster, opens every incarnation and applies a strong write from a follower on every node', async () => {
    const fixture = new Fixture(1)
    await fixture.start()
    const follower = fixture.followers()[0] as Member
    const written = await fixture.settled(
      follower.core.strong({ kind: 'map-set', collection: map, key: 'k', value: 'v' }),
    )
    expect(written.result.applied).toBe(true)
    expect(written.fencingToken).toBe(BigInt(written.index) << 32n)
    expect(written.writeId).toContain('.strong/1/0')
    expect(follower.core.outcome(written.writeId)).toEqual({ kind: 'applied', result: written.result })
    await fixture.caughtUp()
    const publics = fixture.members.map((m) => Buffer.from(m.core.committed.public.encode()).toString('hex'))
    const datas = fixture.members.map((m) =>
      Buffer.from(m.core.committed.data?.replica.encodeState() ?? new Uint8Array()).toString('hex'),
    )
    expect(new Set(publics).size).toBe(1)
    expect(new Set(datas).size).toBe(1)
    for (const member of fixture.members) {
      expect(member.core.committed.data?.mapValue('m', 'k')).toBe('v')
      expect(member.core.committed.public.membership.voters()).toHaveLength(3)
    }
    await fixture.stopAll()
  })

  it('evaluates conditions on C in log order: bounded increments from every node never cross the bound', async () => {
    const fixture = new Fixture(2)
    await fixture.start()
    const [a, b, c] = fixture.members as [Member, Member, Member]
    await fixture.settled(
      a.core.strong({ kind: 'declare', collection: stock, rules: { writes: 'strong', writers: null } }),
    )
    await fixture.caughtUp()
    const increments = [a, b, c, a, b, c, a, b].map((member) =>
      member.core.strong({
        kind: 'map-conditional',
        collection: stock,
        key: 'count',
        condition: { kind: 'increment', by: 1, max: 5 },
      }),
    )
    const results = await fixture.settled(Promise.all(increments))
    expect(results.filter((r) => r.result.applied)).toHaveLength(5)
    expect(results.filter((r) => !r.result.applied && r.result.reason === 'above-max')).toHaveLength(3)
    const cas = await fixture.settled(
      b.core.strong({
        kind: 'map-conditional',
        collection: stock,
        key: 'count',
        condition: { kind: 'compare-and-set', expected: 4, next: 0 },
      }),
    )
    expect(cas.result).toEqual({ applied: false, reason: 'value-mismatch' })
    await fixture.caughtUp()
    for (const member of fixture.members)
      expect(member.core.committed.data?.mapValue('stock', 'count')).toBe(5)
    // A 'strong' collection refuses eventual writes at the writer; conditions need a strong collection.
    await expect(
      c.core.eventual({ kind: 'map-set', collection: 'stock', key: 'x', value: 1 }),
    ).rejects.toThrow(WriteRefusedError)
    await expect(
      c.core.strong({
        kind: 'map-conditional',
        collection: map,
        key: 'x',
        condition: { kind: 'insert-if-absent', value: 1 },
      }),
    ).rejects.toThrow(WriteRefusedError)
    await fixture.stopAll()
  })

  it('acknowledges an eventual write once durable, and the leader folds it into C on every node', async () => {
    const fixture = new Fixture(3)
    await fixture.start()
    const writer = fixture.followers()[0] as Member
    const ack = await fixture.settled(
      writer.core.eventual({ kind: 'map-set', collection: 'm', key: 'e', value: 42 }),
    )
    expect(ack.writeId).toBe(`${writer.core.stream}/1/0`)
    expect(writer.deltaLog.length).toBe(1)
    expect(writer.core.pendingBatches.count).toBe(1)
    // Visible in the writer's V at once; C (and every other node's V) sees it once folded.
    expect(writer.core.view.map('m').get('e')).toBe(42)
    expect(writer.core.committed.data?.mapValue('m', 'e')).toBeUndefined()
    // A batch of a key C never admitted is not stored.
    const own = writer.core.pendingEntries()[0]?.batch as FoldedBatchHeader
    const stranger = streamId('f'.repeat(64) as WriterKey, 'e'.repeat(32) as Incarnation, 0)
    expect(fixture.leader().core.receiveBatch(stranger, own)).toBe('refused')
    // The simulator's stand-in for the push: hand the durable batch to the leader.
    const leader = fixture.leader()
    for (const { stream, batch } of writer.core.pendingEntries()) leader.core.receiveBatch(stream, batch)
    await fixture.runUntil(
      () => fixture.members.every((m) => m.core.committed.data?.mapValue('m', 'e') === 42),
      5_000,
      'the fold applying everywhere',
    )
    await fixture.caughtUp()
    for (const member of fixture.members) {
      expect(member.core.view.map('m').get('e')).toBe(42)
      expect(member.core.committed.public.highWaters.highWater(writer.core.stream)).toBe(1)
      expect(member.core.pendingBatches.count).toBe(0)
    }
    await fixture.stopAll()
  })

  it('fails a strong write fast in a minority, while eventual writes there still succeed', async () => {
    const fixture = new Fixture(4)
    await fixture.start()
    const isolated = fixture.followers()[0] as Member
    fixture.network.setDown(isolated.id, true)
    const startedMs = fixture.clock.now()
    const strong = isolated.core.strong({ kind: 'map-set', collection: map, key: 'k', value: 1 })
    const error = await fixture.settled(strong, 3 * NO_QUORUM_MS).then(
      () => null,
      (thrown: unknown) => thrown,
    )
    expect(error).toBeInstanceOf(NoQuorumError)
    expect((error as NoQuorumError).writeId).toContain('.strong/1/0')
    expect(fixture.clock.now() - startedMs).toBeLessThanOrEqual(NO_QUORUM_MS)
    const noQuorum = error as NoQuorumError
    expect(isolated.core.outcome(noQuorum.writeId).kind).toBe(
      noQuorum.outcome === 'unknown' ? 'pending' : 'not-applied',
    )
    const ack = await fixture.settled(
      isolated.core.eventual({ kind: 'map-set', collection: 'm', key: 'e', value: 1 }),
    )
    expect(ack.writeId).toContain('/1/0')
    // The majority side keeps taking strong writes.
    const majority = fixture.members.find((m) => m !== isolated && m.core.leading) ?? fixture.leader()
    const written = await fixture.settled(
      majority.core.strong({ kind: 'map-set', collection: map, key: 'k', value: 2 }),
    )
    expect(written.result.applied).toBe(true)
    await fixture.stopAll()
  })

  it('moves log time by the clock entries of a majority: a node a day ahead cannot move it', async () => {
    const fixture = new Fixture(5)
    ;(fixture.members[2] as Member).wallOffsetMs = 24 * 60 * 60 * 1000
    await fixture.start()
    await fixture.run(2_000)
    const t = fixture.members.map((m) => m.core.committed.public.logTime.nowMs)
    for (const tMs of t) {
      expect(tMs).toBeGreaterThan(EPOCH_MS)
      expect(tMs).toBeLessThanOrEqual(EPOCH_MS + fixture.clock.now())
    }
    await fixture.stopAll()
  })

  it('stamps an eventual write above the strong writes C holds, so it wins even against a fast proposer clock', async () => {
    const fixture = new Fixture(7)
    await fixture.start()
    // Until a majority of voters has a clock reading, t is 0 and every stamp collapses to driftMax.
    await fixture.runUntil(
      () => fixture.members.every((m) => m.core.committed.public.logTime.nowMs > EPOCH_MS),
      5_000,
      'log time',
    )
    const [fast, slow] = fixture.followers() as [Member, Member]
    fast.wallOffsetMs = 30_000 // ahead, within driftMax: its strong stamp is above the others' clocks
    const strong = await fixture.settled(
      fast.core.strong({ kind: 'map-set', collection: map, key: 'k', value: 'strong' }),
    )
    expect(strong.result.applied).toBe(true)
    await fixture.caughtUp()
    // The slow node's later eventual write must supersede the strong write it has seen applied.
    await fixture.settled(
      slow.core.eventual({ kind: 'map-set', collection: 'm', key: 'k', value: 'eventual' }),
    )
    const leader = fixture.leader()
    for (const { stream, batch } of slow.core.pendingEntries()) leader.core.receiveBatch(stream, batch)
    await fixture.runUntil(
      () => fixture.members.every((m) => m.core.pendingBatches.count === 0),
      5_000,
      'the fold applying',
    )
    await fixture.caughtUp()
    for (const member of fixture.members)
      expect(member.core.committed.data?.mapValue('m', 'k')).toBe('eventual')
    await fixture.stopAll()
  })

  it('restarts under a new incarnation: opens against the old one and recovers unfolded batches from the delta log', async () => {
    const fixture = new Fixture(8)
    await fixture.start()
    const member = fixture.followers()[0] as Member
    const before = member.core.committed.public.incarnations.current(member.key)
    const earlier = await fixture.settled(
      member.core.strong({ kind: 'map-set', collection: map, key: 'old', value: 1 }),
    )
    const ack = await fixture.settled(
      member.core.eventual({ kind: 'map-set', collection: 'm', key: 'r', value: 7 }),
    )
    // Restarted before anything pushed or folded the batch: only its durable delta log holds it.
    await fixture.restart(member)
    await fixture.runUntil(() => member.core.opened, 5_000, 'the new incarnation opening')
    const after = member.core.committed.public.incarnations.current(member.key)
    expect(after).not.toBe(before)
    // The old incarnation's session is dropped at open: its outcomes are definite, as unknown-expired.
    expect(member.core.outcome(earlier.writeId)).toEqual({ kind: 'unknown-expired' })
    expect(member.core.stream).not.toBe(ack.writeId.split('/')[0])
    expect(member.core.pendingBatches.count).toBe(1)
    // V takes the reloaded batch once the replayed C admits its key again.
    await fixture.runUntil(
      () => member.core.view.map('m').get('r') === 7,
      1_000,
      'V showing the reloaded write',
    )
    const leader = fixture.leader()
    for (const { stream, batch } of member.core.pendingEntries()) leader.core.receiveBatch(stream, batch)
    await fixture.runUntil(
      () => fixture.members.every((m) => m.core.committed.data?.mapValue('m', 'r') === 7),
      5_000,
      'the recovered batch folding',
    )
    // Strong writes work again under the new incarnation, numbered from 1.
    const written = await fixture.settled(
      member.core.strong({ kind: 'map-set', collection: map, key: 's', value: 1 }),
    )
    expect(written.result.applied).toBe(true)
    expect(written.writeId).toBe(`${member.key}.${after}.strong/1/0`)
    await fixture.stopAll()
  })

  it('vetoes an AddLearner that would demote a voter, and one of a node C never admitted', async () => {
    const fixture = new Fixture(6)
    await fixture.start()
    const leader = fixture.leader()
    const raft = leader.raft as RaftNode<AppliedEntry>
    const voter = (fixture.followers()[0] as Member).id
    await expect(fixture.settled(raft.addLearner(voter))).rejects.toThrow(ConfChangeVetoedError)
    const stranger = memberId('SimPeerNodeNumberAbcZ', 'd'.repeat(16))
    await expect(fixture.settled(raft.addLearner(stranger))).rejects.toThrow(ConfChangeVetoedError)
    expect(raft.status().confState.voters).toHaveLength(3)
    await fixture.stopAll()
  })
})

describe('NodeCore cluster operations', () => {
  it('status shows members with roles, keyed flags and (on the leader) lag; a joiner on an empty configuration was brought in', async () => {
    const fixture = new Fixture(11)
    await fixture.start()
    const leader = fixture.leader()
    const status = leader.core.clusterStatus()
    expect(status.leading).toBe(true)
    expect(status.leader).toBe(leader.id)
    expect(status.members.map((m) => [m.id, m.role, m.keyed, m.inRaftConfiguration])).toEqual(
      fixture.members
        .map((m) => [m.id, 'voter', true, true])
        .sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)),
    )
    await fixture.caughtUp()
    for (const member of status.members) expect(member.lag).not.toBeNull()
    const follower = (fixture.followers()[0] as Member).core.clusterStatus()
    expect(follower.leading).toBe(false)
    expect(follower.members.every((m) => m.lag === null && m.match === null)).toBe(true)
    // Every node holds the wrap table's epoch 1 (null envelope: its rows are placeholders).
    for (const member of fixture.members)
      expect(member.core.committed.public.wrapOf(1, member.key)).toBeDefined()
    await fixture.stopAll()
  })

  it("refuses an admission C refuses (a storeId that was a member) without touching Raft's configuration", async () => {
    const fixture = new Fixture(12)
    await fixture.start()
    const leader = fixture.leader()
    const removed = fixture.followers()[0] as Member
    await fixture.settled(leader.core.remove(removed.id))
    const raft = leader.raft as RaftNode<AppliedEntry>
    expect(raft.status().confState.voters).not.toContain(removed.id)
    expect(leader.core.committed.public.membership.member(removed.id)).toBeUndefined()
    const before = raft.status().confState
    // The same storeId again (a wiped directory must join under a new one).
    const error = await fixture
      .settled(leader.core.addLearner(removed.id, removed.key, { keyed: true }))
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(MembershipChangeRefusedError)
    expect((error as MembershipChangeRefusedError).code).toBe('NODE_MEMBERSHIP_REFUSED')
    expect(raft.status().confState).toEqual(before)
    await fixture.stopAll()
  })

  it("remove records the removed key's streams at the greatest position known; leave waits for own batches to fold first", async () => {
    const fixture = new Fixture(13)
    await fixture.start()
    const leaving = fixture.followers()[0] as Member
    await fixture.settled(leaving.core.eventual({ kind: 'map-set', collection: 'm', key: 'x', value: 1 }))
    const stream = leaving.core.stream
    // The leader holds the batch once pushed; leave waits until it is folded, then removes itself.
    for (const { stream: held, batch } of leaving.core.pendingEntries())
      fixture.leader().core.receiveBatch(held, batch)
    const outcome = await fixture.settled(leaving.core.leave())
    expect(outcome.folded).toBe(true)
    const leader = fixture.leader()
    expect(leader.core.committed.public.membership.member(leaving.id)).toBeUndefined()
    expect(leader.core.committed.public.cutoff(stream)).toBe(1)
    expect(leader.core.committed.data?.mapValue('m', 'x')).toBe(1)
    expect((leader.raft as RaftNode<AppliedEntry>).status().confState.voters).not.toContain(leaving.id)
    await fixture.stopAll()
  })

  it('promotes a learner only once it caught up: one cut off is refused with LearnerNotReadyError and stays a learner', async () => {
    const fixture = new Fixture(15)
    const [founder, second, third] = fixture.members as [Member, Member, Member]
    await founder.core.start()
    await fixture.runUntil(() => founder.core.opened, 10_000, 'the founder opening')
    await second.core.start()
    await fixture.settled(founder.core.addLearner(second.id, second.key, { keyed: true }))
    await fixture.settled(founder.core.promote(second.id))
    await third.core.start()
    fixture.network.setDown(third.id, true)
    const leader = fixture.leader()
    await fixture.settled(leader.core.addLearner(third.id, third.key, { keyed: true }))
    await fixture.settled(leader.core.strong({ kind: 'map-set', collection: map, key: 'k', value: 1 }))
    const raft = leader.raft as RaftNode<AppliedEntry>
    const before = raft.status().confState
    expect(before.learners).toContain(third.id)
    const error = await fixture
      .settled(leader.core.promote(third.id, { catchUpTimeoutMs: 500 }))
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(LearnerNotReadyError)
    expect((error as LearnerNotReadyError).code).toBe('NODE_LEARNER_NOT_READY')
    expect((error as LearnerNotReadyError).match).toBeLessThan((error as LearnerNotReadyError).commit)
    expect(raft.status().confState).toEqual(before)
    expect(leader.core.committed.public.membership.member(third.id)?.voter).toBe(false)
    // Reconnected, it catches up within the default wait and is promoted.
    fixture.network.setDown(third.id, false)
    await fixture.settled(leader.core.promote(third.id), 15_000)
    expect(raft.status().confState.voters).toContain(third.id)
    expect(leader.core.committed.public.membership.member(third.id)?.voter).toBe(true)
    await fixture.stopAll()
  })

  it('transfers leadership to a voter', async () => {
    const fixture = new Fixture(14)
    await fixture.start()
    const target = fixture.followers()[0] as Member
    await fixture.settled(fixture.leader().core.transferLeadership(target.id))
    await fixture.runUntil(() => target.core.leading, 5_000, 'the target leading')
    await fixture.stopAll()
  })
})
