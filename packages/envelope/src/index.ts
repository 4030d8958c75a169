/**
 * `@tandem/envelope` — encrypted, signed log entries. Every entry is encrypted with
 * XChaCha20-Poly1305 under a per-epoch data key (HKDF from the epoch's cluster secret), bound by
 * associated data to its cluster, stream, writer, sequence and epoch, and signed by its writer
 * with Ed25519 — once per batch, over a Merkle root, each entry carrying its own inclusion proof.
 * A replica without the data key verifies, stores and forwards entries with public keys only.
 *
 * Two more signed objects serve the hybrid node: a sealed batch (`BatchSealer`: one envelope per
 * batch, an encrypted payload under a signed public header that keyless replicas verify) and a
 * signed plaintext control entry (`ControlSigner`).
 *
 * Pure: no Node built-in, no clock, no ambient randomness (a CSPRNG source is injected, defaulting
 * to the global `crypto.getRandomValues`). The cryptography itself is injected too, as a
 * `CryptoProvider`: `pureCryptoProvider` by default, `nodeCryptoProvider` from
 * `@tandem/envelope/node` for native speed on Node; both produce and accept the same bytes.
 *
 * @example
 * ```ts
 * import { KeyRing, Opener, Sealer, generateSigningKey, writerPublicKey } from '@tandem/envelope'
 * const clusterId = new TextEncoder().encode('cluster-1')
 * const stream = new TextEncoder().encode('orders')
 * const signingKey = generateSigningKey()
 * const ring = new KeyRing({ clusterId })
 * ring.addWriter(writerPublicKey(signingKey))
 * ring.addEpoch(1, crypto.getRandomValues(new Uint8Array(32)))
 * const sealed = new Sealer({ keyRing: ring, signingKey }).sealBatch(stream, [{ sequence: 1, payload: new Uint8Array([42]) }])
 * const { payload } = new Opener({ keyRing: ring }).open(stream, sealed[0]!)
 * ```
 *
 * @packageDocumentation
 */

export { FORMAT_VERSION } from './constants.js'
export type { ControlSignerOptions, ControlVerifierOptions, VerifiedControl } from './control.js'
export { ControlSigner, ControlVerifier } from './control.js'
export {
  EnvelopeError,
  MalformedEnvelopeError,
  ReplayedEntryError,
  RevokedKeyError,
  TamperedEntryError,
  UnknownEpochError,
  UnknownWriterError,
  UnsupportedVersionError,
} from './errors.js'
export type { EnvelopeInfo, SealedBatchInfo } from './inspect.js'
export { inspectEnvelope, inspectSealedBatch } from './inspect.js'
export type { KeyRingOptions, PublicKeyRing, WriterStanding } from './keyring.js'
export { deriveEpochDataKey, KeyRing } from './keyring.js'
export { generateSigningKey, writerPublicKey } from './keys.js'
export type { EnvelopeLimits } from './limits.js'
export { defaultLimits } from './limits.js'
export type { MerkleHashName } from './merkle.js'
export type { OpenedEntry, OpenerOptions } from './open.js'
export { Opener } from './open.js'
export type { AeadCipher, CryptoProvider, Ed25519Signer, PrefixedHash } from './provider.js'
export { pureCryptoProvider } from './pure-provider.js'
export { ReplayGuard } from './replay.js'
export type { EntryToSeal, SealBatchOptions, SealerOptions } from './seal.js'
export { Sealer } from './seal.js'
export type {
  BatchOpenerOptions,
  BatchSealerOptions,
  BatchVerifierOptions,
  OpenedBatch,
  VerifiedBatch,
} from './sealed-batch.js'
export { BatchOpener, BatchSealer, BatchVerifier } from './sealed-batch.js'
export type {
  SealedSnapshot,
  SealSnapshotOptions,
  VerifiedManifest,
  VerifyManifestOptions,
} from './snapshot.js'
export {
  openSnapshot,
  openSnapshotChunk,
  sealSnapshot,
  verifySnapshotChunk,
  verifySnapshotManifest,
} from './snapshot.js'
export type { VerifiedEntry, VerifierOptions } from './verify.js'
export { Verifier } from './verify.js'
