import { assert, type CryptoRandom } from '@tandem/base'
import { cryptoRandom } from '@tandem/base/system'
import { SIGNING_KEY_BYTES } from './constants.js'
import type { CryptoProvider } from './provider.js'
import { pureCryptoProvider } from './pure-provider.js'

/**
 * A fresh 32-byte Ed25519 secret seed for a writer, from the given CSPRNG.
 *
 * @example
 * ```ts
 * const signingKey = generateSigningKey()
 * ```
 */
export function generateSigningKey(random: CryptoRandom = cryptoRandom): Uint8Array {
  const key = random(SIGNING_KEY_BYTES)
  assert(key.length === SIGNING_KEY_BYTES, 'the random source returned the wrong byte count')
  return key
}

/**
 * The 32-byte Ed25519 public key of a writer's secret seed: what key rings register.
 *
 * @example
 * ```ts
 * ring.addWriter(writerPublicKey(signingKey))
 * writerPublicKey(signingKey, nodeCryptoProvider) // the same 32 bytes, computed natively
 * ```
 */
export function writerPublicKey(
  signingKey: Uint8Array,
  cryptoProvider: CryptoProvider = pureCryptoProvider,
): Uint8Array {
  return cryptoProvider.ed25519Signer(signingKey).publicKey.slice()
}
