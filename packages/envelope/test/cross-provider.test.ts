import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { ControlSigner, ControlVerifier } from '../src/control.js'
import { KeyRing } from '../src/keyring.js'
import { nodeCryptoProvider } from '../src/node/provider.js'
import { Opener } from '../src/open.js'
import type { CryptoProvider } from '../src/provider.js'
import { pureCryptoProvider } from '../src/pure-provider.js'
import { Sealer } from '../src/seal.js'
import { BatchOpener, BatchSealer, BatchVerifier } from '../src/sealed-batch.js'
import { openSnapshot, sealSnapshot, verifySnapshotManifest } from '../src/snapshot.js'
import {
  clusterId,
  clusterSecret1,
  entries,
  publicKeyA,
  sameBytes,
  seededBytes,
  seededSource,
  signingKeyA,
  streamId,
} from './helpers.js'

// Byte identity across providers: the same inputs (keys, secrets, seeded nonces) give the same
// envelope bytes on the pure and the native provider, and whatever one seals the other opens.

const pure = pureCryptoProvider
const native = nodeCryptoProvider
const pairs: readonly [CryptoProvider, CryptoProvider][] = [
  [pure, native],
  [native, pure],
]

function ring(provider: CryptoProvider): KeyRing {
  const keyRing = new KeyRing({ clusterId, cryptoProvider: provider })
  keyRing.addWriter(publicKeyA)
  keyRing.addEpoch(1, clusterSecret1)
  return keyRing
}

function sealWith(
  provider: CryptoProvider,
  batch: ReturnType<typeof entries>,
  seed: number,
  merkleHash: 'sha256' | 'blake3' = 'sha256',
) {
  const sealer = new Sealer({
    keyRing: ring(provider),
    signingKey: signingKeyA,
    random: seededSource(seed),
    cryptoProvider: provider,
    merkleHash,
  })
  return sealer.sealBatch(streamId, batch)
}

function expectSameEnvelopes(a: Uint8Array[], b: Uint8Array[], label: string): void {
  expect(a.length, label).toBe(b.length)
  a.forEach((envelope, i) => {
    expect(sameBytes(envelope, b[i]), `${label}, entry ${i}`).toBe(true)
  })
}

/** Opens every envelope with `opener` as a whole batch and one by one; checks the payloads. */
function expectOpens(
  provider: CryptoProvider,
  sealed: Uint8Array[],
  batch: ReturnType<typeof entries>,
  label: string,
) {
  const whole = new Opener({ keyRing: ring(provider), cryptoProvider: provider }).openBatch(streamId, sealed)
  const alone = new Opener({ keyRing: ring(provider), cryptoProvider: provider })
  batch.forEach((entry, i) => {
    expect(sameBytes(whole[i]?.payload, entry.payload), `${label}, batch open ${i}`).toBe(true)
    const opened = alone.open(streamId, sealed[i] as Uint8Array)
    expect(sameBytes(opened.payload, entry.payload), `${label}, open ${i}`).toBe(true)
  })
}

