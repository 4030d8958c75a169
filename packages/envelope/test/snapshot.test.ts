import { describe, expect, it } from 'vitest'
import {
  MalformedEnvelopeError,
  RevokedKeyError,
  TamperedEntryError,
  UnknownEpochError,
  UnknownWriterError,
} from '../src/errors.js'
import { openSnapshot, openSnapshotChunk, verifySnapshotChunk } from '../src/snapshot.js'
import {
  clusterId,
  publicKeyA,
  sameBytes,
  seededBytes,
  seededSource,
  signingKeyA,
  streamId,
  text,
} from './helpers.js'
import { providers, withProvider } from './providers.js'

describe.each(providers)('$name provider', (provider) => {
  const { KeyRing, memberRing, replicaRing, sealSnapshot, verifySnapshotManifest } = withProvider(provider)

  function sealed(dataBytes: number, chunkBytes: number, merkleHash: 'sha256' | 'blake3' = 'sha256') {
    const data = seededBytes(dataBytes + 1, dataBytes)
    const snapshot = sealSnapshot({
      keyRing: memberRing(),
      signingKey: signingKeyA,
      streamId,
      index: 1234,
      term: 7,
      data,
      chunkBytes,
      merkleHash,
      random: seededSource(dataBytes),
    })
    return { data, ...snapshot }
  }

  describe('snapshot sealing', () => {
    it('round trips for sizes around chunk boundaries, with both hashes', () => {
      for (const [dataBytes, chunkBytes] of [
        [0, 16],
        [1, 16],
        [15, 16],
        [16, 16],
        [17, 16],
        [1000, 64],
        [300_000, 65_536],
      ] as const) {
        for (const hash of ['sha256', 'blake3'] as const) {
          const { data, manifest, chunks } = sealed(dataBytes, chunkBytes, hash)
          expect(chunks.length).toBe(Math.max(1, Math.ceil(dataBytes / chunkBytes)))
          const verified = verifySnapshotManifest({ keyRing: memberRing(), streamId, manifest })
          expect([verified.index, verified.term, verified.epoch, verified.totalBytes]).toEqual([
            1234,
            7,
            1,
            dataBytes,
          ])
          expect(
            sameBytes(openSnapshot(memberRing(), verified, chunks), data),
            `${dataBytes}/${chunkBytes}/${hash}`,
          ).toBe(true)
        }
      }
    })

    it('each chunk verifies alone on a replica without keys, and is bound to its position', () => {
      const { manifest, chunks } = sealed(100, 30)
      const verified = verifySnapshotManifest({ keyRing: replicaRing(), streamId, manifest })
      chunks.forEach((chunk, index) => {
        verifySnapshotChunk(verified, index, chunk)
      })
      expect(() => verifySnapshotChunk(verified, 1, chunks[0] as Uint8Array)).toThrow(TamperedEntryError)
      expect(() => verifySnapshotChunk(verified, 4, chunks[0] as Uint8Array)).toThrow(MalformedEnvelopeError)
      expect(() => verifySnapshotChunk(verified, 3, chunks[3] as Uint8Array)).not.toThrow()
      expect(() => openSnapshotChunk(replicaRing(), verified, 0, chunks[0] as Uint8Array)).toThrow(
        UnknownEpochError,
      )
      expect(() => openSnapshot(memberRing(), verified, chunks.slice(1))).toThrow(MalformedEnvelopeError)
    })

    it('a manifest is bound to its cluster, stream, writer and epoch', () => {
      const { manifest } = sealed(100, 30)
      expect(() =>
        verifySnapshotManifest({ keyRing: replicaRing(), streamId: text('other'), manifest }),
      ).toThrow(TamperedEntryError)
      const otherCluster = new KeyRing({ clusterId: text('cluster-Z') })
      otherCluster.addWriter(publicKeyA)
      expect(() => verifySnapshotManifest({ keyRing: otherCluster, streamId, manifest })).toThrow(
        TamperedEntryError,
      )
      expect(() =>
        verifySnapshotManifest({ keyRing: new KeyRing({ clusterId }), streamId, manifest }),
      ).toThrow(UnknownWriterError)
      const revoked = replicaRing()
      revoked.revokeEpoch(1)
      expect(() => verifySnapshotManifest({ keyRing: revoked, streamId, manifest })).toThrow(RevokedKeyError)
      const revokedWriter = replicaRing()
      revokedWriter.revokeWriter(publicKeyA, { fromEpoch: 1 })
      expect(() => verifySnapshotManifest({ keyRing: revokedWriter, streamId, manifest })).toThrow(
        RevokedKeyError,
      )
    })

    it('manifest decoding enforces its limits', () => {
      const { manifest } = sealed(100, 30)
      expect(() =>
        verifySnapshotManifest({
          keyRing: replicaRing(),
          streamId,
          manifest,
          limits: { snapshotChunkCountMax: 3 },
        }),
      ).toThrow(MalformedEnvelopeError)
      expect(() =>
        verifySnapshotManifest({
          keyRing: replicaRing(),
          streamId,
          manifest,
          limits: { snapshotChunkBytesMax: 29 },
        }),
      ).toThrow(MalformedEnvelopeError)
    })
  })
})
