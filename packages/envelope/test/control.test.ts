import { describe, expect, it } from 'vitest'
import {
  EnvelopeError,
  MalformedEnvelopeError,
  TamperedEntryError,
  UnsupportedVersionError,
} from '../src/errors.js'
import {
  clusterId,
  flipBit,
  publicKeyA,
  publicKeyB,
  sameBytes,
  seededBytes,
  signingKeyA,
  signingKeyB,
  text,
} from './helpers.js'
import { providers, withProvider } from './providers.js'

describe.each(providers)('$name provider', (provider) => {
  const { ControlSigner, ControlVerifier, BatchVerifier, replicaRing } = withProvider(provider)
  const content = text('open incarnation 5f2c, expected 91aa')

  it('signs and verifies with public keys only; signer and content come back as views', () => {
    const entry = new ControlSigner({ clusterId, signingKey: signingKeyA }).signControl(content)
    expect(entry.length).toBe(104 + content.length)
    const verified = new ControlVerifier({ clusterId }).verifyControl(entry)
    expect(sameBytes(verified.signer, publicKeyA)).toBe(true)
    expect(sameBytes(verified.content, content)).toBe(true)
    expect(verified.content.buffer).toBe(entry.buffer)
    const byB = new ControlSigner({ clusterId, signingKey: signingKeyB }).signControl(content)
    expect(sameBytes(new ControlVerifier({ clusterId }).verifyControl(byB).signer, publicKeyB)).toBe(true)
  })

  it('the content is in plaintext, as the public layer needs', () => {
    const entry = new ControlSigner({ clusterId, signingKey: signingKeyA }).signControl(content)
    expect(Buffer.from(entry).indexOf(Buffer.from(content))).toBe(40)
  })

  it('empty and 1 MiB contents', () => {
    const signer = new ControlSigner({ clusterId, signingKey: signingKeyA })
    const verifier = new ControlVerifier({ clusterId })
    for (const bytes of [new Uint8Array(0), seededBytes(3, 1024 * 1024)]) {
      expect(sameBytes(verifier.verifyControl(signer.signControl(bytes)).content, bytes)).toBe(true)
    }
  })

  it('Ed25519 is deterministic: the same content signs to the same bytes', () => {
    const signer = new ControlSigner({ clusterId, signingKey: signingKeyA })
    expect(sameBytes(signer.signControl(content), signer.signControl(content))).toBe(true)
  })

  it('every single-bit flip is a typed error; flips of the signer, content or signature fail the signature', () => {
    const small = text('fold 3 runs')
    const entry = new ControlSigner({ clusterId, signingKey: signingKeyA }).signControl(small)
    const verifier = new ControlVerifier({ clusterId, signatureCacheEntries: 0 })
    for (let bit = 0; bit < entry.length * 8; bit++) {
      let caught: unknown
      try {
        verifier.verifyControl(flipBit(entry, bit))
      } catch (error) {
        caught = error
      }
      expect(caught, `bit ${bit} accepted`).toBeInstanceOf(EnvelopeError)
      const byte = bit >>> 3
      if ((byte >= 4 && byte < 36) || byte >= 40)
        expect(caught, `bit ${bit}`).toBeInstanceOf(TamperedEntryError)
    }
  })

  it('bound to its cluster', () => {
    const entry = new ControlSigner({ clusterId, signingKey: signingKeyA }).signControl(content)
    expect(() => new ControlVerifier({ clusterId: text('cluster-B') }).verifyControl(entry)).toThrow(
      TamperedEntryError,
    )
  })

  it('a control entry is not a sealed batch, and a sealed batch not a control entry', () => {
    const entry = new ControlSigner({ clusterId, signingKey: signingKeyA }).signControl(content)
    expect(() => new BatchVerifier({ keyRing: replicaRing() }).verifyBatch(entry)).toThrow(
      MalformedEnvelopeError,
    )
  })

  it('structure and limits: version, reserved bytes, length, content limit on both sides', () => {
    const entry = new ControlSigner({ clusterId, signingKey: signingKeyA }).signControl(content)
    const verifier = new ControlVerifier({ clusterId })
    const withByte = (at: number, value: number) => {
      const out = entry.slice()
      out[at] = value
      return out
    }
    expect(() => verifier.verifyControl(withByte(0, 0))).toThrow(UnsupportedVersionError)
    expect(() => verifier.verifyControl(withByte(1, 4))).toThrow(MalformedEnvelopeError)
    expect(() => verifier.verifyControl(withByte(2, 1))).toThrow(MalformedEnvelopeError)
    expect(() => verifier.verifyControl(entry.subarray(1))).toThrow(EnvelopeError)
    expect(() => verifier.verifyControl('bytes' as unknown as Uint8Array)).toThrow(MalformedEnvelopeError)
    const strict = new ControlVerifier({ clusterId, limits: { controlContentBytesMax: content.length - 1 } })
    expect(() => strict.verifyControl(entry)).toThrow(MalformedEnvelopeError)
    const signer = new ControlSigner({
      clusterId,
      signingKey: signingKeyA,
      limits: { controlContentBytesMax: 3 },
    })
    expect(() => signer.signControl(content)).toThrow(RangeError)
  })
})
