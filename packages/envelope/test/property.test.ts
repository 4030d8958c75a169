import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EnvelopeError } from '../src/errors.js'
import { ReplayGuard } from '../src/replay.js'
import { sameBytes, seededSource, signingKeyA, streamId } from './helpers.js'
import { providers, withProvider } from './providers.js'

describe.each(providers)('$name provider', (provider) => {
  const { Sealer, Opener, Verifier, memberRing, replicaRing } = withProvider(provider)

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
  })
})
