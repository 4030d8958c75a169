import { describe, expect, it } from 'vitest'
import { generateSigningKey, KeyRing, Opener, Sealer, writerPublicKey } from '../src/index.js'

// The README's ten-line example, verbatim but for `console.log` → `expect`, so that it keeps running.
describe('README example', () => {
  it('seals and opens in ten lines', () => {
    const clusterId = new TextEncoder().encode('cluster-1')
    const stream = new TextEncoder().encode('orders')
    const signingKey = generateSigningKey() // the writer's Ed25519 seed
    const ring = new KeyRing({ clusterId })
    ring.addWriter(writerPublicKey(signingKey)) // every member knows the writers' public keys
    ring.addEpoch(1, crypto.getRandomValues(new Uint8Array(32))) // epoch 1's cluster secret
    const sealer = new Sealer({ keyRing: ring, signingKey })
    const envelopes = sealer.sealBatch(stream, [{ sequence: 1, payload: new TextEncoder().encode('hi') }])
    const { payload } = new Opener({ keyRing: ring }).open(stream, envelopes[0]!)
    expect(new TextDecoder().decode(payload)).toBe('hi')
  })
})
