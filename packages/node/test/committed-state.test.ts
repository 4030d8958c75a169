import { SeededRandom } from '@tandem/base'
import { Replica } from '@tandem/crdt'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeEventualPayload } from '../src/codec/eventual-payload.js'
import { NULL_EPOCH_WRAP, plaintextBatchOpener } from '../src/codec/null-envelope.js'
import { CommittedState, type StrongEntry } from '../src/core/committed-state.js'
import type { ControlEntry, ControlOperation } from '../src/core/control.js'
import { memberId, streamId, type WriterKey } from '../src/core/ids.js'
import { incarnation, key } from './fixtures.js'

const peer = (letter: string) => `12D3KooW${letter.repeat(44)}`
const memberA = memberId(peer('A'), '1'.repeat(16))
const memberB = memberId(peer('B'), '2'.repeat(16))
const memberC = memberId(peer('C'), '3'.repeat(16))
const acceptAll = { invalidBatchReason: () => null }
const t0 = 1_700_000_000_000
const noSignature = new Uint8Array()

type LogEntry = { kind: 'control'; entry: ControlEntry } | { kind: 'strong'; entry: StrongEntry }

/** A small cluster's log: A founds it, B joins keyed, C keyless; all vote and read clocks. */
function bootstrapLog(): { log: LogEntry[]; push: (signer: WriterKey, operation: ControlOperation) => void } {
  const log: LogEntry[] = []
  const push = (signer: WriterKey, operation: ControlOperation) =>
    log.push({ kind: 'control', entry: { index: log.length + 1, signer, operation } })
  push(key('a'), { kind: 'init', member: memberA, key: key('a'), wrapped: NULL_EPOCH_WRAP })
  push(key('a'), { kind: 'add-learner', member: memberB, key: key('b'), keyed: true })
  push(key('a'), { kind: 'add-learner', member: memberC, key: key('c'), keyed: false })
  push(key('a'), { kind: 'promote', member: memberB })
  push(key('a'), { kind: 'promote', member: memberC })
  push(key('a'), { kind: 'open', incarnation: incarnation('1'), expected: null })
  for (const [signer, member] of [
    [key('a'), memberA],
    [key('b'), memberB],
    [key('c'), memberC],
  ] as const) {
    push(signer, { kind: 'clock', member, readingMs: t0 })
  }
  return { log, push }
}

function replay(log: readonly LogEntry[], keyed: boolean): CommittedState {
  const state = new CommittedState({ signatures: acceptAll, opener: keyed ? plaintextBatchOpener : null })
  for (const item of log) {
    if (item.kind === 'control') state.applyControl(item.entry)
    else state.applyStrong(keyed ? item.entry : { ...item.entry, payload: null })
  }
  return state
}

