/**
 * The wrap table of C's public layer (design.md, "Bootstrap and keys"): `init` records epoch 1's
 * wrap to the founder; `grant` adds rows only from a keyed member that holds the epoch, only to a
 * standing keyed member, duplicates ignored; the table shows which keyed members lack a wrap, and it
 * is part of the canonical encoding.
 */
import { describe, expect, it } from 'vitest'
import { decodeControlOperation, encodeControlOperation } from '../src/codec/control-codec.js'
import { NULL_EPOCH_WRAP } from '../src/codec/null-envelope.js'
import { decodePublicSnapshot, encodePublicSnapshot } from '../src/codec/snapshot.js'
import { CommittedState } from '../src/core/committed-state.js'
import type { ControlOperation } from '../src/core/control.js'
import { memberId, type WriterKey } from '../src/core/ids.js'
import { PublicLayer } from '../src/core/public-layer.js'
import { publicSnapshotOf, restoreCommittedStateFrom } from '../src/core/snapshot.js'
import { MalformedOperationError } from '../src/errors.js'
import { WRAPPED_BYTES_MAX, WRAPPED_BYTES_MIN } from '../src/sealing/epoch-wrap.js'
import { key } from './fixtures.js'

const peer = (letter: string) => `12D3KooW${letter.repeat(44)}`
const memberA = memberId(peer('A'), '1'.repeat(16))
const memberB = memberId(peer('B'), '2'.repeat(16))
const memberC = memberId(peer('C'), '3'.repeat(16))
const memberD = memberId(peer('D'), '4'.repeat(16))
const wrap = (fill: number) => new Uint8Array(WRAPPED_BYTES_MIN).fill(fill)

function apply(layer: PublicLayer, signer: WriterKey, operation: ControlOperation) {
  return layer.apply({ index: layer.appliedIndex + 1, signer, operation })
}

/** A founder A (keyed), B keyed, C keyless. */
function cluster(): PublicLayer {
  const layer = new PublicLayer({ invalidBatchReason: () => null })
  apply(layer, key('a'), { kind: 'init', member: memberA, key: key('a'), wrapped: wrap(1) })
  apply(layer, key('a'), { kind: 'add-learner', member: memberB, key: key('b'), keyed: true })
  apply(layer, key('a'), { kind: 'add-learner', member: memberC, key: key('c'), keyed: false })
  return layer
}

