import { equalBytes, toHex, writerLabel, writeU32 } from './bytes.js'
import { DATA_KEY_BYTES, DOMAIN_EPOCH_KEY, ID_BYTES_MAX, PUBLIC_KEY_BYTES } from './constants.js'
import { RevokedKeyError, UnknownEpochError } from './errors.js'
import type { CryptoProvider } from './provider.js'
import { pureCryptoProvider } from './pure-provider.js'

/** Largest key epoch: epochs are 32-bit unsigned on the wire. */
export const EPOCH_MAX = 0xffff_ffff

/** Shortest cluster secret accepted, in bytes. */
export const CLUSTER_SECRET_BYTES_MIN = 32

/**
 * Where a writer stands in a key ring.
 *
 * @example
 * ```ts
 * const standing: WriterStanding = ring.writerStanding(publicKey, 3)
 * ```
 */
export type WriterStanding = 'member' | 'unknown' | 'revoked'

/**
 * The public half of a key ring: what a zero-knowledge replica needs to verify, store and forward
 * sealed entries — writers' public keys, their revocation points and the revoked epochs. It holds
 * no secret; `KeyRing` implements it, and so can anything that tracks membership.
 *
 * @example
 * ```ts
 * const publicRing: PublicKeyRing = ringWithoutSecrets
 * const verifier = new Verifier({ keyRing: publicRing })
 * ```
 */
export interface PublicKeyRing {
  readonly clusterId: Uint8Array
  /** Whether `publicKey` may have written an entry sealed under `epoch`. */
  writerStanding(publicKey: Uint8Array, epoch: number): WriterStanding
  isEpochRevoked(epoch: number): boolean
}

interface WriterRecord {
  readonly publicKey: Uint8Array
  /** False for a key that was only ever revoked (revoking must not make a stranger a member). */
  registered: boolean
  /** Entries sealed under this epoch or a later one are rejected; Infinity while not revoked. */
  revokedFromEpoch: number
}

/** Data keys live here, outside the objects, so that no enumeration or logging of a ring shows one. */
const dataKeys = new WeakMap<KeyRing, Map<number, Uint8Array>>()

function assertEpoch(epoch: number): void {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > EPOCH_MAX) {
    throw new RangeError(`a key epoch is an integer in 0..${EPOCH_MAX}`)
  }
}

function assertPublicKey(publicKey: Uint8Array): void {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_BYTES) {
    throw new TypeError(`a writer public key is ${PUBLIC_KEY_BYTES} bytes`)
  }
}

/** Checks a cluster or stream id: 0..255 bytes. */
export function assertId(id: Uint8Array, what: string): void {
  if (!(id instanceof Uint8Array) || id.length > ID_BYTES_MAX) {
    throw new TypeError(`${what} must be a Uint8Array of at most ${ID_BYTES_MAX} bytes`)
  }
}

/**
 * Derives the data key of one epoch: HKDF-SHA-256 with the epoch's cluster secret as input key
 * material, a fixed domain label as salt, and `len(clusterId) ‖ clusterId ‖ epoch` as info, so that
 * the same secret yields unrelated keys in two clusters or two epochs.
 *
 * @example
 * ```ts
 * const dataKey = deriveEpochDataKey(clusterSecret, clusterId, 1) // 32 bytes
 * deriveEpochDataKey(clusterSecret, clusterId, 1, nodeCryptoProvider) // the same 32 bytes
 * ```
 */
export function deriveEpochDataKey(
  clusterSecret: Uint8Array,
  clusterId: Uint8Array,
  epoch: number,
  cryptoProvider: CryptoProvider = pureCryptoProvider,
): Uint8Array {
  assertEpoch(epoch)
  assertId(clusterId, 'cluster id')
  const info = new Uint8Array(1 + clusterId.length + 4)
  info[0] = clusterId.length
  info.set(clusterId, 1)
  writeU32(info, 1 + clusterId.length, epoch)
  return cryptoProvider.hkdfSha256(clusterSecret, DOMAIN_EPOCH_KEY, info, DATA_KEY_BYTES)
}

/**
 * Options of a key ring.
 *
 * @example
 * ```ts
 * const options: KeyRingOptions = { clusterId: new TextEncoder().encode('cluster-1') }
 * ```
 */
export interface KeyRingOptions {
  /** The cluster's id (0..255 bytes); bound into every data key, entry and manifest. */
  readonly clusterId: Uint8Array
  /** The cryptography that derives data keys (HKDF-SHA-256); `pureCryptoProvider` by default. */
  readonly cryptoProvider?: CryptoProvider
}

/**
 * Writers, key epochs and their revocations. Rotation: `addEpoch` a newer epoch and new writes use
 * it, while older epochs still open. Revocation: `revokeEpoch` wipes an epoch's data key and
 * rejects everything sealed under it; `revokeWriter` rejects a writer's entries from an epoch on.
 *
 * @example
 * ```ts
 * const ring = new KeyRing({ clusterId })
 * ring.addWriter(writerPublicKey(signingKey))
 * ring.addEpoch(1, secretForEpoch1) // new writes use the newest epoch
 * ring.addEpoch(2, secretForEpoch2) // rotation: epoch 1 still opens
 * ring.revokeWriter(leaverPublicKey, { fromEpoch: 2 })
 * ring.revokeEpoch(1) // wipes the key; epoch-1 entries are now rejected
 * ```
 */
