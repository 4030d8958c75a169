import { HASH_BYTES, MERKLE_LEAF_PREFIX, MERKLE_NODE_PREFIX } from './constants.js'
import type { CryptoProvider, PrefixedHash } from './provider.js'

/**
 * Merkle trees over a batch's entries, shaped as in RFC 6962 / RFC 9162 (left-balanced: the
 * left subtree of n leaves holds the largest power of two below n). Leaves are hashed with a 0x00
 * prefix and inner nodes with 0x01, so an inner node can never pass for a leaf (no second-preimage
 * trick); the tree's size is signed too, so a proof cannot be replayed against another shape.
 */

/**
 * Name of a Merkle hash function.
 *
 * @example
 * ```ts
 * const hash: MerkleHashName = 'blake3'
 * ```
 */
export type MerkleHashName = 'sha256' | 'blake3'

const SHA256_ID = 1
const BLAKE3_ID = 2

/** A hash function as the format uses it, with its one-byte id on the wire, bound to a provider. */
export interface MerkleHash {
  readonly name: MerkleHashName
  readonly id: number
  /** Writes `H(prefix ‖ bytes)` into `out` at `outOffset`. */
  readonly prefixed: PrefixedHash
  /**
   * Writes `H(0x01 ‖ left[leftOffset ..+32) ‖ right[rightOffset ..+32))` into `out` at `outOffset`
   * (`out` may be one of the inputs).
   */
  node(
    left: Uint8Array,
    leftOffset: number,
    right: Uint8Array,
    rightOffset: number,
    out: Uint8Array,
    outOffset: number,
  ): void
  /** Writes `H(0x01 ‖ level[offset .. offset + 64))` — two adjacent siblings — into `out` at `outOffset`. */
  siblings(level: Uint8Array, offset: number, out: Uint8Array, outOffset: number): void
}

function makeMerkleHash(name: MerkleHashName, id: number, prefixed: PrefixedHash): MerkleHash {
  // Scratch for a node whose two children are not adjacent in memory (a proof walk).
  const pair = new Uint8Array(2 * HASH_BYTES)
  return {
    name,
    id,
    prefixed,
    node(left, leftOffset, right, rightOffset, out, outOffset) {
      for (let i = 0; i < HASH_BYTES; i++) {
        pair[i] = left[leftOffset + i] as number
        pair[HASH_BYTES + i] = right[rightOffset + i] as number
      }
      prefixed(MERKLE_NODE_PREFIX, pair, out, outOffset)
    },
    siblings(level, offset, out, outOffset) {
      // A copy into the scratch pair costs less than a subarray per node.
      for (let i = 0; i < 2 * HASH_BYTES; i++) pair[i] = level[offset + i] as number
      prefixed(MERKLE_NODE_PREFIX, pair, out, outOffset)
    },
  }
}

const hashesByProvider = new WeakMap<CryptoProvider, readonly [MerkleHash, MerkleHash]>()

function hashesOf(provider: CryptoProvider): readonly [MerkleHash, MerkleHash] {
  let hashes = hashesByProvider.get(provider)
  if (hashes === undefined) {
    hashes = [
      makeMerkleHash('sha256', SHA256_ID, provider.sha256Prefixed),
      makeMerkleHash('blake3', BLAKE3_ID, provider.blake3Prefixed),
    ]
    hashesByProvider.set(provider, hashes)
  }
  return hashes
}

/** Whether a wire id names a Merkle hash this version knows. */
export function isMerkleHashId(id: number): boolean {
  return id === SHA256_ID || id === BLAKE3_ID
}

/** The provider's Merkle hash with a known wire id (check it with `isMerkleHashId` first). */
export function merkleHashById(provider: CryptoProvider, id: number): MerkleHash {
  const [sha, blake] = hashesOf(provider)
  if (id === SHA256_ID) return sha
  if (id === BLAKE3_ID) return blake
  throw new RangeError(`unknown Merkle hash id ${id}`)
}

/** The name of a known wire id (check it with `isMerkleHashId` first). */
export function merkleHashNameById(id: number): MerkleHashName {
  return id === SHA256_ID ? 'sha256' : 'blake3'
}

