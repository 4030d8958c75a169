import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SeededRandom } from '@tandem/base'
import { Replica } from '@tandem/crdt'
import { nodeCryptoProvider } from '@tandem/envelope/node'
import { type Entry, EntryType } from '@tandem/raft'
import {
  createStreamSyncService,
  createTransportHost,
  loadOrCreateNodeIdentity,
  type StreamSyncService,
  type TransportHost,
} from '@tandem/transport'
import { MemoryDevice, WalLogStorage } from '@tandem/wal/pure'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeLogEntry } from '../src/codec/log-entry.js'
import { NULL_EPOCH_WRAP } from '../src/codec/null-envelope.js'
import { PendingFolds } from '../src/compose/pending-folds.js'
import type { ControlOperation, FoldedBatchHeader } from '../src/core/control.js'
import { memberId, type StreamId, type WriterKey } from '../src/core/ids.js'
import { type BatchSignatureCheck, PublicLayer } from '../src/core/public-layer.js'
import { PruneNotCoveredError } from '../src/errors.js'
import { DeltaStreamStore } from '../src/streams/delta-stream-store.js'
import { encodeStoredBatch } from '../src/streams/stored-batch-codec.js'
import { StreamStoreAdapter } from '../src/streams/stream-store-adapter.js'
import { key, stream } from './fixtures.js'
import {
  applyAll,
  bootstrapItems,
  renderSealed,
  sealedNode,
  streamOf,
  writersWith,
} from './sealing-fixtures.js'

const SEED = Number(process.env.TANDEM_SEED ?? 20261207)
const peer = (letter: string) => `12D3KooW${letter.repeat(44)}`
const memberA = memberId(peer('A'), '1'.repeat(16))
const memberB = memberId(peer('B'), '2'.repeat(16))
const memberE = memberId(peer('E'), '5'.repeat(16))
/** The node under test writes as key a; b is an admitted member; e is admitted only where a test says. */
const ownStream = stream('a', '1')
const streamB = stream('b', '1')
const streamE = stream('e', '1')
/** A batch check that refuses signatures starting with 0xff, as a forged one would be refused. */
const forgedFirstByte: BatchSignatureCheck = {
  invalidBatchReason: (_stream, batch) => (batch.signature[0] === 0xff ? 'bad signature' : null),
}

function batch(sequence: number, sealedBytes = 16, forged = false): FoldedBatchHeader {
  return {
    sequence,
    epoch: 1,
    signature: new Uint8Array(64).fill(forged ? 0xff : 7),
    sealed: new Uint8Array(sealedBytes).fill(sequence & 0xff),
  }
}
const wire = (sequence: number, sealedBytes = 16, forged = false) =>
  encodeStoredBatch(batch(sequence, sealedBytes, forged))

/** C's public layer: a founded by a, with b (and e when asked) admitted. */
function committedLayer(admitE = false): PublicLayer {
  const layer = new PublicLayer({ invalidBatchReason: () => null })
  const steps: ControlOperation[] = [
    { kind: 'init', member: memberA, key: key('a'), wrapped: NULL_EPOCH_WRAP },
    { kind: 'add-learner', member: memberB, key: key('b'), keyed: true },
  ]
  if (admitE) steps.push({ kind: 'add-learner', member: memberE, key: key('e'), keyed: true })
  for (const operation of steps) apply(layer, operation)
  return layer
}

function apply(layer: PublicLayer, operation: ControlOperation, signer: WriterKey = key('a')) {
  const outcome = layer.apply({ index: layer.appliedIndex + 1, signer, operation })
  expect(outcome.applied).toBe(true)
  return outcome
}

/** Folds `from..to` of `target` in C and tells the adapter, as `NodeCore`'s `onApplied` would. */
function fold(layer: PublicLayer, adapter: StreamStoreAdapter, target: StreamId, from: number, to: number) {
  const batches = Array.from({ length: to - from + 1 }, (_, i) => batch(from + i))
  const outcome = apply(layer, { kind: 'fold', runs: [{ stream: target, batches }] })
  adapter.noteApplied({ controls: [outcome] })
  return layer.appliedIndex
}

