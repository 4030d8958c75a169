/**
 * Dot rollovers of eventual writes (design.md, "Identities": stream id = CRDT id = key ‖ incarnation
 * ‖ n, a writer starting n + 1 before its dots reach 2^31), on three real RaftNodes built by `init`,
 * `addLearner` and `promote` over raft's MemoryNetwork, with `streamDotsMax` = 5 so that a handful of
 * writes rolls over several times; the delta log in memory, or on the WAL (`WalDeltaLog` over a
 * `DeltaStreamStore` on a crashable `MemoryDevice`). Deterministic: one seed, virtual time a
 * millisecond at a time.
 */
import { ManualClock, SeededRandom } from '@tandem/base'
import { defaultNoQuorumTimeoutMs, MemoryLogStorage, MemoryNetwork, RaftNode } from '@tandem/raft'
import { MemoryDevice } from '@tandem/wal/pure'
import { describe, expect, it } from 'vitest'
import { encodeCommittedSnapshot } from '../src/codec/snapshot.js'
import { type DeltaLog, MemoryDeltaLog } from '../src/compose/delta-log.js'
import {
  type EventualOperation,
  type EventualWriteResult,
  NodeCore,
  NULL_ENVELOPE,
} from '../src/compose/node-core.js'
import {
  type Incarnation,
  type MemberId,
  memberId,
  parseStreamId,
  type StreamId,
  streamDotsMax,
  streamId,
  type WriterKey,
} from '../src/core/ids.js'
import type { AppliedEntry } from '../src/core/log-applier.js'
import { DeltaStreamStore } from '../src/streams/delta-stream-store.js'
import { WalDeltaLog } from '../src/streams/wal-delta-log.js'
import { ManualTime, settle } from './manual-time.js'

const TICK_MS = 10
const ELECTION_TICKS = 10
const NO_QUORUM_MS = defaultNoQuorumTimeoutMs(TICK_MS, ELECTION_TICKS)
const EPOCH_MS = 1_700_000_000_000
const DOTS_MAX = 5

interface Member {
  readonly id: MemberId
  readonly key: WriterKey
  readonly storage: MemoryLogStorage
  readonly deltaLog: MemoryDeltaLog
  /** The delta device under `durable`: a `DeltaStreamStore` on it per start. */
  device: MemoryDevice
  store: DeltaStreamStore | null
  core: NodeCore
  raft: RaftNode<AppliedEntry> | null
}

class Cluster {
  readonly clock = new ManualClock(0)
  readonly time = new ManualTime(this.clock)
  readonly network = new MemoryNetwork()
  readonly random: SeededRandom
  readonly members: Member[]

  /** `durable`: each start's delta log is a WalDeltaLog on a DeltaStreamStore; else in memory. */
  constructor(
    seed: number,
    readonly durable = false,
  ) {
    this.random = new SeededRandom(seed)
    this.members = ['A', 'B', 'C'].map((name, index) => {
      const id = memberId(`SimPeerNodeNumberAbc${name}`, name.toLowerCase().repeat(16))
      const member: Member = {
        id,
        key: String(index + 1).repeat(64) as WriterKey,
        storage: index === 0 ? new MemoryLogStorage({ voters: [id] }) : new MemoryLogStorage(),
        deltaLog: new MemoryDeltaLog(),
        device: new MemoryDevice(),
        store: null,
        core: null as unknown as NodeCore,
        raft: null,
      }
      return member
    })
  }

