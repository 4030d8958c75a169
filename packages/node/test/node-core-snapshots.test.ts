/**
 * NodeCore's Raft snapshots on real RaftNodes (raft's MemoryNetwork and MemoryLogStorage) under one
 * ManualClock: with small policy thresholds the nodes snapshot and compact while writes go on, a
 * learner added after many writes catches up by snapshot (its log starts above the leader's
 * compacted prefix) while writes continue, and ends with a byte-identical C; a restart restores C
 * from the stored snapshot and replays the rest of the log. Deterministic: one seed, virtual time
 * advanced a millisecond at a time.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ManualClock, SeededRandom } from '@tandem/base'
import { defaultNoQuorumTimeoutMs, MemoryLogStorage, MemoryNetwork, RaftNode } from '@tandem/raft'
import { FileDevice, WalLogStorage } from '@tandem/wal'
import { describe, expect, it } from 'vitest'
import { encodeLogEntry } from '../src/codec/log-entry.js'
import { encodeCommittedSnapshot } from '../src/codec/snapshot.js'
import { MemoryDeltaLog } from '../src/compose/delta-log.js'
import { NodeCore, NULL_ENVELOPE } from '../src/compose/node-core.js'
import { type Incarnation, type MemberId, memberId, type WriterKey } from '../src/core/ids.js'
import type { AppliedEntry } from '../src/core/log-applier.js'
import { ManualTime } from './manual-time.js'

const TICK_MS = 10
const ELECTION_TICKS = 10
const NO_QUORUM_MS = defaultNoQuorumTimeoutMs(TICK_MS, ELECTION_TICKS)
const EPOCH_MS = 1_700_000_000_000
const SNAPSHOT_LOG_BYTES_MIN = 64 * 1024
const map = { kind: 'map', name: 'm' } as const

interface Member {
  readonly id: MemberId
  readonly key: WriterKey
  readonly storage: MemoryLogStorage
  readonly deltaLog: MemoryDeltaLog
  core: NodeCore
  raft: RaftNode<AppliedEntry> | null
  restored: number[]
}

class Fixture {
  readonly clock = new ManualClock(0)
  readonly time = new ManualTime(this.clock)
  readonly network = new MemoryNetwork()
  readonly members: Member[] = []
  readonly random: SeededRandom
  readonly founders: MemberId[]

  constructor(seed: number) {
    this.random = new SeededRandom(seed)
    this.founders = ['A', 'B', 'C'].map((name) => this.#id(name))
    this.founders.forEach((id, index) => {
      // The founder starts as the single voter; the others join (see `startAll`).
      const storage = index === 0 ? new MemoryLogStorage({ voters: [id] }) : new MemoryLogStorage()
      this.members.push(this.#member(id, index, index === 0, storage))
    })
  }

  #id(name: string): MemberId {
    return memberId(`SimPeerNodeNumberAbc${name}`, name.toLowerCase().repeat(16))
  }

  #member(id: MemberId, index: number, founder: boolean, storage: MemoryLogStorage): Member {
    const member: Member = {
      id,
      key: String(index + 1).repeat(64) as WriterKey,
      storage,
      deltaLog: new MemoryDeltaLog(),
      core: null as unknown as NodeCore,
      raft: null,
      restored: [],
    }
    member.core = this.#core(member, founder)
    return member
  }

  /** A learner-to-be: a new member id with an empty log (it learns the configuration from the leader). */
  joiner(name: string): Member {
    const member = this.#member(this.#id(name), this.members.length, false, new MemoryLogStorage())
    this.members.push(member)
    return member
  }

  #core(member: Member, founder: boolean): NodeCore {
    const incarnation = this.random
      .bytes(16)
      .reduce((hex, byte) => hex + byte.toString(16).padStart(2, '0'), '') as Incarnation
    return new NodeCore({
      member: member.id,
      key: member.key,
      incarnation,
      clock: this.clock,
      wallClock: () => EPOCH_MS + this.clock.now(),
      deltaLog: member.deltaLog,
      sealing: NULL_ENVELOPE,
      noQuorumTimeoutMs: NO_QUORUM_MS,
      snapshotPolicy: { logBytesMin: SNAPSHOT_LOG_BYTES_MIN },
      onRestored: (index) => member.restored.push(index),
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

  /** `init` on the first founder; the other two join by addLearner, start and promote. */
  async startAll(): Promise<void> {
    const [first, ...others] = this.members as [Member, ...Member[]]
    await first.core.start()
    await this.runUntil(() => first.core.opened, 10_000, 'the first node opening')
    for (const other of others) {
      await other.core.start()
      await this.settled(first.core.addLearner(other.id, other.key, { keyed: true }))
      await this.settled(first.core.promote(other.id))
    }
  }

  async restart(member: Member): Promise<void> {
    member.core.halt()
    await this.settled(member.raft?.stop() ?? Promise.resolve())
    member.core = this.#core(member, false)
    // A stored snapshot restores in steps that yield on the clock: start runs while time runs.
    await this.settled(member.core.start())
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

  /** `rounds` rounds of `perRound` strong writes of ~1 KiB values, each round one batch. */
  async write(rounds: number, perRound: number, tag: string): Promise<void> {
    for (let round = 0; round < rounds; round++) {
      const writer = this.members[round % 3] as Member
      const writes = []
      for (let i = 0; i < perRound; i++) {
        const key = `${tag}-${(round * perRound + i) % 500}`
        writes.push(
          writer.core.strong({
            kind: 'map-set',
            collection: map,
            key,
            value: `${tag}:${round}:${i}:${'v'.repeat(1000)}`,
          }),
        )
      }
      await this.settled(Promise.all(writes))
    }
  }

  /** Every node at the same applied index. */
  async caughtUp(members: readonly Member[] = this.members): Promise<void> {
    await this.runUntil(
      () => new Set(members.map((m) => m.core.applier.appliedIndex)).size === 1,
      10_000,
      'every node applying the same index',
    )
  }

  async stopAll(): Promise<void> {
    for (const member of this.members) member.core.halt()
    for (const member of this.members) await member.raft?.stop()
  }
}

function hex(bytes: Uint8Array | null): string {
  return Buffer.from(bytes ?? new Uint8Array()).toString('hex')
}

/** C's snapshot bytes (both layers) on every member, which must all be at the same index. */
function snapshotsOf(members: readonly Member[]): string[] {
  return members.map((member) => {
    const encoded = encodeCommittedSnapshot(member.core.committed)
    return `${encoded.appliedIndex}:${hex(encoded.publicBytes)}:${hex(encoded.dataBytes)}`
  })
}

describe('NodeCore snapshots', () => {
  it('snapshots by the policy, and a learner added after many writes catches up by snapshot while writes continue', async () => {
    const fixture = new Fixture(3)
    await fixture.startAll()
    await fixture.runUntil(() => fixture.members.every((m) => m.core.opened), 10_000, 'every node opening')
    await fixture.write(12, 40, 'a')
    await fixture.caughtUp()
    const leader = fixture.leader()
    const leaderRaft = leader.raft as RaftNode<AppliedEntry>
    // ~480 KiB of log with a 64 KiB floor: every founder snapshotted and compacted its log.
    for (const member of fixture.members) {
      const status = member.raft?.status()
      expect(status?.snapshotIndex).toBeGreaterThan(0)
      expect(member.storage.firstIndex()).toBeGreaterThan(1)
      expect(member.core.lastSnapshotBytes).toBeGreaterThan(0)
    }
    // The learner: admitted in C, then added to Raft's configuration.
    const learner = fixture.joiner('D')
    const admit = encodeLogEntry([
      {
        kind: 'control',
        signer: leader.key,
        operation: { kind: 'add-learner', member: learner.id, key: learner.key, keyed: true },
        signature: new Uint8Array(0),
      },
    ])
    await fixture.settled(leaderRaft.propose(admit))
    await fixture.settled(leaderRaft.addLearner(learner.id))
    await learner.core.start()
    const compactedThrough = leaderRaft.status().snapshotIndex
    // Writes continue while it catches up.
    await fixture.write(6, 40, 'b')
    await fixture.caughtUp()
    expect(learner.restored.length).toBeGreaterThan(0)
    expect(learner.restored[0]).toBeGreaterThanOrEqual(compactedThrough)
    expect(learner.raft?.status().snapshotIndex).toBeGreaterThan(0)
    await fixture.runUntil(() => learner.core.opened, 10_000, 'the learner opening')
    await fixture.write(2, 10, 'c')
    await fixture.caughtUp()
    const snapshots = snapshotsOf(fixture.members)
    expect(new Set(snapshots).size).toBe(1)
    expect(learner.core.committed.data?.mapValue('m', 'c-0')).toMatch(/^c:0:0:/)
    // V over the restored C reads the same.
    const entries = (member: Member) => [...member.core.view.map('m').entries()].sort()
    expect(entries(learner)).toEqual(entries(leader))
    expect(learner.core.view.map('m').size).toBeGreaterThan(0)
    await fixture.stopAll()
  })

  it('restarts from the stored snapshot and replays the log after it into the same C', async () => {
    const fixture = new Fixture(4)
    await fixture.startAll()
    await fixture.runUntil(() => fixture.members.every((m) => m.core.opened), 10_000, 'every node opening')
    await fixture.write(10, 40, 'a')
    await fixture.write(1, 5, 'tail')
    await fixture.caughtUp()
    const member = fixture.members[1] as Member
    const snapshotIndex = member.storage.snapshot().metadata.index
    expect(snapshotIndex).toBeGreaterThan(0)
    expect(member.core.applier.appliedIndex).toBeGreaterThan(snapshotIndex)
    const before = snapshotsOf([member])[0]
    await fixture.restart(member)
    expect(member.restored).toEqual([snapshotIndex])
    await fixture.runUntil(() => member.core.opened, 10_000, 'the restarted node opening')
    await fixture.write(1, 5, 'after')
    await fixture.caughtUp()
    expect(new Set(snapshotsOf(fixture.members)).size).toBe(1)
    expect(before).toBeDefined()
    await fixture.stopAll()
  })

  it('over WalLogStorage on a temp directory: the snapshot file is the node snapshot, and a restart restores C from it and replays the log after it into the same C', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'tandem-node-snapshots-'))
    const clock = new ManualClock(0)
    const network = new MemoryNetwork()
    const id = memberId('SimPeerNodeNumberAbcW', 'e'.repeat(16))
    const key = '7'.repeat(64) as WriterKey
    const random = new SeededRandom(8)
    const realSettle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))
    const runUntil = async (predicate: () => boolean, what: string): Promise<void> => {
      for (let elapsed = 0; elapsed < 20_000; elapsed++) {
        if (predicate()) return
        clock.advance(1)
        await realSettle()
      }
      throw new Error(`${what} did not happen`)
    }
    const settled = async <T>(promise: Promise<T>): Promise<T> => {
      let done: { value: T } | { error: unknown } | null = null
      promise.then(
        (value) => {
          done = { value }
        },
        (error: unknown) => {
          done = { error }
        },
      )
      await runUntil(() => done !== null, 'the request settling')
      const result = done as unknown as { value: T } | { error: unknown }
      if ('error' in result) throw result.error
      return result.value
    }
    const start = async (
      founder: boolean,
      restored: number[],
      atIndex?: { index: number; seen: string | null },
    ) => {
      const storage = await WalLogStorage.open({ device: await FileDevice.open(directory), voters: [id] })
      let raft: RaftNode<AppliedEntry> | null = null
      const core = new NodeCore({
        member: id,
        key,
        incarnation: random
          .bytes(16)
          .reduce((h, b) => h + b.toString(16).padStart(2, '0'), '') as Incarnation,
        clock,
        wallClock: () => EPOCH_MS + clock.now(),
        deltaLog: new MemoryDeltaLog(),
        sealing: NULL_ENVELOPE,
        noQuorumTimeoutMs: NO_QUORUM_MS,
        snapshotPolicy: { logBytesMin: 16 * 1024 },
        onRestored: (index) => restored.push(index),
        onApplied: (entry) => {
          if (atIndex !== undefined && entry.index === atIndex.index)
            atIndex.seen = snapshotsOf([{ core } as Member])[0] ?? null
        },
        ...(founder ? { init: true } : {}),
        createRaft: (parts) => {
          raft = new RaftNode<AppliedEntry>({
            id,
            storage,
            transport: network.transport(id),
            snapshotTransport: network.snapshotTransport(id),
            clock,
            random: new SeededRandom(random.nextInt(2 ** 30)),
            tickMs: TICK_MS,
            electionTicks: ELECTION_TICKS,
            ...parts,
          })
          return raft
        },
      })
      await settled(core.start())
      await runUntil(() => core.opened, 'the node opening')
      return { core, storage, raft: () => raft as unknown as RaftNode<AppliedEntry> }
    }
    try {
      const first = await start(true, [])
      for (let round = 0; round < 8; round++) {
        const writes = []
        for (let i = 0; i < 5; i++)
          writes.push(
            first.core.strong({
              kind: 'map-set',
              collection: map,
              key: `k${i}`,
              value: `${round}:${'w'.repeat(1000)}`,
            }),
          )
        await settled(Promise.all(writes))
      }
      await settled(first.core.strong({ kind: 'map-set', collection: map, key: 'after', value: 'the tail' }))
      const snapshotIndex = first.raft().status().snapshotIndex
      expect(snapshotIndex).toBeGreaterThan(0)
      expect(first.core.applier.appliedIndex).toBeGreaterThan(snapshotIndex)
      const files = await readdir(directory)
      const snapshotFiles = files.filter((name) => name.endsWith('.snap'))
      expect(snapshotFiles.length).toBeGreaterThan(0)
      // The file holds the node snapshot: its public part as plaintext (the member id is in it).
      const fileBytes = await readFile(join(directory, snapshotFiles[0] as string))
      expect(fileBytes.includes(Buffer.from(id))).toBe(true)
      const before = snapshotsOf([{ core: first.core } as Member])[0]
      first.core.halt()
      await settled(first.raft().stop())
      await first.storage.close()
      const restored: number[] = []
      const atIndex = { index: first.core.applier.appliedIndex, seen: null as string | null }
      const second = await start(false, restored, atIndex)
      expect(restored).toEqual([snapshotIndex])
      await runUntil(() => second.core.applier.appliedIndex >= first.core.applier.appliedIndex, 'the replay')
      expect(second.core.committed.data?.mapValue('m', 'after')).toBe('the tail')
      // At the index the first start ended, the replayed C is byte-identical to the one before.
      expect(atIndex.seen).toBe(before)
      second.core.halt()
      await settled(second.raft().stop())
      await second.storage.close()
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  })
})