describe('byte identity across providers', () => {
  it('every payload size from 0 to 1,024 bytes: the same bytes, and each opens the other', () => {
    const batch = entries(1025, (i) => i, 41)
    const byPure = sealWith(pure, batch, 41)
    const byNative = sealWith(native, batch, 41)
    expectSameEnvelopes(byPure, byNative, 'sizes 0..1024')
    expectOpens(native, byPure, batch, 'pure → native')
    expectOpens(pure, byNative, batch, 'native → pure')
  })

  // Every batch size 1..1,024 for both providers takes minutes on the pure one; this grid covers 1,
  // 2, odd sizes, powers of two and their neighbours (where the Merkle tree's shape changes) up
  // to 1,024, with payload sizes spread over 0..1,024 bytes.
  const batchSizes = [1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 100, 127, 128, 129, 255, 256, 257]
  const largeBatchSizes = [511, 512, 513, 767, 1023, 1024]
  it.each([...batchSizes, ...largeBatchSizes])(
    'a batch of %i: the same bytes, and each opens the other',
    (size) => {
      const batch = entries(size, (i) => (i * 389 + size * 7) % 1025, size)
      const byPure = sealWith(pure, batch, size)
      const byNative = sealWith(native, batch, size)
      expectSameEnvelopes(byPure, byNative, `batch of ${size}`)
      for (const [sealer, opener] of pairs) {
        const sealed = sealer === pure ? byPure : byNative
        expectOpens(opener, sealed, batch, `${sealer.name} → ${opener.name}, batch of ${size}`)
      }
    },
  )

  it('BLAKE3 batches: the same bytes, and each opens the other', () => {
    const batch = entries(33, (i) => i * 31, 77)
    const byPure = sealWith(pure, batch, 77, 'blake3')
    const byNative = sealWith(native, batch, 77, 'blake3')
    expectSameEnvelopes(byPure, byNative, 'blake3')
    expectOpens(native, byPure, batch, 'pure → native')
    expectOpens(pure, byNative, batch, 'native → pure')
  })

  it('payloads above 64 KiB (the native provider streams them into SHA-256): the same bytes', () => {
    const batch = entries(3, (i) => [65_535, 65_536, 300_000][i] as number, 5)
    const byPure = sealWith(pure, batch, 5)
    const byNative = sealWith(native, batch, 5)
    expectSameEnvelopes(byPure, byNative, 'large payloads')
    expectOpens(pure, byNative, batch, 'native → pure')
  })

  it('snapshots: the same manifest and chunks, and each verifies and opens the other', () => {
    const data = seededBytes(9, 200_000)
    const sealed = (provider: CryptoProvider) =>
      sealSnapshot({
        keyRing: ring(provider),
        signingKey: signingKeyA,
        streamId,
        index: 42,
        term: 3,
        data,
        chunkBytes: 70_000,
        random: seededSource(9),
        cryptoProvider: provider,
      })
    const byPure = sealed(pure)
    const byNative = sealed(native)
    expect(sameBytes(byPure.manifest, byNative.manifest)).toBe(true)
    expectSameEnvelopes(byPure.chunks, byNative.chunks, 'chunks')
    for (const [sealer, opener] of pairs) {
      const snapshot = sealer === pure ? byPure : byNative
      const verified = verifySnapshotManifest({
        keyRing: ring(opener),
        streamId,
        manifest: snapshot.manifest,
        cryptoProvider: opener,
      })
      expect(sameBytes(openSnapshot(ring(opener), verified, snapshot.chunks), data)).toBe(true)
    }
  })

  it('HKDF, hashes, signatures and random-length outputs agree primitive by primitive', () => {
    for (let length = 0; length <= 300; length += 13) {
      const input = seededBytes(length, length)
      for (const prefix of [0, 1, 2]) {
        for (const hash of ['sha256Prefixed', 'blake3Prefixed'] as const) {
          const a = new Uint8Array(40)
          const b = new Uint8Array(40)
          pure[hash](prefix, input, a, 3)
          native[hash](prefix, input, b, 3)
          expect(sameBytes(a, b), `${hash} of ${length} bytes`).toBe(true)
        }
      }
      const secret = seededBytes(length + 1, 32 + (length % 7))
      expect(
        sameBytes(pure.hkdfSha256(secret, input, input, 32), native.hkdfSha256(secret, input, input, 32)),
      ).toBe(true)
      const signature = pure.ed25519Signer(signingKeyA).sign(input)
      expect(sameBytes(signature, native.ed25519Signer(signingKeyA).sign(input))).toBe(true)
      expect(native.ed25519Verify(signature, input, publicKeyA)).toBe(true)
      expect(pure.ed25519Verify(signature, input, publicKeyA)).toBe(true)
    }
    expect(native.randomBytes(37)).toHaveLength(37)
  })
})

// --- Ed25519 edge cases: both providers must reach the same verdict on crafted signatures. ---

