import { describe, expect, it } from 'vitest'
import { EnvelopeError } from '../src/errors.js'
import { decodeControl } from '../src/format/control.js'
import { decodeSealedBatch } from '../src/format/sealed-batch.js'
import { decodeChunk, decodeManifest } from '../src/format/snapshot.js'
import { inspectEnvelope } from '../src/inspect.js'
import { defaultLimits } from '../src/limits.js'
import { ReplayGuard } from '../src/replay.js'
import { verifySnapshotChunk } from '../src/snapshot.js'
import {
  clusterId,
  entries,
  publicKeyA,
  seededBytes,
  seededRandom,
  seededSource,
  signingKeyA,
  streamId,
} from './helpers.js'
import { providers, withProvider } from './providers.js'

describe.each(providers)('$name provider', (provider) => {
  const {
    Sealer,
    Opener,
    Verifier,
    BatchSealer,
    BatchOpener,
    BatchVerifier,
    ControlSigner,
    ControlVerifier,
    memberRing,
    replicaRing,
    sealSnapshot,
    verifySnapshotManifest,
  } = withProvider(provider)

  const seed = Number(process.env.TANDEM_SEED ?? 20261122)

  /** Mutates `valid` in one of several structure-aware ways, or returns noise. */
  function mutator(random: () => number) {
    const pick = (n: number) => random() % n
    return (valid: Uint8Array): Uint8Array => {
      switch (pick(8)) {
        case 0: {
          // Pure noise of a random length, version byte often right so decoding goes deeper.
          const out = new Uint8Array(pick(valid.length * 2 + 8))
          for (let i = 0; i < out.length; i++) out[i] = random() & 0xff
          if (out.length > 0 && pick(2) === 0) out[0] = 1
          return out
        }
        case 1:
          return valid.subarray(0, pick(valid.length + 1))
        case 2: {
          const out = new Uint8Array(valid.length + 1 + pick(64))
          out.set(valid)
          return out
        }
        case 3: {
          // Overwrite a 4-byte field at a random offset with an extreme value.
          const out = valid.slice()
          const at = pick(Math.max(1, out.length - 4))
          const extremes = [0, 1, 0xff, 0x7f, 0x80]
          for (let i = 0; i < 4 && at + i < out.length; i++)
            out[at + i] = extremes[pick(extremes.length)] as number
          return out
        }
        case 4: {
          const out = valid.slice()
          for (let n = 1 + pick(8); n > 0; n--) out[pick(out.length)] = random() & 0xff
          return out
        }
        case 5: {
          const out = valid.slice()
          out[pick(Math.min(out.length, 90))] = random() & 0xff // header bytes
          return out
        }
        case 6: {
          const out = valid.slice()
          const bit = pick(out.length * 8)
          out[bit >>> 3] = (out[bit >>> 3] as number) ^ (1 << (bit & 7))
          return out
        }
        default:
          return valid
      }
    }
  }

  /** Calls `decode`; returns normally on success or a typed error, and fails the test on anything else. */
  function expectTyped(decode: () => unknown, label: string): void {
    try {
      decode()
    } catch (error) {
      if (!(error instanceof EnvelopeError)) {
        expect.fail(`${label}: untyped ${String(error)}`)
      }
    }
  }

  describe('decoder fuzzing: no crash, no hang, a typed error', () => {
    const sealer = new Sealer({ keyRing: memberRing(), signingKey: signingKeyA, random: seededSource(61) })
    const envelopes = [
      sealer.seal(streamId, { sequence: 1, payload: new Uint8Array(0) }),
      ...sealer.sealBatch(
        streamId,
        entries(13, (i) => i * 5),
      ),
    ]
    const snapshot = sealSnapshot({
      keyRing: memberRing(),
      signingKey: signingKeyA,
      streamId,
      index: 3,
      term: 2,
      data: new Uint8Array(200),
      chunkBytes: 64,
      random: seededSource(62),
    })
    const guard = new ReplayGuard()
    guard.record(publicKeyA, streamId, 17)
    guard.record(publicKeyA, new Uint8Array(0), 2 ** 40)
    const replaySnapshot = guard.snapshot()

    it(`envelope header decoder: 60,000 inputs (seed ${seed})`, () => {
      const random = seededRandom(seed)
      const mutate = mutator(random)
      let accepted = 0
      for (let i = 0; i < 60_000; i++) {
        const input = mutate(envelopes[i % envelopes.length] as Uint8Array)
        expectTyped(() => {
          inspectEnvelope(input)
          accepted++
        }, `seed ${seed} input ${i}`)
      }
      // The mutator leaves a share of inputs intact, so the decoder must accept some: not a vacuous run.
      expect(accepted, `seed ${seed}`).toBeGreaterThan(1000)
    })

    it(`manifest, chunk and replay-snapshot decoders: 45,000 inputs (seed ${seed})`, () => {
      const random = seededRandom(seed + 1)
      const mutate = mutator(random)
      const verified = verifySnapshotManifest({
        keyRing: replicaRing(),
        streamId,
        manifest: snapshot.manifest,
      })
      for (let i = 0; i < 15_000; i++) {
        const manifest = mutate(snapshot.manifest)
        expectTyped(() => decodeManifest(manifest, defaultLimits), `seed ${seed + 1} manifest ${i}`)
        const chunkIndex = i % snapshot.chunks.length
        const chunk = mutate(snapshot.chunks[chunkIndex] as Uint8Array)
        expectTyped(() => decodeChunk(chunk, chunkIndex === 3 ? 8 : 64), `seed ${seed + 1} chunk ${i}`)
        expectTyped(() => verifySnapshotChunk(verified, chunkIndex, chunk), `seed ${seed + 1} chunk ${i}`)
        const replay = mutate(replaySnapshot)
        expectTyped(() => ReplayGuard.restore(replay), `seed ${seed + 1} replay ${i}`)
      }
    })

    it(`full open and verify paths (signatures included): 3,000 inputs (seed ${seed})`, () => {
      const random = seededRandom(seed + 2)
      const mutate = mutator(random)
      const opener = new Opener({ keyRing: memberRing() })
      const verifier = new Verifier({ keyRing: replicaRing() })
      for (let i = 0; i < 1_500; i++) {
        const input = mutate(envelopes[i % envelopes.length] as Uint8Array)
        expectTyped(() => opener.open(streamId, input), `seed ${seed + 2} open ${i}`)
        expectTyped(() => verifier.verify(streamId, input), `seed ${seed + 2} verify ${i}`)
      }
      for (let i = 0; i < 300; i++) {
        const manifest = mutate(snapshot.manifest)
        expectTyped(
          () => verifySnapshotManifest({ keyRing: replicaRing(), streamId, manifest }),
          `seed ${seed + 2} manifest ${i}`,
        )
      }
    })

    const batchSealer = new BatchSealer({
      keyRing: memberRing(),
      signingKey: signingKeyA,
      random: seededSource(63),
    })
    const sealedBatches = [
      batchSealer.sealBatch(new Uint8Array(0), new Uint8Array(0)),
      batchSealer.sealBatch(seededBytes(64, 30), seededBytes(65, 200)),
      batchSealer.sealBatch(seededBytes(66, 3), seededBytes(67, 1)),
    ]
    const controlSigner = new ControlSigner({ clusterId, signingKey: signingKeyA })
    const controlEntries = [
      controlSigner.signControl(new Uint8Array(0)),
      controlSigner.signControl(seededBytes(68, 150)),
    ]

    it(`sealed-batch and control-entry decoders: 120,000 inputs (seed ${seed})`, () => {
      const random = seededRandom(seed + 3)
      const mutate = mutator(random)
      let accepted = 0
      for (let i = 0; i < 60_000; i++) {
        const batch = mutate(sealedBatches[i % sealedBatches.length] as Uint8Array)
        expectTyped(
          () => {
            decodeSealedBatch(batch, defaultLimits)
            accepted++
          },
          `seed ${seed + 3} batch ${i}`,
        )
        const control = mutate(controlEntries[i % controlEntries.length] as Uint8Array)
        expectTyped(
          () => {
            decodeControl(control, defaultLimits)
            accepted++
          },
          `seed ${seed + 3} control ${i}`,
        )
      }
      expect(accepted, `seed ${seed + 3}`).toBeGreaterThan(2000)
    })

    it(`sealed-batch and control-entry verification (signatures included): 3,000 inputs (seed ${seed})`, () => {
      const random = seededRandom(seed + 4)
      const mutate = mutator(random)
      const opener = new BatchOpener({ keyRing: memberRing() })
      const verifier = new BatchVerifier({ keyRing: replicaRing() })
      const controlVerifier = new ControlVerifier({ clusterId })
      for (let i = 0; i < 1_000; i++) {
        const batch = mutate(sealedBatches[i % sealedBatches.length] as Uint8Array)
        expectTyped(() => opener.openBatch(batch), `seed ${seed + 4} open ${i}`)
        expectTyped(() => verifier.verifyBatch(batch), `seed ${seed + 4} verify ${i}`)
        const control = mutate(controlEntries[i % controlEntries.length] as Uint8Array)
        expectTyped(() => controlVerifier.verifyControl(control), `seed ${seed + 4} control ${i}`)
      }
    })

    it('rejects non-Uint8Array input with a typed error', () => {
      for (const bad of [undefined, null, 'text', 42, {}, [1, 2, 3]]) {
        expectTyped(() => inspectEnvelope(bad as unknown as Uint8Array), `input ${String(bad)}`)
        expect(() => inspectEnvelope(bad as unknown as Uint8Array)).toThrow(EnvelopeError)
        const asBytes = bad as unknown as Uint8Array
        expect(() => new BatchVerifier({ keyRing: replicaRing() }).verifyBatch(asBytes)).toThrow(
          EnvelopeError,
        )
        expect(() => new ControlVerifier({ clusterId }).verifyControl(asBytes)).toThrow(EnvelopeError)
      }
    })
  })
})
