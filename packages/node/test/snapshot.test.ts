import { SeededRandom } from '@tandem/base'
import { type Delta, Replica } from '@tandem/crdt'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeEventualPayload } from '../src/codec/eventual-payload.js'
import { encodeLogEntry } from '../src/codec/log-entry.js'
import { NULL_EPOCH_WRAP, plaintextBatchOpener, unverifiedSignatures } from '../src/codec/null-envelope.js'
import {
  decodeDataSnapshot,
  decodePublicSnapshot,
  encodeCommittedSnapshot,
  encodePublicSnapshot,
  restoreCommittedState,
} from '../src/codec/snapshot.js'
import { encodeStrongPayload } from '../src/codec/strong-payload.js'
import { CommittedState } from '../src/core/committed-state.js'
import type { ControlOperation } from '../src/core/control.js'
import type { StrongOperation } from '../src/core/data-operations.js'
import { type Incarnation, memberId, type StreamId, streamId, type WriterKey } from '../src/core/ids.js'
import { LogApplier } from '../src/core/log-applier.js'
import type { LogItem } from '../src/core/log-items.js'
import { MalformedOperationError } from '../src/errors.js'
import { fuzzDecoder, incarnation, key } from './fixtures.js'

const peer = (letter: string) => `12D3KooW${letter.repeat(44)}`
const memberA = memberId(peer('A'), '1'.repeat(16))
const memberB = memberId(peer('B'), '2'.repeat(16))
const memberC = memberId(peer('C'), '3'.repeat(16))
const memberD = memberId(peer('D'), '4'.repeat(16))
const t0 = 1_700_000_000_000
const noSignature = new Uint8Array()
const carts = { kind: 'map', name: 'carts' } as const
const stock = { kind: 'map', name: 'stock' } as const
const tags = { kind: 'set', name: 'tags' } as const

const control = (signer: WriterKey, operation: ControlOperation): LogItem => ({
  kind: 'control',
  signer,
  operation,
  signature: noSignature,
})

function node(committed?: CommittedState, keyed = true): { committed: CommittedState; applier: LogApplier } {
  const opener = keyed ? plaintextBatchOpener : null
  const state = committed ?? new CommittedState({ signatures: unverifiedSignatures, opener })
  return {
    committed: state,
    applier: new LogApplier({ committed: state, signatures: unverifiedSignatures, opener }),
  }
}

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
  ].map((items) => encodeLogEntry(items))
}

/**
 * A random log over the bootstrap: clock readings, strong batches (with idempotency keys, repeated
 * sequences, floors that move, declarations, conditions), folds of two writers' streams that saw
 * each other's deltas (so scoped removals of unseen foreign dots leave removal records), duplicate
 * and out-of-order folds, new incarnations, a removal with cutoffs, a constants change and
 * corrupted entries.
 */
