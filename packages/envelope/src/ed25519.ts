import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, SIGNING_KEY_BYTES } from './constants.js'

/**
 * @noble/ed25519 v3 needs a SHA-512 hook for its synchronous API. It is installed lazily, on first
 * use, instead of at import time, so that importing this package has no side effect.
 */
function ensureHash(): void {
  if (ed.hashes.sha512 === undefined) ed.hashes.sha512 = sha512
}

/** Public key of a 32-byte Ed25519 secret seed. */
export function publicKeyOf(signingKey: Uint8Array): Uint8Array {
  if (!(signingKey instanceof Uint8Array) || signingKey.length !== SIGNING_KEY_BYTES) {
    throw new TypeError(`an Ed25519 signing key is ${SIGNING_KEY_BYTES} bytes`)
  }
  ensureHash()
  return ed.getPublicKey(signingKey)
}

export function sign(message: Uint8Array, signingKey: Uint8Array): Uint8Array {
  ensureHash()
  return ed.sign(message, signingKey)
}

/**
 * Strict RFC 8032 verification (`zip215: false`): non-canonical encodings are refused, so a
 * signature has exactly one accepted encoding and a flipped bit can never still verify.
 */
export function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_BYTES || publicKey.length !== PUBLIC_KEY_BYTES) return false
  ensureHash()
  try {
    return ed.verify(signature, message, publicKey, { zip215: false })
  } catch {
    // noble throws on a public key or R that is not a point: for us that is just "not valid".
    return false
  }
}
