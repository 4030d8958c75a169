import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { EnvelopeError } from '../src/errors.js'
import { deriveEpochDataKey } from '../src/keyring.js'
import { ReplayGuard } from '../src/replay.js'
import { openSnapshotChunk } from '../src/snapshot.js'
import {
  clusterId,
  clusterSecret1,
  flipBit,
  publicKeyA,
  seededSource,
  signingKeyA,
  streamId,
  text,
} from './helpers.js'
import { providers, withProvider } from './providers.js'

describe.each(providers)('$name provider', (provider) => {
  const {
    KeyRing,
    Sealer,
    Opener,
    BatchSealer,
    BatchOpener,
    BatchVerifier,
    ControlSigner,
    ControlVerifier,
    memberRing,
    sealSnapshot,
    verifySnapshotManifest,
  } = withProvider(provider)

  const plaintext = text('TOP-SECRET-PLAINTEXT-0123456789')
  const dataKey = deriveEpochDataKey(clusterSecret1, clusterId, 1)
  const secrets = [signingKeyA, clusterSecret1, dataKey, plaintext]

  /** Every spelling of a secret a log line could carry. */
  function spellings(secret: Uint8Array): string[] {
    const buffer = Buffer.from(secret)
    return [
      buffer.toString('hex'),
      buffer.toString('base64'),
      buffer.toString('latin1'),
      Array.from(secret).join(','),
      buffer.subarray(0, 12).toString('hex'),
    ]
  }

  function leaks(text: string): string[] {
    return secrets.flatMap(spellings).filter((spelling) => text.includes(spelling))
  }

  function capture(action: () => unknown): EnvelopeError {
    try {
      action()
    } catch (error) {
      if (error instanceof EnvelopeError) return error
      throw error
    }
    throw new Error('expected an EnvelopeError')
  }

  describe('no error and no inspectable object carries key material or plaintext', () => {
    it('errors of every kind: message, stack, JSON, inspection and own properties', () => {
      const ring = memberRing()
      const sealer = new Sealer({ keyRing: ring, signingKey: signingKeyA, random: seededSource(41) })
      const envelope = sealer.seal(streamId, { sequence: 1, payload: plaintext })
      const opener = new Opener({ keyRing: ring, replayGuard: new ReplayGuard() })
      opener.open(streamId, envelope)
      const strangers = new KeyRing({ clusterId })
      strangers.addEpoch(1, clusterSecret1)
      const revoked = memberRing()
      revoked.revokeEpoch(1)
      const revokedWriter = memberRing()
      revokedWriter.revokeWriter(publicKeyA, { fromEpoch: 0 })
      const noKeys = new KeyRing({ clusterId })
      noKeys.addWriter(publicKeyA)
      const future = envelope.slice()
      future[0] = 7
      const { manifest, chunks } = sealSnapshot({
        keyRing: ring,
        signingKey: signingKeyA,
        streamId,
        index: 1,
        term: 1,
        data: plaintext,
        random: seededSource(42),
      })
      const verified = verifySnapshotManifest({ keyRing: ring, streamId, manifest })
      const errors = [
        capture(() => opener.open(streamId, envelope)),
        capture(() => opener.open(streamId, flipBit(envelope, 8 * 100))),
        capture(() => new Opener({ keyRing: strangers }).open(streamId, envelope)),
        capture(() => new Opener({ keyRing: revoked }).open(streamId, envelope)),
        capture(() => new Opener({ keyRing: revokedWriter }).open(streamId, envelope)),
        capture(() => new Opener({ keyRing: noKeys }).open(streamId, envelope)),
        capture(() => opener.open(streamId, future)),
        capture(() => opener.open(streamId, envelope.subarray(0, 50))),
        capture(() => openSnapshotChunk(ring, verified, 0, flipBit(chunks[0] as Uint8Array, 8 * 45))),
        capture(() =>
          verifySnapshotManifest({ keyRing: ring, streamId, manifest: flipBit(manifest, 8 * 80) }),
        ),
      ]
      const batchSealer = new BatchSealer({
        keyRing: ring,
        signingKey: signingKeyA,
        random: seededSource(43),
      })
      const batch = batchSealer.sealBatch(text('public header'), plaintext)
      const control = new ControlSigner({ clusterId, signingKey: signingKeyA }).signControl(text('control'))
      errors.push(
        capture(() => new BatchOpener({ keyRing: ring }).openBatch(flipBit(batch, 8 * 100))),
        capture(() => new BatchOpener({ keyRing: strangers }).openBatch(batch)),
        capture(() => new BatchOpener({ keyRing: revoked }).openBatch(batch)),
        capture(() => new BatchOpener({ keyRing: noKeys }).openBatch(batch)),
        capture(() => new BatchVerifier({ keyRing: ring }).verifyBatch(batch.subarray(0, 90))),
        capture(() => new ControlVerifier({ clusterId }).verifyControl(flipBit(control, 8 * 42))),
      )
      expect(new Set(errors.map((e) => e.code))).toEqual(
        new Set([
          'ENVELOPE_REPLAYED',
          'ENVELOPE_TAMPERED',
          'ENVELOPE_UNKNOWN_WRITER',
          'ENVELOPE_REVOKED_KEY',
          'ENVELOPE_UNKNOWN_EPOCH',
          'ENVELOPE_UNSUPPORTED_VERSION',
          'ENVELOPE_MALFORMED',
        ]),
      )
      for (const error of errors) {
        const rendered = [
          error.message,
          error.stack ?? '',
          JSON.stringify(error),
          inspect(error, { depth: 5 }),
        ].join('\n')
        expect(leaks(rendered), `${error.code}: ${error.message}`).toEqual([])
        for (const value of Object.values(error)) expect(value instanceof Uint8Array, error.code).toBe(false)
        expect(error.cause, error.code).toBeUndefined()
      }
    })

    it('logging a key ring, a sealer, an opener or a control signer shows no secret', () => {
      const ring = memberRing()
      const sealer = new Sealer({ keyRing: ring, signingKey: signingKeyA })
      const opener = new Opener({ keyRing: ring })
      const batchSealer = new BatchSealer({ keyRing: ring, signingKey: signingKeyA })
      const batchOpener = new BatchOpener({ keyRing: ring })
      const controlSigner = new ControlSigner({ clusterId, signingKey: signingKeyA })
      for (const object of [ring, sealer, opener, batchSealer, batchOpener, controlSigner]) {
        const rendered = `${inspect(object, { depth: 10, showHidden: true })}\n${JSON.stringify(object)}`
        expect(leaks(rendered)).toEqual([])
      }
    })
  })
})
