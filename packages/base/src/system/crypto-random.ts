import type { CryptoRandom } from '../random.js'

interface WebCryptoLike {
  getRandomValues(array: Uint8Array): Uint8Array
}

/** Web Crypto's `getRandomValues` caps one call at 65,536 bytes. */
const webCryptoCallBytesMax = 65_536

/**
 * The platform's secure random bytes: the standard global `crypto.getRandomValues` (Node ≥ 19,
 * browsers, Deno, Bun). Throws when the platform has none, rather than falling back to anything weak.
 */
export const cryptoRandom: CryptoRandom = (length) => {
  const webCrypto = (globalThis as { crypto?: WebCryptoLike }).crypto
  if (webCrypto === undefined || typeof webCrypto.getRandomValues !== 'function') {
    throw new Error('no crypto.getRandomValues on this platform: pass a CryptoRandom explicitly')
  }
  const out = new Uint8Array(length)
  for (let offset = 0; offset < length; offset += webCryptoCallBytesMax) {
    webCrypto.getRandomValues(out.subarray(offset, Math.min(length, offset + webCryptoCallBytesMax)))
  }
  return out
}
