import { SeededRandom } from '@tandem/base'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { NULL_EPOCH_WRAP } from '../src/codec/null-envelope.js'
import type { ControlEntry, ControlOperation, FoldedBatchHeader } from '../src/core/control.js'
import { memberId, type StreamId, streamId, type WriterKey } from '../src/core/ids.js'
import { PublicLayer } from '../src/core/public-layer.js'
import { incarnation, key } from './fixtures.js'

const peer = (letter: string) => `12D3KooW${letter.repeat(44)}`
const memberA = memberId(peer('A'), '1'.repeat(16))
const memberB = memberId(peer('B'), '2'.repeat(16))
const memberC = memberId(peer('C'), '3'.repeat(16))
const acceptAll = { invalidBatchReason: () => null }
const batch = (sequence: number, epoch = 1): FoldedBatchHeader => ({
  sequence,
  epoch,
  sealed: new Uint8Array(),
  signature: new Uint8Array(),
})
const batches = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => batch(from + i))

/** Applies operations in order, each at the next index, signed by the given key. */
function applyAll(layer: PublicLayer, steps: readonly (readonly [WriterKey, ControlOperation])[]) {
  return steps.map(([signer, operation]) => layer.apply({ index: layer.appliedIndex + 1, signer, operation }))
}

function threeMembers(layer: PublicLayer) {
  applyAll(layer, [
    [key('a'), { kind: 'init', member: memberA, key: key('a'), wrapped: NULL_EPOCH_WRAP }],
    [key('a'), { kind: 'add-learner', member: memberB, key: key('b'), keyed: true }],
    [key('a'), { kind: 'add-learner', member: memberC, key: key('c'), keyed: false }],
    [key('a'), { kind: 'promote', member: memberB }],
    [key('a'), { kind: 'promote', member: memberC }],
  ])
}

describe('PublicLayer', () => {
  it('founds a cluster, admits members and derives log time from voters only', () => {
    const layer = new PublicLayer(acceptAll)
    threeMembers(layer)
    expect(layer.membership.voters()).toHaveLength(3)
    const outcomes = applyAll(layer, [
      [key('a'), { kind: 'clock', member: memberA, readingMs: 1_000 }],
      [key('b'), { kind: 'clock', member: memberB, readingMs: 2_000 }],
      [key('b'), { kind: 'clock', member: memberA, readingMs: 9_999_999 }],
    ])
    expect(outcomes[2]).toEqual({ applied: false, reason: 'clock: signed by another key than the member' })
    expect(layer.logTime.nowMs).toBe(1_000)
    expect(layer.refusals.get('clock: signed by another key than the member')).toBe(1)
  })

  it('refuses entries signed by keys that are not writers', () => {
    const layer = new PublicLayer(acceptAll)
    threeMembers(layer)
    const [outcome] = applyAll(layer, [
      [key('f'), { kind: 'open', incarnation: incarnation('1'), expected: null }],
    ])
    expect(outcome).toEqual({ applied: false, reason: 'the signer is not a current writer' })
  })

  it('folds runs from admitted keys only, stops at unknown epochs, and cuts a revoked key', () => {
    const layer = new PublicLayer(acceptAll)
    threeMembers(layer)
    const streamB = streamId(key('b'), incarnation('1'), 0)
    const strangers = streamId(key('e'), incarnation('1'), 0)
    applyAll(layer, [
      [key('a'), { kind: 'fold', runs: [{ stream: streamB, batches: batches(1, 3) }] }],
      [key('a'), { kind: 'fold', runs: [{ stream: strangers, batches: batches(1, 1) }] }],
      [key('a'), { kind: 'fold', runs: [{ stream: streamB, batches: [batch(4), batch(5, 2)] }] }],
    ])
    expect(layer.highWaters.highWater(streamB)).toBe(4)
    expect(layer.highWaters.highWater(strangers)).toBe(0)
    // Revoked with a cutoff at 6: 5 and 6 still fold, 7 never does.
    applyAll(layer, [[key('a'), { kind: 'revoke', key: key('b'), cutoffs: [[streamB, 6]] }]])
    applyAll(layer, [[key('a'), { kind: 'fold', runs: [{ stream: streamB, batches: batches(5, 8) }] }]])
    expect(layer.highWaters.highWater(streamB)).toBe(6)
    // A stream of the revoked key that no member listed is cut at its h (0: never seen).
    const unseen = streamId(key('b'), incarnation('2'), 0)
    expect(layer.cutoff(unseen)).toBe(0)
  })

  it('encodes byte-identically on every node that applied the same entries (seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const random = new SeededRandom(seed)
        const streams: StreamId[] = ['a', 'b', 'c'].map((k) => streamId(key(k), incarnation('1'), 0))
        const log: ControlEntry[] = []
        const signers = [key('a'), key('b'), key('c'), key('e')]
        const members = [memberA, memberB, memberC]
        let index = 0
        const push = (signer: WriterKey, operation: ControlOperation) =>
          log.push({ index: ++index, signer, operation })
        push(key('a'), { kind: 'init', member: memberA, key: key('a'), wrapped: NULL_EPOCH_WRAP })
        for (let step = 0; step < 60; step++) {
          const signer = random.pick(signers)
          const choice = random.nextInt(6)
          if (choice === 0)
            push(signer, { kind: 'clock', member: random.pick(members), readingMs: random.nextInt(1e6) })
          else if (choice === 1) {
            const stream = random.pick(streams)
            const from = 1 + random.nextInt(5)
            push(signer, {
              kind: 'fold',
              runs: [{ stream, batches: batches(from, from + random.nextInt(3)) }],
            })
          } else if (choice === 2) {
            const member = random.pick(members)
            push(signer, {
              kind: 'add-learner',
              member,
              key: key('abc'[members.indexOf(member)] as string),
              keyed: true,
            })
          } else if (choice === 3) push(signer, { kind: 'promote', member: random.pick(members) })
          else if (choice === 4) push(signer, { kind: 'open', incarnation: incarnation('1'), expected: null })
          else push(signer, { kind: 'remove', member: random.pick(members), cutoffs: [] })
        }
        const one = new PublicLayer(acceptAll)
        const two = new PublicLayer(acceptAll)
        for (const entry of log) one.apply(entry)
        for (const entry of log) two.apply(entry)
        expect(one.encode()).toEqual(two.encode())
      }),
      { seed: 5, numRuns: 200 },
    )
  })
})
