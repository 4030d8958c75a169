import { SeededRandom } from '@tandem/base'
import { Replica } from '@tandem/crdt'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeEventualPayload } from '../src/codec/eventual-payload.js'
import { encodeLogEntry } from '../src/codec/log-entry.js'
import { NULL_EPOCH_WRAP, plaintextBatchOpener, unverifiedSignatures } from '../src/codec/null-envelope.js'
import { encodeStrongPayload } from '../src/codec/strong-payload.js'
import { CommittedState } from '../src/core/committed-state.js'
import type { ControlOperation } from '../src/core/control.js'
import type { DataOperation } from '../src/core/data-operations.js'
import {
  eventualWriteId,
  memberId,
  type StreamId,
  streamId,
  strongWriteId,
  type WriterKey,
} from '../src/core/ids.js'
import { LogApplier } from '../src/core/log-applier.js'
import type { LogItem } from '../src/core/log-items.js'
import { incarnation, key } from './fixtures.js'

const peer = (letter: string) => `12D3KooW${letter.repeat(44)}`
const memberA = memberId(peer('A'), '1'.repeat(16))
const memberB = memberId(peer('B'), '2'.repeat(16))
const memberC = memberId(peer('C'), '3'.repeat(16))
const t0 = 1_700_000_000_000
const noSignature = new Uint8Array()

const control = (signer: WriterKey, operation: ControlOperation): LogItem => ({
  kind: 'control',
  signer,
  operation,
  signature: noSignature,
})

/** A strong batch item of `operations` by (writer, incarnation 1). */
function strong(writer: WriterKey, sequence: number, operations: DataOperation[], epoch = 1): LogItem {
  return {
    kind: 'strong',
    header: { key: writer, incarnation: incarnation('1'), sequence, floor: 1, epoch },
    signature: noSignature,
    sealed: encodeStrongPayload({
      stamp: { wallMs: t0, logical: 0 },
      operations: operations.map((operation) => ({ operation })),
    }),
  }
}

const fold = (stream: StreamId, from: number, payloads: Uint8Array[]): LogItem =>
  control(key('a'), {
    kind: 'fold',
    runs: [
      {
        stream,
        batches: payloads.map((sealed, i) => ({
          sequence: from + i,
          epoch: 1,
          sealed,
          signature: noSignature,
        })),
      },
    ],
  })

/** A founds the cluster; B joins keyed, C keyless; both promoted; A and B open incarnation 1; clocks read. */
function bootstrap(): Uint8Array[] {
  return [
    [control(key('a'), { kind: 'init', member: memberA, key: key('a'), wrapped: NULL_EPOCH_WRAP })],
    [
      control(key('a'), { kind: 'add-learner', member: memberB, key: key('b'), keyed: true }),
      control(key('a'), { kind: 'add-learner', member: memberC, key: key('c'), keyed: false }),
      control(key('a'), { kind: 'promote', member: memberB }),
      control(key('a'), { kind: 'promote', member: memberC }),
    ],
    [
      control(key('a'), { kind: 'open', incarnation: incarnation('1'), expected: null }),
      control(key('b'), { kind: 'open', incarnation: incarnation('1'), expected: null }),
    ],
    [
      control(key('a'), { kind: 'clock', member: memberA, readingMs: t0 }),
      control(key('b'), { kind: 'clock', member: memberB, readingMs: t0 }),
      control(key('c'), { kind: 'clock', member: memberC, readingMs: t0 }),
    ],
  ].map((items) => encodeLogEntry(items))
}

function node(keyed: boolean): { committed: CommittedState; applier: LogApplier } {
  const opener = keyed ? plaintextBatchOpener : null
  const committed = new CommittedState({ signatures: unverifiedSignatures, opener })
  return { committed, applier: new LogApplier({ committed, signatures: unverifiedSignatures, opener }) }
}

