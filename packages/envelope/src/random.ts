/**
 * A cryptographically secure random source: returns `length` fresh random bytes. Injected so that
 * the package reads no ambient randomness; tests and the simulator pass a seeded one.
 */
export type RandomSource = (length: number) => Uint8Array

interface WebCryptoLike {
  getRandomValues(array: Uint8Array): Uint8Array
}

/** Web Crypto's `getRandomValues` caps one call at 65,536 bytes. */
const webCryptoCallBytesMax = 65_536

/**
 * The default source at the edge: the standard global `crypto.getRandomValues` (Node ≥ 19,
 * browsers, Deno, Bun). Throws when the platform has none, rather than falling back to anything weak.
 */
export const webCryptoRandom: RandomSource = (length) => {
  const webCrypto = (globalThis as { crypto?: WebCryptoLike }).crypto
  if (webCrypto === undefined || typeof webCrypto.getRandomValues !== 'function') {
    throw new Error('no crypto.getRandomValues on this platform: pass a RandomSource explicitly')
  }
  const out = new Uint8Array(length)
  for (let offset = 0; offset < length; offset += webCryptoCallBytesMax) {
    webCrypto.getRandomValues(out.subarray(offset, Math.min(length, offset + webCryptoCallBytesMax)))
  }
  return out
}

/**
 * Draws nonces from the random source in blocks, so that sealing a batch costs one call to the
 * source per `noncesPerDraw` entries instead of one per entry.
 */
export class NoncePool {
  readonly #random: RandomSource
  readonly #nonceBytes: number
  readonly #noncesPerDraw: number
  #pool: Uint8Array = new Uint8Array(0)
  #offset = 0

  constructor(random: RandomSource, nonceBytes: number, noncesPerDraw = 256) {
    this.#random = random
    this.#nonceBytes = nonceBytes
    this.#noncesPerDraw = noncesPerDraw
  }

  /** Copies the next fresh nonce into `target` at `offset`. Every nonce is used exactly once. */
  take(target: Uint8Array, offset: number): void {
    if (this.#offset + this.#nonceBytes > this.#pool.length) {
      const wanted = this.#nonceBytes * this.#noncesPerDraw
      const drawn = this.#random(wanted)
      if (!(drawn instanceof Uint8Array) || drawn.length !== wanted) {
        throw new Error(`random source returned ${drawn.length} bytes, ${wanted} expected`)
      }
      this.#pool = drawn
      this.#offset = 0
    }
    target.set(this.#pool.subarray(this.#offset, this.#offset + this.#nonceBytes), offset)
    // Wipe what was handed out so a nonce can never be handed out twice, even after a bug.
    this.#pool.fill(0, this.#offset, this.#offset + this.#nonceBytes)
    this.#offset += this.#nonceBytes
  }
}