  async core(member: Member, founder: boolean): Promise<NodeCore> {
    const incarnation = this.random
      .bytes(16)
      .reduce((hex, byte) => hex + byte.toString(16).padStart(2, '0'), '') as Incarnation
    let deltaLog: DeltaLog = member.deltaLog
    if (this.durable) {
      member.store = await DeltaStreamStore.open({
        device: member.device,
        ownStream: streamId(member.key, incarnation, 0),
        eventualBacklogBytesMax: 1 << 20,
      })
      deltaLog = new WalDeltaLog(member.store)
    }
    return new NodeCore({
      member: member.id,
      key: member.key,
      incarnation,
      clock: this.clock,
      // One wall millisecond for many writes: stamps differ by their logical part only.
      wallClock: () => EPOCH_MS + this.clock.now(),
      deltaLog,
      sealing: NULL_ENVELOPE,
      noQuorumTimeoutMs: NO_QUORUM_MS,
      streamDotsMax: DOTS_MAX,
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

  async start(): Promise<void> {
    const [founder, ...joiners] = this.members as [Member, ...Member[]]
    for (const [index, member] of this.members.entries()) member.core = await this.core(member, index === 0)
    await founder.core.start()
    await this.runUntil(() => founder.core.opened, 10_000, 'the founder opening')
    for (const joiner of joiners) {
      await joiner.core.start()
      await this.settled(founder.core.addLearner(joiner.id, joiner.key, { keyed: true }))
      await this.settled(founder.core.promote(joiner.id))
    }
    await this.runUntil(() => this.members.every((m) => m.core.opened), 10_000, 'every node opening')
  }

  /** A new incarnation over the same Raft disk and delta log; `powerCut`: only what was fsynced stays. */
  async restart(member: Member, powerCut = false): Promise<void> {
    member.core.halt()
    await this.settled(member.raft?.stop() ?? Promise.resolve())
    if (powerCut) member.device = member.device.crash()
    member.core = await this.core(member, false)
    await member.core.start()
  }

  runUntil(predicate: () => boolean, msMax: number, what: string): Promise<void> {
    return this.time.runUntil(predicate, msMax, what)
  }

  /** Settles `promises` without moving virtual time (the delta log is in memory: no wait). */
  async writes<T>(promises: Promise<T>[]): Promise<T[]> {
    const results = await Promise.all(promises)
    await settle()
    return results
  }

  settled<T>(promise: Promise<T>, msMax?: number): Promise<T> {
    return this.time.settled(promise, msMax)
  }

  follower(): Member {
    const follower = this.members.find((member) => !member.core.leading)
    if (follower === undefined) throw new Error('no follower')
    return follower
  }

  async stopAll(): Promise<void> {
    for (const member of this.members) member.core.halt()
    for (const member of this.members) await member.raft?.stop()
  }
}

function streamOf(ack: EventualWriteResult): StreamId {
  return ack.writeId.split('/')[0] as StreamId
}

describe('NodeCore dot rollovers', () => {
  it('23 writes roll over streams 0..4; a restart starts a new incarnation at n = 0; every write folds on every node into a byte-identical C', async () => {
    const cluster = new Cluster(41)
    await cluster.start()
    const writer = cluster.follower()
    const firstIncarnation = parseStreamId(writer.core.stream)?.incarnation
    expect(writer.core.stream).toBe(streamId(writer.key, firstIncarnation as Incarnation, 0))
    // 23 map writes and a set add. Writes 4 and 5 overwrite one key across the 0 → 1 rollover at
    // the same wall millisecond: the later must still win (the new replica's clock carries on).
    const operations: EventualOperation[] = []
    for (let index = 0; index < 23; index++) {
      const key = index === 4 || index === 5 ? 'same' : `k${index}`
      operations.push({ kind: 'map-set', collection: 'm', key, value: index })
      if (index === 8) operations.push({ kind: 'set-add', collection: 's', element: 'x' })
    }
    // Groups of 7 issued at once: the queue then holds writes of two streams, sealed apart.
    const acks: EventualWriteResult[] = []
    for (let from = 0; from < operations.length; from += 7) {
      const group = operations.slice(from, from + 7)
      acks.push(...(await cluster.writes(group.map((operation) => writer.core.eventual(operation)))))
    }
    expect(acks).toHaveLength(24)
    // One dot each, five to a stream: 24 writes over streams 0..4.
    acks.forEach((ack, position) => {
      expect(parseStreamId(streamOf(ack))?.rollover).toBe(Math.floor(position / DOTS_MAX))
    })
    expect(parseStreamId(writer.core.stream)?.rollover).toBe(4)
    expect(new Set(acks.map((ack) => ack.writeId)).size).toBe(acks.length)
    // A batch holds one stream's writes: every stream's sequences start at 1.
    for (const ack of acks) expect(Number(ack.writeId.split('/')[1])).toBeLessThanOrEqual(DOTS_MAX)
    expect(writer.core.view.map('m').get('same')).toBe(5)
    expect(writer.core.view.set('s').has('x')).toBe(true)

    // A restart before anything folded: a new incarnation at n = 0, the five streams reloaded.
    const pendingBefore = writer.core.pendingBatches.count
    await cluster.restart(writer)
    await cluster.runUntil(() => writer.core.opened, 5_000, 'the new incarnation opening')
    const secondIncarnation = parseStreamId(writer.core.stream)?.incarnation
    expect(secondIncarnation).not.toBe(firstIncarnation)
    expect(writer.core.stream).toBe(streamId(writer.key, secondIncarnation as Incarnation, 0))
    expect(writer.core.pendingBatches.count).toBe(pendingBefore)
    const more = await cluster.writes(
      Array.from({ length: 7 }, (_, index) =>
        writer.core.eventual({ kind: 'map-set', collection: 'm', key: `after${index}`, value: index }),
      ),
    )
    expect(more.map((ack) => parseStreamId(streamOf(ack))?.rollover)).toEqual([0, 0, 0, 0, 0, 1, 1])
    expect(more.every((ack) => parseStreamId(streamOf(ack))?.incarnation === secondIncarnation)).toBe(true)
    const all = [...acks, ...more]
    expect(new Set(all.map((ack) => ack.writeId)).size).toBe(all.length)

    // The push: every durable batch to every other node; the leader folds them all.
    for (const member of cluster.members) {
      if (member === writer) continue
      for (const { stream, batch } of writer.core.pendingEntries()) member.core.receiveBatch(stream, batch)
    }
    const streams = new Set(all.map(streamOf))
    expect(streams.size).toBe(7)
    await cluster.runUntil(
      () =>
        cluster.members.every((member) =>
          all.every((ack) => {
            const [stream, sequence] = ack.writeId.split('/') as [StreamId, string]
            return member.core.committed.public.highWaters.highWater(stream) >= Number(sequence)
          }),
        ),
      10_000,
      'every batch folding on every node',
    )
    await cluster.runUntil(
      () => new Set(cluster.members.map((m) => m.core.applier.appliedIndex)).size === 1,
      5_000,
      'every node at one index',
    )
    const encoded = cluster.members.map((member) => encodeCommittedSnapshot(member.core.committed))
    const [first, ...others] = encoded as [(typeof encoded)[number], ...typeof encoded]
    for (const other of others) {
      expect(other.appliedIndex).toBe(first.appliedIndex)
      expect(Buffer.from(other.publicBytes).equals(Buffer.from(first.publicBytes))).toBe(true)
      expect(first.dataBytes).not.toBeNull()
      expect(
        Buffer.from(other.dataBytes as Uint8Array).equals(Buffer.from(first.dataBytes as Uint8Array)),
      ).toBe(true)
    }
    for (const member of cluster.members) {
      const data = member.core.committed.data
      expect(data?.mapValue('m', 'same')).toBe(5)
      for (let index = 0; index < 23; index++) {
        if (index !== 4 && index !== 5) expect(data?.mapValue('m', `k${index}`)).toBe(index)
      }
      for (let index = 0; index < 7; index++) expect(data?.mapValue('m', `after${index}`)).toBe(index)
      expect(member.core.view.set('s').has('x')).toBe(true)
      expect(member.core.pendingBatches.count).toBe(0)
    }
    await cluster.stopAll()
  })

  it('a set delete after a rollover removes an element added before it, even when stream n + 1 folds first; nothing is refused', async () => {
    const cluster = new Cluster(47)
    await cluster.start()
    const writer = cluster.follower()
    const acks = await cluster.writes([
      writer.core.eventual({ kind: 'set-add', collection: 's', element: 'x' }),
      ...[0, 1, 2, 3].map((index) =>
        writer.core.eventual({ kind: 'map-set', collection: 'm', key: `k${index}`, value: index }),
      ),
      // Rolls over: the new stream's replica carries stream 0's writes, so this delete names the
      // add's dot of stream 0.
      writer.core.eventual({ kind: 'set-delete', collection: 's', element: 'x' }),
      writer.core.eventual({ kind: 'map-set', collection: 'm', key: 'k4', value: 4 }),
    ])
    const [zero, one] = [0, 1].map((n) =>
      streamId(writer.key, parseStreamId(writer.core.stream)?.incarnation as Incarnation, n),
    ) as [StreamId, StreamId]
    expect(acks.map(streamOf)).toEqual([zero, zero, zero, zero, zero, one, one])
    const pushOf = (stream: StreamId) => {
      for (const member of cluster.members) {
        if (member === writer) continue
        for (const entry of writer.core.pendingEntries())
          if (entry.stream === stream) member.core.receiveBatch(entry.stream, entry.batch)
      }
    }
    const foldedEverywhere = (stream: StreamId) => () =>
      cluster.members.every((member) => member.core.committed.public.highWaters.highWater(stream) === 1)
    // Stream 1 reaches the other nodes first and folds alone; stream 0 follows.
    pushOf(one)
    await cluster.runUntil(foldedEverywhere(one), 10_000, 'stream 1 folding')
    pushOf(zero)
    await cluster.runUntil(foldedEverywhere(zero), 10_000, 'stream 0 folding')
    for (const member of cluster.members) {
      const data = member.core.committed.data
      for (let index = 0; index <= 4; index++) expect(data?.mapValue('m', `k${index}`)).toBe(index)
      expect(member.core.view.set('s').has('x')).toBe(false)
      expect(member.core.committed.data?.replica.set('s').has('x')).toBe(false)
      expect([...member.core.committed.foldRefusals]).toEqual([])
    }
    await cluster.stopAll()
  })

  it('on the durable delta streams: the store moves with each rollover, and after a power cut every acknowledged write comes back and folds', async () => {
    const cluster = new Cluster(43, true)
    await cluster.start()
    const writer = cluster.follower()
    const write = (key: string) => writer.core.eventual({ kind: 'map-set', collection: 'm', key, value: key })
    const before = await cluster.writes(Array.from({ length: 12 }, (_, index) => write(`b${index}`)))
    expect(before.map((ack) => parseStreamId(streamOf(ack))?.rollover)).toEqual([
      0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2,
    ])
    const store = writer.store as DeltaStreamStore
    expect(store.ownStream).toBe(writer.core.stream)
    expect(store.streams().map((held) => [parseStreamId(held.stream)?.rollover, held.heldThrough])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
    ])
    // A power cut right after the acknowledgements: nothing was pushed or folded.
    await cluster.restart(writer, true)
    await cluster.runUntil(() => writer.core.opened, 5_000, 'the new incarnation opening')
    expect(parseStreamId(writer.core.stream)?.rollover).toBe(0)
    expect(writer.core.pendingBatches.count).toBe(3)
    const after = await cluster.writes(Array.from({ length: 6 }, (_, index) => write(`a${index}`)))
    expect(after.map((ack) => parseStreamId(streamOf(ack))?.rollover)).toEqual([0, 0, 0, 0, 0, 1])
    expect((writer.store as DeltaStreamStore).ownStream).toBe(writer.core.stream)
    const all = [...before, ...after]
    expect(new Set(all.map((ack) => ack.writeId)).size).toBe(all.length)
    for (const member of cluster.members) {
      if (member === writer) continue
      for (const { stream, batch } of writer.core.pendingEntries()) member.core.receiveBatch(stream, batch)
    }
    await cluster.runUntil(
      () =>
        cluster.members.every((member) =>
          [
            ...Array.from({ length: 12 }, (_, i) => `b${i}`),
            ...Array.from({ length: 6 }, (_, i) => `a${i}`),
          ].every((key) => member.core.committed.data?.mapValue('m', key) === key),
        ),
      10_000,
      'every write folding on every node',
    )
    await cluster.stopAll()
  })

  it('refuses a streamDotsMax outside [1, 2^31 − 1]', () => {
    const cluster = new Cluster(1)
    const member = cluster.members[1] as Member
    for (const bad of [0, 1.5, streamDotsMax + 1]) {
      expect(
        () =>
          new NodeCore({
            member: member.id,
            key: member.key,
            incarnation: 'a'.repeat(32) as Incarnation,
            clock: cluster.clock,
            wallClock: () => EPOCH_MS,
            deltaLog: new MemoryDeltaLog(),
            sealing: NULL_ENVELOPE,
            noQuorumTimeoutMs: NO_QUORUM_MS,
            streamDotsMax: bad,
            createRaft: () => {
              throw new Error('not started')
            },
          }),
      ).toThrow(RangeError)
    }
  })
})