describe('CommittedState', () => {
  it('folds eventual batches and applies strong ones on keyed nodes; keyless nodes agree on the public layer', () => {
    const { log, push } = bootstrapLog()
    const stream = streamId(key('b'), incarnation('2'), 0)
    const writer = new Replica({ node: stream, now: () => t0 })
    const batch1 = encodeEventualPayload([writer.map('carts').set('alice', 1), writer.set('tags').add('x')])
    const batch2 = encodeEventualPayload([writer.map('carts').set('bob', 2)])
    push(key('a'), {
      kind: 'fold',
      runs: [
        {
          stream,
          batches: [
            { sequence: 1, epoch: 1, sealed: batch1, signature: noSignature },
            { sequence: 2, epoch: 1, sealed: batch2, signature: noSignature },
          ],
        },
      ],
    })
    log.push({
      kind: 'strong',
      entry: {
        index: log.length + 1,
        ordinalStart: 0,
        header: { key: key('a'), incarnation: incarnation('1'), sequence: 1, floor: 1 },
        payload: {
          stamp: { wallMs: t0 - 5_000, logical: 0 },
          operations: [
            {
              operation: {
                kind: 'map-set',
                collection: { kind: 'map', name: 'carts' },
                key: 'alice',
                value: 9,
              },
            },
          ],
        },
      },
    })
    const keyed = replay(log, true)
    const keyless = replay(log, false)
    expect(keyed.public.encode()).toEqual(keyless.public.encode())
    expect(keyless.public.highWaters.highWater(stream)).toBe(2)
    expect(keyless.data).toBeNull()
    // The strong write was proposed with an older stamp, yet supersedes the folded one.
    expect(keyed.data?.mapValue('carts', 'alice')).toBe(9)
    expect(keyed.data?.mapValue('carts', 'bob')).toBe(2)
  })

  it('a batch with one delta naming another writer’s ids changes nothing, but h still advances', () => {
    const { log, push } = bootstrapLog()
    const stream = streamId(key('b'), incarnation('2'), 0)
    const impostor = new Replica({ node: streamId(key('a'), incarnation('9'), 0), now: () => t0 })
    const honest = new Replica({ node: stream, now: () => t0 })
    const sealed = encodeEventualPayload([
      honest.map('carts').set('carol', 3),
      impostor.map('carts').set('dave', 4),
    ])
    push(key('a'), {
      kind: 'fold',
      runs: [{ stream, batches: [{ sequence: 1, epoch: 1, sealed, signature: noSignature }] }],
    })
    const keyed = replay(log, true)
    expect(keyed.public.highWaters.highWater(stream)).toBe(1)
    expect(keyed.data?.mapValue('carts', 'carol')).toBeUndefined()
    expect(keyed.data?.mapValue('carts', 'dave')).toBeUndefined()
    expect(keyed.foldRefusals.get('invalid-delta')).toBe(1)
  })

  it('refuses strong batches of an incarnation that is not current, and of keys without standing', () => {
    const { log } = bootstrapLog()
    const strong = (signer: WriterKey, inc: string): LogEntry => ({
      kind: 'strong',
      entry: {
        index: log.length + 1,
        ordinalStart: 0,
        header: { key: signer, incarnation: incarnation(inc), sequence: 1, floor: 1 },
        payload: {
          stamp: { wallMs: t0, logical: 0 },
          operations: [
            { operation: { kind: 'register-set', collection: { kind: 'register', name: 'r' }, value: 1 } },
          ],
        },
      },
    })
    log.push(strong(key('a'), '7'))
    log.push(strong(key('f'), '1'))
    const keyed = new CommittedState({ signatures: acceptAll, opener: plaintextBatchOpener })
    const outcomes = log.map((item) =>
      item.kind === 'control' ? keyed.applyControl(item.entry) : keyed.applyStrong(item.entry),
    )
    expect(outcomes.at(-2)).toEqual({
      kind: 'strong',
      results: [{ applied: false, reason: 'stale-incarnation' }],
      refused: null,
    })
    expect(outcomes.at(-1)).toEqual({
      kind: 'strong',
      results: null,
      refused: 'the writer has no standing at this index',
    })
  })

  it('keyed and keyless replays of random logs agree on the public layer byte for byte (seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const random = new SeededRandom(seed)
        const { log, push } = bootstrapLog()
        const streams = ['b', 'c'].map((k) => streamId(key(k), incarnation('2'), 0))
        const writers = streams.map(
          (stream) => new Replica({ node: stream, now: () => t0 + random.nextInt(1_000) }),
        )
        const next = [1, 1]
        for (let step = 0; step < 30; step++) {
          const w = random.nextInt(2)
          const writer = writers[w] as Replica
          const sealed = encodeEventualPayload([
            writer.map('m').set(`k${random.nextInt(4)}`, random.nextInt(9)),
          ])
          const sequence = random.chance(0.8) ? (next[w] as number) : random.between(1, 5)
          if (sequence === next[w]) next[w] = sequence + 1
          push(key('a'), {
            kind: 'fold',
            runs: [
              {
                stream: streams[w] as (typeof streams)[0],
                batches: [{ sequence, epoch: 1, sealed, signature: noSignature }],
              },
            ],
          })
          if (random.chance(0.3)) {
            const member = random.pick([memberA, memberB, memberC])
            push(key('abc'[[memberA, memberB, memberC].indexOf(member)] as string), {
              kind: 'clock',
              member,
              readingMs: t0 + step * 1_000,
            })
          }
        }
        const keyed = replay(log, true)
        const keyless = replay(log, false)
        expect(keyed.public.encode()).toEqual(keyless.public.encode())
      }),
      { seed: 31, numRuns: 100 },
    )
  })
})
