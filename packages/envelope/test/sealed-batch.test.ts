import { describe, expect, it } from 'vitest'
import {
  DOMAIN_BATCH_STATEMENT,
  DOMAIN_CONTROL_STATEMENT,
  DOMAIN_MANIFEST_STATEMENT,
  DOMAIN_SEALED_BATCH_STATEMENT,
  SEALED_BATCH_CIPHERTEXT_HASH_PREFIX,
} from '../src/constants.js'
import {
  EnvelopeError,
  MalformedEnvelopeError,
  RevokedKeyError,
  TamperedEntryError,
  UnknownEpochError,
  UnknownWriterError,
  UnsupportedVersionError,
} from '../src/errors.js'
import { inspectSealedBatch } from '../src/inspect.js'
import { signedStatement } from '../src/signed-statement.js'
import {
  clusterId,
  clusterSecret2,
  flipBit,
  publicKeyA,
  sameBytes,
  seededBytes,
  seededSource,
  signingKeyA,
  signingKeyB,
  streamId,
  text,
} from './helpers.js'
import { providers, withProvider } from './providers.js'

/** Byte ranges of a sealed batch with an `h`-byte header and a `p`-byte payload (README layout). */
function regions(h: number, p: number) {
  const ciphertext = 72 + h
  const signature = ciphertext + p + 16
  return {
    fixed: [0, 72],
    header: [72, ciphertext],
    ciphertext: [ciphertext, signature],
    signature: [signature, signature + 64],
  } as const
}

