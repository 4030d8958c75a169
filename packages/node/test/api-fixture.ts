/**
 * Three NodeCores on real RaftNodes (raft's MemoryNetwork and MemoryLogStorage) under one
 * ManualClock, each with the collections API over it — the collections API tests' cluster. Built
 * the way test/node-core.test.ts builds its cluster; deterministic: one seed, virtual time advanced
 * a millisecond at a time.
 */
import { ManualClock, SeededRandom } from '@tandem/base'
import { defaultNoQuorumTimeoutMs, MemoryLogStorage, MemoryNetwork, RaftNode } from '@tandem/raft'
import { type Collections, createCollections } from '../src/api/collections.js'
import { MemoryDeltaLog } from '../src/compose/delta-log.js'
import { NodeCore, NULL_ENVELOPE } from '../src/compose/node-core.js'
import { type Incarnation, type MemberId, memberId, type WriterKey } from '../src/core/ids.js'
import type { AppliedEntry } from '../src/core/log-applier.js'
import { ManualTime } from './manual-time.js'

export const TICK_MS = 10
export const ELECTION_TICKS = 10
export const NO_QUORUM_MS = defaultNoQuorumTimeoutMs(TICK_MS, ELECTION_TICKS)
export const SNAPSHOT_LOG_BYTES_MIN = 64 * 1024
const EPOCH_MS = 1_700_000_000_000

/** One node of the cluster: its core and the collections over it (both replaced by a restart). */
export interface ApiMember {
  readonly id: MemberId
  readonly key: WriterKey
  readonly storage: MemoryLogStorage
  readonly deltaLog: MemoryDeltaLog
  core: NodeCore
  collections: Collections
  raft: RaftNode<AppliedEntry> | null
}

/** A three-node cluster with the collections API on every node. */
export class ApiCluster {
  readonly clock = new ManualClock(0)
  readonly time = new ManualTime(this.clock)
  readonly network = new MemoryNetwork()
  readonly members: ApiMember[]
  readonly #random: SeededRandom

  constructor(seed: number) {
    this.#random = new SeededRandom(seed)
    const ids = ['A', 'B', 'C'].map((name) =>
      memberId(`SimPeerNodeNumberAbc${name}`, name.toLowerCase().repeat(16)),
    )
    this.members = ids.map((id, index) => {
      const member = {
        id,
        key: String(index + 1).repeat(64) as WriterKey,
        // The founder starts as the single voter; the others join (`start`).
        storage: index === 0 ? new MemoryLogStorage({ voters: [id] }) : new MemoryLogStorage(),
        deltaLog: new MemoryDeltaLog(),
        raft: null,
      } as unknown as ApiMember
      return member
    })
    for (const [index, member] of this.members.entries()) this.#build(member, index === 0)
  }

  #build(member: ApiMember, founder: boolean): void {
    const incarnation = this.#random
      .bytes(16)
      .reduce((hex, byte) => hex + byte.toString(16).padStart(2, '0'), '') as Incarnation
    member.core = new NodeCore({
      member: member.id,
      key: member.key,
      incarnation,
      clock: this.clock,
      wallClock: () => EPOCH_MS + this.clock.now(),
      deltaLog: member.deltaLog,
      sealing: NULL_ENVELOPE,
      noQuorumTimeoutMs: NO_QUORUM_MS,
      // Small enough that the snapshot tests compact after a few hundred KiB of writes.
      snapshotPolicy: { logBytesMin: SNAPSHOT_LOG_BYTES_MIN },
      // A restored snapshot replaces C and V: the collections' change feed moves to the new ones.
      onRestored: () => member.collections.restored(),
      ...(founder ? { init: true } : {}),
      createRaft: (parts) => {
        const raft = new RaftNode<AppliedEntry>({
          id: member.id,
          storage: member.storage,
          transport: this.network.transport(member.id),
          snapshotTransport: this.network.snapshotTransport(member.id),
          clock: this.clock,
          random: new SeededRandom(this.#random.nextInt(2 ** 30)),
          tickMs: TICK_MS,
          electionTicks: ELECTION_TICKS,
          ...parts,
        })
        member.raft = raft
        return raft
      },
    })
    member.collections = createCollections(member.core)
  }

  /** `init` on the first node; the others join by addLearner, start and promote. */
  async start(): Promise<void> {
    const [first, ...others] = this.members as [ApiMember, ...ApiMember[]]
    await first.core.start()
    await this.runUntil(() => first.core.opened, 10_000, 'the first node opening')
    for (const other of others) {
      await other.core.start()
      await this.settled(first.core.addLearner(other.id, other.key, { keyed: true }))
      await this.settled(first.core.promote(other.id))
    }
    await this.runUntil(() => this.members.every((m) => m.core.opened), 10_000, 'every node opening')
    // Until a majority of voters has a clock reading, log time t is 0: a fold then clamps every
    // stamp to driftMax (one writer's successive writes collapse onto equal stamps), and idempotency
    // records written at t = 0 expire as soon as t moves. Apps start on a running cluster.
    await this.runUntil(
      () => this.members.every((m) => m.core.committed.public.logTime.nowMs > EPOCH_MS),
      10_000,
      'log time',
    )
  }

  /**
   * A new incarnation of `member` over the same log and delta log, with new collections over it;
   * `beforeStart` runs once they exist, before the core starts (and restores a stored snapshot).
   */
  async restart(member: ApiMember, beforeStart?: () => void): Promise<void> {
    member.core.halt()
    await this.settled(member.raft?.stop() ?? Promise.resolve())
    this.#build(member, false)
    beforeStart?.()
    // Restoring a stored snapshot yields on the clock: run virtual time while the core starts.
    await this.settled(member.core.start())
    await this.runUntil(() => member.core.opened, 10_000, 'the restarted node opening')
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

  /** The error `promise` rejects with (fails if it resolves). */
  async rejection(promise: Promise<unknown>, msMax = 10_000): Promise<unknown> {
    try {
      await this.settled(promise, msMax)
    } catch (error) {
      return error
    }
    throw new Error('expected a rejection')
  }

  leader(): ApiMember {
    const leader = this.members.find((member) => member.core.leading)
    if (leader === undefined) throw new Error('no leader')
    return leader
  }

  followers(): ApiMember[] {
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

  /** Hands `from`'s held batches to `to` (the simulator's stand-in for the push). */
  push(from: ApiMember, to: ApiMember): void {
    for (const { stream, batch } of from.core.pendingEntries()) to.core.receiveBatch(stream, batch)
  }

  /** Pushes `from`'s batches to the leader and runs until no node holds an unfolded batch. */
  async fold(from: ApiMember): Promise<void> {
    this.push(from, this.leader())
    await this.runUntil(
      () => this.members.every((m) => m.core.pendingBatches.count === 0),
      5_000,
      'the fold applying everywhere',
    )
    await this.caughtUp()
  }

  async stop(): Promise<void> {
    for (const member of this.members) member.core.halt()
    for (const member of this.members) await member.raft?.stop()
  }
}
