import { InvariantError } from '@tandem/base'
import { describe, expect, it } from 'vitest'
import {
  invalidMemberId,
  memberId,
  parseStreamId,
  peerIdOf,
  streamId,
  strongCrdtId,
} from '../src/core/ids.js'
import { incarnation, key } from './fixtures.js'

const peer = '12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf'

describe('identities', () => {
  it('builds and splits member ids, refusing malformed ones with a reason', () => {
    const id = memberId(peer, '0123456789abcdef')
    expect(peerIdOf(id)).toBe(peer)
    expect(invalidMemberId(peer)).toMatch(/peer id>\/<store id/)
    expect(invalidMemberId(`${peer}/xyz`)).toMatch(/store id/)
    expect(invalidMemberId('0OIl/0123456789abcdef')).toMatch(/peer id/)
    expect(() => memberId(peer, 'short')).toThrow(InvariantError)
  })

  it('round-trips stream ids and refuses anything else', () => {
    const id = streamId(key('a'), incarnation('b'), 3)
    expect(parseStreamId(id)).toEqual({ key: key('a'), incarnation: incarnation('b'), rollover: 3 })
    expect(parseStreamId(`${key('a')}.${incarnation('b')}.03`)).toBeNull()
    expect(parseStreamId(`${key('a')}.${incarnation('b')}`)).toBeNull()
    expect(parseStreamId(`${key('A')}.${incarnation('b')}.0`)).toBeNull()
  })

  it('moves strong writes to a new CRDT id every 2^31 operations', () => {
    expect(strongCrdtId(0)).toBe('log.0')
    expect(strongCrdtId(2 ** 31 - 1)).toBe('log.0')
    expect(strongCrdtId(2 ** 31)).toBe('log.1')
  })
})
