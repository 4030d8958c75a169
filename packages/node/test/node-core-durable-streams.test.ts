/**
 * The composition core with its delta log on the WAL (`WalDeltaLog` over a `DeltaStreamStore` on a
 * `MemoryDevice`): three RaftNodes under one ManualClock; a follower's eventual write is
 * acknowledged, then its delta device loses power (only what was fsynced survives) and the follower
 * restarts under a new incarnation with a new store opened on the crash image. The batch comes back
 * as pending, and once pushed to the leader it folds into C on every node.
 */
import { ManualClock, SeededRandom } from '@tandem/base'
import { defaultNoQuorumTimeoutMs, MemoryLogStorage, MemoryNetwork, RaftNode } from '@tandem/raft'
import { MemoryDevice } from '@tandem/wal/pure'
import { describe, expect, it } from 'vitest'
import { NodeCore, NULL_ENVELOPE } from '../src/compose/node-core.js'
import { type Incarnation, type MemberId, memberId, streamId, type WriterKey } from '../src/core/ids.js'
import type { AppliedEntry } from '../src/core/log-applier.js'
import { DeltaStreamStore } from '../src/streams/delta-stream-store.js'
import { WalDeltaLog } from '../src/streams/wal-delta-log.js'
import { ManualTime } from './manual-time.js'

const TICK_MS = 10
const ELECTION_TICKS = 10
const EPOCH_MS = 1_700_000_000_000

interface Member {
  readonly id: MemberId
  readonly key: WriterKey
  readonly storage: MemoryLogStorage
  device: MemoryDevice
  store: DeltaStreamStore | null
  core: NodeCore | null
  raft: RaftNode<AppliedEntry> | null
}

class Cluster {
  readonly clock = new ManualClock(0)
  readonly time = new ManualTime(this.clock)
  readonly network = new MemoryNetwork()
  readonly random = new SeededRandom(20261207)
  readonly members: Member[]

  constructor() {
    const ids = ['A', 'B', 'C'].map((name) =>
      memberId(`SimPeerNodeNumberAbc${name}`, name.toLowerCase().repeat(16)),
    )
    this.members = ids.map((id, index) => ({
      id,
      key: String(index + 4).repeat(64) as WriterKey,
      storage: index === 0 ? new MemoryLogStorage({ voters: [id] }) : new MemoryLogStorage(),
      device: new MemoryDevice(),
      store: null,
      core: null,
      raft: null,
    }))
  }

  /** Opens the member's store on its device under a fresh incarnation and starts a core on it. */
  async start(member: Member, founder: boolean): Promise<void> {
    const incarnation = [...this.random.bytes(16)]
      .map((byte) => byte.toString(16).padStart(2, '0'))
      .join('') as Incarnation
    const store = await DeltaStreamStore.open({
      device: member.device,
      ownStream: streamId(member.key, incarnation, 0),
      eventualBacklogBytesMax: 1 << 20,
    })
    member.store = store
    member.core = new NodeCore({
      member: member.id,
      key: member.key,
      incarnation,
      clock: this.clock,
      wallClock: () => EPOCH_MS + this.clock.now(),
      deltaLog: new WalDeltaLog(store),
      sealing: NULL_ENVELOPE,
      noQuorumTimeoutMs: defaultNoQuorumTimeoutMs(TICK_MS, ELECTION_TICKS),
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
    await member.core.start()
  }

  core(member: Member): NodeCore {
    if (member.core === null) throw new Error('not started')
    return member.core
  }

  runUntil(predicate: () => boolean, msMax: number, what: string): Promise<void> {
    return this.time.runUntil(predicate, msMax, what)
  }

  settled<T>(promise: Promise<T>, msMax?: number): Promise<T> {
    return this.time.settled(promise, msMax)
  }

  async stopAll(): Promise<void> {
    for (const member of this.members) member.core?.halt()
    for (const member of this.members) await member.raft?.stop()
  }
}

describe('NodeCore on the durable delta streams', () => {
  it('an acknowledged eventual write survives a power cut of its delta device and folds after the restart', async () => {
    const cluster = new Cluster()
    // init on the first node; the others join (addLearner, start on an empty configuration, promote).
    const [founder, ...joiners] = cluster.members as [Member, ...Member[]]
    await cluster.start(founder, true)
    await cluster.runUntil(() => cluster.core(founder).opened, 10_000, 'the founder opening')
    for (const joiner of joiners) {
      await cluster.start(joiner, false)
      await cluster.settled(cluster.core(founder).addLearner(joiner.id, joiner.key, { keyed: true }))
      await cluster.settled(cluster.core(founder).promote(joiner.id))
    }
    await cluster.runUntil(() => cluster.members.every((m) => cluster.core(m).opened), 10_000, 'opening')
    const writer = cluster.members.find((m) => !cluster.core(m).leading) as Member
    const ack = await cluster.settled(
      cluster.core(writer).eventual({ kind: 'map-set', collection: 'm', key: 'r', value: 7 }),
    )
    const firstStream = cluster.core(writer).stream
    expect(ack.writeId).toBe(`${firstStream}/1/0`)

    // Power cut of the delta device right after the acknowledgement: nothing pushed or folded it.
    cluster.core(writer).halt()
    await cluster.settled(writer.raft?.stop() ?? Promise.resolve())
    writer.device = writer.device.crash()
    await cluster.start(writer, false)
    await cluster.runUntil(() => cluster.core(writer).opened, 5_000, 'the new incarnation opening')
    expect(cluster.core(writer).stream).not.toBe(firstStream)
    expect(cluster.core(writer).pendingBatches.count).toBe(1)

    const leader = cluster.members.find((m) => cluster.core(m).leading) as Member
    for (const { stream, batch } of cluster.core(writer).pendingEntries())
      cluster.core(leader).receiveBatch(stream, batch)
    await cluster.runUntil(
      () => cluster.members.every((m) => cluster.core(m).committed.data?.mapValue('m', 'r') === 7),
      5_000,
      'the recovered batch folding',
    )
    // A second write goes to the new stream, sequence 1: nothing of the old stream is reused.
    const next = await cluster.settled(
      cluster.core(writer).eventual({ kind: 'map-set', collection: 'm', key: 'q', value: 8 }),
    )
    expect(next.writeId).toBe(`${cluster.core(writer).stream}/1/0`)
    expect((writer.store as DeltaStreamStore).heldThrough(firstStream)).toBe(1)
    await cluster.stopAll()
  })
})
