/**
 * Epoch wraps: a secret wrapped to a recipient's Ed25519 key opens with its seed alone, and with
 * nothing else — not another node's seed, not under another epoch, cluster or recipient row, not
 * after any byte is flipped; sizes outside the format are refused as malformed.
 */
import { seededCryptoRandom } from '@tandem/base'
import { writerPublicKey } from '@tandem/envelope'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EpochUnwrapError, MalformedOperationError } from '../src/errors.js'
import {
  unwrapEpochSecret,
  WRAPPED_BYTES_MAX,
  WRAPPED_BYTES_MIN,
  wrapEpochSecret,
} from '../src/sealing/epoch-wrap.js'

const clusterId = new TextEncoder().encode('wrap test cluster')
const random = seededCryptoRandom(41)
const aliceSeed = seededCryptoRandom(1)(32)
const bobSeed = seededCryptoRandom(2)(32)
const alice = writerPublicKey(aliceSeed)
const bob = writerPublicKey(bobSeed)
const secret = seededCryptoRandom(3)(32)

describe('epoch wraps', () => {
  it('round-trips to the recipient, for secrets of 32..64 bytes and any epoch', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 64 }),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        (drawn, epoch) => {
          const binding = { clusterId, epoch, recipient: bob }
          const wrapped = wrapEpochSecret(drawn, binding, random)
          expect(wrapped.length).toBe(32 + drawn.length + 16)
          expect(unwrapEpochSecret(wrapped, binding, bobSeed)).toEqual(drawn)
        },
      ),
      { seed: 5, numRuns: 50 },
    )
  })

  it('two wraps of one secret differ (a fresh ephemeral key each)', () => {
    const binding = { clusterId, epoch: 1, recipient: alice }
    expect(wrapEpochSecret(secret, binding, random)).not.toEqual(wrapEpochSecret(secret, binding, random))
  })

  it('does not open for another recipient, epoch or cluster (a typed error)', () => {
    const binding = { clusterId, epoch: 4, recipient: bob }
    const wrapped = wrapEpochSecret(secret, binding, random)
    // Alice's seed on Bob's row, and Alice's seed claiming the wrap is hers.
    expect(() => unwrapEpochSecret(wrapped, binding, aliceSeed)).toThrow(EpochUnwrapError)
    expect(() => unwrapEpochSecret(wrapped, { ...binding, recipient: alice }, aliceSeed)).toThrow(
      EpochUnwrapError,
    )
    expect(() => unwrapEpochSecret(wrapped, { ...binding, epoch: 5 }, bobSeed)).toThrow(EpochUnwrapError)
    const otherCluster = new TextEncoder().encode('another cluster')
    expect(() => unwrapEpochSecret(wrapped, { ...binding, clusterId: otherCluster }, bobSeed)).toThrow(
      EpochUnwrapError,
    )
    try {
      unwrapEpochSecret(wrapped, binding, aliceSeed)
    } catch (error) {
      expect((error as EpochUnwrapError).code).toBe('NODE_EPOCH_UNWRAP_FAILED')
      expect(String(error)).not.toContain(Buffer.from(secret).toString('hex'))
    }
  })

  it('any flipped bit fails to open', () => {
    const binding = { clusterId, epoch: 2, recipient: bob }
    const wrapped = wrapEpochSecret(secret, binding, random)
    fc.assert(
      fc.property(fc.integer({ min: 0, max: wrapped.length * 8 - 1 }), (bit) => {
        const tampered = wrapped.slice()
        tampered[bit >> 3] = (tampered[bit >> 3] as number) ^ (1 << (bit & 7))
        expect(() => unwrapEpochSecret(tampered, binding, bobSeed)).toThrow(EpochUnwrapError)
      }),
      { seed: 9, numRuns: 200 },
    )
  })

  it('refuses wraps of impossible size as malformed, and secrets out of range at the writer', () => {
    const binding = { clusterId, epoch: 1, recipient: bob }
    for (const length of [0, 1, WRAPPED_BYTES_MIN - 1, WRAPPED_BYTES_MAX + 1, 1 << 20])
      expect(() => unwrapEpochSecret(new Uint8Array(length), binding, bobSeed)).toThrow(
        MalformedOperationError,
      )
    expect(() => wrapEpochSecret(new Uint8Array(31), binding, random)).toThrow(RangeError)
    expect(() => wrapEpochSecret(new Uint8Array(65), binding, random)).toThrow(RangeError)
    expect(() => wrapEpochSecret(secret, { ...binding, epoch: 0 }, random)).toThrow(RangeError)
  })

  it('a wrap of the right size but garbage content fails typed, never crashes', () => {
    const binding = { clusterId, epoch: 1, recipient: bob }
    fc.assert(
      fc.property(fc.uint8Array({ minLength: WRAPPED_BYTES_MIN, maxLength: WRAPPED_BYTES_MAX }), (bytes) => {
        expect(() => unwrapEpochSecret(bytes, binding, bobSeed)).toThrow(EpochUnwrapError)
      }),
      { seed: 11, numRuns: 100 },
    )
  })
})
