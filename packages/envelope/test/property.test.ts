import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EnvelopeError } from '../src/errors.js'
import { ReplayGuard } from '../src/replay.js'
import { clusterId, sameBytes, seededSource, signingKeyA, streamId } from './helpers.js'
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
  } = withProvider(provider)

  // Property tests (seeded globally in vitest.setup.ts; fast-check prints seed and path on failure).
  describe('properties', () => {
    it('any batch round trips, whole and entry by entry in any order, on members and replicas', () => {
      fc.assert(
        fc.property(
          fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 40 }),
          fc.constantFrom('sha256' as const, 'blake3' as const),
          fc.nat(),
          (payloads, merkleHash, shuffleSeed) => {
            const sealer = new Sealer({
              keyRing: memberRing(),
              signingKey: signingKeyA,
              random: seededSource(7),
              merkleHash,
            })
            const sealed = sealer.sealBatch(
              streamId,
              payloads.map((payload, i) => ({ sequence: 10 + 2 * i, payload })),
            )
            const whole = new Opener({ keyRing: memberRing(), replayGuard: new ReplayGuard() }).openBatch(
              streamId,
              sealed,
            )
            whole.forEach((entry, i) => {
              expect(sameBytes(entry.payload, payloads[i])).toBe(true)
            })
            const order = sealed.map((_, i) => i)
            let state = shuffleSeed
            for (let i = order.length - 1; i > 0; i--) {
              state = (Math.imul(state, 1103515245) + 12345) >>> 0
              const j = state % (i + 1)
              ;[order[i], order[j]] = [order[j] as number, order[i] as number]
            }
            const opener = new Opener({ keyRing: memberRing() })
            const verifier = new Verifier({ keyRing: replicaRing() })
            for (const i of order) {
              expect(sameBytes(opener.open(streamId, sealed[i] as Uint8Array).payload, payloads[i])).toBe(
                true,
              )
              expect(verifier.verify(streamId, sealed[i] as Uint8Array).sequence).toBe(10 + 2 * i)
            }
          },
        ),
        { numRuns: 60 },
      )
    })

    it('any single-byte change to any entry of a batch is rejected, alone and as a whole batch', () => {
      const sealer = new Sealer({ keyRing: memberRing(), signingKey: signingKeyA, random: seededSource(8) })
      const sealed = sealer.sealBatch(
        streamId,
        Array.from({ length: 9 }, (_, i) => ({ sequence: i + 1, payload: new Uint8Array(i * 3) })),
      )
      const verifier = new Verifier({ keyRing: replicaRing() })
      fc.assert(
        fc.property(fc.nat(8), fc.nat(), fc.integer({ min: 1, max: 255 }), (index, at, xor) => {
          const envelope = (sealed[index] as Uint8Array).slice()
          const offset = at % envelope.length
          envelope[offset] = (envelope[offset] as number) ^ xor
          expect(() => verifier.verify(streamId, envelope)).toThrow(EnvelopeError)
          expect(() =>
            verifier.verifyBatch(
              streamId,
              sealed.map((e, i) => (i === index ? envelope : e)),
            ),
          ).toThrow(EnvelopeError)
        }),
        { numRuns: 300 },
      )
    })

    describe('sealed batches and control entries', () => {
      const sealer = new BatchSealer({
        keyRing: memberRing(),
        signingKey: signingKeyA,
        random: seededSource(9),
      })
      const opener = new BatchOpener({ keyRing: memberRing() })
      const verifier = new BatchVerifier({ keyRing: replicaRing() })
      const controlSigner = new ControlSigner({ clusterId, signingKey: signingKeyA })
      const controlVerifier = new ControlVerifier({ clusterId })

      it('any header and payload round trip; a keyless replica reads the same header', () => {
        fc.assert(
          fc.property(
            fc.uint8Array({ maxLength: 200 }),
            fc.uint8Array({ maxLength: 2000 }),
            (header, payload) => {
              const sealed = sealer.sealBatch(header, payload)
              const opened = opener.openBatch(sealed)
              expect(sameBytes(opened.header, header) && sameBytes(opened.payload, payload)).toBe(true)
              expect(sameBytes(verifier.verifyBatch(sealed).header, header)).toBe(true)
            },
          ),
          { numRuns: 60 },
        )
      })

      it('any change of any byte of a sealed batch is rejected, keyless and keyed', () => {
        const sealed = sealer.sealBatch(Uint8Array.of(1, 2, 3, 4, 5), new Uint8Array(40))
        fc.assert(
          fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, xor) => {
            const changed = sealed.slice()
            const offset = at % changed.length
            changed[offset] = (changed[offset] as number) ^ xor
            expect(() => verifier.verifyBatch(changed)).toThrow(EnvelopeError)
            expect(() => opener.openBatch(changed)).toThrow(EnvelopeError)
          }),
          { numRuns: 200 },
        )
      })

      it("any two batches with equal lengths: one's header with the other's ciphertext is rejected", () => {
        fc.assert(
          fc.property(
            fc.uint8Array({ minLength: 8, maxLength: 8 }),
            fc.uint8Array({ minLength: 8, maxLength: 8 }),
            fc.uint8Array({ minLength: 32, maxLength: 32 }),
            fc.uint8Array({ minLength: 32, maxLength: 32 }),
            (h1, h2, p1, p2) => {
              const a = sealer.sealBatch(h1, p1)
              const b = sealer.sealBatch(h2, p2)
              const spliced = a.slice()
              spliced.set(b.subarray(80, 80 + 48), 80) // b's ciphertext ‖ tag under a's header
              expect(() => verifier.verifyBatch(spliced)).toThrow(EnvelopeError)
              expect(() => opener.openBatch(spliced)).toThrow(EnvelopeError)
            },
          ),
          { numRuns: 40 },
        )
      })

      it('any control content round trips, and any changed byte is rejected', () => {
        fc.assert(
          fc.property(
            fc.uint8Array({ maxLength: 500 }),
            fc.nat(),
            fc.integer({ min: 1, max: 255 }),
            (content, at, xor) => {
              const entry = controlSigner.signControl(content)
              expect(sameBytes(controlVerifier.verifyControl(entry).content, content)).toBe(true)
              const offset = at % entry.length
              entry[offset] = (entry[offset] as number) ^ xor
              expect(() => controlVerifier.verifyControl(entry)).toThrow(EnvelopeError)
            },
          ),
          { numRuns: 100 },
        )
      })
    })
  })
})