interface Harness {
  readonly layer: PublicLayer
  readonly store: DeltaStreamStore
  readonly adapter: StreamStoreAdapter
  readonly held: { stream: StreamId; batch: FoldedBatchHeader }[]
  persisted: number
  snapshot: number
}

async function harness(options: { backlog?: number; admitE?: boolean } = {}): Promise<Harness> {
  const layer = committedLayer(options.admitE)
  const store = await DeltaStreamStore.open({
    device: new MemoryDevice(),
    ownStream,
    eventualBacklogBytesMax: options.backlog ?? 1 << 20,
  })
  const held: { stream: StreamId; batch: FoldedBatchHeader }[] = []
  const h = { layer, store, held, persisted: 0, snapshot: 0 } as Harness
  const adapter = new StreamStoreAdapter({
    store,
    committed: layer,
    batchCheck: forgedFirstByte,
    persistedCommitIndex: () => h.persisted,
    snapshotIndex: () => h.snapshot,
    onStored: (id, stored) => held.push({ stream: id, batch: stored }),
  })
  return Object.assign(h, { adapter })
}

describe('StreamStoreAdapter: receipt rules', () => {
  it('stores an admitted key’s batches in order, refuses gaps, answers duplicates and the own stream', async () => {
    const { adapter, store, held } = await harness()
    expect(await adapter.accept(streamB, 2, wire(2))).toBe('gap')
    expect(await adapter.accept(streamB, 1, wire(1))).toBe('stored')
    expect(await adapter.accept(streamB, 3, wire(3))).toBe('gap')
    expect(await adapter.accept(streamB, 2, wire(2))).toBe('stored')
    expect(await adapter.accept(streamB, 1, wire(1))).toBe('duplicate')
    expect(await adapter.accept(ownStream, 1, wire(1))).toBe('duplicate')
    expect(store.heldThrough(ownStream)).toBe(0)
    expect(held.map((item) => [item.stream, item.batch.sequence])).toEqual([
      [streamB, 1],
      [streamB, 2],
    ])
    expect(held[1]?.batch).toEqual(batch(2))
    // Served exactly as received: the wire form is the stored record.
    const served = await adapter.read(streamB, 1, 1 << 20)
    expect(served.map((item) => item.sequence)).toEqual([1, 2])
    expect(served[1]?.bytes).toEqual(wire(2))
    expect(adapter.stats()).toMatchObject({ stored: 2, gaps: 2, duplicates: 2 })
  })

  it('does not store a batch from a key C has not admitted, and takes it once C admits the key', async () => {
    const { adapter, store, layer, held } = await harness()
    expect(await adapter.accept(streamE, 1, wire(1))).toBe('unknown-key')
    expect(store.streams().map((s) => s.stream)).not.toContain(streamE)
    expect(await adapter.read(streamE, 1, 1 << 20)).toEqual([])
    expect(adapter.stats().unknownKey).toBe(1)
    apply(layer, { kind: 'add-learner', member: memberE, key: key('e'), keyed: true })
    expect(await adapter.accept(streamE, 1, wire(1))).toBe('stored')
    expect(held.map((item) => item.stream)).toEqual([streamE])
  })

  it('refuses batches above the stream’s cutoff without storing or counting them toward the backlog', async () => {
    const { adapter, store, layer } = await harness()
    apply(layer, { kind: 'revoke', key: key('b'), cutoffs: [[streamB, 2]] })
    expect(await adapter.accept(streamB, 1, wire(1))).toBe('stored')
    expect(await adapter.accept(streamB, 2, wire(2))).toBe('stored')
    const backlog = store.pendingBytes()
    expect(await adapter.accept(streamB, 3, wire(3))).toBe('above-cutoff')
    expect(store.heldThrough(streamB)).toBe(2)
    expect(store.pendingBytes()).toBe(backlog)
    expect(adapter.stats().aboveCutoff).toBe(1)
  })

  it('verifies before storing: a forged or malformed batch is refused, counted by reason, and nothing is stored', async () => {
    const { adapter, store, held } = await harness()
    expect(await adapter.accept(streamB, 1, wire(1, 16, true))).toBe('unknown-key')
    expect(await adapter.accept(streamB, 1, new Uint8Array([9, 9, 9]))).toBe('unknown-key')
    expect(await adapter.accept('not a stream', 1, wire(1))).toBe('unknown-key')
    expect(store.heldThrough(streamB)).toBe(0)
    expect(held).toEqual([])
    expect([...adapter.stats().invalid]).toEqual([
      ['bad signature', 1],
      ['malformed', 1],
      ['not a stream id', 1],
    ])
    // The honest copy is still taken afterwards.
    expect(await adapter.accept(streamB, 1, wire(1))).toBe('stored')
  })

  it('at the backlog bound refuses new batches and drops none it holds; takes more once folds free room', async () => {
    const { adapter, store, layer } = await harness({ backlog: 200 })
    let sequence = 1
    while ((await adapter.accept(streamB, sequence, wire(sequence, 64))) === 'stored') sequence++
    const heldThrough = sequence - 1
    expect(heldThrough).toBeGreaterThan(1)
    expect(adapter.backlogFull()).toBe(true)
    expect(await adapter.accept(streamB, sequence, wire(sequence, 64))).toBe('backlog-full')
    // The refusal that ended the loop and this one: both counted, neither stored.
    expect(adapter.stats().backlogFull).toBe(2)
    expect(store.heldThrough(streamB)).toBe(heldThrough)
    expect((await adapter.read(streamB, 1, 1 << 20)).map((b) => b.sequence)).toEqual(
      Array.from({ length: heldThrough }, (_, i) => i + 1),
    )
    fold(layer, adapter, streamB, 1, heldThrough)
    expect(adapter.backlogFull()).toBe(false)
    expect(store.pendingBytes()).toBe(0)
    expect(await adapter.accept(streamB, sequence, wire(sequence, 64))).toBe('stored')
  })

  it('a seeded random arrival order ends holding exactly the contiguous prefix, each batch handed on once', async () => {
    const random = new SeededRandom(SEED)
    const { adapter, held } = await harness()
    const arrivals: number[] = []
    for (let i = 0; i < 400; i++) arrivals.push(1 + random.nextInt(40))
    let expected = 0
    for (const sequence of arrivals) {
      const outcome = await adapter.accept(streamB, sequence, wire(sequence))
      const want = sequence <= expected ? 'duplicate' : sequence === expected + 1 ? 'stored' : 'gap'
      expect(outcome, `seed ${SEED}, sequence ${sequence}`).toBe(want)
      if (outcome === 'stored') expected = sequence
    }
    expect(held.map((item) => item.batch.sequence)).toEqual(Array.from({ length: expected }, (_, i) => i + 1))
    expect(adapter.heldThrough(streamB)).toBe(expected)
  })
})

