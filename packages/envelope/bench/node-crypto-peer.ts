import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto'

/**
 * The peer: node:crypto's native (OpenSSL) ChaCha20-Poly1305 doing the encryption part alone —
 * one fresh cipher object and one random 96-bit nonce per entry, associated data of the size our
 * envelopes bind, exactly what an application sealing entries with node:crypto would do.
 */
export interface NativeSealed {
  readonly nonce: Buffer
  readonly ciphertext: Buffer
  readonly tag: Buffer
}

export function nativeSealAll(key: Buffer, ad: Buffer, payloads: readonly Uint8Array[]): NativeSealed[] {
  const nonces = randomFillSync(Buffer.alloc(12 * payloads.length))
  const out: NativeSealed[] = new Array(payloads.length)
  for (let i = 0; i < payloads.length; i++) {
    const payload = payloads[i] as Uint8Array
    const nonce = nonces.subarray(i * 12, i * 12 + 12)
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
    cipher.setAAD(ad, { plaintextLength: payload.length })
    const ciphertext = Buffer.concat([cipher.update(payload), cipher.final()])
    out[i] = { nonce, ciphertext, tag: cipher.getAuthTag() }
  }
  return out
}

export function nativeOpenAll(key: Buffer, ad: Buffer, sealed: readonly NativeSealed[]): Buffer[] {
  const out: Buffer[] = new Array(sealed.length)
  for (let i = 0; i < sealed.length; i++) {
    const { nonce, ciphertext, tag } = sealed[i] as NativeSealed
    const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
    decipher.setAAD(ad, { plaintextLength: ciphertext.length })
    decipher.setAuthTag(tag)
    out[i] = Buffer.concat([decipher.update(ciphertext), decipher.final()])
  }
  return out
}
