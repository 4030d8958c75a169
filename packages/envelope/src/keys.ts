import { SIGNING_KEY_BYTES } from './constants.js'
import type { CryptoProvider } from './provider.js'
import { pureCryptoProvider } from './pure-provider.js'
import { type RandomSource, webCryptoRandom } from './random.js'

/** A fresh 32-byte Ed25519 secret seed for a writer, from the given CSPRNG. */
export function generateSigningKey(random: RandomSource = webCryptoRandom): Uint8Array {
  const key = random(SIGNING_KEY_BYTES)
  if (key.length !== SIGNING_KEY_BYTES) throw new Error('random source returned the wrong number of bytes')
  return key
}

/** The 32-byte Ed25519 public key of a writer's secret seed: what key rings register. */
export function writerPublicKey(
  signingKey: Uint8Array,
  cryptoProvider: CryptoProvider = pureCryptoProvider,
): Uint8Array {
  return cryptoProvider.ed25519Signer(signingKey).publicKey.slice()
}