const L = ed.Point.CURVE().n
const G = ed.Point.BASE
const leBytes = (value: bigint) => {
  const out = new Uint8Array(32)
  let rest = value
  for (let i = 0; i < 32; i++) {
    out[i] = Number(rest & 0xffn)
    rest >>= 8n
  }
  return out
}
const leNumber = (bytes: Uint8Array) => bytes.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n)
const challenge = (r: Uint8Array, a: Uint8Array, message: Uint8Array) => {
  const input = new Uint8Array(64 + message.length)
  input.set(r, 0)
  input.set(a, 32)
  input.set(message, 64)
  return leNumber(sha512(input)) % L
}
/** A point of order 8 (a generator of the torsion subgroup). */
const torsion8 = ed.Point.fromHex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05')
const signature = (r: Uint8Array, s: bigint) => {
  const out = new Uint8Array(64)
  out.set(r, 0)
  out.set(leBytes(s), 32)
  return out
}
/** noble's own strict verification, which uses the cofactored equation. */
const nobleStrict = (sig: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => {
  if (ed.hashes.sha512 === undefined) ed.hashes.sha512 = sha512
  return ed.verify(sig, message, publicKey, { zip215: false })
}

describe('Ed25519 verification: one rule on both providers', () => {
  const a = 0x1234_5678_9abc_def0_1234_5678_9abc_def0n % L
  const publicKey = G.multiply(a).toBytes()
  const r = 0x0fed_cba9_8765_4321n

  /** Messages whose challenge k is odd, so that [k]T ≠ 0 for the order-8 point T. */
  function messageWithOddChallenge(rBytes: Uint8Array, key: Uint8Array): Uint8Array {
    for (let i = 0; ; i++) {
      const message = Uint8Array.of(i, 7, 7)
      if (challenge(rBytes, key, message) % 2n === 1n) return message
    }
  }

  const cases: { name: string; make: () => [Uint8Array, Uint8Array, Uint8Array]; noble: boolean }[] = [
    {
      name: 'R is the identity (valid even without the cofactor)',
      noble: true,
      make: () => {
        const rBytes = ed.Point.ZERO.toBytes()
        const message = Uint8Array.of(1, 2, 3)
        const k = challenge(rBytes, publicKey, message)
        return [signature(rBytes, (k * a) % L), message, publicKey]
      },
    },
    {
      name: 'R has a torsion component (valid only with the cofactor)',
      noble: true,
      make: () => {
        const rBytes = G.multiply(r).add(torsion8).toBytes()
        const message = Uint8Array.of(4, 5, 6)
        const k = challenge(rBytes, publicKey, message)
        return [signature(rBytes, (r + k * a) % L), message, publicKey]
      },
    },
    {
      name: 'A has a torsion component (valid only with the cofactor)',
      noble: true,
      make: () => {
        const mixed = G.multiply(a).add(torsion8).toBytes()
        const rBytes = G.multiply(r).toBytes()
        const message = messageWithOddChallenge(rBytes, mixed)
        const k = challenge(rBytes, mixed, message)
        return [signature(rBytes, (r + k * a) % L), message, mixed]
      },
    },
    {
      name: 'A is of small order (the identity)',
      noble: false,
      make: () => {
        const identity = ed.Point.ZERO.toBytes()
        const rBytes = G.multiply(r).toBytes()
        return [signature(rBytes, r), Uint8Array.of(9), identity]
      },
    },
    {
      name: 'S is not reduced (S + L)',
      noble: false,
      make: () => {
        const rBytes = G.multiply(r).toBytes()
        const message = Uint8Array.of(8)
        const k = challenge(rBytes, publicKey, message)
        return [signature(rBytes, ((r + k * a) % L) + L), message, publicKey]
      },
    },
    {
      name: 'A is a non-canonical encoding (y = p + 1)',
      noble: false,
      make: () => {
        const key = leBytes(2n ** 255n - 19n + 1n)
        const rBytes = G.multiply(r).toBytes()
        return [signature(rBytes, r), Uint8Array.of(1), key]
      },
    },
  ]

  it.each(cases)('$name: refused by both providers', ({ make, noble }) => {
    const [sig, message, key] = make()
    // The case is real: noble's own strict mode accepts the cofactor-only ones.
    expect(nobleStrict(sig, message, key)).toBe(noble)
    expect(pure.ed25519Verify(sig, message, key)).toBe(false)
    expect(native.ed25519Verify(sig, message, key)).toBe(false)
  })

  it('a genuine signature built the same way is accepted by both (the construction is sound)', () => {
    const rBytes = G.multiply(r).toBytes()
    const message = Uint8Array.of(4, 5, 6)
    const k = challenge(rBytes, publicKey, message)
    const sig = signature(rBytes, (r + k * a) % L)
    expect(pure.ed25519Verify(sig, message, publicKey)).toBe(true)
    expect(native.ed25519Verify(sig, message, publicKey)).toBe(true)
    expect(nobleStrict(sig, message, publicKey)).toBe(true)
  })
})

describe('sealed batches and control entries: byte identity across providers', () => {
  const replica = (provider: CryptoProvider) => {
    const keyRing = new KeyRing({ clusterId, cryptoProvider: provider })
    keyRing.addWriter(publicKeyA)
    return keyRing
  }

  it('every payload size from 0 to 1,024 bytes (headers of 0 to 96 bytes): the same bytes, each opens the other', () => {
    const sealers = new Map(
      [pure, native].map((provider) => [
        provider,
        (seed: number, header: Uint8Array, payload: Uint8Array) =>
          new BatchSealer({
            keyRing: ring(provider),
            signingKey: signingKeyA,
            random: seededSource(seed),
            cryptoProvider: provider,
          }).sealBatch(header, payload),
      ]),
    )
    const openers = new Map(
      [pure, native].map((provider) => [
        provider,
        new BatchOpener({ keyRing: ring(provider), cryptoProvider: provider, signatureCacheEntries: 0 }),
      ]),
    )
    const verifiers = new Map(
      [pure, native].map((provider) => [
        provider,
        new BatchVerifier({ keyRing: replica(provider), cryptoProvider: provider, signatureCacheEntries: 0 }),
      ]),
    )
    for (let size = 0; size <= 1024; size++) {
      const header = seededBytes(50_000 + size, size % 97)
      const payload = seededBytes(60_000 + size, size)
      const fromPure = (sealers.get(pure) as (s: number, h: Uint8Array, p: Uint8Array) => Uint8Array)(
        size,
        header,
        payload,
      )
      const fromNative = (sealers.get(native) as (s: number, h: Uint8Array, p: Uint8Array) => Uint8Array)(
        size,
        header,
        payload,
      )
      expect(sameBytes(fromPure, fromNative), `size ${size}`).toBe(true)
      // The pure provider's Ed25519 is slow: it checks every 16th size, the native one every size.
      for (const [sealer, opener] of pairs) {
        if (opener === pure && size % 16 !== 0) continue
        const sealed = sealer === pure ? fromPure : fromNative
        const opened = (openers.get(opener) as BatchOpener).openBatch(sealed)
        expect(sameBytes(opened.payload, payload), `size ${size}, ${sealer.name} → ${opener.name}`).toBe(true)
        expect(sameBytes(opened.header, header)).toBe(true)
        expect((verifiers.get(opener) as BatchVerifier).verifyBatch(sealed).payloadBytes).toBe(size)
      }
    }
  })

  it('a payload above 64 KiB (the native provider streams it into SHA-256): the same bytes', () => {
    const header = seededBytes(70, 40)
    const payload = seededBytes(71, 300_000)
    const [a, b] = [pure, native].map((provider) =>
      new BatchSealer({
        keyRing: ring(provider),
        signingKey: signingKeyA,
        random: seededSource(72),
        cryptoProvider: provider,
      }).sealBatch(header, payload),
    )
    expect(sameBytes(a, b)).toBe(true)
    for (const [, opener] of pairs) {
      const opened = new BatchOpener({ keyRing: ring(opener), cryptoProvider: opener }).openBatch(
        a as Uint8Array,
      )
      expect(sameBytes(opened.payload, payload)).toBe(true)
    }
  })

  it('control entries of every content size from 0 to 1,024 bytes: the same bytes, each verifies the other', () => {
    const signers = [pure, native].map(
      (provider) => new ControlSigner({ clusterId, signingKey: signingKeyA, cryptoProvider: provider }),
    )
    const verifiers = new Map(
      [pure, native].map((provider) => [
        provider,
        new ControlVerifier({ clusterId, cryptoProvider: provider, signatureCacheEntries: 0 }),
      ]),
    )
    for (let size = 0; size <= 1024; size++) {
      const content = seededBytes(80_000 + size, size)
      const [a, b] = signers.map((signer) => signer.signControl(content)) as [Uint8Array, Uint8Array]
      expect(sameBytes(a, b), `size ${size}`).toBe(true)
      for (const [, verifier] of pairs) {
        if (verifier === pure && size % 16 !== 0) continue
        const verified = (verifiers.get(verifier) as ControlVerifier).verifyControl(a)
        expect(sameBytes(verified.content, content)).toBe(true)
        expect(sameBytes(verified.signer, publicKeyA)).toBe(true)
      }
    }
  })
})
