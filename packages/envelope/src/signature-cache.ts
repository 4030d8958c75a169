import { equalBytes } from './bytes.js'

/**
 * The last few (statement, signature) pairs that verified. The entries of a batch share one
 * statement and one signature, so when they are verified one by one after the split, only the
 * first pays for Ed25519; the rest match here byte for byte. Only exact matches count, and the
 * statement names the writer, so a hit proves exactly what the original verification proved.
 */
export class VerifiedSignatureCache {
  readonly #statements: Uint8Array[] = []
  readonly #signatures: Uint8Array[] = []
  readonly #capacity: number
  #next = 0

  constructor(capacity: number) {
    this.#capacity = capacity
  }

  has(statement: Uint8Array, signature: Uint8Array): boolean {
    // Most recent first: batches tend to arrive one after the other.
    for (let step = 1; step <= this.#statements.length; step++) {
      const slot = (this.#next - step + this.#capacity) % this.#capacity
      if (
        equalBytes(this.#signatures[slot] as Uint8Array, signature) &&
        equalBytes(this.#statements[slot] as Uint8Array, statement)
      ) {
        return true
      }
    }
    return false
  }

  add(statement: Uint8Array, signature: Uint8Array): void {
    if (this.#capacity === 0) return
    this.#statements[this.#next] = statement.slice()
    this.#signatures[this.#next] = signature.slice()
    this.#next = (this.#next + 1) % this.#capacity
  }
}
