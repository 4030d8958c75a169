import { HASH_BYTES } from './constants.js'
import type { CryptoProvider } from './provider.js'

/**
 * The message a sealed batch or a control entry signs:
 * `domain ‖ len(cluster) ‖ cluster ‖ head ‖ SHA-256(prefix ‖ body)`.
 *
 * The body (a batch's ciphertext, a control entry's content) enters through its digest rather than
 * whole: Ed25519 hashes its message twice to sign and once to verify, with SHA-512 in libsodium's
 * portable code, while one SHA-256 over the body runs on the CPU's SHA extensions on Node — and the
 * statement stays small, so caching a verified one costs little.
 */
export function signedStatement(
  provider: CryptoProvider,
  domain: Uint8Array,
  clusterId: Uint8Array,
  head: Uint8Array,
  bodyHashPrefix: number,
  body: Uint8Array,
): Uint8Array {
  const statement = new Uint8Array(domain.length + 1 + clusterId.length + head.length + HASH_BYTES)
  let at = 0
  statement.set(domain, at)
  at += domain.length
  statement[at] = clusterId.length
  statement.set(clusterId, at + 1)
  at += 1 + clusterId.length
  statement.set(head, at)
  at += head.length
  provider.sha256Prefixed(bodyHashPrefix, body, statement, at)
  return statement
}