describe('StreamStoreAdapter with the node’s sealing checks', () => {
  it('stores a genuinely sealed batch and refuses a tampered, a re-sequenced and a stranger’s one before storing', async () => {
    const node = sealedNode('a', nodeCryptoProvider, { keyed: true })
    const writers = writersWith(nodeCryptoProvider)
    applyAll(
      [node],
      bootstrapItems().map((items) => encodeLogEntry(renderSealed(items, writers))),
    )
    const sealing = node.sealing as NonNullable<typeof node.sealing>
    const store = await DeltaStreamStore.open({
      device: new MemoryDevice(),
      ownStream: streamOf('a'),
      eventualBacklogBytesMax: 1 << 20,
    })
    const held: number[] = []
    const adapter = new StreamStoreAdapter({
      store,
      committed: node.committed.public,
      batchCheck: sealing.checks,
      persistedCommitIndex: () => 0,
      onStored: (_stream, stored) => held.push(stored.sequence),
    })
    const deltas = (value: number) => [
      new Replica({ node: streamOf('b'), now: () => 1_000 }).map('m').set('k', value),
    ]
    const genuine = writers.b.writer.sealEventualBatch(streamOf('b'), 1, deltas(1))
    const tampered = { ...genuine, sealed: genuine.sealed.slice() }
    tampered.sealed[tampered.sealed.length - 1] = (tampered.sealed.at(-1) as number) ^ 1
    expect(await adapter.accept(streamOf('b'), 1, StreamStoreAdapter.wireBytes(tampered))).toBe('unknown-key')
    // Sealed for sequence 2 and offered as 1: the signed header names its sequence.
    const resequenced = writers.b.writer.sealEventualBatch(streamOf('b'), 2, deltas(2))
    expect(await adapter.accept(streamOf('b'), 1, StreamStoreAdapter.wireBytes(resequenced))).toBe(
      'unknown-key',
    )
    // b's batch offered as c's (an admitted key): signed by the wrong key.
    expect(await adapter.accept(streamOf('c'), 1, StreamStoreAdapter.wireBytes(genuine))).toBe('unknown-key')
    // d was never admitted: refused before any check.
    const stranger = writers.d.writer.sealEventualBatch(streamOf('d'), 1, deltas(3))
    expect(await adapter.accept(streamOf('d'), 1, StreamStoreAdapter.wireBytes(stranger))).toBe('unknown-key')
    expect(store.streams().map((s) => s.stream)).toEqual([streamOf('a')])
    expect(held).toEqual([])
    expect(await adapter.accept(streamOf('b'), 1, StreamStoreAdapter.wireBytes(genuine))).toBe('stored')
    expect(held).toEqual([1])
    expect((await adapter.read(streamOf('b'), 1, 1 << 20))[0]?.bytes).toEqual(
      StreamStoreAdapter.wireBytes(genuine),
    )
    const invalid = [...adapter.stats().invalid.values()].reduce((sum, count) => sum + count, 0)
    expect(invalid).toBe(3)
    expect(adapter.stats().unknownKey).toBe(4)
    await store.close()
  })
})

