import { createRequire } from 'node:module'

/**
 * The few libsodium functions (through `sodium-native`, which ships prebuilt binaries) that the
 * Node provider and its benchmark peer call, typed here because the package ships no types of its
 * own. Each writes into the buffers it is given; none allocates. On failure, the decryption throws.
 */
export interface Sodium {
  readonly crypto_aead_xchacha20poly1305_ietf_ABYTES: number
  crypto_aead_xchacha20poly1305_ietf_encrypt(
    ciphertext: Uint8Array,
    message: Uint8Array,
    additionalData: Uint8Array | null,
    secretNonce: null,
    publicNonce: Uint8Array,
    key: Uint8Array,
  ): number
  crypto_aead_xchacha20poly1305_ietf_decrypt(
    message: Uint8Array,
    secretNonce: null,
    ciphertext: Uint8Array,
    additionalData: Uint8Array | null,
    publicNonce: Uint8Array,
    key: Uint8Array,
  ): number
  crypto_hash_sha256(out: Uint8Array, input: Uint8Array): void
  readonly crypto_hash_sha256_STATEBYTES: number
  crypto_hash_sha256_init(state: Uint8Array): void
  crypto_hash_sha256_update(state: Uint8Array, input: Uint8Array): void
  crypto_hash_sha256_final(state: Uint8Array, out: Uint8Array): void
  crypto_sign_seed_keypair(publicKey: Uint8Array, secretKey: Uint8Array, seed: Uint8Array): void
  crypto_sign_detached(signature: Uint8Array, message: Uint8Array, secretKey: Uint8Array): void
  crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean
  randombytes_buf(buffer: Uint8Array): void
  sodium_memzero(buffer: Uint8Array): void
}

export const sodium = createRequire(import.meta.url)('sodium-native') as Sodium
