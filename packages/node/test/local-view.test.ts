import { SeededRandom } from '@tandem/base'
import { type Delta, Replica } from '@tandem/crdt'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeEventualPayload } from '../src/codec/eventual-payload.js'
import { NULL_EPOCH_WRAP, plaintextBatchOpener, unverifiedSignatures } from '../src/codec/null-envelope.js'
import { CommittedState } from '../src/core/committed-state.js'
import type { ControlOperation } from '../src/core/control.js'
import type { DataOperation } from '../src/core/data-operations.js'
import { memberId, type StreamId, streamId, type WriterKey } from '../src/core/ids.js'
import { LocalView, type PendingBatch } from '../src/core/local-view.js'
import { incarnation, key } from './fixtures.js'

const peer = (letter: string) => `12D3KooW${letter.repeat(44)}`
const members = ['A', 'B', 'C'].map((letter, i) => memberId(peer(letter), String(i + 1).repeat(16)))
const t0 = 1_700_000_000_000
const noSignature = new Uint8Array()
const MAPS = ['m', 'n']
const SETS = ['s']

/** A keyed C of a three-member cluster (keys a, b, c), strong sessions open for a; log time t0. */
class Cluster {
  readonly committed = new CommittedState({ signatures: unverifiedSignatures, opener: plaintextBatchOpener })
  #index = 0
  #strongSequence = 0

  constructor() {
    const [memberA, memberB, memberC] = members as [
      (typeof members)[0],
      (typeof members)[0],
      (typeof members)[0],
    ]
    this.control(key('a'), { kind: 'init', member: memberA, key: key('a'), wrapped: NULL_EPOCH_WRAP })
    this.control(key('a'), { kind: 'add-learner', member: memberB, key: key('b'), keyed: true })
    this.control(key('a'), { kind: 'add-learner', member: memberC, key: key('c'), keyed: true })
    this.control(key('a'), { kind: 'promote', member: memberB })
    this.control(key('a'), { kind: 'promote', member: memberC })
    this.control(key('a'), { kind: 'open', incarnation: incarnation('1'), expected: null })
    for (const [signer, member] of [
      [key('a'), memberA],
      [key('b'), memberB],
      [key('c'), memberC],
    ] as const)
      this.control(signer, { kind: 'clock', member, readingMs: t0 })
  }

