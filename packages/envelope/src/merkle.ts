import { blake3 } from '@noble/hashes/blake3.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { HASH_BYTES, MERKLE_LEAF_PREFIX, MERKLE_NODE_PREFIX } from './constants.js'

/**
 * Merkle trees over a batch's entries, shaped as in RFC 6962 / RFC 9162 (left-balanced: the
 * left subtree of n leaves holds the largest power of two below n). Leaves are hashed with a 0x00
 * prefix and inner nodes with 0x01, so an inner node can never pass for a leaf (no second-preimage
 * trick); the tree's size is signed too, so a proof cannot be replayed against another shape.
 */

/** Name of a Merkle hash function. */
export type MerkleHashName = 'sha256' | 'blake3'

/** A hash function as the format uses it, with its one-byte id on the wire. */
export interface MerkleHash {
  readonly name: MerkleHashName
  readonly id: number
  /** Hash of `prefix ‖ bytes`. */
  prefixed(prefix: number, bytes: Uint8Array): Uint8Array
  /** Hash of `0x01 ‖ left ‖ right`. */
  node(left: Uint8Array, right: Uint8Array): Uint8Array
}

function makeMerkleHash(name: MerkleHashName, id: number, hash: typeof sha256 | typeof blake3): MerkleHash {
  const prefixByte = new Uint8Array(1)
  const nodeInput = new Uint8Array(1 + 2 * HASH_BYTES)
  nodeInput[0] = MERKLE_NODE_PREFIX
  return {
    name,
    id,
    prefixed(prefix, bytes) {
      prefixByte[0] = prefix
      return hash.create().update(prefixByte).update(bytes).digest()
    },
    node(left, right) {
      nodeInput.set(left, 1)
      nodeInput.set(right, 1 + HASH_BYTES)
      return hash(nodeInput)
    },
  }
}

export const merkleSha256: MerkleHash = makeMerkleHash('sha256', 1, sha256)
export const merkleBlake3: MerkleHash = makeMerkleHash('blake3', 2, blake3)

/** The Merkle hash named by a wire id, or undefined for an id this version does not know. */
export function merkleHashById(id: number): MerkleHash | undefined {
  if (id === merkleSha256.id) return merkleSha256
  if (id === merkleBlake3.id) return merkleBlake3
  return undefined
}

export function merkleHashByName(name: MerkleHashName): MerkleHash {
  if (name === 'sha256') return merkleSha256
  if (name === 'blake3') return merkleBlake3
  throw new RangeError(`unknown Merkle hash ${String(name)}`)
}

export function leafHash(hash: MerkleHash, leafBytes: Uint8Array): Uint8Array {
  return hash.prefixed(MERKLE_LEAF_PREFIX, leafBytes)
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

  constructor(hash: MerkleHash, leaves: Uint8Array, size: number) {
    this.size = size
    this.levels = [leaves]
    let level = leaves
    let count = size
    while (count > 1) {
      const parentCount = (count + 1) >>> 1
      const parent = new Uint8Array(parentCount * HASH_BYTES)
      for (let i = 0; i + 1 < count; i += 2) {
        const left = level.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES)
        const right = level.subarray((i + 1) * HASH_BYTES, (i + 2) * HASH_BYTES)
        parent.set(hash.node(left, right), (i >>> 1) * HASH_BYTES)
      }
      if (count & 1)
        parent.set(
          level.subarray((count - 1) * HASH_BYTES, count * HASH_BYTES),
          (parentCount - 1) * HASH_BYTES,
        )
      this.levels.push(parent)
      level = parent
      count = parentCount
    }
  }

  get root(): Uint8Array {
    return (this.levels[this.levels.length - 1] as Uint8Array).subarray(0, HASH_BYTES)
  }

  /** Writes the proof of leaf `index` (siblings from the leaf up) into `target` at `offset`. */
  writeProof(index: number, target: Uint8Array, offset: number): void {
    let position = index
    let count = this.size
    let out = offset
    for (let levelIndex = 0; count > 1; levelIndex++) {
      const sibling = position ^ 1
      if (sibling < count) {
        const level = this.levels[levelIndex] as Uint8Array
        target.set(level.subarray(sibling * HASH_BYTES, (sibling + 1) * HASH_BYTES), out)
        out += HASH_BYTES
      }
      position >>>= 1
      count = (count + 1) >>> 1
    }
  }

  /** Whether the proof stored at `source[offset..]` is exactly the proof of leaf `index`. */
  proofEquals(index: number, source: Uint8Array, offset: number): boolean {
    let position = index
    let count = this.size
    let at = offset
    let difference = 0
    for (let levelIndex = 0; count > 1; levelIndex++) {
      const sibling = position ^ 1
      if (sibling < count) {
        const level = this.levels[levelIndex] as Uint8Array
        const base = sibling * HASH_BYTES
        for (let i = 0; i < HASH_BYTES; i++)
          difference |= (level[base + i] as number) ^ (source[at + i] as number)
        at += HASH_BYTES
      }
      position >>>= 1
      count = (count + 1) >>> 1
    }
    return difference === 0
  }
}
