import { describe, expect, it } from 'vitest'
import { ReplayGuard } from '../src/replay.js'
import { entries, sameBytes, seededBytes, seededSource, signingKeyA, streamId } from './helpers.js'
import { providers, withProvider } from './providers.js'

describe.each(providers)('$name provider', (provider) => {
  const { Sealer, Opener, Verifier, memberRing, replicaRing } = withProvider(provider)

  const MiB = 1024 * 1024

  describe('round trips', () => {
    it('every payload size from 0 to 1,024 bytes, in one batch, opened alone and as a batch', () => {
      const sealer = new Sealer({ keyRing: memberRing(), signingKey: signingKeyA, random: seededSource(11) })
      const batch = entries(1025, (i) => i, 11)
      const sealed = sealer.sealBatch(streamId, batch)
      const whole = new Opener({ keyRing: memberRing(), replayGuard: new ReplayGuard() }).openBatch(
        streamId,
        sealed,
      )
      const alone = new Opener({ keyRing: memberRing(), replayGuard: new ReplayGuard() })
      for (let size = 0; size <= 1024; size++) {
        const expected = (batch[size] as { payload: Uint8Array }).payload
        expect(sameBytes(whole[size]?.payload, expected), `size ${size}`).toBe(true)
        const opened = alone.open(streamId, sealed[size] as Uint8Array)
        expect(sameBytes(opened.payload, expected), `size ${size}`).toBe(true)
        expect(opened.sequence).toBe(size + 1)
        expect(opened.payloadBytes).toBe(size)
      }
    })

    it('larger payloads up to exactly 1 MiB, each signed on its own', () => {
      const sizes = [1025, 2047, 4096, 16_384, 65_535, 65_536, 65_537, 262_144, MiB - 1, MiB]
      const sealer = new Sealer({ keyRing: memberRing(), signingKey: signingKeyA, random: seededSource(12) })
      const opener = new Opener({ keyRing: memberRing(), replayGuard: new ReplayGuard() })
      sizes.forEach((size, i) => {
        const payload = seededBytes(size, size)
        const envelope = sealer.seal(streamId, { sequence: i + 1, payload })
        expect(sameBytes(opener.open(streamId, envelope).payload, payload), `size ${size}`).toBe(true)
      })
    })

    it('a payload above the configured limit is refused when sealing and when opening', () => {
      const sealer = new Sealer({ keyRing: memberRing(), signingKey: signingKeyA, random: seededSource(13) })
      const envelope = sealer.seal(streamId, { sequence: 1, payload: new Uint8Array(2000) })
      const strict = new Opener({ keyRing: memberRing(), limits: { payloadBytesMax: 1999 } })
      expect(() => strict.open(streamId, envelope)).toThrow(
        expect.objectContaining({ code: 'ENVELOPE_MALFORMED' }),
      )
      const small = new Sealer({
        keyRing: memberRing(),
        signingKey: signingKeyA,
        limits: { payloadBytesMax: 10 },
      })
      expect(() => small.seal(streamId, { sequence: 1, payload: new Uint8Array(11) })).toThrow(RangeError)
    })

    for (const merkleHash of ['sha256', 'blake3'] as const) {
      it(`batches of 1 to 64 entries (${merkleHash}): every proof verifies alone, on a replica without keys`, () => {
        const sealer = new Sealer({
          keyRing: memberRing(),
          signingKey: signingKeyA,
          random: seededSource(14),
          merkleHash,
        })
        const verifier = new Verifier({ keyRing: replicaRing() })
        const batchVerifier = new Verifier({ keyRing: replicaRing() })
        for (let size = 1; size <= 64; size++) {
          const sealed = sealer.sealBatch(
            streamId,
            entries(size, (i) => i % 7, size),
          )
          sealed.forEach((envelope, index) => {
            const info = verifier.verify(streamId, envelope)
            expect(info.leafIndex, `batch ${size} leaf ${index}`).toBe(index)
            expect(info.batchSize).toBe(size)
          })
          expect(batchVerifier.verifyBatch(streamId, sealed)).toHaveLength(size)
        }
      })
    }

    it('batches of 100, 1,000, 1,024, 1,025 and 10,000 entries: each entry opens alone after the split', () => {
      const sealer = new Sealer({ keyRing: memberRing(), signingKey: signingKeyA, random: seededSource(15) })
      for (const size of [100, 1000, 1024, 1025, 10_000]) {
        const batch = entries(size, (i) => (i * 13) % 40, size)
        const sealed = sealer.sealBatch(streamId, batch)
        // Split: a fresh opener per batch, entries taken one by one (in order, for the replay guard).
        const opener = new Opener({ keyRing: memberRing(), replayGuard: new ReplayGuard() })
        for (let i = 0; i < size; i++) {
          const opened = opener.open(streamId, sealed[i] as Uint8Array)
          expect(sameBytes(opened.payload, batch[i]?.payload), `batch ${size} entry ${i}`).toBe(true)
        }
        const whole = new Opener({ keyRing: memberRing() }).openBatch(streamId, sealed)
        expect(whole.map((e) => e.sequence)).toEqual(batch.map((e) => e.sequence))
      }
    })

    it('an entry split from its batch verifies with a cold signature cache (no help from siblings)', () => {
      const sealer = new Sealer({ keyRing: memberRing(), signingKey: signingKeyA, random: seededSource(16) })
      const sealed = sealer.sealBatch(
        streamId,
        entries(300, () => 5),
      )
      for (const index of [0, 1, 150, 255, 256, 299]) {
        const verifier = new Verifier({ keyRing: replicaRing(), signatureCacheEntries: 0 })
        expect(verifier.verify(streamId, sealed[index] as Uint8Array).leafIndex).toBe(index)
      }
    })

    it('random nonces come from the injected source, and default to crypto.getRandomValues', () => {
      const withDefault = new Sealer({ keyRing: memberRing(), signingKey: signingKeyA })
      const a = withDefault.seal(streamId, { sequence: 1, payload: new Uint8Array(4) })
      const b = withDefault.seal(streamId, { sequence: 1, payload: new Uint8Array(4) })
      expect(a.subarray(56, 80)).not.toEqual(b.subarray(56, 80))
      const seededA = new Sealer({ keyRing: memberRing(), signingKey: signingKeyA, random: seededSource(3) })
      const seededB = new Sealer({ keyRing: memberRing(), signingKey: signingKeyA, random: seededSource(3) })
      expect(seededA.seal(streamId, { sequence: 1, payload: new Uint8Array(4) })).toEqual(
        seededB.seal(streamId, { sequence: 1, payload: new Uint8Array(4) }),
      )
    })

    it('refuses batches that are empty, too large or not strictly increasing', () => {
      const sealer = new Sealer({
        keyRing: memberRing(),
        signingKey: signingKeyA,
        limits: { batchEntriesMax: 4 },
      })
      expect(() => sealer.sealBatch(streamId, [])).toThrow(RangeError)
      expect(() =>
        sealer.sealBatch(
          streamId,
          entries(5, () => 1),
        ),
      ).toThrow(RangeError)
      const payload = new Uint8Array(1)
      expect(() =>
        sealer.sealBatch(streamId, [
          { sequence: 2, payload },
          { sequence: 2, payload },
        ]),
      ).toThrow(RangeError)
      expect(() => sealer.seal(streamId, { sequence: -1, payload })).toThrow(RangeError)
      expect(() => sealer.seal(streamId, { sequence: 2 ** 53, payload })).toThrow(RangeError)
    })
  })
})
