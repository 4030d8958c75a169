import { equalAt, equalBytes } from './bytes.js'
import { HASH_BYTES, PROOF_DEPTH_CEILING, PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from './constants.js'
import type { StreamContext } from './context.js'
import type { EntryHeader } from './format/entry.js'
import type { MerkleHash } from './merkle.js'

const LEVELS_MAX = PROOF_DEPTH_CEILING + 1

/**
 * The Merkle path of the last entry that fully verified (proof up to a root whose batch signature
 * verified). When entries of a batch are verified one by one after the split, the next entry's
 * path joins this one a level or two up: once a node it computes equals the authenticated node at
 * the same position, and its remaining proof hashes equal the authenticated ones, its root is the
 * authenticated root. With the same writer, epoch, batch size, hash, cluster, stream and signature
 * bytes, its batch statement is then the one whose signature verified, byte for byte, so neither
 * the rest of the path nor the signature needs recomputing. Anything that differs falls back to
 * the full check, which then fails with the usual error.
 */
export class AuthenticatedPathCache {
  #valid = false
  #context: StreamContext | undefined
  #hashId = 0
  #epoch = 0
  #batchSize = 0
  readonly #writer = new Uint8Array(PUBLIC_KEY_BYTES)
  readonly #signature = new Uint8Array(SIGNATURE_BYTES)
  /** Node hash at each level of the remembered path, leaf first, root last. */
  readonly #nodes = new Uint8Array(LEVELS_MAX * HASH_BYTES)
  /** Position of that node within its level. */
  readonly #positions = new Uint32Array(LEVELS_MAX)
  /** Bytes of proof consumed below each level. */
  readonly #proofOffsets = new Uint32Array(LEVELS_MAX)
  readonly #proof = new Uint8Array(PROOF_DEPTH_CEILING * HASH_BYTES)
  #proofBytes = 0
  #levels = 0

  /**
   * Walks the entry's proof from its leaf hash (already in `staging.nodes[0..32)`) towards the
   * root. Returns true when it joins the remembered authenticated path (the entry is then
   * authentic); otherwise returns false with the computed root written to `rootOut` and the path
   * staged for `remember`.
   */
  walk(
    context: StreamContext,
    envelope: Uint8Array,
    header: EntryHeader,
    hash: MerkleHash,
    rootOut: Uint8Array,
    staging: PathStaging,
  ): boolean {
    const comparable = this.#valid && this.#sameBatch(context, envelope, header)
    // staging.nodes holds the leaf at level 0 (written by the caller); each level's node goes right after.
    const nodes = staging.nodes
    let position = header.leafIndex
    let count = header.batchSize
    let at = header.proofOffset
    let level = 0
    for (;;) {
      const here = level * HASH_BYTES
      staging.positions[level] = position
      staging.proofOffsets[level] = at - header.proofOffset
      if (
        comparable &&
        level < this.#levels &&
        this.#positions[level] === position &&
        equalAt(nodes, here, this.#nodes, here, HASH_BYTES)
      ) {
        const remaining = envelope.length - at
        const cachedAt = this.#proofOffsets[level] as number
        if (
          remaining === this.#proofBytes - cachedAt &&
          equalAt(envelope, at, this.#proof, cachedAt, remaining)
        ) {
          this.#adopt(envelope, header, staging, level)
          return true
        }
      }
      if (count <= 1) break
      const next = here + HASH_BYTES
      if (position & 1) {
        hash.node(envelope, at, nodes, here, nodes, next)
        at += HASH_BYTES
      } else if (position + 1 < count) {
        hash.node(nodes, here, envelope, at, nodes, next)
        at += HASH_BYTES
      } else {
        nodes.copyWithin(next, here, next)
      }
      position >>>= 1
      count = (count + 1) >>> 1
      level++
    }
    staging.levels = level + 1
    rootOut.set(nodes.subarray(level * HASH_BYTES, (level + 1) * HASH_BYTES))
    return false
  }

  /** Remembers the path staged by `walk` after the entry's signature verified. */
  remember(context: StreamContext, envelope: Uint8Array, header: EntryHeader, staging: PathStaging): void {
    this.#context = context
    this.#hashId = header.hashId
    this.#epoch = header.epoch
    this.#batchSize = header.batchSize
    this.#writer.set(header.writer)
    this.#signature.set(envelope.subarray(header.signatureOffset, header.signatureOffset + SIGNATURE_BYTES))
    this.#levels = staging.levels
    this.#nodes.set(staging.nodes.subarray(0, staging.levels * HASH_BYTES))
    this.#positions.set(staging.positions.subarray(0, staging.levels))
    this.#proofOffsets.set(staging.proofOffsets.subarray(0, staging.levels))
    this.#proofBytes = envelope.length - header.proofOffset
    this.#proof.set(envelope.subarray(header.proofOffset))
    this.#valid = true
  }

  /**
   * After an entry joined the path at `joinLevel`, its lower path is authenticated too: make it the
   * remembered one, so that the next entry in leaf order joins it low (one or two hashes) instead
   * of joining the first entry's path near the root.
   */
  #adopt(envelope: Uint8Array, header: EntryHeader, staging: PathStaging, joinLevel: number): void {
    const consumedBelowJoin = staging.proofOffsets[joinLevel] as number
    const cachedBelowJoin = this.#proofOffsets[joinLevel] as number
    for (let level = joinLevel + 1; level < this.#levels; level++) {
      this.#proofOffsets[level] =
        consumedBelowJoin + ((this.#proofOffsets[level] as number) - cachedBelowJoin)
    }
    this.#nodes.set(staging.nodes.subarray(0, joinLevel * HASH_BYTES))
    this.#positions.set(staging.positions.subarray(0, joinLevel))
    this.#proofOffsets.set(staging.proofOffsets.subarray(0, joinLevel + 1))
    this.#proofBytes = envelope.length - header.proofOffset
    this.#proof.set(envelope.subarray(header.proofOffset))
  }

  #sameBatch(context: StreamContext, envelope: Uint8Array, header: EntryHeader): boolean {
    return (
      context === this.#context &&
      header.hashId === this.#hashId &&
      header.epoch === this.#epoch &&
      header.batchSize === this.#batchSize &&
      equalBytes(header.writer, this.#writer) &&
      equalAt(envelope, header.signatureOffset, this.#signature, 0, SIGNATURE_BYTES)
    )
  }
}

/** Scratch space for one walk, reused across entries. */
export class PathStaging {
  readonly nodes = new Uint8Array(LEVELS_MAX * HASH_BYTES)
  readonly positions = new Uint32Array(LEVELS_MAX)
  readonly proofOffsets = new Uint32Array(LEVELS_MAX)
  levels = 0
}
