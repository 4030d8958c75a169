import { describe, expect, it } from 'vitest'
import { StreamContext } from '../src/context.js'
import {
  MalformedEnvelopeError,
  ReplayedEntryError,
  RevokedKeyError,
  TamperedEntryError,
  UnknownEpochError,
  UnknownWriterError,
  UnsupportedVersionError,
} from '../src/errors.js'
import { deriveEpochDataKey } from '../src/keyring.js'
import { leafHash, MerkleTree, merkleHashByName } from '../src/merkle.js'
import { ReplayGuard } from '../src/replay.js'
import {
  clusterSecret1,
  clusterSecret2,
  entries,
  publicKeyA,
  publicKeyB,
  seededSource,
  signingKeyA,
  signingKeyB,
  streamId,
  text,
} from './helpers.js'
import { providers, withProvider } from './providers.js'

describe.each(providers)('$name provider', (provider) => {
  const { KeyRing, Sealer, Opener, Verifier, memberRing, replicaRing } = withProvider(provider)

  const payload = Uint8Array.of(7, 7, 7)
  const sealerA = (ring = memberRing()) =>
    new Sealer({ keyRing: ring, signingKey: signingKeyA, random: seededSource(31) })

  describe('rejections, each with its error', () => {
    it('wrong cluster: tampered (the cluster is bound into the signature and the AD)', () => {
      const envelope = sealerA().seal(streamId, { sequence: 1, payload })
      const otherCluster = new KeyRing({ clusterId: text('cluster-B') })
      otherCluster.addWriter(publicKeyA)
      otherCluster.addEpoch(1, clusterSecret1)
      expect(() => new Opener({ keyRing: otherCluster }).open(streamId, envelope)).toThrow(TamperedEntryError)
      expect(() => new Verifier({ keyRing: otherCluster }).verify(streamId, envelope)).toThrow(
        TamperedEntryError,
      )
    })

    it('wrong stream: tampered, alone and as a whole batch', () => {
      const sealed = sealerA().sealBatch(
        streamId,
        entries(4, () => 2),
      )
      const opener = new Opener({ keyRing: memberRing() })
      expect(() => opener.open(text('invoices'), sealed[2] as Uint8Array)).toThrow(TamperedEntryError)
      expect(() => opener.openBatch(text('invoices'), sealed)).toThrow(TamperedEntryError)
    })

    it('reordered sequence: a regression within a writer stream is rejected as a replay', () => {
      const sealed = sealerA().sealBatch(
        streamId,
        entries(3, () => 2),
      )
      const opener = new Opener({ keyRing: memberRing(), replayGuard: new ReplayGuard() })
      opener.open(streamId, sealed[0] as Uint8Array)
      opener.open(streamId, sealed[2] as Uint8Array) // a gap is allowed
      expect(() => opener.open(streamId, sealed[1] as Uint8Array)).toThrow(ReplayedEntryError)
    })

    it('reordered entries within a batch (leaf positions swapped) are rejected', () => {
      const sealed = sealerA().sealBatch(
        streamId,
        entries(4, () => 2),
      )
      const swapped = [sealed[1], sealed[0], sealed[2], sealed[3]] as Uint8Array[]
      expect(() => new Opener({ keyRing: memberRing() }).openBatch(streamId, swapped)).toThrow(
        MalformedEnvelopeError,
      )
    })

    it('a sequence number edited in place is tampered, even towards a fresh value', () => {
      const envelope = sealerA().seal(streamId, { sequence: 5, payload })
      const edited = envelope.slice()
      edited[47] = 6
      expect(() => new Opener({ keyRing: memberRing() }).open(streamId, edited)).toThrow(TamperedEntryError)
    })

    it('replay: the same entry twice, alone or as a batch, and after the guard is snapshotted and restored', () => {
      const sealed = sealerA().sealBatch(
        streamId,
        entries(3, () => 2),
      )
      const guard = new ReplayGuard()
      const opener = new Opener({ keyRing: memberRing(), replayGuard: guard })
      opener.openBatch(streamId, sealed)
      expect(() => opener.open(streamId, sealed[2] as Uint8Array)).toThrow(ReplayedEntryError)
      expect(() => opener.openBatch(streamId, sealed)).toThrow(ReplayedEntryError)
      const restored = ReplayGuard.restore(guard.snapshot())
      expect(restored.highestSequence(publicKeyA, streamId)).toBe(3)
      const later = new Opener({ keyRing: memberRing(), replayGuard: restored })
      expect(() => later.open(streamId, sealed[0] as Uint8Array)).toThrow(ReplayedEntryError)
      // The same sequence on another stream is not a replay.
      const elsewhere = sealerA().seal(text('other'), { sequence: 1, payload })
      expect(later.open(text('other'), elsewhere).sequence).toBe(1)
    })

    it('a failed open records nothing: a forged high sequence cannot block the genuine one', () => {
      const guard = new ReplayGuard()
      const opener = new Opener({ keyRing: memberRing(), replayGuard: guard })
      const genuine = sealerA().seal(streamId, { sequence: 10, payload })
      const forged = genuine.slice()
      forged[47] = 99
      expect(() => opener.open(streamId, forged)).toThrow(TamperedEntryError)
      expect(guard.highestSequence(publicKeyA, streamId)).toBeUndefined()
      expect(opener.open(streamId, genuine).sequence).toBe(10)
    })

    it('revoked epoch: rejected on the opener and on a keyless replica; the key is wiped', () => {
      const envelope = sealerA().seal(streamId, { sequence: 1, payload })
      const ring = memberRing()
      ring.revokeEpoch(1)
      expect(ring.hasDataKey(1)).toBe(false)
      expect(() => new Opener({ keyRing: ring }).open(streamId, envelope)).toThrow(RevokedKeyError)
      const replica = replicaRing()
      replica.revokeEpoch(1)
      expect(() => new Verifier({ keyRing: replica }).verify(streamId, envelope)).toThrow(RevokedKeyError)
      expect(() =>
        new Sealer({ keyRing: ring, signingKey: signingKeyA }).seal(streamId, { sequence: 2, payload }),
      ).toThrow(UnknownEpochError)
      expect(() => ring.addEpoch(1, clusterSecret1)).toThrow(RevokedKeyError)
    })

    it('rotation: new writes use the newest epoch, older epochs still open', () => {
      const ring = memberRing()
      const sealer = sealerA(ring)
      const old = sealer.seal(streamId, { sequence: 1, payload })
      ring.addEpoch(2, clusterSecret2)
      const fresh = sealer.seal(streamId, { sequence: 2, payload })
      const reader = memberRing()
      reader.addEpoch(2, clusterSecret2)
      const opener = new Opener({ keyRing: reader, replayGuard: new ReplayGuard() })
      expect(opener.open(streamId, old).epoch).toBe(1)
      expect(opener.open(streamId, fresh).epoch).toBe(2)
      // A reader without epoch 2's secret verifies the entry but cannot read it.
      expect(() => new Opener({ keyRing: memberRing() }).open(streamId, fresh)).toThrow(UnknownEpochError)
    })

    it('revoked writer: rejected from its revocation epoch on, earlier entries still open', () => {
      const ring = memberRing()
      ring.addEpoch(2, clusterSecret2)
      const sealer = sealerA(ring)
      const before = sealer.seal(streamId, { sequence: 1, payload }, { epoch: 1 })
      const after = sealer.seal(streamId, { sequence: 2, payload }, { epoch: 2 })
      ring.revokeWriter(publicKeyA, { fromEpoch: 2 })
      const opener = new Opener({ keyRing: ring })
      expect(opener.open(streamId, before).sequence).toBe(1)
      expect(() => opener.open(streamId, after)).toThrow(RevokedKeyError)
      expect(() => opener.openBatch(streamId, [after])).toThrow(RevokedKeyError)
      ring.revokeWriter(publicKeyA, { fromEpoch: 0 })
      expect(() => opener.open(streamId, before)).toThrow(RevokedKeyError)
      // A revocation only tightens.
      ring.revokeWriter(publicKeyA, { fromEpoch: 5 })
      expect(() => opener.open(streamId, before)).toThrow(RevokedKeyError)
    })

    it('unknown writer: rejected before any signature work', () => {
      const ring = new KeyRing({ clusterId: memberRing().clusterId })
      ring.addWriter(publicKeyB)
      ring.addEpoch(1, clusterSecret1)
      const envelope = sealerA().seal(streamId, { sequence: 1, payload })
      expect(() => new Opener({ keyRing: ring }).open(streamId, envelope)).toThrow(UnknownWriterError)
      expect(() => new Verifier({ keyRing: ring }).verifyBatch(streamId, [envelope])).toThrow(
        UnknownWriterError,
      )
    })

    it('revoking a key that was never registered does not make it a member below its revocation point', () => {
      const ring = new KeyRing({ clusterId: memberRing().clusterId })
      ring.addEpoch(1, clusterSecret1)
      ring.revokeWriter(publicKeyA, { fromEpoch: 5 })
      const envelope = sealerA().seal(streamId, { sequence: 1, payload })
      expect(ring.writerStanding(publicKeyA, 1)).toBe('unknown')
      expect(ring.writerStanding(publicKeyA, 5)).toBe('revoked')
      expect(() => new Opener({ keyRing: ring }).open(streamId, envelope)).toThrow(UnknownWriterError)
      // Registering it later keeps the revocation.
      ring.addWriter(publicKeyA)
      expect(ring.writerStanding(publicKeyA, 1)).toBe('member')
      expect(ring.writerStanding(publicKeyA, 6)).toBe('revoked')
    })

    it('a member cannot pass its entry off as another writer (writer field swapped)', () => {
      const envelope = new Sealer({ keyRing: memberRing(), signingKey: signingKeyB }).seal(streamId, {
        sequence: 1,
        payload,
      })
      const impersonating = envelope.slice()
      impersonating.set(publicKeyA, 8)
      expect(() => new Opener({ keyRing: memberRing() }).open(streamId, impersonating)).toThrow(
        TamperedEntryError,
      )
    })

    it('a member cannot graft its own entry into another writer batch', () => {
      const batchA = sealerA().sealBatch(
        streamId,
        entries(2, () => 2),
      )
      const fromB = new Sealer({ keyRing: memberRing(), signingKey: signingKeyB }).sealBatch(
        streamId,
        entries(2, () => 2),
      )
      expect(() =>
        new Verifier({ keyRing: replicaRing() }).verifyBatch(streamId, [batchA[0], fromB[1]] as Uint8Array[]),
      ).toThrow(MalformedEnvelopeError)
    })

    it('an unsupported version and a truncated envelope get their errors', () => {
      const envelope = sealerA().seal(streamId, { sequence: 1, payload })
      const future = envelope.slice()
      future[0] = 2
      const opener = new Opener({ keyRing: memberRing() })
      expect(() => opener.open(streamId, future)).toThrow(UnsupportedVersionError)
      expect(() => opener.open(streamId, envelope.subarray(0, envelope.length - 1))).toThrow(
        MalformedEnvelopeError,
      )
      expect(() => opener.open(streamId, new Uint8Array(0))).toThrow(MalformedEnvelopeError)
    })

    it('a partial batch is not a whole batch (but each entry still verifies alone)', () => {
      const sealed = sealerA().sealBatch(
        streamId,
        entries(4, () => 2),
      )
      const verifier = new Verifier({ keyRing: replicaRing() })
      expect(() => verifier.verifyBatch(streamId, sealed.slice(0, 3))).toThrow(MalformedEnvelopeError)
      expect(() => verifier.verifyBatch(streamId, [])).toThrow(MalformedEnvelopeError)
      for (const envelope of sealed.slice(0, 3)) expect(verifier.verify(streamId, envelope).batchSize).toBe(4)
    })
  })

  describe('configuration', () => {
    it('refuses nonsensical limits and ids', () => {
      expect(() => new Opener({ keyRing: memberRing(), limits: { payloadBytesMax: 0 } })).toThrow(RangeError)
      expect(() => new Opener({ keyRing: memberRing(), limits: { proofDepthMax: 33 } })).toThrow(RangeError)
      expect(
        () => new Opener({ keyRing: memberRing(), limits: { proofDepthMax: 4, batchEntriesMax: 17 } }),
      ).toThrow(RangeError)
      expect(() => new KeyRing({ clusterId: new Uint8Array(256) })).toThrow(TypeError)
      expect(() => memberRing().addEpoch(2, new Uint8Array(31))).toThrow(TypeError)
      expect(() => memberRing().addEpoch(2 ** 32, clusterSecret2)).toThrow(RangeError)
      expect(() => sealerA().seal(new Uint8Array(256), { sequence: 1, payload })).toThrow(TypeError)
      expect(() => new KeyRing({ clusterId: text('c') }).currentEpoch()).toThrow(UnknownEpochError)
    })

    it('a decoder with a smaller batch limit rejects larger batches as malformed', () => {
      const sealed = sealerA().sealBatch(
        streamId,
        entries(9, () => 1),
      )
      const strict = new Verifier({
        keyRing: replicaRing(),
        limits: { batchEntriesMax: 8, proofDepthMax: 3 },
      })
      expect(() => strict.verify(streamId, sealed[0] as Uint8Array)).toThrow(MalformedEnvelopeError)
    })
  })

  describe('a malicious writer', () => {
    it('signing a batch that repeats a sequence number gets a replay error on a guarded opener', () => {
      // Re-sign a batch by hand (the Sealer refuses to build it): entry 2 claims sequence 1 again.
      const sealed = sealerA()
        .sealBatch(
          streamId,
          entries(2, () => 1),
        )
        .map((e) => e.slice())
      const second = sealed[1] as Uint8Array
      second.set([0, 0, 0, 0, 0, 0, 0, 1], 40)
      const context = new StreamContext(memberRing().clusterId, streamId)
      const dataKey = deriveEpochDataKey(clusterSecret1, memberRing().clusterId, 1, provider)
      provider.xchacha20poly1305.encrypt(
        dataKey,
        second.subarray(56, 80),
        context.associatedData(second),
        Uint8Array.of(1),
        second.subarray(84, 84 + 17),
      )
      const sha256 = merkleHashByName(provider, 'sha256')
      const leaves = new Uint8Array(64)
      sealed.forEach((envelope, i) => {
        leaves.set(leafHash(sha256, envelope.subarray(0, envelope.length - 64 - 32)), i * 32)
      })
      const tree = new MerkleTree(sha256, leaves, 2)
      const statement = new StreamContext(memberRing().clusterId, streamId).statement(
        1,
        1,
        publicKeyA,
        2,
        tree.root,
      )
      const signature = provider.ed25519Signer(signingKeyA).sign(statement)
      sealed.forEach((envelope, i) => {
        envelope.set(signature, envelope.length - 96)
        tree.writeProof(i, new DataView(envelope.buffer, envelope.byteOffset), envelope.length - 32)
      })
      expect(new Opener({ keyRing: memberRing() }).openBatch(streamId, sealed)).toHaveLength(2)
      expect(() =>
        new Opener({ keyRing: memberRing(), replayGuard: new ReplayGuard() }).openBatch(streamId, sealed),
      ).toThrow(ReplayedEntryError)
    })
  })
})
