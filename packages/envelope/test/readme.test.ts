import { describe, expect, it } from 'vitest'
import { generateSigningKey, KeyRing, Opener, Sealer, writerPublicKey } from '../src/index.js'
import { nodeCryptoProvider } from '../src/node/index.js'

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

  it('the Node provider, passed everywhere the cryptography is used, seals what the pure one opens', () => {
    const clusterId = new TextEncoder().encode('cluster-1')
    const stream = new TextEncoder().encode('orders')
    const signingKey = generateSigningKey()
    const cryptoProvider = nodeCryptoProvider
    const ring = new KeyRing({ clusterId, cryptoProvider })
    ring.addWriter(writerPublicKey(signingKey))
    ring.addEpoch(1, crypto.getRandomValues(new Uint8Array(32)))
    const sealer = new Sealer({ keyRing: ring, signingKey, cryptoProvider })
    const envelopes = sealer.sealBatch(stream, [{ sequence: 1, payload: new TextEncoder().encode('hi') }])
    expect(
      new TextDecoder().decode(
        new Opener({ keyRing: ring, cryptoProvider }).open(stream, envelopes[0]!).payload,
      ),
    ).toBe('hi')
    expect(new TextDecoder().decode(new Opener({ keyRing: ring }).open(stream, envelopes[0]!).payload)).toBe(
      'hi',
    )
  })
})