describe('the wrap table', () => {
  it('init records epoch 1 wrapped to the founder; the keyed members lacking it are listed', () => {
    const layer = cluster()
    expect(layer.wrapOf(1, key('a'))).toEqual(wrap(1))
    expect(layer.wrapCount).toBe(1)
    expect(layer.keysLackingWrap(1)).toEqual([key('b')])
  })

  it('a holder grants a standing keyed member; duplicates are ignored, the first wrap stays', () => {
    const layer = cluster()
    expect(
      apply(layer, key('a'), { kind: 'grant', epoch: 1, recipient: key('b'), wrapped: wrap(2) }),
    ).toEqual({
      applied: true,
    })
    expect(
      apply(layer, key('a'), { kind: 'grant', epoch: 1, recipient: key('b'), wrapped: wrap(3) }),
    ).toEqual({
      applied: true,
    })
    expect(layer.wrapOf(1, key('b'))).toEqual(wrap(2))
    expect(layer.wrapCount).toBe(2)
    expect(layer.keysLackingWrap(1)).toEqual([])
    expect(layer.wraps().map(([epoch, recipient]) => [epoch, recipient])).toEqual([
      [1, key('a')],
      [1, key('b')],
    ])
  })

  it('refuses grants of unknown epochs, by non-holders or keyless members, and to keyless or ended keys', () => {
    const layer = cluster()
    const grant = (signer: WriterKey, recipient: WriterKey, epoch = 1) =>
      apply(layer, signer, { kind: 'grant', epoch, recipient, wrapped: wrap(9) })
    expect(grant(key('a'), key('b'), 2)).toEqual({ applied: false, reason: 'grant: unknown epoch' })
    expect(grant(key('c'), key('b'))).toEqual({
      applied: false,
      reason: 'grant: the signer is not a keyed member',
    })
    expect(grant(key('b'), key('b'))).toEqual({
      applied: false,
      reason: 'grant: the signer holds no wrap of the epoch',
    })
    expect(grant(key('a'), key('c'))).toEqual({
      applied: false,
      reason: 'grant: the recipient is not a standing keyed member',
    })
    expect(grant(key('a'), key('f'))).toEqual({
      applied: false,
      reason: 'grant: the recipient is not a standing keyed member',
    })
    expect(grant(key('f'), key('b'))).toEqual({
      applied: false,
      reason: 'the signer is not a current writer',
    })
    // A revoked member gets nothing more and is no longer listed as lacking.
    apply(layer, key('a'), { kind: 'add-learner', member: memberD, key: key('d'), keyed: true })
    expect(layer.keysLackingWrap(1)).toEqual([key('b'), key('d')])
    apply(layer, key('a'), { kind: 'revoke', key: key('d'), cutoffs: [] })
    expect(layer.keysLackingWrap(1)).toEqual([key('b')])
    expect(grant(key('a'), key('d'))).toEqual({
      applied: false,
      reason: 'grant: the recipient is not a standing keyed member',
    })
    expect(layer.wrapCount).toBe(1)
  })

  it('is part of the canonical encoding, and restores from rows', () => {
    const a = cluster()
    const b = cluster()
    expect(a.encode()).toEqual(b.encode())
    apply(a, key('a'), { kind: 'grant', epoch: 1, recipient: key('b'), wrapped: wrap(2) })
    apply(b, key('a'), { kind: 'grant', epoch: 1, recipient: key('b'), wrapped: wrap(5) })
    expect(a.encode()).not.toEqual(b.encode())
    b.restoreWraps(a.wraps())
    expect(b.wraps()).toEqual(a.wraps())
    expect(b.wrapCount).toBe(2)
  })

  it('the codec round-trips init and grant and refuses wraps of impossible size', () => {
    const grant: ControlOperation = { kind: 'grant', epoch: 3, recipient: key('b'), wrapped: wrap(7) }
    expect(decodeControlOperation(encodeControlOperation(grant))).toEqual(grant)
    const init: ControlOperation = { kind: 'init', member: memberA, key: key('a'), wrapped: NULL_EPOCH_WRAP }
    expect(decodeControlOperation(encodeControlOperation(init))).toEqual(init)
    for (const length of [0, WRAPPED_BYTES_MIN - 1, WRAPPED_BYTES_MAX + 1]) {
      const bad = encodeControlOperation({ ...grant, wrapped: new Uint8Array(length) })
      expect(() => decodeControlOperation(bad)).toThrow(MalformedOperationError)
    }
    expect(() =>
      decodeControlOperation(encodeControlOperation({ ...grant, epoch: 0 } as ControlOperation)),
    ).toThrow(MalformedOperationError)
  })
})

describe('the wrap table in snapshots', () => {
  it('a public snapshot carries the table; decoding refuses rows of unknown epochs or keys without standing', () => {
    const committed = new CommittedState({ signatures: { invalidBatchReason: () => null }, opener: null })
    const layer = committed.public
    apply(layer, key('a'), { kind: 'init', member: memberA, key: key('a'), wrapped: wrap(1) })
    apply(layer, key('a'), { kind: 'add-learner', member: memberB, key: key('b'), keyed: true })
    apply(layer, key('a'), { kind: 'grant', epoch: 1, recipient: key('b'), wrapped: wrap(2) })
    const state = publicSnapshotOf(committed)
    expect(state.wraps.map(([epoch, recipient]) => [epoch, recipient])).toEqual([
      [1, key('a')],
      [1, key('b')],
    ])
    const decoded = decodePublicSnapshot(encodePublicSnapshot(state))
    expect(decoded.wraps).toEqual(state.wraps)
    const restored = restoreCommittedStateFrom(
      { public: decoded, data: null },
      { signatures: { invalidBatchReason: () => null }, opener: null },
    )
    expect(restored.public.encode()).toEqual(layer.encode())
    expect(restored.public.wrapCount).toBe(2)
    const unknownEpoch = encodePublicSnapshot({ ...state, wraps: [[2, key('a'), wrap(3)]] })
    expect(() => decodePublicSnapshot(unknownEpoch)).toThrow(MalformedOperationError)
    const stranger = encodePublicSnapshot({ ...state, wraps: [[1, key('f'), wrap(3)]] })
    expect(() => decodePublicSnapshot(stranger)).toThrow(MalformedOperationError)
    const tooSmall = encodePublicSnapshot({ ...state, wraps: [[1, key('a'), new Uint8Array(3)]] })
    expect(() => decodePublicSnapshot(tooSmall)).toThrow(MalformedOperationError)
  })
})