describe('StreamStoreAdapter: summary, folded answers and pruning', () => {
  it('summarises held-through as max(held, h) and leaves out streams held only through h', async () => {
    const { adapter, layer } = await harness({ admitE: true })
    for (const sequence of [1, 2, 3])
      expect(await adapter.accept(streamB, sequence, wire(sequence))).toBe('stored')
    expect(await adapter.accept(streamE, 1, wire(1))).toBe('stored')
    expect(adapter.summary()).toEqual([
      { stream: streamB, heldThrough: 3 },
      { stream: streamE, heldThrough: 1 },
    ])
    fold(layer, adapter, streamE, 1, 1)
    fold(layer, adapter, streamB, 1, 2)
    expect(adapter.summary()).toEqual([{ stream: streamB, heldThrough: 3 }])
    // A stream folded past what this node ever held reads as its h.
    fold(layer, adapter, streamE, 2, 5)
    expect(adapter.heldThrough(streamE)).toBe(5)
    expect(adapter.summary()).toEqual([{ stream: streamB, heldThrough: 3 }])
    expect(await adapter.accept(streamE, 4, wire(4))).toBe('duplicate')
  })

  it('answers folded with C’s h and the index of the entry that folded it', async () => {
    const { adapter, layer } = await harness()
    expect(adapter.foldedAnswer(streamB)).toBeNull()
    const first = fold(layer, adapter, streamB, 1, 2)
    expect(adapter.foldedAnswer(streamB)).toEqual({ highWater: 2, index: first })
    apply(layer, { kind: 'add-learner', member: memberE, key: key('e'), keyed: true })
    const second = fold(layer, adapter, streamB, 3, 4)
    expect(second).toBe(first + 2)
    expect(adapter.foldedAnswer(streamB)).toEqual({ highWater: 4, index: second })
    // A fold the adapter was not told of is answered at C's applied index, never below the fold.
    apply(layer, { kind: 'fold', runs: [{ stream: streamB, batches: [batch(5)] }] })
    const unseenAt = layer.appliedIndex
    apply(layer, {
      kind: 'add-learner',
      member: memberId(peer('F'), '6'.repeat(16)),
      key: key('f'),
      keyed: false,
    })
    expect(adapter.foldedAnswer(streamB)).toEqual({ highWater: 5, index: unseenAt + 1 })
  })

  it('prunes nothing while a fold is applied but the commit index is not yet persisted (the lazy commit trap)', async () => {
    const h = await harness()
    const { adapter, layer, store } = h
    for (const sequence of [1, 2, 3]) await adapter.accept(streamB, sequence, wire(sequence))
    const foldIndex = fold(layer, adapter, streamB, 1, 2)
    h.persisted = foldIndex - 1 // applied here, commit persisted only up to the entry before
    expect(await adapter.pruneFolded()).toBe(0)
    expect((await adapter.read(streamB, 1, 1 << 20)).map((b) => b.sequence)).toEqual([1, 2, 3])
    expect(adapter.stats().pruneWaiting).toBe(1)
    // The store enforces the same rule for anyone who bypasses the adapter.
    await expect(
      store.prune(streamB, 2, { foldIndex, persistedCommitIndex: h.persisted }),
    ).rejects.toBeInstanceOf(PruneNotCoveredError)
    h.persisted = foldIndex
    expect(await adapter.pruneFolded()).toBe(2)
    expect(await adapter.read(streamB, 1, 1 << 20)).toEqual([])
    expect((await adapter.read(streamB, 3, 1 << 20)).map((b) => b.sequence)).toEqual([3])
    expect(adapter.stats().pruned).toBe(2)
    // Still answered as folded once pruned.
    expect(adapter.foldedAnswer(streamB)).toEqual({ highWater: 2, index: foldIndex })
  })

  it('on a real WalLogStorage: the fold’s commit kept in memory only prunes nothing; once persisted, it prunes', async () => {
    const layer = committedLayer()
    const store = await DeltaStreamStore.open({
      device: new MemoryDevice(),
      ownStream,
      eventualBacklogBytesMax: 1 << 20,
    })
    const storage = await WalLogStorage.open({ device: new MemoryDevice() })
    const adapter = new StreamStoreAdapter({
      store,
      committed: layer,
      batchCheck: forgedFirstByte,
      persistedCommitIndex: () => storage.persistedCommitIndex,
    })
    for (const sequence of [1, 2]) await adapter.accept(streamB, sequence, wire(sequence))
    const foldIndex = fold(layer, adapter, streamB, 1, 2)
    const entry = (index: number): Entry => ({
      index,
      term: 1,
      type: EntryType.Normal,
      data: new Uint8Array([index]),
    })
    await storage.save({
      hardState: { term: 1, vote: 'a', commit: 0 },
      entries: Array.from({ length: foldIndex }, (_, i) => entry(i + 1)),
      snapshot: null,
    })
    // Committed and applied through the fold, but the storage writes that commit index lazily.
    await storage.save({ hardState: { term: 1, vote: 'a', commit: foldIndex }, entries: [], snapshot: null })
    expect(storage.persistedCommitIndex).toBeLessThan(foldIndex)
    expect(await adapter.pruneFolded()).toBe(0)
    expect((await adapter.read(streamB, 1, 1 << 20)).map((b) => b.sequence)).toEqual([1, 2])
    // A term change writes the hard state at once: now a restart cannot forget the fold.
    await storage.save({ hardState: { term: 2, vote: 'a', commit: foldIndex }, entries: [], snapshot: null })
    expect(storage.persistedCommitIndex).toBe(foldIndex)
    expect(await adapter.pruneFolded()).toBe(2)
    await storage.close()
    await store.close()
  })

  it('prunes through the highest covered fold only, and a snapshot covers as the persisted commit does', async () => {
    const h = await harness()
    const { adapter, layer } = h
    for (let sequence = 1; sequence <= 6; sequence++) await adapter.accept(streamB, sequence, wire(sequence))
    const first = fold(layer, adapter, streamB, 1, 2)
    const second = fold(layer, adapter, streamB, 3, 5)
    h.persisted = first
    expect(await adapter.pruneFolded()).toBe(2)
    expect((await adapter.read(streamB, 3, 1 << 20)).map((b) => b.sequence)).toEqual([3, 4, 5, 6])
    h.snapshot = second
    expect(await adapter.pruneFolded()).toBe(3)
    expect((await adapter.read(streamB, 6, 1 << 20)).map((b) => b.sequence)).toEqual([6])
    // Fully folded and pruned: the stream's files go, and h + 1 is taken again.
    const third = fold(layer, adapter, streamB, 6, 6)
    h.persisted = third
    expect(await adapter.pruneFolded()).toBe(1)
    expect(h.store.streams().map((s) => s.stream)).not.toContain(streamB)
    expect(await adapter.accept(streamB, 7, wire(7))).toBe('stored')
    expect(await adapter.accept(streamB, 6, wire(6))).toBe('duplicate')
  })
})

