import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { equalAt } from './bytes.js'
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, SIGNING_KEY_BYTES } from './constants.js'
import type { Ed25519Signer } from './provider.js'

/**
 * Ed25519 in pure JavaScript on @noble/ed25519's point arithmetic, with the verification rule of
 * libsodium (the native provider's library), so that both providers accept exactly the same
 * signatures. @noble/ed25519's own strict mode differs in two places — it checks the cofactored
 * equation `[8][S]B = [8]R + [8][k]A` and lets `R` be of small order — so a writer could craft a
 * signature (say with `R` the identity, or `R` plus a torsion point) that one provider accepts and
 * the other refuses, and two nodes would then disagree about one batch. Hence this file.
 */

/** Order of the prime-order subgroup, L = 2^252 + 27742317777372353535851937790883648493. */
const L = ed.Point.CURVE().n

function numberFromLittleEndian(bytes: Uint8Array): bigint {
  let value = 0n
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i] as number)
  return value
}

function littleEndian32(value: bigint): Uint8Array {
  const out = new Uint8Array(32)
  let rest = value
  for (let i = 0; i < 32; i++) {
    out[i] = Number(rest & 0xffn)
    rest >>= 8n
  }
  return out
}

function sha512Of(...parts: Uint8Array[]): Uint8Array {
  const hash = sha512.create()
  for (const part of parts) hash.update(part)
  return hash.digest()
}

/** Checks a 32-byte Ed25519 secret seed. */
export function assertSigningKey(seed: Uint8Array): void {
  if (!(seed instanceof Uint8Array) || seed.length !== SIGNING_KEY_BYTES) {
    throw new TypeError(`an Ed25519 signing key is ${SIGNING_KEY_BYTES} bytes`)
  }
}

/**
 * An RFC 8032 signer that expands its seed once (SHA-512, clamp, public point) instead of on every
 * signature, as `ed.sign` would.
 */
class PureEd25519Signer implements Ed25519Signer {
  readonly publicKey: Uint8Array
  readonly #scalar: bigint
  readonly #prefix: Uint8Array

  constructor(seed: Uint8Array) {
    assertSigningKey(seed)
    const expanded = sha512(seed)
    const head = expanded.slice(0, 32)
    head[0] = (head[0] as number) & 248
    head[31] = ((head[31] as number) & 127) | 64
    this.#scalar = numberFromLittleEndian(head) % L
    this.#prefix = expanded.slice(32, 64)
    expanded.fill(0)
    head.fill(0)
    this.publicKey = ed.Point.BASE.multiply(this.#scalar).toBytes()
  }

  sign(message: Uint8Array): Uint8Array {
    const r = numberFromLittleEndian(sha512Of(this.#prefix, message)) % L
    // r = 0 has probability 2^-252; the safe multiply refuses it rather than sign with R = identity.
    const encodedR = ed.Point.BASE.multiply(r).toBytes()
    const k = numberFromLittleEndian(sha512Of(encodedR, this.publicKey, message)) % L
    const signature = new Uint8Array(SIGNATURE_BYTES)
    signature.set(encodedR, 0)
    signature.set(littleEndian32((r + k * this.#scalar) % L), 32)
    return signature
  }
}

export function pureEd25519Signer(seed: Uint8Array): Ed25519Signer {
  return new PureEd25519Signer(seed)
}

/** Decodes a point strictly (y < p, no negative zero); undefined when it is not a curve point. */
function decodePoint(bytes: Uint8Array): ed.Point | undefined {
  try {
    return ed.Point.fromBytes(bytes, false)
  } catch {
    return undefined
  }
}

/**
 * Verification under libsodium's rule (`crypto_sign_verify_detached`): `S < L`, `A` and `R`
 * canonical, neither of small order, and `[S]B − [k]A` encoding to exactly the bytes of `R`.
 */
export function pureEd25519Verify(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  if (signature.length !== SIGNATURE_BYTES || publicKey.length !== PUBLIC_KEY_BYTES) return false
  const encodedR = signature.subarray(0, 32)
  const s = numberFromLittleEndian(signature.subarray(32, 64))
  if (s >= L) return false
  const a = decodePoint(publicKey)
  const r = decodePoint(encodedR)
  if (a === undefined || r === undefined || a.isSmallOrder() || r.isSmallOrder()) return false
  const k = numberFromLittleEndian(sha512Of(encodedR, publicKey, message)) % L
  const check = ed.Point.BASE.multiply(s, false).subtract(a.multiply(k, false))
  return equalAt(check.toBytes(), 0, encodedR, 0, 32)
}
