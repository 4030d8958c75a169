import { createRequire } from 'node:module'
import type { Sodium } from '../src/node/sodium.ts'

// The sealed-batch case: the hybrid node's unit of sealing (design.md, "Batches and the two layers
// of C") is one envelope per batch — a group commit of eventual deltas or a proposal batch of
// strong operations — whose payload is the batch's length-prefixed list of writes. Sealing N writes
// of one batch is therefore one AEAD over their concatenation, one SHA-256 and one signature, not N
// per-entry envelopes under a Merkle root. This file holds the packing both sides share and the
// hand-written libsodium peer doing the same work.

const sodium = createRequire(import.meta.url)('sodium-native') as Sodium

/** The writes of one batch as one payload: each a 4-byte length and its bytes (the node's shape). */
export function packWrites(writes: readonly Uint8Array[]): Uint8Array {
  let bytes = 0
  for (const write of writes) bytes += 4 + write.length
  const packed = new Uint8Array(bytes)
  const view = new DataView(packed.buffer)
  let offset = 0
  for (const write of writes) {
    view.setUint32(offset, write.length)
    packed.set(write, offset + 4)
    offset += 4 + write.length
  }
  return packed
}

/** How many writes a packed payload holds, walking its length prefixes (what an opener must do). */
export function countWrites(packed: Uint8Array): number {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength)
  let offset = 0
  let writes = 0
  while (offset < packed.length) {
    offset += 4 + view.getUint32(offset)
    writes++
  }
  return writes
}

const NONCE_BYTES = 24
const TAG_BYTES = 16

/** A batch as the peer seals it: nonce, ciphertext ‖ tag, signature; the header travels beside it. */
export interface PeerSealedBatch {
  readonly nonce: Uint8Array
  readonly ciphertext: Uint8Array
  readonly signature: Uint8Array
}

/**
 * The libsodium peer for sealed batches, written by hand against `sodium-native` as a Node developer
 * would: a random nonce, one `crypto_aead_xchacha20poly1305_ietf` over the packed writes with the
 * public header as associated data, one SHA-256 of the ciphertext and one `crypto_sign_detached`
 * over header ‖ nonce ‖ that hash. Opening verifies, decrypts and walks the length prefixes. No
 * format, standing, epoch or limit checks: a floor, not an equivalent.
 */
export class SodiumBatchPeer {
  readonly #key: Uint8Array
  readonly #publicKey = new Uint8Array(32)
  readonly #secretKey = new Uint8Array(64)
  readonly #hash = new Uint8Array(32)

  constructor(key: Uint8Array, seed: Uint8Array) {
    this.#key = key
    sodium.crypto_sign_seed_keypair(this.#publicKey, this.#secretKey, seed)
  }

  #statement(header: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    sodium.crypto_hash_sha256(this.#hash, ciphertext)
    const statement = new Uint8Array(header.length + NONCE_BYTES + 32)
    statement.set(header)
    statement.set(nonce, header.length)
    statement.set(this.#hash, header.length + NONCE_BYTES)
    return statement
  }

  seal(header: Uint8Array, packed: Uint8Array): PeerSealedBatch {
    const nonce = new Uint8Array(NONCE_BYTES)
    sodium.randombytes_buf(nonce)
    const ciphertext = new Uint8Array(packed.length + TAG_BYTES)
    sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(ciphertext, packed, header, null, nonce, this.#key)
    const signature = new Uint8Array(64)
    sodium.crypto_sign_detached(signature, this.#statement(header, nonce, ciphertext), this.#secretKey)
    return { nonce, ciphertext, signature }
  }

  /** Verifies and decrypts; returns how many writes the batch held. */
  open(header: Uint8Array, batch: PeerSealedBatch): number {
    const statement = this.#statement(header, batch.nonce, batch.ciphertext)
    if (!sodium.crypto_sign_verify_detached(batch.signature, statement, this.#publicKey)) {
      throw new Error('peer: bad signature')
    }
    const packed = new Uint8Array(batch.ciphertext.length - TAG_BYTES)
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      packed,
      null,
      batch.ciphertext,
      header,
      batch.nonce,
      this.#key,
    )
    return countWrites(packed)
  }
}