describe('StreamStoreAdapter: pruning property', () => {
  it('random receipts, folds, persisted commits and prunes never drop a batch above the persisted commit’s fold (seeded)', async () => {
    type Step =
      | { kind: 'receive'; count: number }
      | { kind: 'fold'; count: number }
      | { kind: 'persist'; by: number }
      | { kind: 'prune' }
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('receive' as const), count: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant('fold' as const), count: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('persist' as const), by: fc.integer({ min: 0, max: 3 }) }),
      fc.constant({ kind: 'prune' as const }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 60 }), async (steps) => {
        const h = await harness()
        const { adapter, layer, store } = h
        /** The test's own record of each fold: through which sequence, at which index. */
        const folds: { through: number; index: number }[] = []
        let received = 0
        for (const current of steps) {
          if (current.kind === 'receive') {
            for (let i = 0; i < current.count; i++) {
              expect(await adapter.accept(streamB, received + 1, wire(received + 1))).toBe('stored')
              received++
            }
          } else if (current.kind === 'fold') {
            const folded = layer.highWaters.highWater(streamB)
            const through = Math.min(received, folded + current.count)
            if (through > folded)
              folds.push({ through, index: fold(layer, adapter, streamB, folded + 1, through) })
          } else if (current.kind === 'persist') {
            h.persisted = Math.min(layer.appliedIndex, h.persisted + current.by)
          } else {
            await adapter.pruneFolded()
            const covered = folds.filter((f) => f.index <= h.persisted).at(-1)?.through ?? 0
            const firstHeld = store.streams().find((s) => s.stream === streamB)?.firstHeld ?? received + 1
            // Nothing above the covered fold is gone; everything still held reads back in order.
            expect(firstHeld - 1).toBeLessThanOrEqual(covered)
            if (firstHeld <= received) {
              const read = await adapter.read(streamB, firstHeld, 1 << 20)
              expect(read.map((b) => b.sequence)).toEqual(
                Array.from({ length: received - firstHeld + 1 }, (_, i) => firstHeld + i),
              )
            }
          }
          expect(adapter.heldThrough(streamB)).toBe(received)
        }
        await store.close()
      }),
      { seed: SEED, numRuns: 40 },
    )
  })
})