  control(signer: WriterKey, operation: ControlOperation): void {
    this.committed.applyControl({ index: ++this.#index, signer, operation })
  }

  strong(operation: DataOperation): void {
    const sequence = ++this.#strongSequence
    this.committed.applyStrong({
      index: ++this.#index,
      ordinalStart: 0,
      header: { key: key('a'), incarnation: incarnation('1'), sequence, floor: sequence },
      payload: { stamp: { wallMs: t0, logical: 0 }, operations: [{ operation }] },
    })
  }

  /** Folds every batch of `batches` above each stream's h, stream by stream. */
  foldAll(batches: ReadonlyMap<StreamId, readonly Sealed[]>): void {
    for (const [stream, list] of batches) {
      const from = this.committed.public.highWaters.highWater(stream) + 1
      const run = list.filter((batch) => batch.sequence >= from)
      if (run.length === 0) continue
      this.control(key('a'), {
        kind: 'fold',
        runs: [
          {
            stream,
            batches: run.map((batch) => ({
              sequence: batch.sequence,
              epoch: 1,
              sealed: batch.sealed,
              signature: noSignature,
            })),
          },
        ],
      })
    }
  }
}

/** A batch as its writer sealed it under the null envelope, and as V holds it. */
interface Sealed extends PendingBatch {
  readonly sealed: Uint8Array
}

function sealedBatch(sequence: number, deltas: Delta[]): Sealed {
  const sealed = encodeEventualPayload(deltas)
  return { sequence, epoch: 1, deltas, bytes: sealed.length, sealed }
}

/** Everything V (or C) shows of the test's collections, canonically. */
function reads(source: {
  map(name: string): { entries(): IterableIterator<[string, unknown]> }
  set(name: string): { values(): IterableIterator<unknown> }
  register(name: string): { get(): unknown }
}): string {
  return JSON.stringify({
    maps: MAPS.map((name) => [...source.map(name).entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
    sets: SETS.map((name) => [...source.set(name).values()].map((v) => JSON.stringify(v)).sort()),
    register: source.register('r').get() ?? null,
  })
}

const committedReads = (cluster: Cluster) => {
  const replica = cluster.committed.data as NonNullable<CommittedState['data']>
  return reads(replica.replica)
}

/**
 * A random workload: writers on streams of keys b and c make batches (map sets and deletes, set adds
 * and removes, register sets), sometimes after merging another writer's deltas or C's state (so
 * removals name foreign and strong dots); strong writes land in C in between.
 */
function workload(random: SeededRandom, clusters: readonly Cluster[]) {
  const cluster = clusters[0] as Cluster
  const streams = [streamId(key('b'), incarnation('2'), 0), streamId(key('c'), incarnation('3'), 0)]
  const writers = streams.map(
    (stream) => new Replica({ node: stream, now: () => t0 + random.nextInt(50_000) }),
  )
  const batches = new Map<StreamId, Sealed[]>(streams.map((stream) => [stream, []]))
  const made: Delta[][] = [[], []]
  for (let step = 0; step < 40; step++) {
    const roll = random.nextInt(10)
    if (roll < 2) {
      const element = random.nextInt(4)
      const operation: DataOperation = random.chance(0.05)
        ? {
            kind: 'declare',
            collection: { kind: 'map', name: 'n' },
            rules: { writes: 'strong', writers: null },
          }
        : random.chance(0.5)
          ? {
              kind: 'map-set',
              collection: { kind: 'map', name: random.pick(MAPS) },
              key: `k${random.nextInt(4)}`,
              value: step,
            }
          : random.chance(0.5)
            ? { kind: 'set-add', collection: { kind: 'set', name: 's' }, element }
            : { kind: 'set-delete', collection: { kind: 'set', name: 's' }, element }
      for (const each of clusters) each.strong(operation)
      continue
    }
    const w = random.nextInt(2)
    const writer = writers[w] as Replica
    if (roll < 4) {
      // The writer catches up on the other writer's deltas, or on C.
      const source = random.chance(0.5)
        ? (made[1 - w] as Delta[])
        : [cluster.committed.data?.replica.state() as Delta]
      for (const delta of source) writer.apply(delta, { origin: 'remote' }, { drift: 'cap' })
      continue
    }
    const deltas: Delta[] = []
    for (let count = 1 + random.nextInt(2); count > 0; count--) {
      const choice = random.nextInt(5)
      const element = random.nextInt(4)
      if (choice === 0)
        deltas.push(writer.map(random.pick(MAPS)).set(`k${random.nextInt(4)}`, random.nextInt(100)))
      else if (choice === 1) deltas.push(writer.map(random.pick(MAPS)).delete(`k${random.nextInt(4)}`))
      else if (choice === 2) deltas.push(writer.set('s').add(element))
      else if (choice === 3) deltas.push(writer.set('s').delete(element))
      else deltas.push(writer.register('r').set(random.nextInt(100)))
    }
    const kept = deltas.filter((delta) => delta.nodes.length > 0)
    if (kept.length === 0) continue
    ;(made[w] as Delta[]).push(...kept)
    const list = batches.get(streams[w] as StreamId) as Sealed[]
    list.push(sealedBatch(list.length + 1, kept))
  }
  return batches
}

/** Every (stream, batch) pair, in an order drawn from `random`. */
function shuffled(
  random: SeededRandom,
  batches: ReadonlyMap<StreamId, readonly Sealed[]>,
): [StreamId, Sealed][] {
  const all = [...batches].flatMap(([stream, list]) =>
    list.map((batch) => [stream, batch] as [StreamId, Sealed]),
  )
  for (let i = all.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1)
    ;[all[i], all[j]] = [all[j] as [StreamId, Sealed], all[i] as [StreamId, Sealed]]
  }
  return all
}

describe('LocalView', () => {
  it('V before the fold reads as C after it, and after folding everything V is C (seeded)', () => {
    let excluded = 0
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const random = new SeededRandom(seed)
        const cluster = new Cluster()
        const batches = workload(random, [cluster])
        const view = new LocalView({ committed: cluster.committed, now: () => t0 })
        for (const [stream, batch] of shuffled(random, batches))
          expect(view.addPending(stream, batch)).toBe('added')
        reads(view)
        // C moves on after V was built (strong writes, perhaps a declaration): V follows it.
        for (let more = random.nextInt(4); more > 0; more--) {
          cluster.strong(
            random.chance(0.3)
              ? {
                  kind: 'declare',
                  collection: { kind: 'map', name: 'n' },
                  rules: { writes: 'strong', writers: null },
                }
              : random.chance(0.5)
                ? { kind: 'set-delete', collection: { kind: 'set', name: 's' }, element: random.nextInt(4) }
                : {
                    kind: 'map-set',
                    collection: { kind: 'map', name: 'm' },
                    key: `k${random.nextInt(4)}`,
                    value: -1,
                  },
          )
        }
        // Batches writing 'n' after it was declared strong: V leaves them out, as the fold will.
        for (const batch of view.excluded()) expect(batch.reason).toBe('collection-refuses-eventual')
        excluded += view.excluded().length
        const before = reads(view)
        cluster.foldAll(batches)
        expect(committedReads(cluster)).toBe(before)
        expect(view.pendingCount).toBe(0)
        expect(view.pendingBytes).toBe(0)
        expect(reads(view)).toBe(committedReads(cluster))
      }),
      { seed: 41, numRuns: 150 },
    )
    expect(excluded).toBeGreaterThan(5)
  })

  it('converges: two nodes holding the same pending batches in different arrival orders read alike (seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const random = new SeededRandom(seed)
        const nodes = [new Cluster(), new Cluster()]
        const batches = workload(random, nodes)
        const [eager, lazy] = nodes.map(
          (node) => new LocalView({ committed: node.committed, now: () => t0 }),
        ) as [LocalView, LocalView]
        // Part of every stream is folded on both nodes first (C moves on), in the same log order.
        const foldFirst = new Map(
          [...batches].map(([stream, list]) => [stream, list.slice(0, random.nextInt(list.length + 1))]),
        )
        for (const node of nodes) node.foldAll(foldFirst)
        for (const [stream, batch] of shuffled(random, batches)) {
          eager.addPending(stream, batch)
          // Read after every arrival: the overlay grows incrementally, then rebuilds.
          reads(eager)
        }
        for (const [stream, batch] of shuffled(random, batches)) lazy.addPending(stream, batch)
        expect(reads(eager)).toBe(reads(lazy))
        expect(eager.pendingCount).toBe(lazy.pendingCount)
      }),
      { seed: 42, numRuns: 150 },
    )
  })

  it('a malicious delta (foreign or future dots, another writer’s ids) changes nothing outside its scope (seeded)', () => {
    const kinds = new Map<string, number>()
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const random = new SeededRandom(seed)
        const cluster = new Cluster()
        const honest = streamId(key('b'), incarnation('2'), 0)
        const mallory = streamId(key('c'), incarnation('3'), 0)
        const writer = new Replica({ node: honest, now: () => t0 + 1 })
        const folded: Sealed[] = []
        for (let step = 0; step < 12; step++) {
          if (random.chance(0.3)) {
            cluster.strong(
              random.chance(0.5)
                ? { kind: 'set-add', collection: { kind: 'set', name: 's' }, element: random.nextInt(5) }
                : {
                    kind: 'map-set',
                    collection: { kind: 'map', name: 'm' },
                    key: `k${random.nextInt(4)}`,
                    value: step,
                  },
            )
            continue
          }
          const delta = random.chance(0.5)
            ? writer.set('s').add(random.nextInt(5))
            : writer.map('m').set(`k${random.nextInt(4)}`, random.nextInt(100))
          folded.push(sealedBatch(folded.length + 1, [delta]))
        }
        cluster.foldAll(new Map([[honest, folded]]))
        // The honest writer's next batch, still pending: a claim of "future" dots must not pre-empt it.
        const next = sealedBatch(folded.length + 1, [
          writer.map('m').set('k-next', 'next'),
          writer.set('s').add(9),
        ])
        // Mallory has seen everything C holds.
        const evil = new Replica({ node: mallory, now: () => t0 })
        evil.apply(cluster.committed.data?.replica.state() as Delta, { origin: 'remote' }, { drift: 'cap' })
        const far = 1_000_000
        const claimAll = (delta: Delta): Delta => ({
          ...delta,
          nodes: [...delta.nodes, ...[honest, 'log.0'].filter((id) => !delta.nodes.includes(id))],
          ranges: [
            ...delta.nodes.map((id, i) => (id === mallory ? (delta.ranges[i] as number[]) : [1, far])),
            ...[honest, 'log.0'].filter((id) => !delta.nodes.includes(id)).map(() => [1, far]),
          ],
        })
        const element = random.nextInt(5)
        const variant = random.pick([
          'foreign-context',
          'foreign-id',
          'set-remove-claiming-all',
          'set-readd-claiming-all',
        ])
        kinds.set(variant, (kinds.get(variant) ?? 0) + 1)
        let delta: Delta
        const scope = { keys: new Set<string>(), elements: new Set<number>() }
        if (variant === 'foreign-context') {
          delta = claimAll(evil.map('m').set('k-evil', 'evil'))
          scope.keys.add('k-evil')
        } else if (variant === 'foreign-id') {
          // An entry under the honest writer's id, at a dot it has not used yet.
          const own = evil.map('m').set('k0', 'forged')
          delta = {
            ...own,
            nodes: [honest],
            ranges: [[far, far]],
            collections: own.collections.map((c) => ({
              ...c,
              entries: c.entries.map((e) => ({ ...e, seq: far })),
            })),
          }
          scope.keys.add('k0')
        } else if (variant === 'set-remove-claiming-all') {
          delta = claimAll(evil.set('s').delete(element))
          scope.elements.add(element)
        } else {
          delta = claimAll(evil.set('s').add(element))
          scope.elements.add(element)
        }
        const attacked = new LocalView({ committed: cluster.committed, now: () => t0 })
        const reference = new LocalView({ committed: cluster.committed, now: () => t0 })
        expect(attacked.addPending(mallory, sealedBatch(1, [delta]))).toBe('added')
        for (const view of [attacked, reference]) expect(view.addPending(honest, next)).toBe('added')
        const mapKeys = new Set(
          [...attacked.map('m').entries(), ...reference.map('m').entries()].map(([k]) => k),
        )
        for (const mapKey of mapKeys)
          if (!scope.keys.has(mapKey))
            expect(attacked.map('m').get(mapKey)).toEqual(reference.map('m').get(mapKey))
        for (let value = 0; value < 10; value++)
          if (!scope.elements.has(value))
            expect(attacked.set('s').has(value)).toBe(reference.set('s').has(value))
        expect(attacked.map('m').get('k-next')).toBe('next')
        expect(attacked.set('s').has(9)).toBe(true)
        expect(attacked.register('r').get()).toBeUndefined()
      }),
      { seed: 43, numRuns: 300 },
    )
    for (const count of kinds.values()) expect(count).toBeGreaterThan(30)
    expect(kinds.size).toBe(4)
  })

  it('merges nothing past a gap, refuses what the design does not store, and reports held-through', () => {
    const cluster = new Cluster()
    const stream = streamId(key('b'), incarnation('2'), 0)
    const writer = new Replica({ node: stream, now: () => t0 })
    const view = new LocalView({ committed: cluster.committed, now: () => t0 })
    const [one, two, three] = [1, 2, 3].map((sequence) =>
      sealedBatch(sequence, [writer.map('m').set(`k${sequence}`, sequence)]),
    ) as [Sealed, Sealed, Sealed]
    expect(view.addPending(stream, three)).toBe('added')
    expect(view.addPending(stream, two)).toBe('added')
    expect(view.heldThrough(stream)).toBe(0)
    expect(view.map('m').size).toBe(0)
    expect(view.addPending(stream, one)).toBe('added')
    expect(view.addPending(stream, one)).toBe('duplicate')
    expect(view.heldThrough(stream)).toBe(3)
    expect([...view.map('m').entries()]).toEqual([
      ['k1', 1],
      ['k2', 2],
      ['k3', 3],
    ])
    cluster.foldAll(new Map([[stream, [one]]]))
    expect(view.pendingCount).toBe(2)
    expect(view.pendingBytes).toBe(two.bytes + three.bytes)
    expect(view.addPending(stream, one)).toBe('folded')
    expect(view.addPending(streamId(key('f'), incarnation('2'), 0), one)).toBe('key-not-admitted')
    // Revoking c with a cutoff at 1: batch 2 of c's stream is never stored.
    const cStream = streamId(key('c'), incarnation('4'), 0)
    expect(view.addPending(cStream, one)).toBe('added')
    expect(view.addPending(cStream, two)).toBe('added')
    expect(view.pendingCount).toBe(4)
    cluster.control(key('a'), { kind: 'revoke', key: key('c'), cutoffs: [[cStream, 1]] })
    // Applying the revocation deleted c's batch 2; batch 1, at the cutoff, still folds.
    expect(view.pendingCount).toBe(3)
    expect(view.pendingBytes).toBe(two.bytes + three.bytes + one.bytes)
    expect(view.addPending(cStream, two)).toBe('above-cutoff')
    expect(view.addPending(cStream, one)).toBe('duplicate')
  })

  it('a pending removal that names a strong dot this node has not applied yet takes effect once C applies it', () => {
    const element = 'e'
    const addE: DataOperation = { kind: 'set-add', collection: { kind: 'set', name: 's' }, element }
    // Node X applied the strong add; its writer saw it and removed the element again.
    const x = new Cluster()
    x.strong(addE)
    const stream = streamId(key('b'), incarnation('2'), 0)
    const writer = new Replica({ node: stream, now: () => t0 })
    writer.apply(x.committed.data?.replica.state() as Delta, { origin: 'remote' }, { drift: 'cap' })
    const removal = sealedBatch(1, [writer.set('s').delete(element)])
    // Node Y holds the removal before it applies the strong add.
    const y = new Cluster()
    const viewX = new LocalView({ committed: x.committed, now: () => t0 })
    const viewY = new LocalView({ committed: y.committed, now: () => t0 })
    viewX.addPending(stream, removal)
    viewY.addPending(stream, removal)
    expect(viewY.set('s').has(element)).toBe(false)
    y.strong(addE)
    // Same C, same pending batch: the same V. Merging the strong add into Y's V after the removal
    // would show the element, since the removal's strong-id dot was ignored when Y lacked it.
    expect(viewY.set('s').has(element)).toBe(viewX.set('s').has(element))
    expect(viewX.set('s').has(element)).toBe(false)
  })
})
