import { ascii } from './bytes.js'

/**
 * The only format version this code writes and reads.
 *
 * @example
 * ```ts
 * envelope[0] === FORMAT_VERSION // true
 * ```
 */
export const FORMAT_VERSION = 1

/** Second byte of every sealed object: what kind of object it is. */
export const KIND_ENTRY = 1
export const KIND_SNAPSHOT_CHUNK = 2
export const KIND_SNAPSHOT_MANIFEST = 3
/** A sealed batch: caller's plaintext header, encrypted payload, one signature (`BatchSealer`). */
export const KIND_SEALED_BATCH = 4
/** A signed, unencrypted control entry (`ControlSigner`). */
export const KIND_CONTROL = 5

export const PUBLIC_KEY_BYTES = 32
export const SIGNATURE_BYTES = 64
export const NONCE_BYTES = 24
export const TAG_BYTES = 16
export const HASH_BYTES = 32
export const DATA_KEY_BYTES = 32
export const SIGNING_KEY_BYTES = 32

/** Hard ceiling of a Merkle proof's depth: a batch never exceeds 2^32 entries. */
export const PROOF_DEPTH_CEILING = 32

/** Longest cluster id or stream id, in bytes (its length is encoded in one byte). */
export const ID_BYTES_MAX = 255

// Domain-separation labels: every hash input and every signed message starts with one, so a value
// computed for one purpose can never be replayed as another.
export const DOMAIN_EPOCH_KEY = ascii('tandem/envelope/v1/epoch-key')
export const DOMAIN_ENTRY_AD = ascii('tandem/envelope/v1/entry-ad')
export const DOMAIN_BATCH_STATEMENT = ascii('tandem/envelope/v1/batch')
export const DOMAIN_CHUNK_AD = ascii('tandem/envelope/v1/chunk-ad')
export const DOMAIN_MANIFEST_STATEMENT = ascii('tandem/envelope/v1/manifest')
export const DOMAIN_SEALED_BATCH_AD = ascii('tandem/envelope/v1/sealed-batch-ad')
export const DOMAIN_SEALED_BATCH_STATEMENT = ascii('tandem/envelope/v1/sealed-batch')
export const DOMAIN_CONTROL_STATEMENT = ascii('tandem/envelope/v1/control')

/**
 * First byte of every hash input: a Merkle leaf, an inner node, a snapshot chunk, a sealed batch's
 * ciphertext and a control entry's content. Distinct prefixes keep a digest computed for one
 * purpose from ever standing for another.
 */
export const MERKLE_LEAF_PREFIX = 0x00
export const MERKLE_NODE_PREFIX = 0x01
export const CHUNK_HASH_PREFIX = 0x02
export const SEALED_BATCH_CIPHERTEXT_HASH_PREFIX = 0x03
export const CONTROL_CONTENT_HASH_PREFIX = 0x04