describe('StreamStoreAdapter over /tandem/streams/1 (two hosts on 127.0.0.1)', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it.each([
    ['TCP', '/ip4/127.0.0.1/tcp/0'],
    ['QUIC', '/ip4/127.0.0.1/udp/0/quic-v1'],
  ])(
    'a writer’s batches reach the other node and become pending there; an unadmitted key’s are not stored (%s)',
    async (_name, listen) => {
      const random = new SeededRandom(SEED)
      const dirs = await Promise.all([0, 1].map(() => mkdtemp(join(tmpdir(), 'tandem-node-streams-'))))
      cleanups.push(async () => {
        await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
      })
      const ids = await Promise.all(dirs.map(async (dir) => (await loadOrCreateNodeIdentity(dir)).nodeId))
      // Writer A's C already admitted e; B's C has not (it lags): B must not store e's batches.
      const layers = [committedLayer(true), committedLayer(false)]
      const pending = [new PendingFolds(), new PendingFolds()]
      const streamBOwn = stream('b', '2')
      const nodes: {
        host: TransportHost
        store: DeltaStreamStore
        adapter: StreamStoreAdapter
        service: StreamSyncService
      }[] = []
      for (const [i, dir] of dirs.entries()) {
        const layer = layers[i] as PublicLayer
        const store = await DeltaStreamStore.open({
          device: new MemoryDevice(),
          ownStream: i === 0 ? ownStream : streamBOwn,
          eventualBacklogBytesMax: 1 << 20,
        })
        const adapter = new StreamStoreAdapter({
          store,
          committed: layer,
          batchCheck: forgedFirstByte,
          persistedCommitIndex: () => 0,
          onStored: (id, stored) => (pending[i] as PendingFolds).add(id, stored),
        })
        const peers = Object.fromEntries(nodes.map((node) => [node.host.nodeId, node.host.multiaddrs()]))
        const host = await createTransportHost({
          dataDir: dir,
          members: ids,
          listen: [listen],
          peers,
          pingIntervalMs: 0,
          backoff: { delayMsInitial: 10, delayMsMax: 200 },
          random: () => random.nextFloat(),
        })
        cleanups.push(() => host.stop())
        cleanups.push(() => store.close())
        const service = await createStreamSyncService(host, adapter, { antiEntropyIntervalMs: 100 })
        cleanups.push(() => service.stop())
        nodes.push({ host, store, adapter, service })
      }
      const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]]
      // A held e's batches (received earlier, when its C admitted e).
      for (const sequence of [1, 2])
        expect(await a.adapter.accept(streamE, sequence, wire(sequence))).toBe('stored')
      // A writes: each own batch durable first, then pushed live.
      const written: Uint8Array[] = []
      for (let n = 1; n <= 5; n++) {
        const bytes = StreamStoreAdapter.wireBytes(batch(n, 8 + random.nextInt(100)))
        const sequence = await a.store.appendOwn(bytes)
        expect(sequence).toBe(n)
        written.push(bytes)
        a.service.publish(ownStream, sequence, bytes)
      }
      await waitFor(() => (pending[1] as PendingFolds).count === 5, 'the writer’s five batches pending on B')
      expect(
        (pending[1] as PendingFolds).entries().map((item) => [item.stream, item.batch.sequence]),
      ).toEqual([1, 2, 3, 4, 5].map((sequence) => [ownStream, sequence]))
      const onB = await b.adapter.read(ownStream, 1, 1 << 20)
      expect(onB.map((item) => item.bytes)).toEqual(written)
      // e's stream was offered by A's summary and refused by B, never stored.
      await waitFor(() => b.adapter.stats().unknownKey > 0, 'e’s batch refused on B')
      expect(b.store.streams().map((s) => s.stream)).not.toContain(streamE)
      expect(b.adapter.heldThrough(streamE)).toBe(0)
      expect((pending[1] as PendingFolds).entries().some((item) => item.stream === streamE)).toBe(false)
      expect(b.service.stats().refusedUnknownKey).toBeGreaterThan(0)
    },
  )
})

async function waitFor(condition: () => boolean, message: string, timeoutMs = 20_000): Promise<void> {
  const start = performance.now()
  while (!condition()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for: ${message}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