function randomLog(random: SeededRandom, steps: number): Uint8Array[] {
  const log = bootstrap()
  const writerKeys = [key('a'), key('b')]
  const streams = writerKeys.map((k) => streamId(k, incarnation('2'), 0))
  let clockMs = t0
  const writers = streams.map((s) => new Replica({ node: s, now: () => clockMs }))
  const produced: Delta[][] = [[], []]
  const folded = [0, 0]
  const incarnations = new Map<WriterKey, Incarnation>([
    [key('a'), incarnation('1')],
    [key('b'), incarnation('1')],
  ])
  const sequences = new Map<WriterKey, number>()
  const floors = new Map<WriterKey, number>()
  for (let step = 0; step < steps; step++) {
    const items: LogItem[] = []
    for (let n = 1 + random.nextInt(3); n > 0; n--) {
      const choice = random.nextInt(100)
      if (choice < 10) {
        clockMs += random.nextInt(5_000)
        const [signer, member] = random.pick([
          [key('a'), memberA],
          [key('b'), memberB],
          [key('c'), memberC],
        ] as const)
        items.push(control(signer, { kind: 'clock', member, readingMs: clockMs }))
      } else if (choice < 45) {
        const w = random.nextInt(2)
        const writer = writers[w] as Replica
        const other = produced[1 - w] as Delta[]
        // The writer saw some of the other's deltas: its removals may name dots C has not folded yet.
        if (other.length > 0 && random.chance(0.5)) writer.apply(random.pick(other))
        const element = random.nextInt(4)
        const delta = random.chance(0.4)
          ? writer.map(random.pick(['carts', 'stock'])).set(`k${random.nextInt(3)}`, random.nextInt(9))
          : random.chance(0.5)
            ? writer.set('tags').add(element)
            : writer.set('tags').delete(element)
        ;(produced[w] as Delta[]).push(delta)
        const sequence = (produced[w] as Delta[]).length
        // Fold now (in order), later (a backlog), or a stale/duplicate run.
        if (random.chance(0.7)) {
          const from = (folded[w] as number) + 1
          const batches = (produced[w] as Delta[]).slice(from - 1).map((d, i) => ({
            sequence: from + i,
            epoch: 1,
            sealed: encodeEventualPayload([d]),
            signature: noSignature,
          }))
          folded[w] = sequence
          items.push(control(key('a'), { kind: 'fold', runs: [{ stream: streams[w] as StreamId, batches }] }))
        } else if (random.chance(0.3) && sequence > 1) {
          const from = 1 + random.nextInt(sequence)
          items.push(
            control(key('a'), {
              kind: 'fold',
              runs: [
                {
                  stream: streams[w] as StreamId,
                  batches: [
                    {
                      sequence: from,
                      epoch: 1,
                      sealed: encodeEventualPayload([(produced[w] as Delta[])[from - 1] as Delta]),
                      signature: noSignature,
                    },
                  ],
                },
              ],
            }),
          )
        }
      } else if (choice < 90) {
        const writer = random.pick([key('a'), key('b'), key('c')])
        const replay = random.chance(0.15) && (sequences.get(writer) ?? 0) > 0
        const sequence = replay
          ? 1 + random.nextInt(sequences.get(writer) as number)
          : (sequences.get(writer) ?? 0) + 1
        sequences.set(writer, Math.max(sequence, sequences.get(writer) ?? 0))
        if (random.chance(0.3)) floors.set(writer, 1 + random.nextInt(sequences.get(writer) as number))
        const operations: StrongOperation[] = []
        for (let ops = 1 + random.nextInt(2); ops > 0; ops--) {
          const idempotency = random.chance(0.3)
            ? { key: `retry-${random.nextInt(4)}`, operationHash: String(random.nextInt(2)).repeat(64) }
            : undefined
          const pick = random.nextInt(6)
          const operation: StrongOperation['operation'] =
            pick === 0
              ? {
                  kind: 'declare',
                  collection: stock,
                  rules: { writes: random.pick(['strong', 'both'] as const), writers: null },
                }
              : pick === 1
                ? {
                    kind: 'map-conditional',
                    collection: stock,
                    key: `k${random.nextInt(3)}`,
                    condition: { kind: 'increment', by: random.nextInt(5) - 2, min: 0, max: 10 },
                  }
                : pick === 2
                  ? { kind: 'set-delete', collection: tags, element: random.nextInt(4) }
                  : pick === 3
                    ? { kind: 'set-add', collection: tags, element: random.nextInt(4) }
                    : {
                        kind: 'map-set',
                        collection: carts,
                        key: `k${random.nextInt(3)}`,
                        value: random.nextInt(9),
                      }
          operations.push(idempotency === undefined ? { operation } : { operation, idempotency })
        }
        items.push({
          kind: 'strong',
          header: {
            key: writer,
            incarnation: incarnations.get(writer) ?? incarnation('1'),
            sequence,
            floor: floors.get(writer) ?? 1,
            epoch: 1,
          },
          signature: noSignature,
          sealed: encodeStrongPayload({
            stamp: { wallMs: clockMs + random.nextInt(200_000) - 100_000, logical: random.nextInt(3) },
            operations,
          }),
        })
      } else if (choice < 95) {
        const writer = random.pick([key('a'), key('b')])
        const next = incarnation(random.pick([...'3456789']))
        items.push(
          control(writer, { kind: 'open', incarnation: next, expected: incarnations.get(writer) ?? null }),
        )
        incarnations.set(writer, next)
        sequences.set(writer, 0)
        floors.delete(writer)
      } else if (choice < 97) {
        items.push(control(key('a'), { kind: 'add-learner', member: memberD, key: key('d'), keyed: true }))
        items.push(control(key('a'), { kind: 'remove', member: memberD, cutoffs: [] }))
      } else {
        items.push(control(key('a'), { kind: 'add-learner', member: memberD, key: key('d'), keyed: false }))
      }
    }
    let bytes = encodeLogEntry(items)
    if (random.chance(0.05)) {
      bytes = bytes.slice()
      bytes[random.nextInt(bytes.length)] = random.nextInt(256)
    }
    log.push(bytes)
  }
  return log
}