export class KeyRing implements PublicKeyRing {
  readonly clusterId: Uint8Array
  readonly #writers = new Map<string, WriterRecord>()
  readonly #revokedEpochs = new Set<number>()
  readonly #cryptoProvider: CryptoProvider
  // One-slot cache: the entries of a batch share their writer, so most look-ups repeat the last one.
  #lastWriter: WriterRecord | undefined

  constructor(options: KeyRingOptions) {
    assertId(options.clusterId, 'cluster id')
    this.clusterId = options.clusterId.slice()
    this.#cryptoProvider = options.cryptoProvider ?? pureCryptoProvider
    dataKeys.set(this, new Map())
  }

  /** Registers a writer's Ed25519 public key (idempotent). */
  addWriter(publicKey: Uint8Array): void {
    assertPublicKey(publicKey)
    const key = toHex(publicKey)
    const record = this.#writers.get(key)
    if (record === undefined) {
      this.#writers.set(key, {
        publicKey: publicKey.slice(),
        registered: true,
        revokedFromEpoch: Number.POSITIVE_INFINITY,
      })
    } else {
      record.registered = true
    }
  }

  /**
   * Revokes a writer from `fromEpoch` on: its entries sealed under `fromEpoch` or later are
   * rejected, earlier ones still verify (history stays readable). A revocation only ever tightens.
   */
  revokeWriter(publicKey: Uint8Array, point: { readonly fromEpoch: number }): void {
    assertPublicKey(publicKey)
    assertEpoch(point.fromEpoch)
    const key = toHex(publicKey)
    const record = this.#writers.get(key)
    if (record === undefined) {
      this.#writers.set(key, {
        publicKey: publicKey.slice(),
        registered: false,
        revokedFromEpoch: point.fromEpoch,
      })
    } else {
      record.revokedFromEpoch = Math.min(record.revokedFromEpoch, point.fromEpoch)
    }
  }

  writerStanding(publicKey: Uint8Array, epoch: number): WriterStanding {
    let record = this.#lastWriter
    if (record === undefined || !equalBytes(record.publicKey, publicKey)) {
      record = this.#writers.get(toHex(publicKey))
      if (record === undefined) return 'unknown'
      this.#lastWriter = record
    }
    if (epoch >= record.revokedFromEpoch) return 'revoked'
    return record.registered ? 'member' : 'unknown'
  }

  /**
   * Adds (or replaces) the cluster secret of an epoch and derives its data key. Each epoch should
   * have its own secret, distributed only to the members of that epoch: then a member removed
   * before an epoch can never read or seal under it.
   */
  addEpoch(epoch: number, clusterSecret: Uint8Array): void {
    assertEpoch(epoch)
    if (!(clusterSecret instanceof Uint8Array) || clusterSecret.length < CLUSTER_SECRET_BYTES_MIN) {
      throw new TypeError(`a cluster secret is at least ${CLUSTER_SECRET_BYTES_MIN} bytes`)
    }
    if (this.#revokedEpochs.has(epoch)) throw new RevokedKeyError(`epoch ${epoch} is revoked`)
    const keys = dataKeys.get(this) as Map<number, Uint8Array>
    keys.get(epoch)?.fill(0)
    keys.set(epoch, deriveEpochDataKey(clusterSecret, this.clusterId, epoch, this.#cryptoProvider))
  }

  /** Revokes an epoch: its data key is wiped and every entry sealed under it is rejected. */
  revokeEpoch(epoch: number): void {
    assertEpoch(epoch)
    this.#revokedEpochs.add(epoch)
    const keys = dataKeys.get(this) as Map<number, Uint8Array>
    keys.get(epoch)?.fill(0)
    keys.delete(epoch)
  }

  isEpochRevoked(epoch: number): boolean {
    return this.#revokedEpochs.has(epoch)
  }

  /** Whether this ring holds the data key of `epoch` (a zero-knowledge replica holds none). */
  hasDataKey(epoch: number): boolean {
    return (dataKeys.get(this) as Map<number, Uint8Array>).has(epoch)
  }

  /** The newest epoch whose data key this ring holds: the one new writes use. */
  currentEpoch(): number {
    let newest = -1
    for (const epoch of (dataKeys.get(this) as Map<number, Uint8Array>).keys())
      newest = Math.max(newest, epoch)
    if (newest < 0) throw new UnknownEpochError('this key ring holds no data key')
    return newest
  }

  /** Epochs revoked so far, ascending. */
  revokedEpochs(): number[] {
    return [...this.#revokedEpochs].sort((a, b) => a - b)
  }
}

/**
 * The data key of an epoch, for the sealing and opening code of this package only (not exported
 * from the package): it throws a typed error when the epoch is revoked or unknown to this ring.
 */
export function epochDataKey(ring: KeyRing, epoch: number): Uint8Array {
  if (ring.isEpochRevoked(epoch)) throw new RevokedKeyError(`epoch ${epoch} is revoked`)
  const key = dataKeys.get(ring)?.get(epoch)
  if (key === undefined) throw new UnknownEpochError(`no data key for epoch ${epoch}`)
  return key
}

export { writerLabel }
