import { describe, expect, it } from 'vitest'
import { EnvelopeError } from '../src/errors.js'
import { openSnapshotChunk, verifySnapshotChunk } from '../src/snapshot.js'
import { entries, flipBit, seededRandom, seededSource, signingKeyA, streamId } from './helpers.js'
import { providers, withProvider } from './providers.js'

describe.each(providers)('$name provider', (provider) => {
  const { Sealer, Opener, Verifier, memberRing, replicaRing, sealSnapshot, verifySnapshotManifest } =
    withProvider(provider)

  /** Runs `attempt` on every single-bit flip of `bytes`; returns the bits whose flip was NOT rejected. */
  function acceptedFlips(bytes: Uint8Array, attempt: (flipped: Uint8Array) => void): number[] {
    const accepted: number[] = []
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      try {
        attempt(flipBit(bytes, bit))
        accepted.push(bit)
      } catch (error) {
        if (!(error instanceof EnvelopeError)) throw error
      }
    }
    return accepted
  }

  describe('every single-bit flip is rejected', () => {
    it('a small per-entry-signed envelope: all bits, on the opener and on a keyless replica', () => {
      const sealer = new Sealer({ keyRing: memberRing(), signingKey: signingKeyA, random: seededSource(21) })
      const envelope = sealer.seal(streamId, { sequence: 9, payload: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) })
      const opener = new Opener({ keyRing: memberRing() })
      expect(opener.open(streamId, envelope).sequence).toBe(9)
      expect(acceptedFlips(envelope, (flipped) => opener.open(streamId, flipped))).toEqual([])
      const verifier = new Verifier({ keyRing: replicaRing() })
      expect(acceptedFlips(envelope, (flipped) => verifier.verify(streamId, flipped))).toEqual([])
    })

    it('an entry with a Merkle proof (index 5 of a batch of 11, depth 4): all bits, header to proof', () => {
      const sealer = new Sealer({ keyRing: memberRing(), signingKey: signingKeyA, random: seededSource(22) })
      const sealed = sealer.sealBatch(
        streamId,
        entries(11, () => 3),
      )
      const envelope = sealed[5] as Uint8Array
      const opener = new Opener({ keyRing: memberRing() })
      expect(opener.open(streamId, envelope).leafIndex).toBe(5)
      expect(acceptedFlips(envelope, (flipped) => opener.open(streamId, flipped))).toEqual([])
    })

    it('entries verified one by one: flips in an entry whose siblings already verified (cached path) are rejected', () => {
      const sealer = new Sealer({ keyRing: memberRing(), signingKey: signingKeyA, random: seededSource(26) })
      const sealed = sealer.sealBatch(
        streamId,
        entries(11, () => 2),
      )
      const verifier = new Verifier({ keyRing: replicaRing() })
      // Entry 4 authenticates the path its siblings join: 5 at the first level, 6 at the second.
      verifier.verify(streamId, sealed[4] as Uint8Array)
      for (const index of [5, 6]) {
        const envelope = sealed[index] as Uint8Array
        expect(
          acceptedFlips(envelope, (flipped) => verifier.verify(streamId, flipped)),
          `entry ${index}`,
        ).toEqual([])
        verifier.verify(streamId, sealed[4] as Uint8Array)
      }
      // And after all that, every genuine entry still verifies, in any order.
      for (const index of [3, 9, 0, 10, 5, 1, 8, 2, 7, 6, 4]) {
        expect(verifier.verify(streamId, sealed[index] as Uint8Array).leafIndex).toBe(index)
      }
    })

    it('entries verified one by one in random order, with tampered copies interleaved (seeded)', () => {
      const seed = 2718
      const random = seededRandom(seed)
      const sealer = new Sealer({ keyRing: memberRing(), signingKey: signingKeyA, random: seededSource(27) })
      for (const size of [1, 2, 3, 5, 8, 13, 17, 31, 33, 64, 100, 257]) {
        const sealed = sealer.sealBatch(
          streamId,
          entries(size, (i) => i % 5, size),
        )
        const other = sealer.sealBatch(
          streamId,
          entries(size, (i) => i % 5, size),
        )
        const verifier = new Verifier({ keyRing: replicaRing() })
        for (let step = 0; step < 120; step++) {
          const index = random() % size
          const envelope = (random() % 8 === 0 ? other : sealed)[index] as Uint8Array
          if (random() % 4 === 0) {
            const bit = random() % (envelope.length * 8)
            expect(
              () => verifier.verify(streamId, flipBit(envelope, bit)),
              `seed ${seed} size ${size} bit ${bit}`,
            ).toThrow(EnvelopeError)
          } else {
            expect(
              verifier.verify(streamId, envelope).leafIndex,
              `seed ${seed} size ${size} step ${step}`,
            ).toBe(index)
          }
        }
      }
    })

    it('a whole-batch verification rejects any flipped bit in any entry, proof included', () => {
      const sealer = new Sealer({ keyRing: memberRing(), signingKey: signingKeyA, random: seededSource(23) })
      const sealed = sealer.sealBatch(
        streamId,
        entries(3, () => 1),
      )
      const verifier = new Verifier({ keyRing: replicaRing() })
      sealed.forEach((envelope, index) => {
        const accepted = acceptedFlips(envelope, (flipped) =>
          verifier.verifyBatch(
            streamId,
            sealed.map((other, i) => (i === index ? flipped : other)),
          ),
        )
        expect(accepted, `entry ${index}`).toEqual([])
      })
    })

    it('a snapshot manifest and each chunk: all bits', () => {
      const ring = memberRing()
      const data = seededSource(24)(100)
      const { manifest, chunks } = sealSnapshot({
        keyRing: ring,
        signingKey: signingKeyA,
        streamId,
        index: 77,
        term: 4,
        data,
        chunkBytes: 40,
        random: seededSource(25),
      })
      expect(chunks).toHaveLength(3)
      const replica = replicaRing()
      expect(
        acceptedFlips(manifest, (flipped) =>
          verifySnapshotManifest({ keyRing: replica, streamId, manifest: flipped }),
        ),
      ).toEqual([])
      const verified = verifySnapshotManifest({ keyRing: replica, streamId, manifest })
      chunks.forEach((chunk, index) => {
        expect(
          acceptedFlips(chunk, (flipped) => verifySnapshotChunk(verified, index, flipped)),
          `chunk ${index}`,
        ).toEqual([])
        expect(
          acceptedFlips(chunk, (flipped) => openSnapshotChunk(ring, verified, index, flipped)),
          `chunk ${index}`,
        ).toEqual([])
      })
    })
  })
})
