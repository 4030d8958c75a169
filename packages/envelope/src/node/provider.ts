import { createHash, hkdfSync, hash as oneShotHash } from 'node:crypto'
import { blake3 } from '@noble/hashes/blake3.js'
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, TAG_BYTES } from '../constants.js'
import { assertSigningKey } from '../ed25519.js'
import type { AeadCipher, CryptoProvider, Ed25519Signer, PrefixedHash } from '../provider.js'
import { sodium } from './sodium.js'

/**
 * The Node provider: native code for everything on the per-entry path, each primitive taken from
 * whichever native library measured faster on it (bench/run.ts, "Where the time goes" in the
 * README):
 *
 * - XChaCha20-Poly1305: libsodium. node:crypto has no XChaCha, and building it from HChaCha20 plus
 *   OpenSSL's ChaCha20-Poly1305 needs a fresh cipher object per entry: importing the per-nonce key
 *   into it alone costs about 10× libsodium's whole 1 KiB seal.
 * - SHA-256: OpenSSL's one-shot `crypto.hash`, for every length (OpenSSL uses the CPU's SHA
 *   extensions; libsodium's portable code is about 5× slower on a 1 KiB leaf, and on Node 24 its
 *   call cost more than `crypto.hash`'s even for a 65-byte Merkle node: 0.83–0.91 µs against
 *   0.56–0.68 µs per call on this loaded machine, and 2–5 % of a whole seal+open in a paired A/B).
 *   The digest comes back as a 32-character latin1 string rather than a Buffer: allocating the
 *   Buffer's backing store cost more than hashing a 1 KiB leaf.
 * - Ed25519: libsodium (2-3× OpenSSL through `crypto.sign`/`crypto.verify` with cached keys),
 *   whose verification rule the pure provider reproduces exactly.
 * - BLAKE3 has no native implementation in either library: it stays on @noble/hashes.
 */

/** Inputs above this are streamed into OpenSSL instead of copied behind their prefix byte. */
const COPY_INPUT_BYTES_MAX = 64 * 1024

const aead: AeadCipher = Object.freeze<AeadCipher>({
  encrypt(key, nonce, associatedData, plaintext, out) {
    sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(out, plaintext, associatedData, null, nonce, key)
  },
  decrypt(key, nonce, associatedData, sealed, out) {
    if (sealed.length < TAG_BYTES || out.length !== sealed.length - TAG_BYTES) return false
    try {
      sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(out, null, sealed, associatedData, nonce, key)
      return true
    } catch {
      // sodium-native throws when the tag does not authenticate.
      return false
    }
  },
})

/** `prefix ‖ data` is copied into one reusable buffer: the native hash takes a single input. */
let scratch = new Uint8Array(2048)
/**
 * Views of the scratch by input length, two of them: leaves of a batch share one length and inner
 * nodes another, and a path walk alternates between the two, so neither is remade per call.
 */
let viewA = scratch.subarray(0, 0)
let viewB = scratch.subarray(0, 0)
const prefixByte = new Uint8Array(1)

function scratchView(length: number): Uint8Array {
  if (viewA.length === length) return viewA
  if (viewB.length === length) return viewB
  const view = scratch.subarray(0, length)
  viewB = viewA
  viewA = view
  return view
}

const sha256Prefixed: PrefixedHash = (prefix, data, out, outOffset, dataLength = data.length) => {
  const length = dataLength + 1
  if (data.length + 1 > COPY_INPUT_BYTES_MAX) {
    prefixByte[0] = prefix
    const input = dataLength === data.length ? data : data.subarray(0, dataLength)
    out.set(createHash('sha256').update(prefixByte).update(input).digest(), outOffset)
    return
  }
  if (data.length + 1 > scratch.length) {
    scratch = new Uint8Array(Math.max(data.length + 1, scratch.length * 2))
    viewA = scratch.subarray(0, 0)
    viewB = viewA
  }
  scratch[0] = prefix
  // All of `data`, even past `dataLength`: copying a few hundred bytes more costs less than a view.
  scratch.set(data, 1)
  // 'binary' (latin1) maps each digest byte to one character code 0..255, exactly; a Buffer result
  // would cost more to allocate than hashing a 1 KiB leaf.
  const text = oneShotHash('sha256', scratchView(length), 'binary')
  for (let i = 0; i < 32; i++) out[outOffset + i] = text.charCodeAt(i)
}

const blake3Prefixed: PrefixedHash = (prefix, data, out, outOffset, dataLength = data.length) => {
  prefixByte[0] = prefix
  const input = dataLength === data.length ? data : data.subarray(0, dataLength)
  out.set(blake3.create().update(prefixByte).update(input).digest(), outOffset)
}

/** Holds libsodium's 64-byte expanded secret key (seed ‖ public key), computed once. */
class SodiumEd25519Signer implements Ed25519Signer {
  readonly publicKey = new Uint8Array(PUBLIC_KEY_BYTES)
  readonly #secretKey = new Uint8Array(64)

  constructor(seed: Uint8Array) {
    assertSigningKey(seed)
    sodium.crypto_sign_seed_keypair(this.publicKey, this.#secretKey, seed)
  }

  sign(message: Uint8Array): Uint8Array {
    const signature = new Uint8Array(SIGNATURE_BYTES)
    sodium.crypto_sign_detached(signature, message, this.#secretKey)
    return signature
  }
}

/**
 * Native cryptography for Node (libsodium through `sodium-native`, and OpenSSL through
 * `node:crypto`); byte-identical to `pureCryptoProvider`, several times faster. What a Tandem node
 * running on Node uses.
 */
export const nodeCryptoProvider: CryptoProvider = Object.freeze({
  name: 'node',
  xchacha20poly1305: aead,
  sha256Prefixed,
  blake3Prefixed,
  hkdfSha256: (inputKey, salt, info, length) =>
    new Uint8Array(hkdfSync('sha256', inputKey, salt, info, length)),
  ed25519Signer: (seed) => new SodiumEd25519Signer(seed),
  ed25519Verify(signature, message, publicKey) {
    if (signature.length !== SIGNATURE_BYTES || publicKey.length !== PUBLIC_KEY_BYTES) return false
    return sodium.crypto_sign_verify_detached(signature, message, publicKey)
  },
  randomBytes(length) {
    const out = new Uint8Array(length)
    sodium.randombytes_buf(out)
    return out
  },
} satisfies CryptoProvider)
