/**
 * The Node-side factory of a node's sealing (Node only: it imports `@tandem/envelope/node`, native
 * code). The hybrid node uses the native provider by default (issue 13): same bytes as the pure
 * provider, several times faster. Kept out of `core/` and the rest of `sealing/`, which stay pure.
 */
import type { CryptoProvider } from '@tandem/envelope'
import { nodeCryptoProvider } from '@tandem/envelope/node'
import { createSealing, type Sealing, type SealingOptions } from './sealing.js'

/** Options of {@link createNodeSealing}: those of `createSealing`, the provider optional. */
export type NodeSealingOptions = Omit<SealingOptions, 'cryptoProvider'> & {
  /** Defaults to `nodeCryptoProvider`. */
  readonly cryptoProvider?: CryptoProvider
}

/**
 * Builds a node's sealing with `nodeCryptoProvider` unless another provider is given.
 *
 * @example
 * ```ts
 * const sealing = createNodeSealing({ clusterId, signingKey, keyed: true })
 * sealing.cryptoProvider === nodeCryptoProvider // true
 * ```
 */
export function createNodeSealing(options: NodeSealingOptions): Sealing {
  return createSealing({ ...options, cryptoProvider: options.cryptoProvider ?? nodeCryptoProvider })
}
