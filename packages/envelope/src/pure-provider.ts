import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { blake3 } from '@noble/hashes/blake3.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { cryptoRandom } from '@tandem/base/system'
import { TAG_BYTES } from './constants.js'
import { pureEd25519Signer, pureEd25519Verify } from './ed25519.js'
import type { AeadCipher, CryptoProvider, PrefixedHash } from './provider.js'

function prefixedHash(hash: typeof sha256 | typeof blake3): PrefixedHash {
  const prefixByte = new Uint8Array(1)
  return (prefix, data, out, outOffset, dataLength = data.length) => {
    prefixByte[0] = prefix
    const input = dataLength === data.length ? data : data.subarray(0, dataLength)
    out.set(hash.create().update(prefixByte).update(input).digest(), outOffset)
  }
}

/**
 * The default provider: @noble/ciphers, @noble/hashes and @noble/ed25519, audited pure JavaScript
 * that runs anywhere (browsers, Deno, Bun, Node, the simulator), with randomness from the global
 * `crypto.getRandomValues`. About 20 µs per 1 KiB entry each way on a server core.
 *
 * @example
 * ```ts
 * const opener = new Opener({ keyRing: ring, cryptoProvider: pureCryptoProvider }) // the default anyway
 * ```
 */
export const pureCryptoProvider: CryptoProvider = Object.freeze({
  name: 'pure',
  xchacha20poly1305: Object.freeze<AeadCipher>({
    encrypt(key, nonce, associatedData, plaintext, out) {
      xchacha20poly1305(key, nonce, associatedData).encrypt(plaintext, out)
    },
    decrypt(key, nonce, associatedData, sealed, out) {
      if (sealed.length < TAG_BYTES) return false
      try {
        xchacha20poly1305(key, nonce, associatedData).decrypt(sealed, out)
        return true
      } catch {
        return false
      }
    },
  }),
  sha256Prefixed: prefixedHash(sha256),
  blake3Prefixed: prefixedHash(blake3),
  hkdfSha256: (inputKey, salt, info, length) => hkdf(sha256, inputKey, salt, info, length),
  ed25519Signer: pureEd25519Signer,
  ed25519Verify: pureEd25519Verify,
  randomBytes: cryptoRandom,
} satisfies CryptoProvider)
