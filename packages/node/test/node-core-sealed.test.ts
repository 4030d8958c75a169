/**
 * The composition core on real sealing (design.md build order step 5): three NodeCores on three real
 * RaftNodes (raft's MemoryNetwork and MemoryLogStorage) under one ManualClock, their control entries
 * signed and their strong and eventual batches sealed. Two run the native provider (the Node-side
 * default, `createNodeSealing`), one the pure provider: the bytes are the same, so they interoperate.
 * Deterministic: one seed, virtual time advanced a millisecond at a time.
 */
import { ManualClock, SeededRandom } from '@tandem/base'
import { pureCryptoProvider, writerPublicKey } from '@tandem/envelope'
import { defaultNoQuorumTimeoutMs, type Entry, MemoryLogStorage, MemoryNetwork, RaftNode } from '@tandem/raft'
import { describe, expect, it } from 'vitest'
import { encodeLogEntry } from '../src/codec/log-entry.js'
import { encodeStrongPayload } from '../src/codec/strong-payload.js'
import { MemoryDeltaLog } from '../src/compose/delta-log.js'
import { NodeCore, NULL_ENVELOPE } from '../src/compose/node-core.js'
import { type Incarnation, type MemberId, memberId, type WriterKey } from '../src/core/ids.js'
import type { AppliedEntry } from '../src/core/log-applier.js'
import type { LogItem } from '../src/core/log-items.js'
import { createNodeSealing } from '../src/sealing/node-sealing.js'
import { createSealing, type Sealing } from '../src/sealing/sealing.js'
import { ManualTime } from './manual-time.js'

const TICK_MS = 10
const ELECTION_TICKS = 10
const NO_QUORUM_MS = defaultNoQuorumTimeoutMs(TICK_MS, ELECTION_TICKS)
const EPOCH_MS = 1_700_000_000_000
const MARKER = 'PLAINTEXT-MARKER'
const clusterId = new TextEncoder().encode('node-core-sealed-test')
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const containsMarker = (bytes: Uint8Array): boolean => Buffer.from(bytes).includes(MARKER)

interface Member {
  readonly id: MemberId
  readonly seed: Uint8Array
  readonly key: WriterKey
  readonly storage: MemoryLogStorage
  readonly deltaLog: MemoryDeltaLog
  sealing: Sealing
  core: NodeCore
  raft: RaftNode<AppliedEntry> | null
}

interface FixtureOptions {
  readonly seed: number
  /** Which of the three members hold the epoch secret (the others are keyless). */
  readonly keyed: readonly [boolean, boolean, boolean]
}

class Fixture {
  readonly clock = new ManualClock(0)
  readonly time = new ManualTime(this.clock)
  readonly network = new MemoryNetwork()
  readonly members: Member[]
  readonly random: SeededRandom
  readonly keyed: readonly [boolean, boolean, boolean]

  constructor(options: FixtureOptions) {
    this.random = new SeededRandom(options.seed)
    this.keyed = options.keyed
    const names = ['A', 'B', 'C']
    const ids = names.map((name) => memberId(`SimPeerNodeNumberAbc${name}`, name.toLowerCase().repeat(16)))
    this.members = ids.map((id, index) => {
      const seed = this.random.bytes(32)
      const keyed = options.keyed[index] === true
      // The third member runs the pure provider: it must read and write the same bytes.
      const sealing =
        index === 2
          ? createSealing({ clusterId, cryptoProvider: pureCryptoProvider, signingKey: seed, keyed })
          : createNodeSealing({ clusterId, signingKey: seed, keyed })
      return {
        id,
        seed,
        key: hex(writerPublicKey(seed)) as WriterKey,
        // The founder starts as the single voter; the others join on an empty configuration.
        storage: index === 0 ? new MemoryLogStorage({ voters: [id] }) : new MemoryLogStorage(),
        deltaLog: new MemoryDeltaLog(),
        sealing,
        core: null as unknown as NodeCore,
        raft: null,
      }
    })
    this.members.forEach((member, index) => {
      member.core = this.#core(member, index === 0)
    })
  }