const hex = (bytes: Uint8Array | null) => (bytes === null ? 'null' : Buffer.from(bytes).toString('hex'))

function applyAll(target: { applier: LogApplier }, log: readonly Uint8Array[], from: number, to: number) {
  for (let index = from; index <= to; index++) target.applier.apply(index, 1, log[index - 1] as Uint8Array)
}

describe('snapshots of C', () => {
  it('round-trips: the encoding of a restored C equals the original (keyed and keyless)', () => {
    const log = randomLog(new SeededRandom(7), 60)
    const keyed = node()
    applyAll(keyed, log, 1, log.length)
    const snapshot = encodeCommittedSnapshot(keyed.committed)
    expect(snapshot.appliedIndex).toBe(log.length)
    const restored = restoreCommittedState(snapshot.publicBytes, snapshot.dataBytes, {
      signatures: unverifiedSignatures,
      opener: plaintextBatchOpener,
    })
    const again = encodeCommittedSnapshot(restored)
    expect(hex(again.publicBytes)).toBe(hex(snapshot.publicBytes))
    expect(hex(again.dataBytes)).toBe(hex(snapshot.dataBytes))
    expect(hex(restored.public.encode())).toBe(hex(keyed.committed.public.encode()))
    const keyless = restoreCommittedState(snapshot.publicBytes, null, {
      signatures: unverifiedSignatures,
      opener: null,
    })
    expect(keyless.data).toBeNull()
    expect(hex(encodeCommittedSnapshot(keyless).publicBytes)).toBe(hex(snapshot.publicBytes))
  })

  it('random logs: snapshot at a random index, restore, apply the rest — byte-identical to applying the whole log (seeded)', () => {
    const seen = { removalRecords: 0, sessions: 0, idempotency: 0, counters: 0 }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const random = new SeededRandom(seed)
        const log = randomLog(random, 10 + random.nextInt(50))
        const cut = random.nextInt(log.length + 1)
        const whole = node()
        const wholeKeyless = node(undefined, false)
        applyAll(whole, log, 1, log.length)
        applyAll(wholeKeyless, log, 1, log.length)
        const prefix = node()
        applyAll(prefix, log, 1, cut)
        const snapshot = encodeCommittedSnapshot(prefix.committed)
        const data = decodeDataSnapshot(snapshot.dataBytes as Uint8Array)
        if (data.removals.length > 0) seen.removalRecords++
        if (data.sessions.some((s) => s.applied.length > 0)) seen.sessions++
        if (data.idempotency.length > 0) seen.idempotency++
        // Increments' results carry the value they left (a replay after the restore answers it).
        if (
          data.sessions.some((s) =>
            s.applied.some(([, results]) => results.some((r) => r.applied && r.counter !== undefined)),
          ) ||
          data.idempotency.some(({ records }) =>
            records.some(({ result }) => result.applied && result.counter !== undefined),
          )
        )
          seen.counters++
        const restored = node(
          restoreCommittedState(snapshot.publicBytes, snapshot.dataBytes, {
            signatures: unverifiedSignatures,
            opener: plaintextBatchOpener,
          }),
        )
        const keyless = node(
          restoreCommittedState(snapshot.publicBytes, null, {
            signatures: unverifiedSignatures,
            opener: null,
          }),
          false,
        )
        expect(restored.applier.appliedIndex).toBe(cut)
        applyAll(restored, log, cut + 1, log.length)
        applyAll(keyless, log, cut + 1, log.length)
        const expected = encodeCommittedSnapshot(whole.committed)
        const actual = encodeCommittedSnapshot(restored.committed)
        expect(hex(actual.publicBytes), `seed ${seed}`).toBe(hex(expected.publicBytes))
        expect(hex(actual.dataBytes), `seed ${seed}`).toBe(hex(expected.dataBytes))
        expect(hex(restored.committed.public.encode())).toBe(hex(whole.committed.public.encode()))
        expect(hex(encodeCommittedSnapshot(keyless.committed).publicBytes), `seed ${seed}`).toBe(
          hex(encodeCommittedSnapshot(wholeKeyless.committed).publicBytes),
        )
        expect(hex(keyless.committed.public.encode())).toBe(hex(whole.committed.public.encode()))
      }),
      { seed: 20261207, numRuns: 150 },
    )
    // The generator reaches what a snapshot must carry beyond the replica's values.
    expect(seen.removalRecords).toBeGreaterThan(0)
    expect(seen.sessions).toBeGreaterThan(0)
    expect(seen.idempotency).toBeGreaterThan(0)
    expect(seen.counters).toBeGreaterThan(0)
  })

  it('a restored C refuses the same duplicates and replays: sessions and idempotency records survive', () => {
    const strongItem = (
      sequence: number,
      floor: number,
      value: number,
      idempotencyKey?: string,
    ): LogItem => ({
      kind: 'strong',
      header: { key: key('b'), incarnation: incarnation('1'), sequence, floor, epoch: 1 },
      signature: noSignature,
      sealed: encodeStrongPayload({
        stamp: { wallMs: t0, logical: 0 },
        operations: [
          {
            operation: { kind: 'map-set', collection: carts, key: 'x', value },
            ...(idempotencyKey === undefined
              ? {}
              : { idempotency: { key: idempotencyKey, operationHash: 'e'.repeat(64) } }),
          },
        ],
      }),
    })
    const log = [
      ...bootstrap(),
      encodeLogEntry([strongItem(1, 1, 1)]),
      encodeLogEntry([strongItem(2, 1, 2, 'retry')]),
      encodeLogEntry([strongItem(3, 3, 3)]),
    ]
    const original = node()
    applyAll(original, log, 1, log.length)
    const snapshot = encodeCommittedSnapshot(original.committed)
    const restored = node(
      restoreCommittedState(snapshot.publicBytes, snapshot.dataBytes, {
        signatures: unverifiedSignatures,
        opener: plaintextBatchOpener,
      }),
    )
    const data = restored.committed.data
    expect(data?.sessions.outcome(key('b'), incarnation('1'), 3).kind).toBe('applied')
    // Below the floor: forgotten, skipped as expired.
    expect(data?.sessions.outcome(key('b'), incarnation('1'), 1).kind).toBe('unknown-expired')
    const next = log.length + 1
    const tail = [
      encodeLogEntry([strongItem(3, 3, 99)]), // a re-forward of sequence 3: the recorded result, nothing re-applied
      encodeLogEntry([strongItem(1, 1, 98)]), // below the floor: skipped
      encodeLogEntry([strongItem(4, 3, 97, 'retry')]), // an app retry under the same key: the original result
    ]
    for (const [offset, bytes] of tail.entries()) {
      const a = original.applier.apply(next + offset, 1, bytes)
      const b = restored.applier.apply(next + offset, 1, bytes)
      expect(b).toEqual(a)
    }
    expect(data?.mapValue('carts', 'x')).toBe(3)
    expect(hex(encodeCommittedSnapshot(restored.committed).dataBytes)).toBe(
      hex(encodeCommittedSnapshot(original.committed).dataBytes),
    )
  })

  it('refuses a data part taken at another index than the public part, and a storeId ever admitted stays refused', () => {
    const log = bootstrap()
    const a = node()
    applyAll(a, log, 1, 2)
    const early = encodeCommittedSnapshot(a.committed)
    applyAll(a, log, 3, 3)
    const late = encodeCommittedSnapshot(a.committed)
    expect(() =>
      restoreCommittedState(late.publicBytes, early.dataBytes, {
        signatures: unverifiedSignatures,
        opener: plaintextBatchOpener,
      }),
    ).toThrow(MalformedOperationError)
    const restored = decodePublicSnapshot(late.publicBytes)
    expect(restored.everStoreIds).toContain('1'.repeat(16))
  })

  it('refuses a public part whose fields contradict each other (a member without standing, a reading of a non-voter)', () => {
    const a = node()
    applyAll(a, bootstrap(), 1, 3)
    const valid = decodePublicSnapshot(encodeCommittedSnapshot(a.committed).publicBytes)
    const withoutStanding = { ...valid, writers: valid.writers.filter(([writer]) => writer !== key('b')) }
    expect(() => decodePublicSnapshot(encodePublicSnapshot(withoutStanding))).toThrow(MalformedOperationError)
    const strangerReading = { ...valid, readings: [[memberD, t0] as const] }
    expect(() => decodePublicSnapshot(encodePublicSnapshot(strangerReading))).toThrow(MalformedOperationError)
    const forgottenStore = { ...valid, everStoreIds: [] }
    expect(() => decodePublicSnapshot(encodePublicSnapshot(forgottenStore))).toThrow(MalformedOperationError)
    expect(decodePublicSnapshot(encodePublicSnapshot(valid))).toEqual(valid)
  })

  it('decoders: fuzzed with 100,000 inputs each, only MalformedOperationError is thrown (seeded)', () => {
    const samples = (random: SeededRandom) => {
      const log = randomLog(random, 5 + random.nextInt(15))
      const state = node()
      applyAll(state, log, 1, log.length)
      return encodeCommittedSnapshot(state.committed)
    }
    const decodedPublic = fuzzDecoder({
      seed: 1207,
      runs: 100_000,
      samples: (random) => samples(random).publicBytes,
      decode: (bytes) =>
        restoreCommittedState(bytes, null, { signatures: unverifiedSignatures, opener: null }),
    })
    // Each data sample's public part, by the index both were taken at.
    const publicAt = new Map<number, Uint8Array>()
    const decodedData = fuzzDecoder({
      seed: 1208,
      runs: 100_000,
      samples: (random) => {
        const snapshot = samples(random)
        publicAt.set(snapshot.appliedIndex, snapshot.publicBytes)
        return snapshot.dataBytes as Uint8Array
      },
      decode: (bytes) => {
        const data = decodeDataSnapshot(bytes)
        const publicBytes = publicAt.get(data.appliedIndex)
        if (publicBytes !== undefined)
          restoreCommittedState(publicBytes, bytes, {
            signatures: unverifiedSignatures,
            opener: plaintextBatchOpener,
          })
      },
    })
    expect(decodedPublic).toBeGreaterThan(1000)
    expect(decodedData).toBeGreaterThan(1000)
    expect(() => decodePublicSnapshot(new Uint8Array(10), { publicBytesMax: 5 })).toThrow(
      MalformedOperationError,
    )
    expect(() => decodeDataSnapshot(new Uint8Array(10), { dataBytesMax: 5 })).toThrow(MalformedOperationError)
  })
})