export function merkleHashByName(provider: CryptoProvider, name: MerkleHashName): MerkleHash {
  const [sha, blake] = hashesOf(provider)
  if (name === 'sha256') return sha
  if (name === 'blake3') return blake
  throw new RangeError(`unknown Merkle hash ${String(name)}`)
}

/** Writes the leaf hash `H(0x00 ‖ leafBytes[0 .. leafLength))` into `out` at `outOffset`. */
export function leafHashInto(
  hash: MerkleHash,
  leafBytes: Uint8Array,
  out: Uint8Array,
  outOffset: number,
  leafLength: number = leafBytes.length,
): void {
  hash.prefixed(MERKLE_LEAF_PREFIX, leafBytes, out, outOffset, leafLength)
}

/** The leaf hash `H(0x00 ‖ leafBytes)` in a new array. */
export function leafHash(hash: MerkleHash, leafBytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(HASH_BYTES)
  leafHashInto(hash, leafBytes, out, 0)
  return out
}

/**
 * Number of sibling hashes in the proof of leaf `index` in a tree of `size` leaves. At each level
 * the last node of an odd-sized level has no sibling: it is carried up unchanged.
 */
export function proofDepth(index: number, size: number): number {
  let depth = 0
  let position = index
  let count = size
  while (count > 1) {
    if ((position ^ 1) < count) depth++
    position >>>= 1
    count = (count + 1) >>> 1
  }
  return depth
}

/** Every level of a tree, leaves first; each level is one flat array of 32-byte hashes. */
export class MerkleTree {
  readonly levels: Uint8Array[]
  readonly size: number
  /** A DataView of each level, for word-wide proof copies and comparisons. */
  readonly #views: DataView[]

  constructor(hash: MerkleHash, leaves: Uint8Array, size: number) {
    this.size = size
    this.levels = [leaves]
    let level = leaves
    let count = size
    while (count > 1) {
      const parentCount = (count + 1) >>> 1
      const parent = new Uint8Array(parentCount * HASH_BYTES)
      for (let i = 0; i + 1 < count; i += 2)
        hash.siblings(level, i * HASH_BYTES, parent, (i >>> 1) * HASH_BYTES)
      if (count & 1)
        parent.set(
          level.subarray((count - 1) * HASH_BYTES, count * HASH_BYTES),
          (parentCount - 1) * HASH_BYTES,
        )
      this.levels.push(parent)
      level = parent
      count = parentCount
    }
    this.#views = this.levels.map((bytes) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  }

  get root(): Uint8Array {
    return (this.levels[this.levels.length - 1] as Uint8Array).subarray(0, HASH_BYTES)
  }

  /**
   * Writes the proof of leaf `index` (siblings from the leaf up) through `out` at `offset` (a
   * DataView the caller holds, over the whole buffer, so that none is made per entry).
   */
  writeProof(index: number, out: DataView, offset: number): void {
    // 32-bit words through DataViews: a byte loop or a subarray per proof hash cost several times more.
    let position = index
    let count = this.size
    let at = offset
    for (let levelIndex = 0; count > 1; levelIndex++) {
      const sibling = position ^ 1
      if (sibling < count) {
        const level = this.#views[levelIndex] as DataView
        const base = sibling * HASH_BYTES
        for (let i = 0; i < HASH_BYTES; i += 4) out.setUint32(at + i, level.getUint32(base + i))
        at += HASH_BYTES
      }
      position >>>= 1
      count = (count + 1) >>> 1
    }
  }

  /** Whether the proof stored at `offset` of `input` (a DataView the caller holds) is exactly the proof of leaf `index`. */
  proofEquals(index: number, input: DataView, offset: number): boolean {
    let position = index
    let count = this.size
    let at = offset
    let difference = 0
    for (let levelIndex = 0; count > 1; levelIndex++) {
      const sibling = position ^ 1
      if (sibling < count) {
        const level = this.#views[levelIndex] as DataView
        const base = sibling * HASH_BYTES
        for (let i = 0; i < HASH_BYTES; i += 4)
          difference |= level.getUint32(base + i) ^ input.getUint32(at + i)
        at += HASH_BYTES
      }
      position >>>= 1
      count = (count + 1) >>> 1
    }
    return difference === 0
  }
}
