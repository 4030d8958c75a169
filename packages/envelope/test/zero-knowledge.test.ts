import { describe, expect, it } from 'vitest'
import { UnknownEpochError } from '../src/errors.js'
import { ReplayGuard } from '../src/replay.js'
import { entries, sameBytes, seededSource, signingKeyA, signingKeyB, streamId } from './helpers.js'
import { providers, withProvider } from './providers.js'

describe.each(providers)('$name provider', (provider) => {
  const { Sealer, Opener, Verifier, memberRing, replicaRing } = withProvider(provider)

  describe('zero-knowledge replica mode', () => {
    it('a replica with public keys only verifies, stores and forwards; members downstream open', () => {
      const batchA = new Sealer({
        keyRing: memberRing(),
        signingKey: signingKeyA,
        random: seededSource(51),
      }).sealBatch(
        streamId,
        entries(20, (i) => i * 3, 5),
      )
      const batchB = new Sealer({
        keyRing: memberRing(),
        signingKey: signingKeyB,
        random: seededSource(52),
      }).sealBatch(
        streamId,
        entries(7, () => 9, 6),
      )
      const replica = replicaRing()
      expect(replica.hasDataKey(1)).toBe(false)
      const verifier = new Verifier({ keyRing: replica, replayGuard: new ReplayGuard() })
      const stored: Uint8Array[] = []
      for (const envelope of [...batchA, ...batchB]) {
        verifier.verify(streamId, envelope)
        stored.push(envelope.slice()) // the replica keeps opaque bytes
      }
      // The replica holds no key: opening fails with UnknownEpochError, after authentication succeeded.
      expect(() => new Opener({ keyRing: replica }).open(streamId, stored[0] as Uint8Array)).toThrow(
        UnknownEpochError,
      )
      // Forwarded bytes open on a member, entry by entry, exactly as sealed.
      const member = new Opener({ keyRing: memberRing(), replayGuard: new ReplayGuard() })
      const expected = [...entries(20, (i) => i * 3, 5), ...entries(7, () => 9, 6)]
      stored.forEach((envelope, i) => {
        expect(sameBytes(member.open(streamId, envelope).payload, expected[i]?.payload), `entry ${i}`).toBe(
          true,
        )
      })
    })

    it('a replica ring never needs a data key: its Verifier takes only the public interface', () => {
      const publicOnly = {
        clusterId: memberRing().clusterId,
        writerStanding: (publicKey: Uint8Array, epoch: number) =>
          replicaRing().writerStanding(publicKey, epoch),
        isEpochRevoked: () => false,
      }
      const envelope = new Sealer({ keyRing: memberRing(), signingKey: signingKeyA }).seal(streamId, {
        sequence: 1,
        payload: new Uint8Array(10),
      })
      expect(new Verifier({ keyRing: publicOnly }).verify(streamId, envelope).payloadBytes).toBe(10)
    })
  })
})
