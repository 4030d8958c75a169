import { createRequire } from 'node:module'
import type { Sodium } from '../src/node/sodium.ts'

/**
 * The libsodium peer: the same sealing and signing work written by hand against `sodium-native`,
 * as a Node developer would — per entry a random 24-byte nonce, `crypto_aead_xchacha20poly1305_ietf`
 * into a fresh buffer and a SHA-256 leaf over `0x00 ‖ header ‖ ciphertext` (the envelope's own
 * leaf input, so the Merkle root is the same function of the same bytes); per batch a Merkle root
 * over the leaves (RFC 6962 shape, SHA-256 nodes) and one `crypto_sign_detached` over a statement
 * holding it. Opening recomputes the leaves and the root, verifies the signature and decrypts each
 * entry. No inclusion proofs, no replay or revocation checks, no format validation: this is the
 * floor a careful hand-written version would start from, not a full equivalent.
 */
const sodium = createRequire(import.meta.url)('sodium-native') as Sodium

const HEADER_BYTES = 84
const NONCE_OFFSET = 56
const TAG_BYTES = 16

export interface PeerBatch {
  /** Per entry: header (84 bytes, nonce at 56) ‖ ciphertext ‖ tag. */
  readonly entries: Uint8Array[]
  readonly signature: Uint8Array
}

export class SodiumPeer {
  readonly #key: Uint8Array
  readonly #publicKey = new Uint8Array(32)
  readonly #secretKey = new Uint8Array(64)
  readonly #state = new Uint8Array(sodium.crypto_hash_sha256_STATEBYTES)
  readonly #pair = new Uint8Array(65)
  readonly #statement = new Uint8Array(64 + 32)
  readonly #ad: Uint8Array

  constructor(key: Uint8Array, seed: Uint8Array, associatedData: Uint8Array) {
    this.#key = key
    this.#ad = associatedData
    sodium.crypto_sign_seed_keypair(this.#publicKey, this.#secretKey, seed)
    this.#pair[0] = 1
  }

  #leaf(entry: Uint8Array, leaves: Uint8Array, index: number): void {
    const state = this.#state
    sodium.crypto_hash_sha256_init(state)
    sodium.crypto_hash_sha256_update(state, Uint8Array.of(0))
    sodium.crypto_hash_sha256_update(state, entry)
    sodium.crypto_hash_sha256_final(state, leaves.subarray(index * 32, index * 32 + 32))
  }

  /** RFC 6962 root: an odd node at the end of a level is carried up unchanged. */
  #root(leaves: Uint8Array, size: number): Uint8Array {
    let level = leaves
    let count = size
    while (count > 1) {
      const parentCount = (count + 1) >>> 1
      const parent = new Uint8Array(parentCount * 32)
      for (let i = 0; i + 1 < count; i += 2) {
        this.#pair.set(level.subarray(i * 32, i * 32 + 64), 1)
        sodium.crypto_hash_sha256(parent.subarray((i >>> 1) * 32, (i >>> 1) * 32 + 32), this.#pair)
      }
      if (count & 1) parent.set(level.subarray((count - 1) * 32, count * 32), (parentCount - 1) * 32)
      level = parent
      count = parentCount
    }
    return level.subarray(0, 32)
  }

  #statementFor(root: Uint8Array): Uint8Array {
    this.#statement.set(root, 64)
    return this.#statement
  }

  seal(payloads: readonly Uint8Array[]): PeerBatch {
    const size = payloads.length
    const leaves = new Uint8Array(size * 32)
    const entries: Uint8Array[] = new Array(size)
    for (let i = 0; i < size; i++) {
      const payload = payloads[i] as Uint8Array
      const entry = new Uint8Array(HEADER_BYTES + payload.length + TAG_BYTES)
      const nonce = entry.subarray(NONCE_OFFSET, NONCE_OFFSET + 24)
      sodium.randombytes_buf(nonce)
      sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        entry.subarray(HEADER_BYTES),
        payload,
        this.#ad,
        null,
        nonce,
        this.#key,
      )
      this.#leaf(entry, leaves, i)
      entries[i] = entry
    }
    const signature = new Uint8Array(64)
    sodium.crypto_sign_detached(signature, this.#statementFor(this.#root(leaves, size)), this.#secretKey)
    return { entries, signature }
  }

  open(batch: PeerBatch): Uint8Array[] {
    const size = batch.entries.length
    const leaves = new Uint8Array(size * 32)
    for (let i = 0; i < size; i++) this.#leaf(batch.entries[i] as Uint8Array, leaves, i)
    const statement = this.#statementFor(this.#root(leaves, size))
    if (!sodium.crypto_sign_verify_detached(batch.signature, statement, this.#publicKey)) {
      throw new Error('peer: bad signature')
    }
    const out: Uint8Array[] = new Array(size)
    for (let i = 0; i < size; i++) {
      const entry = batch.entries[i] as Uint8Array
      const payload = new Uint8Array(entry.length - HEADER_BYTES - TAG_BYTES)
      sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
        payload,
        null,
        entry.subarray(HEADER_BYTES),
        this.#ad,
        entry.subarray(NONCE_OFFSET, NONCE_OFFSET + 24),
        this.#key,
      )
      out[i] = payload
    }
    return out
  }
}
