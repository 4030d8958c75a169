import { writerPublicKey } from '@tandem/envelope'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type MemberId, memberId } from '../src/core/ids.js'
import { Incarnations } from '../src/core/incarnations.js'
import { Membership, writerKeyOfMember } from '../src/core/membership.js'
import { incarnation, key } from './fixtures.js'

const peer = (letter: string) => `12D3KooW${letter.repeat(44)}`
const id = (letter: string, store: string): MemberId => memberId(peer(letter), store.repeat(16))

describe('Membership', () => {
  it('bootstraps once, admits learners, promotes, and never demotes a voter', () => {
    const members = new Membership()
    expect(members.bootstrap(id('A', '1'), key('a'), 1)).toBeNull()
    expect(members.bootstrap(id('B', '2'), key('b'), 2)).toMatch(/already/)
    expect(members.addLearner(id('B', '2'), key('b'), true, 3)).toBeNull()
    expect(members.addLearner(id('B', '2'), key('b'), true, 4)).toBeNull() // idempotent
    expect(members.promote(id('B', '2'))).toBeNull()
    expect(members.addLearner(id('B', '2'), key('b'), true, 5)).toMatch(/never demotes/)
    expect(members.voters()).toEqual([id('A', '1'), id('B', '2')].sort())
  })

  it('never admits a storeId that was a member before (a wiped node joins under a new one)', () => {
    const members = new Membership()
    members.bootstrap(id('A', '1'), key('a'), 1)
    members.addLearner(id('B', '2'), key('b'), true, 2)
    members.remove(id('B', '2'), 3)
    expect(members.addLearner(id('B', '2'), key('b'), true, 4)).toMatch(/storeId was a member/)
    expect(members.addLearner(id('B', '3'), key('b'), true, 5)).toBeNull()
  })

  it('judges writes by standing at their index: removal and revocation end it', () => {
    const members = new Membership()
    members.bootstrap(id('A', '1'), key('a'), 1)
    members.addLearner(id('B', '2'), key('b'), false, 10)
    expect(members.mayWriteAt(key('b'), 9)).toBe(false)
    expect(members.mayWriteAt(key('b'), 10)).toBe(true)
    members.remove(id('B', '2'), 20)
    expect(members.mayWriteAt(key('b'), 19)).toBe(true)
    expect(members.mayWriteAt(key('b'), 20)).toBe(false)
    expect(members.revoke(key('a'), 30)).toBeNull()
    expect(members.mayWriteAt(key('a'), 30)).toBe(false)
    expect(members.addLearner(id('C', '4'), key('a'), true, 31)).toMatch(/revoked/)
    expect(members.mayWriteAt(key('z'), 5)).toBe(false)
  })

  it('keeps a key standing while another current member id carries it (a rejoined directory)', () => {
    const members = new Membership()
    members.bootstrap(id('A', '1'), key('a'), 1)
    members.addLearner(id('A', '2'), key('a'), true, 5)
    members.remove(id('A', '1'), 6)
    expect(members.mayWriteAt(key('a'), 7)).toBe(true)
  })
})

describe('Incarnations', () => {
  it('opens only when the expected incarnation matches; idempotent by content', () => {
    const incarnations = new Incarnations()
    expect(incarnations.open(key('a'), incarnation('1'), null)).toBe('opened')
    expect(incarnations.open(key('a'), incarnation('1'), null)).toBe('already-current')
    // Two starts raced: both read incarnation 1, only the first to apply wins.
    expect(incarnations.open(key('a'), incarnation('2'), incarnation('1'))).toBe('opened')
    expect(incarnations.open(key('a'), incarnation('3'), incarnation('1'))).toBe('expected-mismatch')
    expect(incarnations.current(key('a'))).toBe(incarnation('2'))
  })
})

describe('writerKeyOfMember', () => {
  // A peer id libp2p printed for the Ed25519 seed 1, 2, …, 32 (@libp2p/peer-id, peerIdFromPrivateKey).
  const seed = Uint8Array.from({ length: 32 }, (_, i) => i + 1)
  const peer = '12D3KooWJ1TsijH7H5F74hfAD5XishQz3sxrmAtVY37GtNd9CqYf'
  const publicKeyHex = '79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664'

  it("reads the Ed25519 key out of a peer id and a member id, equal to the seed's public key", () => {
    expect(Buffer.from(writerPublicKey(seed)).toString('hex')).toBe(publicKeyHex)
    expect(writerKeyOfMember(peer)).toBe(publicKeyHex)
    expect(writerKeyOfMember(`${peer}/0123456789abcdef`)).toBe(publicKeyHex)
  })

  it('answers null for anything that is not an Ed25519 peer id, and never throws (seeded)', () => {
    for (const bad of [
      '',
      '/x',
      'QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N',
      `${peer}0`,
      peer.slice(0, -1),
      'l0O',
      'x'.repeat(10_000),
    ])
      expect(writerKeyOfMember(bad)).toBeNull()
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const key = writerKeyOfMember(text)
        expect(key === null || /^[0-9a-f]{64}$/.test(key)).toBe(true)
      }),
      { seed: 3, numRuns: 2_000 },
    )
  })
})