  #core(member: Member, founder: boolean): NodeCore {
    const incarnation = hex(this.random.bytes(16)) as Incarnation
    return new NodeCore({
      member: member.id,
      key: member.key,
      incarnation,
      clock: this.clock,
      wallClock: () => EPOCH_MS + this.clock.now(),
      deltaLog: member.deltaLog,
      sealing: member.sealing,
      noQuorumTimeoutMs: NO_QUORUM_MS,
      ...(founder ? { init: true } : {}),
      // The simulator's push, directly: every durable batch is handed to the other nodes.
      onBatchDurable: (stream, batch) => {
        for (const other of this.members) if (other !== member) other.core.receiveBatch(stream, batch)
      },
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

  /** A new incarnation over the same Raft log, delta log and sealing (its C rebuilt by replay). */
  async restart(member: Member): Promise<void> {
    member.core.halt()
    await this.settled(member.raft?.stop() ?? Promise.resolve())
    member.core = this.#core(member, false)
    await member.core.start()
  }

  /**
   * `init` on the first node; each other node admitted by `addLearner` (keyed or not), started on an
   * empty configuration and promoted. Keyed joiners get epoch 1 from the wrap table (a grant).
   */
  async start(beforeJoining?: (founder: Member) => Promise<void>): Promise<void> {
    const [founder, ...joiners] = this.members as [Member, ...Member[]]
    await founder.core.start()
    await this.runUntil(() => founder.core.opened, 10_000, 'the founder opening')
    await beforeJoining?.(founder)
    for (const [position, joiner] of joiners.entries()) {
      await joiner.core.start()
      const keyed = this.keyed[position + 1] === true
      await this.settled(founder.core.addLearner(joiner.id, joiner.key, { keyed }))
      await this.settled(founder.core.promote(joiner.id))
    }
    await this.runUntil(
      () =>
        this.members.every(
          (m, index) => m.core.opened && (this.keyed[index] !== true || m.core.holdsEpochKey),
        ),
      10_000,
      'every node opening, every keyed one holding epoch 1',
    )
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

  /** Every node at the same applied index, with nothing left to fold. */
  async quiet(): Promise<void> {
    await this.runUntil(
      () =>
        new Set(this.members.map((m) => m.core.applier.appliedIndex)).size === 1 &&
        this.members.every((m) => m.core.pendingBatches.count === 0),
      10_000,
      'every node folding everything and applying the same index',
    )
  }

  /** Every Raft log entry a member holds. */
  logEntries(member: Member): readonly Entry[] {
    const storage = member.storage
    return storage.entries(storage.firstIndex(), storage.lastIndex() + 1, Number.POSITIVE_INFINITY)
  }

  async stopAll(): Promise<void> {
    for (const member of this.members) member.core.halt()
    for (const member of this.members) await member.raft?.stop()
  }
}

const map = { kind: 'map', name: 'm' } as const
const publicBytes = (member: Member): string => hex(member.core.committed.public.encode())
const dataBytes = (member: Member): string =>
  hex(member.core.committed.data?.replica.encodeState() ?? new Uint8Array())

/** Strong writes from every node, then eventual writes from every node, all folded. */
async function writeFromEveryNode(fixture: Fixture, writers: readonly Member[]): Promise<void> {
  for (const [index, member] of writers.entries()) {
    const written = await fixture.settled(
      member.core.strong({
        kind: 'map-set',
        collection: map,
        key: `s${index}`,
        value: `${MARKER}-strong-${index}`,
      }),
    )
    expect(written.result.applied).toBe(true)
  }
  for (const [index, member] of writers.entries()) {
    const ack = await fixture.settled(
      member.core.eventual({
        kind: 'map-set',
        collection: 'm',
        key: `e${index}`,
        value: `${MARKER}-eventual-${index}`,
      }),
    )
    expect(ack.writeId).toBe(`${member.core.stream}/1/0`)
    // In the writer's V at once: V opened its own sealed batch.
    expect(member.core.view.map('m').get(`e${index}`)).toBe(`${MARKER}-eventual-${index}`)
  }
  await fixture.quiet()
}

describe('NodeCore on real sealing', () => {
  it('joiners admitted after sealed writes wait for their grant, then rebuild C: byte-identical data, nothing refused', async () => {
    const fixture = new Fixture({ seed: 7, keyed: [true, true, true] })
    const founderWrites = async (founder: Member) => {
      const written = await fixture.settled(
        founder.core.strong({ kind: 'map-set', collection: map, key: 'early', value: `${MARKER}-early` }),
      )
      expect(written.result.applied).toBe(true)
      await fixture.settled(
        founder.core.eventual({ kind: 'map-set', collection: 'm', key: 'fold', value: 1 }),
      )
      await fixture.runUntil(() => founder.core.pendingBatches.count === 0, 5_000, 'the early batch folding')
    }
    await fixture.start(founderWrites)
    // The joiners write too (the founder's stream is at sequence 1 already).
    await writeFromEveryNode(fixture, fixture.members.slice(1))
    expect(new Set(fixture.members.map(publicBytes)).size).toBe(1)
    expect(new Set(fixture.members.map(dataBytes)).size).toBe(1)
    for (const member of fixture.members) {
      expect(member.core.committed.data?.mapValue('m', 'early')).toBe(`${MARKER}-early`)
      expect(member.core.committed.data?.mapValue('m', 'fold')).toBe(1)
      expect(member.core.dataAppliedIndex).toBe(member.core.applier.appliedIndex)
      expect(member.core.awaitedEpochs).toEqual([])
      expect(member.core.keyWaitsAbandoned).toBe(0)
      expect(member.core.committed.foldRefusals.size).toBe(0)
    }
    // The joiners did meet batches they could not open, and waited rather than refuse them.
    expect(fixture.members.slice(1).every((m) => m.sealing.checks.missingKeyBatches > 0)).toBe(true)
    await fixture.stopAll()
  })

  it('a node restarted with a fresh sealing (no key in memory) learns its epochs again from the log', async () => {
    const fixture = new Fixture({ seed: 8, keyed: [true, true, true] })
    await fixture.start(async (founder) => {
      await fixture.settled(
        founder.core.strong({ kind: 'map-set', collection: map, key: 'early', value: 'x' }),
      )
    })
    await writeFromEveryNode(fixture, fixture.members)
    const member = fixture.members[2] as Member
    // A new process: the pure provider's sealing built again from the seed, holding no epoch key.
    member.sealing = createSealing({
      clusterId,
      cryptoProvider: pureCryptoProvider,
      signingKey: member.seed,
      keyed: true,
    })
    expect(member.sealing.keys.newestEpoch()).toBeNull()
    await fixture.restart(member)
    await fixture.runUntil(
      () => member.core.opened && member.core.holdsEpochKey,
      10_000,
      'the restart opening',
    )
    await writeFromEveryNode(fixture, [member])
    expect(new Set(fixture.members.map(dataBytes)).size).toBe(1)
    expect(member.core.committed.data?.mapValue('m', 'early')).toBe('x')
    expect(member.core.dataAppliedIndex).toBe(member.core.applier.appliedIndex)
    await fixture.stopAll()
  })

  it('three sealed nodes take strong and eventual writes and converge to byte-identical C', async () => {
    const fixture = new Fixture({ seed: 1, keyed: [true, true, true] })
    await fixture.start()
    await writeFromEveryNode(fixture, fixture.members)
    expect(new Set(fixture.members.map(publicBytes)).size).toBe(1)
    expect(new Set(fixture.members.map(dataBytes)).size).toBe(1)
    for (const member of fixture.members) {
      for (let index = 0; index < 3; index++) {
        expect(member.core.committed.data?.mapValue('m', `s${index}`)).toBe(`${MARKER}-strong-${index}`)
        expect(member.core.committed.data?.mapValue('m', `e${index}`)).toBe(`${MARKER}-eventual-${index}`)
      }
      // Nothing rejected, nothing missing a key, no proposal failing for its sealing.
      expect([...member.sealing.checks.rejections]).toEqual([])
      expect(member.sealing.checks.missingKeyBatches).toBe(0)
    }
    await fixture.stopAll()
  })

  it('the Raft log entries and the delta-log batches hold no plaintext', async () => {
    const fixture = new Fixture({ seed: 2, keyed: [true, true, true] })
    await fixture.start()
    await writeFromEveryNode(fixture, fixture.members)
    // The check can fail: the null envelope's payload carries the value in the clear.
    const plain = encodeStrongPayload({
      stamp: { wallMs: EPOCH_MS, logical: 0 },
      operations: [{ operation: { kind: 'map-set', collection: map, key: 'k', value: `${MARKER}-x` } }],
    })
    expect(containsMarker(plain)).toBe(true)
    for (const member of fixture.members) {
      const entries = fixture.logEntries(member)
      expect(entries.length).toBeGreaterThan(5)
      for (const entry of entries) expect(containsMarker(entry.data), `entry ${entry.index}`).toBe(false)
      const stored = await member.deltaLog.load()
      expect(stored.length).toBe(1)
      for (const { batch } of stored) {
        expect(containsMarker(batch.sealed)).toBe(false)
        expect(batch.signature.length).toBe(64)
      }
    }
    await fixture.stopAll()
  })

  it('a keyless node (no epoch secret) applies the public layer identically', async () => {
    const fixture = new Fixture({ seed: 3, keyed: [true, true, false] })
    await fixture.start()
    const keyless = fixture.members[2] as Member
    expect(keyless.core.keyed).toBe(false)
    expect(keyless.core.committed.data).toBeNull()
    expect(() => keyless.core.view).toThrow(RangeError)
    await writeFromEveryNode(fixture, fixture.members.slice(0, 2))
    expect(new Set(fixture.members.map(publicBytes)).size).toBe(1)
    const [a, b] = fixture.members as [Member, Member, Member]
    expect(dataBytes(a)).toBe(dataBytes(b))
    expect(a.core.committed.data?.mapValue('m', 'e1')).toBe(`${MARKER}-eventual-1`)
    // The keyless node verified every batch without opening one, and rejected nothing.
    expect([...keyless.sealing.checks.rejections]).toEqual([])
    expect(keyless.core.committed.public.highWaters.highWater(b.core.stream)).toBe(1)
    await fixture.stopAll()
  })

  it('a forged strong batch injected into the log is rejected and counted on every node', async () => {
    const fixture = new Fixture({ seed: 4, keyed: [true, true, true] })
    await fixture.start()
    await writeFromEveryNode(fixture, fixture.members.slice(0, 1))
    const before = fixture.members.map(dataBytes)
    const victim = fixture.members[1] as Member
    // An insider of the data (it holds the epoch secret) whose key C never admitted seals a batch…
    const strangerSeed = new SeededRandom(99).bytes(32)
    const stranger = createNodeSealing({ clusterId, signingKey: strangerSeed, keyed: true })
    const founderKeys = (fixture.members[0] as Member).sealing.epochKeys
    const wrapped = founderKeys?.wrapTo(1, stranger.writer.key)
    expect(wrapped).toBeDefined()
    expect(stranger.epochKeys?.learn(1, wrapped as Uint8Array)).toBe('learned')
    const payload = {
      stamp: { wallMs: EPOCH_MS, logical: 0 },
      operations: [{ operation: { kind: 'map-set', collection: map, key: 'forged', value: 'x' } as const }],
    }
    const incarnation = victim.core.stream.split('.')[1] as Incarnation
    const own = stranger.writer.sealStrongBatch({ incarnation, sequence: 1, floor: 1 }, payload)
    // …and a member's genuine batch has one ciphertext byte flipped on its way into the log.
    const genuine = victim.sealing.writer.sealStrongBatch({ incarnation, sequence: 50, floor: 50 }, payload)
    if (genuine.kind !== 'strong') throw new Error('not a strong item')
    const sealed = genuine.sealed.slice()
    const at = sealed.length - 80
    sealed[at] = (sealed[at] as number) ^ 1
    const tampered: LogItem = { ...genuine, sealed }
    const leader = fixture.leader()
    for (const item of [own, tampered]) {
      await fixture.settled(
        (leader.raft as RaftNode<AppliedEntry>).propose(encodeLogEntry([item])).then(
          () => undefined,
          () => undefined,
        ),
      )
    }
    await fixture.quiet()
    const counts = fixture.members.map((member) =>
      [...member.sealing.checks.rejections.values()].reduce((sum, count) => sum + count, 0),
    )
    expect(counts).toEqual([2, 2, 2])
    const reasons = fixture.members.map((member) => JSON.stringify([...member.sealing.checks.rejections]))
    expect(new Set(reasons).size).toBe(1)
    expect(reasons[0]).toBe(
      JSON.stringify([
        ['strong: ENVELOPE_UNKNOWN_WRITER', 1],
        ['strong: ENVELOPE_TAMPERED', 1],
      ]),
    )
    expect(fixture.members.map(dataBytes)).toEqual(before)
    for (const member of fixture.members)
      expect(member.core.committed.data?.mapValue('m', 'forged')).toBeUndefined()
    // The cluster keeps serving: a genuine write after the forgeries applies everywhere.
    await fixture.settled(victim.core.strong({ kind: 'map-set', collection: map, key: 'after', value: 1 }))
    await fixture.quiet()
    for (const member of fixture.members) expect(member.core.committed.data?.mapValue('m', 'after')).toBe(1)
    await fixture.stopAll()
  })

  it('a restarted sealed node replays its sealed log into the same C and writes under a new incarnation', async () => {
    const fixture = new Fixture({ seed: 5, keyed: [true, true, true] })
    await fixture.start()
    await writeFromEveryNode(fixture, fixture.members)
    const restarted = fixture.members[1] as Member
    const oldStream = restarted.core.stream
    await fixture.restart(restarted)
    await fixture.runUntil(() => restarted.core.opened, 10_000, 'the new incarnation opening')
    expect(restarted.core.stream).not.toBe(oldStream)
    await fixture.settled(
      restarted.core.eventual({ kind: 'map-set', collection: 'm', key: 'late', value: 7 }),
    )
    await fixture.quiet()
    expect(new Set(fixture.members.map(publicBytes)).size).toBe(1)
    expect(new Set(fixture.members.map(dataBytes)).size).toBe(1)
    for (const member of fixture.members) {
      expect(member.core.committed.data?.mapValue('m', 'late')).toBe(7)
      expect([...member.sealing.checks.rejections]).toEqual([])
    }
    await fixture.stopAll()
  })

  it('the null envelope stays an explicit choice and rejects nothing (the simulator fast mode)', () => {
    const member = memberId('SimPeerNodeNumberAbcA', 'a'.repeat(16))
    const core = new NodeCore({
      member,
      key: 'a'.repeat(64) as WriterKey,
      incarnation: 'b'.repeat(32) as Incarnation,
      clock: new ManualClock(0),
      wallClock: () => EPOCH_MS,
      deltaLog: new MemoryDeltaLog(),
      sealing: NULL_ENVELOPE,
      noQuorumTimeoutMs: NO_QUORUM_MS,
      createRaft: () => {
        throw new Error('not started')
      },
    })
    expect(core.keyed).toBe(true)
    // A sealing whose key is not the node's is refused at construction.
    const sealing = createNodeSealing({ clusterId, signingKey: new SeededRandom(5).bytes(32), keyed: true })
    expect(
      () =>
        new NodeCore({
          member,
          key: 'a'.repeat(64) as WriterKey,
          incarnation: 'b'.repeat(32) as Incarnation,
          clock: new ManualClock(0),
          wallClock: () => EPOCH_MS,
          deltaLog: new MemoryDeltaLog(),
          sealing,
          noQuorumTimeoutMs: NO_QUORUM_MS,
          createRaft: () => {
            throw new Error('not started')
          },
        }),
    ).toThrow(RangeError)
  })
})

describe('NodeCore init', () => {
  it('refuses init on a keyless node (it holds no epoch to create)', () => {
    const seed = new SeededRandom(31).bytes(32)
    const sealing = createNodeSealing({ clusterId, signingKey: seed, keyed: false })
    expect(
      () =>
        new NodeCore({
          member: memberId('SimPeerNodeNumberAbcK', 'f'.repeat(16)),
          key: sealing.writer.key,
          incarnation: 'ab'.repeat(16) as Incarnation,
          clock: new ManualClock(0),
          wallClock: () => EPOCH_MS,
          deltaLog: new MemoryDeltaLog(),
          sealing,
          noQuorumTimeoutMs: NO_QUORUM_MS,
          init: true,
          createRaft: () => {
            throw new Error('not started')
          },
        }),
    ).toThrow(/keyless node cannot init/)
  })
})
