/**
 * Epoch secrets wrapped to one recipient (design.md, "Bootstrap and keys"): the only form in which an
 * epoch secret ever leaves the node that holds it. Each wrap is a sealed box to the recipient's
 * X25519 key, derived from its Ed25519 writer key (the node's libp2p identity), so a node unwraps its
 * secrets from C's wrap table with its identity key alone.
 *
 * Layout: ephemeral X25519 public key (32) ‖ XChaCha20-Poly1305 ciphertext of the secret (+16 tag).
 * The key and nonce come from HKDF-SHA256 over the X25519 shared secret, salted with the ephemeral
 * and recipient X25519 keys, with info = label ‖ cluster id ‖ epoch ‖ recipient Ed25519 key; the
 * same info is the AEAD's associated data. A wrap therefore opens only for its cluster, its epoch and
 * its recipient: moved to another epoch or another recipient's row of the table it fails, and so
 * does any flipped byte. A fresh ephemeral key per wrap makes every (key, nonce) pair single-use.
 * Pure: the randomness (the ephemeral key) is injected.
 */

import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import type { CryptoRandom } from '@tandem/base'
import { EpochUnwrapError, MalformedOperationError } from '../errors.js'

/** Bytes of an epoch secret this node draws (the key ring accepts 32 and more). */
export const EPOCH_SECRET_BYTES = 32
/** The largest epoch secret a wrap may carry. */
export const EPOCH_SECRET_BYTES_MAX = 64
const X25519_BYTES = 32
const TAG_BYTES = 16
const KEY_BYTES = 32
const NONCE_BYTES = 24
/** The smallest wrap: an ephemeral key and the sealed smallest secret. */
export const WRAPPED_BYTES_MIN = X25519_BYTES + EPOCH_SECRET_BYTES + TAG_BYTES
/** The largest wrap any decoder accepts. */
export const WRAPPED_BYTES_MAX = X25519_BYTES + EPOCH_SECRET_BYTES_MAX + TAG_BYTES
const LABEL = new TextEncoder().encode('tandem epoch wrap v1')

/** What a wrap is bound to: the cluster, the epoch and the recipient's Ed25519 public key. */
export interface EpochWrapBinding {
  /** The cluster's id (0..255 bytes). */
  readonly clusterId: Uint8Array
  /** The epoch number (a positive safe integer). */
  readonly epoch: number
  /** The recipient's 32-byte Ed25519 public key (its writer key). */
  readonly recipient: Uint8Array
}

/**
 * Wraps `secret` (32..64 bytes) to `binding.recipient`.
 *
 * @example
 * ```ts
 * const wrapped = wrapEpochSecret(secret, { clusterId, epoch: 1, recipient }, random)
 * unwrapEpochSecret(wrapped, { clusterId, epoch: 1, recipient }, recipientSeed) // equals secret
 * ```
 */
export function wrapEpochSecret(
  secret: Uint8Array,
  binding: EpochWrapBinding,
  random: CryptoRandom,
): Uint8Array {
  if (secret.length < EPOCH_SECRET_BYTES || secret.length > EPOCH_SECRET_BYTES_MAX)
    throw new RangeError(`an epoch secret has ${EPOCH_SECRET_BYTES}..${EPOCH_SECRET_BYTES_MAX} bytes`)
  const info = infoOf(binding)
  const recipientX = montgomeryPublic(binding.recipient)
  if (recipientX === null) throw new RangeError('the recipient is not an Ed25519 public key')
  const ephemeralSecret = random(X25519_BYTES)
  if (ephemeralSecret.length !== X25519_BYTES)
    throw new RangeError('the random source returned too few bytes')
  const ephemeralPublic = x25519.getPublicKey(ephemeralSecret)
  const shared = x25519.getSharedSecret(ephemeralSecret, recipientX)
  const { key, nonce } = boxKey(shared, ephemeralPublic, recipientX, info)
  const sealed = xchacha20poly1305(key, nonce, info).encrypt(secret)
  const wrapped = new Uint8Array(X25519_BYTES + sealed.length)
  wrapped.set(ephemeralPublic, 0)
  wrapped.set(sealed, X25519_BYTES)
  return wrapped
}

