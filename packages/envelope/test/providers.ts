import {
  ControlSigner,
  type ControlSignerOptions,
  ControlVerifier,
  type ControlVerifierOptions,
} from '../src/control.js'
import { KeyRing, type KeyRingOptions } from '../src/keyring.js'
import { nodeCryptoProvider } from '../src/node/provider.js'
import { Opener, type OpenerOptions } from '../src/open.js'
import type { CryptoProvider } from '../src/provider.js'
import { pureCryptoProvider } from '../src/pure-provider.js'
import { Sealer, type SealerOptions } from '../src/seal.js'
import {
  BatchOpener,
  type BatchOpenerOptions,
  BatchSealer,
  type BatchSealerOptions,
  BatchVerifier,
  type BatchVerifierOptions,
} from '../src/sealed-batch.js'
import {
  type SealSnapshotOptions,
  sealSnapshot,
  type VerifyManifestOptions,
  verifySnapshotManifest,
} from '../src/snapshot.js'
import { Verifier, type VerifierOptions } from '../src/verify.js'
import { clusterId, clusterSecret1, publicKeyA, publicKeyB } from './helpers.js'

/**
 * Every provider the package ships. Each test file runs its whole suite once per provider
 * (`describe.each(providers)`), with the classes and functions below bound to that provider, so
 * that the same assertions hold for pure and native cryptography alike.
 */
export const providers: readonly CryptoProvider[] = [pureCryptoProvider, nodeCryptoProvider]

/**
 * The package's constructors and functions with `cryptoProvider` defaulted to `provider` (an
 * explicit `cryptoProvider` in the options still wins, for the cross-provider tests).
 */
export function withProvider(provider: CryptoProvider) {
  class BoundKeyRing extends KeyRing {
    constructor(options: KeyRingOptions) {
      super({ cryptoProvider: provider, ...options })
    }
  }
  class BoundSealer extends Sealer {
    constructor(options: SealerOptions) {
      super({ cryptoProvider: provider, ...options })
    }
  }
  class BoundOpener extends Opener {
    constructor(options: OpenerOptions) {
      super({ cryptoProvider: provider, ...options })
    }
  }
  class BoundVerifier extends Verifier {
    constructor(options: VerifierOptions) {
      super({ cryptoProvider: provider, ...options })
    }
  }
  class BoundBatchSealer extends BatchSealer {
    constructor(options: BatchSealerOptions) {
      super({ cryptoProvider: provider, ...options })
    }
  }
  class BoundBatchOpener extends BatchOpener {
    constructor(options: BatchOpenerOptions) {
      super({ cryptoProvider: provider, ...options })
    }
  }
  class BoundBatchVerifier extends BatchVerifier {
    constructor(options: BatchVerifierOptions) {
      super({ cryptoProvider: provider, ...options })
    }
  }
  class BoundControlSigner extends ControlSigner {
    constructor(options: ControlSignerOptions) {
      super({ cryptoProvider: provider, ...options })
    }
  }
  class BoundControlVerifier extends ControlVerifier {
    constructor(options: ControlVerifierOptions) {
      super({ cryptoProvider: provider, ...options })
    }
  }
  /** A full member's ring: writers A and B, epoch 1. */
  const memberRing = (): KeyRing => {
    const ring = new BoundKeyRing({ clusterId })
    ring.addWriter(publicKeyA)
    ring.addWriter(publicKeyB)
    ring.addEpoch(1, clusterSecret1)
    return ring
  }
  /** A zero-knowledge replica's ring: the same writers, no data key. */
  const replicaRing = (): KeyRing => {
    const ring = new BoundKeyRing({ clusterId })
    ring.addWriter(publicKeyA)
    ring.addWriter(publicKeyB)
    return ring
  }
  return {
    provider,
    KeyRing: BoundKeyRing,
    Sealer: BoundSealer,
    Opener: BoundOpener,
    Verifier: BoundVerifier,
    BatchSealer: BoundBatchSealer,
    BatchOpener: BoundBatchOpener,
    BatchVerifier: BoundBatchVerifier,
    ControlSigner: BoundControlSigner,
    ControlVerifier: BoundControlVerifier,
    memberRing,
    replicaRing,
    sealSnapshot: (options: SealSnapshotOptions) => sealSnapshot({ cryptoProvider: provider, ...options }),
    verifySnapshotManifest: (options: VerifyManifestOptions) =>
      verifySnapshotManifest({ cryptoProvider: provider, ...options }),
  }
}
