/**
 * One node's sealing, assembled (pure: the cryptography is injected). A browser build, and the
 * simulator, pass `pureCryptoProvider`; the Node wiring uses `createNodeSealing` (`node-sealing.ts`),
 * whose default is the native provider.
 */
import type { CryptoRandom } from '@tandem/base'
import type { CryptoProvider } from '@tandem/envelope'
import type { PublicLayer } from '../core/public-layer.js'
import { EpochKeyHolder } from './epoch-keys.js'
import { SealingKeys } from './keys.js'
import { SealedItemChecks, type SealingRejection } from './verification.js'
import { SealingWriter } from './writer.js'

/** Options of {@link createSealing}. */
export interface SealingOptions {
  /** The cluster's id (0..255 bytes), bound into every signature and data key. */
  readonly clusterId: Uint8Array
  readonly cryptoProvider: CryptoProvider
  /**
   * The node's 32-byte Ed25519 seed: it signs with it, and (keyed) unwraps its epoch secrets from C's
   * wrap table with it — the only way a node gets epoch secrets.
   */
  readonly signingKey: Uint8Array
  /** Whether the node holds data keys and opens batches. */
  readonly keyed: boolean
  readonly signatureCacheEntries?: number
  readonly onRejection?: (rejection: SealingRejection) => void
  /** CSPRNG for nonces, epoch secrets and wrap keys; the provider's `randomBytes` by default. */
  readonly random?: CryptoRandom
}

/** A node's sealing: its keys, the checks and opener its C applies with, and its writer. */
export interface Sealing {
  readonly cryptoProvider: CryptoProvider
  readonly keys: SealingKeys
  /** `signatures` for `CommittedState` and `LogApplier`; `checks.opener` is their `opener`. */
  readonly checks: SealedItemChecks
  readonly writer: SealingWriter
  /** A keyed node's epoch secrets, learnt from and granted through C's wrap table; `null` keyless. */
  readonly epochKeys: EpochKeyHolder | null
  /** Binds writer standing to C's public layer: call once C is built, before the first apply. */
  attach(layer: PublicLayer): void
}

/**
 * Builds a node's sealing.
 *
 * @example
 * ```ts
 * const sealing = createSealing({ clusterId, cryptoProvider: pureCryptoProvider, signingKey, keyed: true })
 * const committed = new CommittedState({ signatures: sealing.checks, opener: sealing.checks.opener })
 * sealing.attach(committed.public)
 * ```
 */
export function createSealing(options: SealingOptions): Sealing {
  const keys = new SealingKeys({ clusterId: options.clusterId, cryptoProvider: options.cryptoProvider })
  const checks = new SealedItemChecks({
    keys,
    keyed: options.keyed,
    ...(options.signatureCacheEntries === undefined
      ? {}
      : { signatureCacheEntries: options.signatureCacheEntries }),
    ...(options.onRejection === undefined ? {} : { onRejection: options.onRejection }),
  })
  const writer = new SealingWriter({
    keys,
    signingKey: options.signingKey,
    ...(options.random === undefined ? {} : { random: options.random }),
  })
  const epochKeys = options.keyed
    ? new EpochKeyHolder({
        keys,
        signingKey: options.signingKey,
        random: options.random ?? options.cryptoProvider.randomBytes,
      })
    : null
  return {
    cryptoProvider: options.cryptoProvider,
    keys,
    checks,
    writer,
    epochKeys,
    attach: (layer) => keys.attach(layer),
  }
}
