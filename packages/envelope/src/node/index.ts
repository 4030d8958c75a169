/**
 * `@tandem/envelope/node` — the Node-only entry point: `nodeCryptoProvider`, native cryptography
 * (libsodium through `sodium-native`, OpenSSL through `node:crypto`) for the envelope format.
 * Envelopes it seals open with the pure provider and the other way round, byte for byte.
 *
 * @example
 * ```ts
 * import { KeyRing, Opener, Sealer } from '@tandem/envelope'
 * import { nodeCryptoProvider } from '@tandem/envelope/node'
 * const ring = new KeyRing({ clusterId, cryptoProvider: nodeCryptoProvider })
 * const sealer = new Sealer({ keyRing: ring, signingKey, cryptoProvider: nodeCryptoProvider })
 * const opener = new Opener({ keyRing: ring, cryptoProvider: nodeCryptoProvider })
 * ```
 *
 * @packageDocumentation
 */

/**
 * Native cryptography for Node, byte-identical to `pureCryptoProvider`: libsodium's
 * XChaCha20-Poly1305 and Ed25519, OpenSSL's SHA-256.
 * @example
 * ```ts
 * const sealer = new Sealer({ keyRing: ring, signingKey, cryptoProvider: nodeCryptoProvider })
 * ```
 */
export { nodeCryptoProvider } from './provider.js'