describe.each(providers)('$name provider', (provider) => {
  const { KeyRing, BatchSealer, BatchOpener, BatchVerifier, Opener, Sealer, memberRing, replicaRing } =
    withProvider(provider)

  const header = text('stream-7 seq 42 floor 40')
  const payload = seededBytes(5, 100)

  function sealOne(seed = 1, h = header, p = payload, signingKey = signingKeyA) {
    return new BatchSealer({ keyRing: memberRing(), signingKey, random: seededSource(seed) }).sealBatch(h, p)
  }

  describe('round trip', () => {
    it('opens to the same header and payload; the header is a view, the payload a fresh array', () => {
      const sealed = sealOne()
      expect(sealed.length).toBe(152 + header.length + payload.length)
      const opened = new BatchOpener({ keyRing: memberRing() }).openBatch(sealed)
      expect(sameBytes(opened.header, header)).toBe(true)
      expect(sameBytes(opened.payload, payload)).toBe(true)
      expect(sameBytes(opened.writer, publicKeyA)).toBe(true)
      expect(opened.epoch).toBe(1)
      expect(opened.payloadBytes).toBe(payload.length)
      expect(opened.header.buffer).toBe(sealed.buffer)
      expect(opened.payload.buffer).not.toBe(sealed.buffer)
    })

    it('empty header, empty payload, and a 200 KiB payload', () => {
      const opener = new BatchOpener({ keyRing: memberRing() })
      for (const [h, p] of [
        [new Uint8Array(0), new Uint8Array(0)],
        [new Uint8Array(0), payload],
        [header, new Uint8Array(0)],
        [header, seededBytes(6, 200 * 1024)],
      ] as const) {
        const opened = opener.openBatch(sealOne(2, h, p))
        expect(sameBytes(opened.header, h)).toBe(true)
        expect(sameBytes(opened.payload, p)).toBe(true)
      }
    })

    it('seals under the newest epoch by default, or the one asked for; older epochs still open', () => {
      const ring = memberRing()
      ring.addEpoch(2, clusterSecret2)
      const sealer = new BatchSealer({ keyRing: ring, signingKey: signingKeyA })
      const opener = new BatchOpener({ keyRing: ring })
      expect(opener.openBatch(sealer.sealBatch(header, payload)).epoch).toBe(2)
      expect(opener.openBatch(sealer.sealBatch(header, payload, { epoch: 1 })).epoch).toBe(1)
    })

    it('random nonces: two seals of the same batch differ, both open', () => {
      const sealer = new BatchSealer({ keyRing: memberRing(), signingKey: signingKeyA })
      const a = sealer.sealBatch(header, payload)
      const b = sealer.sealBatch(header, payload)
      expect(sameBytes(a, b)).toBe(false)
      const opener = new BatchOpener({ keyRing: memberRing() })
      expect(sameBytes(opener.openBatch(a).payload, opener.openBatch(b).payload)).toBe(true)
    })
  })

  it('inspectSealedBatch reads the public fields without any key, and checks structure only', () => {
    const sealed = sealOne()
    const info = inspectSealedBatch(sealed)
    expect(sameBytes(info.header, header)).toBe(true)
    expect(sameBytes(info.writer, publicKeyA)).toBe(true)
    expect(info).toMatchObject({
      version: 1,
      epoch: 1,
      payloadBytes: payload.length,
      sealedBytes: sealed.length,
    })
    expect(() => inspectSealedBatch(sealed.subarray(1))).toThrow(EnvelopeError)
    expect(() => inspectSealedBatch(sealed, { batchHeaderBytesMax: 1 })).toThrow(MalformedEnvelopeError)
    // Structure only: a forged signature is not its business.
    const forged = flipBit(sealed, 8 * (sealed.length - 1))
    expect(() => inspectSealedBatch(forged)).not.toThrow()
    expect(() => new BatchVerifier({ keyRing: replicaRing() }).verifyBatch(forged)).toThrow(
      TamperedEntryError,
    )
  })

  describe('keyless verification', () => {
    it('a replica without any data key verifies and reads the header, and cannot open the payload', () => {
      const sealed = sealOne()
      const verified = new BatchVerifier({ keyRing: replicaRing() }).verifyBatch(sealed)
      expect(sameBytes(verified.header, header)).toBe(true)
      expect(sameBytes(verified.writer, publicKeyA)).toBe(true)
      expect(verified.payloadBytes).toBe(payload.length)
      const replicaOpener = new BatchOpener({ keyRing: replicaRing() })
      expect(sameBytes(replicaOpener.verifyBatch(sealed).header, header)).toBe(true)
      expect(() => replicaOpener.openBatch(sealed)).toThrow(UnknownEpochError)
    })

    it('the payload stays encrypted: no 8-byte window of it appears in the sealed bytes', () => {
      const secret = seededBytes(77, 256)
      const sealed = Buffer.from(sealOne(3, header, secret))
      for (let at = 0; at + 8 <= secret.length; at++) {
        expect(sealed.indexOf(Buffer.from(secret.subarray(at, at + 8)))).toBe(-1)
      }
    })
  })

  describe('rejection', () => {
    it('every single-bit flip — fixed fields, header, ciphertext, signature — is a typed error, keyless and keyed', () => {
      const h = text('hdr0')
      const p = seededBytes(9, 12)
      const sealed = sealOne(4, h, p)
      const opener = new BatchOpener({ keyRing: memberRing(), signatureCacheEntries: 0 })
      const verifier = new BatchVerifier({ keyRing: replicaRing(), signatureCacheEntries: 0 })
      const { header: headerRange, ciphertext, signature } = regions(h.length, p.length)
      for (let bit = 0; bit < sealed.length * 8; bit++) {
        const flipped = flipBit(sealed, bit)
        const byte = bit >>> 3
        // The opener runs the verifier's code before decrypting: one bit of every byte suffices there
        // (the pure provider's Ed25519 makes every bit twice cost seconds).
        const attempts = [() => verifier.verifyBatch(flipped)]
        if ((bit & 7) === byte % 8) attempts.push(() => opener.openBatch(flipped))
        for (const attempt of attempts) {
          let caught: unknown
          try {
            attempt()
          } catch (error) {
            caught = error
          }
          expect(caught, `bit ${bit} accepted`).toBeInstanceOf(EnvelopeError)
          const inSigned =
            (byte >= headerRange[0] && byte < headerRange[1]) ||
            (byte >= ciphertext[0] && byte < signature[1]) ||
            (byte >= 48 && byte < 72) // the nonce
          // A flip where no length, kind or key lives can only be caught by the signature.
          if (inSigned) expect(caught, `bit ${bit}`).toBeInstanceOf(TamperedEntryError)
        }
      }
    })

    it('header and payload of two batches cannot be recombined', () => {
      const h1 = text('header-of-batch-1')
      const h2 = text('header-of-batch-2')
      const a = sealOne(10, h1, seededBytes(11, 64))
      const b = sealOne(12, h2, seededBytes(13, 64))
      const r = regions(h1.length, 64)
      const splice = (head: Uint8Array, body: Uint8Array, signature: Uint8Array) => {
        const out = new Uint8Array(a.length)
        out.set(head.subarray(0, r.ciphertext[0]), 0)
        out.set(body.subarray(r.ciphertext[0], r.ciphertext[1]), r.ciphertext[0])
        out.set(signature.subarray(r.signature[0]), r.signature[0])
        return out
      }
      const opener = new BatchOpener({ keyRing: memberRing() })
      const verifier = new BatchVerifier({ keyRing: replicaRing() })
      for (const forged of [splice(a, b, a), splice(a, b, b), splice(b, a, a), splice(b, a, b)]) {
        expect(() => verifier.verifyBatch(forged)).toThrow(TamperedEntryError)
        expect(() => opener.openBatch(forged)).toThrow(TamperedEntryError)
      }
    })

    it('even the writer re-signing a recombination cannot open it: the AEAD binds the header', () => {
      const a = sealOne(14, text('header-A'), seededBytes(15, 32))
      const b = sealOne(16, text('header-B'), seededBytes(17, 32))
      const r = regions(8, 32)
      const forged = a.slice()
      forged.set(b.subarray(r.ciphertext[0], r.ciphertext[1]), r.ciphertext[0])
      const statement = signedStatement(
        provider,
        DOMAIN_SEALED_BATCH_STATEMENT,
        clusterId,
        forged.subarray(0, r.ciphertext[0]),
        SEALED_BATCH_CIPHERTEXT_HASH_PREFIX,
        forged.subarray(r.ciphertext[0], r.ciphertext[1]),
      )
      forged.set(provider.ed25519Signer(signingKeyA).sign(statement), r.signature[0])
      // Signed by the writer, so it verifies keyless; but the ciphertext was sealed for header B.
      expect(
        sameBytes(new BatchVerifier({ keyRing: replicaRing() }).verifyBatch(forged).header, text('header-A')),
      ).toBe(true)
      expect(() => new BatchOpener({ keyRing: memberRing() }).openBatch(forged)).toThrow(TamperedEntryError)
    })

    it('bound to its cluster: another cluster id fails the signature', () => {
      const ring = new KeyRing({ clusterId: text('cluster-B') })
      ring.addWriter(publicKeyA)
      expect(() => new BatchVerifier({ keyRing: ring }).verifyBatch(sealOne())).toThrow(TamperedEntryError)
    })

    it('writer standing: unknown writer, revoked writer, revoked epoch', () => {
      const byB = sealOne(20, header, payload, signingKeyB)
      const ring = new KeyRing({ clusterId })
      ring.addWriter(publicKeyA)
      expect(() => new BatchVerifier({ keyRing: ring }).verifyBatch(byB)).toThrow(UnknownWriterError)
      const revoked = replicaRing()
      revoked.revokeWriter(publicKeyA, { fromEpoch: 1 })
      expect(() => new BatchVerifier({ keyRing: revoked }).verifyBatch(sealOne())).toThrow(RevokedKeyError)
      const epochRevoked = memberRing()
      epochRevoked.revokeEpoch(1)
      expect(() => new BatchOpener({ keyRing: epochRevoked }).openBatch(sealOne())).toThrow(RevokedKeyError)
    })

    it('kinds do not mix: entries, batches and control entries are refused by each other decoder', () => {
      const entry = new Sealer({ keyRing: memberRing(), signingKey: signingKeyA }).seal(streamId, {
        sequence: 1,
        payload,
      })
      expect(() => new BatchVerifier({ keyRing: replicaRing() }).verifyBatch(entry)).toThrow(
        MalformedEnvelopeError,
      )
      expect(() => new Opener({ keyRing: memberRing() }).open(streamId, sealOne())).toThrow(
        MalformedEnvelopeError,
      )
    })

    it('every signed statement starts with its own label, none a prefix of another', () => {
      const labels = [
        DOMAIN_BATCH_STATEMENT,
        DOMAIN_MANIFEST_STATEMENT,
        DOMAIN_SEALED_BATCH_STATEMENT,
        DOMAIN_CONTROL_STATEMENT,
      ].map((label) => Buffer.from(label).toString('latin1'))
      for (const a of labels)
        for (const b of labels) if (a !== b) expect(b.startsWith(a), `${a} / ${b}`).toBe(false)
    })

    it('version, reserved bytes, lengths and limits are checked before any cryptography', () => {
      const sealed = sealOne()
      const verifier = new BatchVerifier({ keyRing: replicaRing() })
      const withByte = (at: number, value: number) => {
        const out = sealed.slice()
        out[at] = value
        return out
      }
      expect(() => verifier.verifyBatch(withByte(0, 2))).toThrow(UnsupportedVersionError)
      expect(() => verifier.verifyBatch(withByte(2, 1))).toThrow(MalformedEnvelopeError)
      expect(() => verifier.verifyBatch(withByte(3, 1))).toThrow(MalformedEnvelopeError)
      expect(() => verifier.verifyBatch(sealed.subarray(0, sealed.length - 1))).toThrow(
        MalformedEnvelopeError,
      )
      expect(() => verifier.verifyBatch(new Uint8Array(0))).toThrow(MalformedEnvelopeError)
      const small = new BatchVerifier({
        keyRing: replicaRing(),
        limits: { batchHeaderBytesMax: header.length - 1 },
      })
      expect(() => small.verifyBatch(sealed)).toThrow(MalformedEnvelopeError)
      const smallPayload = new BatchVerifier({
        keyRing: replicaRing(),
        limits: { batchPayloadBytesMax: payload.length - 1 },
      })
      expect(() => smallPayload.verifyBatch(sealed)).toThrow(MalformedEnvelopeError)
      const sealer = new BatchSealer({
        keyRing: memberRing(),
        signingKey: signingKeyA,
        limits: { batchHeaderBytesMax: 4 },
      })
      expect(() => sealer.sealBatch(header, payload)).toThrow(RangeError)
      expect(
        () =>
          new BatchSealer({
            keyRing: memberRing(),
            signingKey: signingKeyA,
            limits: { batchPayloadBytesMax: 2 ** 32 },
          }),
      ).toThrow(RangeError)
    })
  })
})
