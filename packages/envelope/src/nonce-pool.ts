import { assert, type CryptoRandom } from '@tandem/base'

/**
 * Draws nonces from the random source in blocks, so that sealing a batch costs one call to the
 * source per `noncesPerDraw` entries instead of one per entry.
 */
export class NoncePool {
  readonly #random: CryptoRandom
  readonly #nonceBytes: number
  readonly #noncesPerDraw: number
  #pool: Uint8Array = new Uint8Array(0)
  #offset = 0

  constructor(random: CryptoRandom, nonceBytes: number, noncesPerDraw = 256) {
    this.#random = random
    this.#nonceBytes = nonceBytes
    this.#noncesPerDraw = noncesPerDraw
  }

  /** Copies the next fresh nonce into `target` at `offset`. Every nonce is used exactly once. */
  take(target: Uint8Array, offset: number): void {
    if (this.#offset + this.#nonceBytes > this.#pool.length) {
      const wanted = this.#nonceBytes * this.#noncesPerDraw
      const drawn = this.#random(wanted)
      // An injected source that returns the wrong number of bytes is a bug, never input.
      assert(
        drawn instanceof Uint8Array && drawn.length === wanted,
        'the random source returned the wrong byte count',
      )
      this.#pool = drawn
      this.#offset = 0
    }
    // A byte loop: a subarray for `set` and a `fill` call cost more than copying 24 bytes.
    const pool = this.#pool
    const start = this.#offset
    for (let i = 0; i < this.#nonceBytes; i++) {
      target[offset + i] = pool[start + i] as number
      // Wipe what was handed out so a nonce can never be handed out twice, even after a bug.
      pool[start + i] = 0
    }
    this.#offset = start + this.#nonceBytes
  }
}