/**
 * Opens a wrap with the recipient's 32-byte Ed25519 seed. Throws {@link MalformedOperationError}
 * for a wrap of impossible size, {@link EpochUnwrapError} when it does not open for this binding
 * and key (another recipient's, another epoch's or cluster's, or tampered).
 *
 * @example
 * ```ts
 * try { keys.addEpochSecret(2, unwrapEpochSecret(wrapped, binding, seed)) }
 * catch (error) { if (!(error instanceof EpochUnwrapError)) throw error }
 * ```
 */
export function unwrapEpochSecret(
  wrapped: Uint8Array,
  binding: EpochWrapBinding,
  recipientSeed: Uint8Array,
): Uint8Array {
  if (
    !(wrapped instanceof Uint8Array) ||
    wrapped.length < WRAPPED_BYTES_MIN ||
    wrapped.length > WRAPPED_BYTES_MAX
  )
    throw new MalformedOperationError('an epoch wrap of impossible size')
  if (recipientSeed.length !== 32) throw new RangeError('an Ed25519 seed has 32 bytes')
  const info = infoOf(binding)
  const recipientX = montgomeryPublic(binding.recipient)
  if (recipientX === null) throw new EpochUnwrapError('the recipient is not an Ed25519 public key')
  const ownX = x25519.getPublicKey(ed25519.utils.toMontgomerySecret(recipientSeed))
  if (!equal(ownX, recipientX)) throw new EpochUnwrapError('the wrap names another recipient')
  const ephemeralPublic = wrapped.subarray(0, X25519_BYTES)
  let shared: Uint8Array
  try {
    shared = x25519.getSharedSecret(ed25519.utils.toMontgomerySecret(recipientSeed), ephemeralPublic)
  } catch (error) {
    // A low-order ephemeral point: noble refuses the all-zero shared secret.
    throw new EpochUnwrapError('the wrap does not open', { cause: error })
  }
  const { key, nonce } = boxKey(shared, ephemeralPublic, recipientX, info)
  try {
    return xchacha20poly1305(key, nonce, info).decrypt(wrapped.subarray(X25519_BYTES))
  } catch (error) {
    throw new EpochUnwrapError('the wrap does not open', { cause: error })
  }
}

/**
 * The recipient's X25519 public key from its Ed25519 one, or `null` when the bytes are no Ed25519
 * point (a wrap to it cannot exist).
 */
function montgomeryPublic(edPublic: Uint8Array): Uint8Array | null {
  if (edPublic.length !== 32) return null
  try {
    return ed25519.utils.toMontgomery(edPublic)
  } catch {
    return null
  }
}

function boxKey(
  shared: Uint8Array,
  ephemeralPublic: Uint8Array,
  recipientX: Uint8Array,
  info: Uint8Array,
): { key: Uint8Array; nonce: Uint8Array } {
  const salt = new Uint8Array(2 * X25519_BYTES)
  salt.set(ephemeralPublic, 0)
  salt.set(recipientX, X25519_BYTES)
  const okm = hkdf(sha256, shared, salt, info, KEY_BYTES + NONCE_BYTES)
  return { key: okm.subarray(0, KEY_BYTES), nonce: okm.subarray(KEY_BYTES) }
}

/** label ‖ len(cluster id) (1) ‖ cluster id ‖ epoch (8, big-endian) ‖ recipient key (32). */
function infoOf(binding: EpochWrapBinding): Uint8Array {
  const { clusterId, epoch, recipient } = binding
  if (clusterId.length > 255) throw new RangeError('a cluster id is at most 255 bytes')
  if (!Number.isSafeInteger(epoch) || epoch < 1) throw new RangeError('an epoch is a positive safe integer')
  if (recipient.length !== 32) throw new RangeError('a recipient key has 32 bytes')
  const info = new Uint8Array(LABEL.length + 1 + clusterId.length + 8 + 32)
  let at = 0
  info.set(LABEL, at)
  at += LABEL.length
  info[at++] = clusterId.length
  info.set(clusterId, at)
  at += clusterId.length
  new DataView(info.buffer).setBigUint64(at, BigInt(epoch))
  at += 8
  info.set(recipient, at)
  return info
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return difference === 0
}