const hex = (bytes: Uint8Array | undefined) => (bytes === undefined ? '' : Buffer.from(bytes).toString('hex'))
const stock = { kind: 'map', name: 'stock' } as const
const carts = { kind: 'map', name: 'carts' } as const

describe('LogApplier', () => {
  it('applies control entries, strong batches (ordinals across the entry) and folds; keyless agrees byte for byte', () => {
    const stream = streamId(key('b'), incarnation('2'), 0)
    const writer = new Replica({ node: stream, now: () => t0 })
    const log = [
      ...bootstrap(),
      encodeLogEntry([
        strong(key('a'), 1, [
          { kind: 'declare', collection: stock, rules: { writes: 'strong', writers: null } },
          { kind: 'map-set', collection: stock, key: 'apples', value: 3 },
        ]),
        strong(key('b'), 1, [{ kind: 'map-set', collection: carts, key: 'alice', value: 'strong' }]),
      ]),
      encodeLogEntry([
        fold(stream, 1, [
          encodeEventualPayload([writer.map('carts').set('bob', 'eventual')]),
          // Refused at fold: 'stock' is a strong collection. h still advances past it.
          encodeEventualPayload([
            writer.map('stock').set('apples', 1_000),
            writer.map('carts').set('eve', 1),
          ]),
        ]),
      ]),
    ]
    const keyed = node(true)
    const keyless = node(false)
    const outcomes = log.map((bytes, position) => {
      const index = position + 1
      const outcome = keyed.applier.apply(index, 1, bytes)
      const publicOnly = keyless.applier.apply(index, 1, bytes)
      expect(keyless.committed.public.encode()).toEqual(keyed.committed.public.encode())
      expect(publicOnly.writes.size).toBe(0)
      expect([outcome.publicAppliedIndex, outcome.dataAppliedIndex]).toEqual([index, index])
      expect([publicOnly.publicAppliedIndex, publicOnly.dataAppliedIndex]).toEqual([index, null])
      return outcome
    })
    for (const outcome of outcomes.slice(0, 4)) expect(outcome.controls.every((c) => c.applied)).toBe(true)
    const strongEntry = outcomes[4]
    const tokens = [
      strongWriteId(key('a'), incarnation('1'), 1, 0),
      strongWriteId(key('a'), incarnation('1'), 1, 1),
      strongWriteId(key('b'), incarnation('1'), 1, 0),
    ].map((writeId) => {
      const write = strongEntry?.writes.get(writeId)
      expect(write?.kind === 'strong' && write.result.applied).toBe(true)
      return write?.kind === 'strong' && write.result.applied ? write.result.fencingToken : null
    })
    // (index << 32) | ordinal, the ordinal counting across both batches of the entry.
    expect(tokens).toEqual([(5n << 32n) | 0n, (5n << 32n) | 1n, (5n << 32n) | 2n])
    const foldEntry = outcomes[5]
    expect(foldEntry?.writes.get(eventualWriteId(stream, 1, 0))).toEqual({
      kind: 'eventual',
      outcome: 'merged',
    })
    expect(foldEntry?.refusedEventual).toEqual([
      {
        stream,
        sequence: 2,
        reason: 'collection-refuses-eventual',
        writeIds: [eventualWriteId(stream, 2, 0), eventualWriteId(stream, 2, 1)],
        collections: ['map:carts', 'map:stock'],
      },
    ])
    expect(keyless.committed.public.highWaters.highWater(stream)).toBe(2)
    expect(keyed.committed.data?.mapValue('stock', 'apples')).toBe(3)
    expect(keyed.committed.data?.mapValue('carts', 'eve')).toBeUndefined()
    expect(keyed.committed.data?.mapValue('carts', 'bob')).toBe('eventual')
  })

  it('skips and counts a malformed entry on every node; refuses batches of unknown epochs or unopenable payloads', () => {
    const log = [...bootstrap()]
    const keyed = node(true)
    const keyless = node(false)
    const both = (index: number, bytes: Uint8Array) => [
      keyed.applier.apply(index, 2, bytes),
      keyless.applier.apply(index, 2, bytes),
    ]
    for (const [position, bytes] of log.entries()) both(position + 1, bytes)
    for (const outcome of both(5, new Uint8Array([0x12, 0x05, 0x0a]))) {
      expect(outcome.malformed).toBe('invalid protobuf')
      expect(outcome.publicAppliedIndex).toBe(5)
    }
    const garbage = { ...strong(key('a'), 2, []), sealed: new Uint8Array([0xff, 0xff]) } as LogItem
    const [keyedOutcome, keylessOutcome] = both(
      6,
      encodeLogEntry([
        strong(key('a'), 1, [{ kind: 'map-set', collection: carts, key: 'x', value: 1 }], 7),
        garbage,
      ]),
    )
    expect(keyedOutcome?.strongBatchRefusals.map((r) => r.reason)).toEqual([
      'unknown epoch',
      'unopenable: invalid protobuf',
    ])
    // A keyless node cannot open payloads: it refuses what the public layer refuses, nothing more.
    expect(keylessOutcome?.strongBatchRefusals.map((r) => r.reason)).toEqual(['unknown epoch'])
    expect(keyed.applier.malformedEntries.get('invalid protobuf')).toBe(1)
    expect(keyless.applier.malformedEntries.get('invalid protobuf')).toBe(1)
    expect(keyed.committed.public.encode()).toEqual(keyless.committed.public.encode())
    expect(keyed.applier.appliedTerm).toBe(2)
  })

  it('random logs with corrupted entries: two keyed nodes and a keyless one never throw and agree (seeded)', () => {
    const seen = { malformed: 0, strongApplied: 0, eventualMerged: 0, refused: 0 }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const random = new SeededRandom(seed)
        const log = bootstrap()
        const streams = ['a', 'b'].map((k) => streamId(key(k), incarnation('2'), 0))
        const writers = streams.map((s) => new Replica({ node: s, now: () => t0 + random.nextInt(120_000) }))
        const folded = [0, 0]
        const sequences = new Map<WriterKey, number>()
        for (let step = 0; step < 25; step++) {
          const items: LogItem[] = []
          for (let count = 1 + random.nextInt(3); count > 0; count--) {
            if (random.chance(0.5)) {
              const w = random.nextInt(2)
              const writer = writers[w] as Replica
              const payload = encodeEventualPayload([
                random.chance(0.5)
                  ? writer
                      .map(random.pick(['carts', 'stock']))
                      .set(`k${random.nextInt(3)}`, random.nextInt(9))
                  : writer.set('tags').add(random.nextInt(4)),
              ])
              const from = random.chance(0.9) ? (folded[w] as number) + 1 : 1 + random.nextInt(4)
              if (from === (folded[w] as number) + 1) folded[w] = from
              items.push(fold(streams[w] as StreamId, from, [payload]))
            } else {
              const writerKey = random.pick([key('a'), key('b'), key('c')])
              const sequence = (sequences.get(writerKey) ?? 0) + 1
              sequences.set(writerKey, sequence)
              items.push(
                strong(writerKey, sequence, [
                  random.chance(0.2)
                    ? { kind: 'declare', collection: stock, rules: { writes: 'strong', writers: null } }
                    : random.chance(0.5)
                      ? {
                          kind: 'set-delete',
                          collection: { kind: 'set', name: 'tags' },
                          element: random.nextInt(4),
                        }
                      : {
                          kind: 'map-set',
                          collection: carts,
                          key: `k${random.nextInt(3)}`,
                          value: random.nextInt(9),
                        },
                ]),
              )
            }
          }
          let bytes = encodeLogEntry(items)
          if (random.chance(0.2)) {
            bytes = bytes.slice()
            bytes[random.nextInt(bytes.length)] = random.nextInt(256)
          }
          log.push(bytes)
        }
        const nodes = [node(true), node(true), node(false)]
        log.forEach((bytes, position) => {
          const [outcome] = nodes.map(({ applier }) => applier.apply(position + 1, 1, bytes))
          if (outcome?.malformed !== null) seen.malformed++
          for (const write of outcome?.writes.values() ?? []) {
            if (write.kind === 'strong' && write.result.applied) seen.strongApplied++
            if (write.kind === 'eventual' && write.outcome === 'merged') seen.eventualMerged++
          }
          seen.refused += outcome?.refusedEventual.length ?? 0
          const [first, second, keyless] = nodes.map(({ committed }) => committed)
          // Compared as text: a deep equality over every byte would dominate the test's time.
          const publicLayer = hex(first?.public.encode())
          expect(hex(second?.public.encode())).toBe(publicLayer)
          expect(hex(keyless?.public.encode())).toBe(publicLayer)
          expect(hex(second?.data?.replica.encodeState())).toBe(hex(first?.data?.replica.encodeState()))
        })
      }),
      { seed: 77, numRuns: 100 },
    )
    // The logs exercised every path: not all of them malformed, nor all of them refused.
    for (const count of Object.values(seen)) expect(count).toBeGreaterThan(20)
  })

  it('sealed payloads with flipped bytes never crash a keyed node: each batch applies, or is refused whole (seeded)', () => {
    const random = new SeededRandom(9)
    const keyed = node(true)
    const log = bootstrap()
    for (const [position, bytes] of log.entries()) keyed.applier.apply(position + 1, 1, bytes)
    let index = log.length
    const stream = streamId(key('b'), incarnation('2'), 0)
    const writer = new Replica({ node: stream, now: () => t0 })
    const outcomes = new Map<string, number>()
    const count = (what: string) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1)
    let strongSequence = 0
    for (let run = 0; run < 5_000; run++) {
      const flip = (bytes: Uint8Array) => {
        const copy = bytes.slice()
        for (let flips = 1 + random.nextInt(3); flips > 0 && copy.length > 0; flips--)
          copy[random.nextInt(copy.length)] = random.nextInt(256)
        return copy
      }
      let item: LogItem
      if (random.chance(0.5)) {
        const payload = encodeEventualPayload([
          random.chance(0.5)
            ? writer.set('tags').delete(random.nextInt(3))
            : writer.set('tags').add(random.nextInt(3)),
          writer.map('carts').set(`k${random.nextInt(3)}`, random.nextInt(9)),
        ])
        const from = (keyed.committed.public.highWaters.highWater(stream) ?? 0) + 1
        item = fold(stream, from, [flip(payload)])
      } else {
        strongSequence++
        const honest = strong(key('a'), strongSequence, [
          { kind: 'map-set', collection: carts, key: `k${random.nextInt(3)}`, value: random.nextInt(9) },
          { kind: 'set-delete', collection: { kind: 'set', name: 'tags' }, element: random.nextInt(3) },
        ])
        item = honest.kind === 'strong' ? { ...honest, sealed: flip(honest.sealed) } : honest
      }
      const outcome = keyed.applier.apply(++index, 1, encodeLogEntry([item]))
      for (const write of outcome.writes.values())
        count(
          write.kind === 'strong'
            ? write.result.applied
              ? 'strong applied'
              : 'strong refused'
            : write.outcome,
        )
      for (const refusal of outcome.strongBatchRefusals) count(`strong ${refusal.reason.split(':')[0]}`)
      for (const batch of outcome.folded) count(`fold ${batch.outcome}`)
    }
    // Both kinds of batch were both applied and refused: the flips reached apply, not only the decoder.
    for (const what of [
      'fold merged',
      'fold invalid-delta',
      'fold unopenable',
      'strong applied',
      'strong unopenable',
    ])
      expect(outcomes.get(what) ?? 0).toBeGreaterThan(50)
  })
})
