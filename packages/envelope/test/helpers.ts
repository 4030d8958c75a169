import { type CryptoRandom, SeededRandom, seededCryptoRandom } from '@tandem/base'
import { writerPublicKey } from '../src/keys.js'

/** Unsigned 32-bit draws from the codebase's one seeded PRNG; every failure message names the seed. */
export function seededRandom(seed: number): () => number {
  const random = new SeededRandom(seed)
  return () => random.nextUint32()
}

/** A deterministic stand-in for a CryptoRandom in tests (NOT a CSPRNG). */
export function seededSource(seed: number): CryptoRandom {
  return seededCryptoRandom(seed)
}

export function seededBytes(seed: number, length: number): Uint8Array {
  return seededSource(seed)(length)
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s)

export const clusterId = text('cluster-A')
export const streamId = text('orders')

export const signingKeyA = Uint8Array.from({ length: 32 }, (_, i) => i + 1)
export const signingKeyB = Uint8Array.from({ length: 32 }, (_, i) => 200 - i)
export const publicKeyA = writerPublicKey(signingKeyA)
export const publicKeyB = writerPublicKey(signingKeyB)
export const clusterSecret1 = Uint8Array.from({ length: 32 }, (_, i) => 0x40 + i)
export const clusterSecret2 = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i)

export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice()
  copy[bit >>> 3] = (copy[bit >>> 3] as number) ^ (1 << (bit & 7))
  return copy
}

export function entries(count: number, payloadBytes: (i: number) => number, seed = 1) {
  return Array.from({ length: count }, (_, i) => ({
    sequence: i + 1,
    payload: seededBytes(seed * 100_003 + i, payloadBytes(i)),
  }))
}

/** Fast byte equality for large arrays (vitest's deep equality walks every element slowly). */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return false
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  )
}
