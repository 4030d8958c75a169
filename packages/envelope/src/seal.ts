import type { CryptoRandom } from '@tandem/base'
import { isSafeCount, writeU32, writeU64 } from './bytes.js'
import { FORMAT_VERSION, HASH_BYTES, KIND_ENTRY, NONCE_BYTES, TAG_BYTES } from './constants.js'
import { StreamContextCache } from './context.js'
import { ENTRY_HEADER_BYTES, ENTRY_OFFSET, entryBytes } from './format/entry.js'
import { epochDataKey, type KeyRing } from './keyring.js'
import { type EnvelopeLimits, resolveLimits } from './limits.js'
import {
  leafHashInto,
  type MerkleHash,
  type MerkleHashName,
  MerkleTree,
  merkleHashByName,
  proofDepth,
} from './merkle.js'
import { NoncePool } from './nonce-pool.js'
import type { AeadCipher, CryptoProvider, Ed25519Signer } from './provider.js'
import { pureCryptoProvider } from './pure-provider.js'

/**
 * Options of a sealer.
 *
 * @example
 * ```ts
 * const options: SealerOptions = { keyRing: ring, signingKey, merkleHash: 'blake3' }
 * ```
 */
export interface SealerOptions {
  /** Key ring holding the data key of the epoch to seal under (by default its newest). */
  readonly keyRing: KeyRing
  /** The writer's 32-byte Ed25519 secret seed. */
  readonly signingKey: Uint8Array
  /** CSPRNG for nonces; defaults to the provider's `randomBytes`. */
  readonly random?: CryptoRandom
  /** The cryptography to seal with; `pureCryptoProvider` by default (`nodeCryptoProvider` on Node). */
  readonly cryptoProvider?: CryptoProvider
  /** Merkle hash of batches; SHA-256 by default. */
  readonly merkleHash?: MerkleHashName
  readonly limits?: Partial<EnvelopeLimits>
}

/**
 * One entry to seal: the writer's sequence number on the stream and the plaintext.
 *
 * @example
 * ```ts
 * const entry: EntryToSeal = { sequence: 7, payload: new Uint8Array([1, 2, 3]) }
 * ```
 */
export interface EntryToSeal {
  /** Strictly increasing per (writer, stream); the writer must persist it across restarts. */
  readonly sequence: number
  readonly payload: Uint8Array
}

/**
 * Per-call options of `sealBatch`.
 *
 * @example
 * ```ts
 * sealer.sealBatch(stream, entries, { epoch: 2 } satisfies SealBatchOptions)
 * ```
 */
export interface SealBatchOptions {
  /** Epoch to seal under; the key ring's newest epoch by default. */
  readonly epoch?: number
}

/**
 * Seals entries for one writer: encrypts each with XChaCha20-Poly1305 under the epoch's data key
 * (associated data binding cluster, stream, epoch, writer and sequence), hashes the envelopes into
 * a Merkle tree and signs the root once per batch. Each returned envelope carries the signature and
 * its own inclusion proof, so it verifies alone once the batch is split.
 *
 * @example
 * ```ts
 * const sealer = new Sealer({ keyRing: ring, signingKey })
 * const envelopes = sealer.sealBatch(stream, [{ sequence: 1, payload }, { sequence: 2, payload }])
 * const single = sealer.seal(stream, { sequence: 3, payload }) // signed alone
 * ```
 */
export class Sealer {
  /** The writer's Ed25519 public key, as written into every envelope. */
  readonly publicKey: Uint8Array
  readonly #keyRing: KeyRing
  readonly #signer: Ed25519Signer
  readonly #aead: AeadCipher
  readonly #nonces: NoncePool
  readonly #hash: MerkleHash
  readonly #limits: EnvelopeLimits
  readonly #contexts = new StreamContextCache()
  readonly #nonce = new Uint8Array(NONCE_BYTES)
  /** Proof depth of each entry of the batch being sealed (grown as batches grow). */
  #depths = new Uint8Array(0)

  constructor(options: SealerOptions) {
    const provider = options.cryptoProvider ?? pureCryptoProvider
    this.#signer = provider.ed25519Signer(options.signingKey)
    this.publicKey = this.#signer.publicKey.slice()
    this.#aead = provider.xchacha20poly1305
    this.#keyRing = options.keyRing
    this.#nonces = new NoncePool(options.random ?? provider.randomBytes, NONCE_BYTES)
    this.#hash = merkleHashByName(provider, options.merkleHash ?? 'sha256')
    this.#limits = resolveLimits(options.limits)
  }

  /** Seals one entry signed on its own (a batch of one: no proof, one signature per entry). */
  seal(streamId: Uint8Array, entry: EntryToSeal, options?: SealBatchOptions): Uint8Array {
    return this.sealBatch(streamId, [entry], options)[0] as Uint8Array
  }

  /**
   * Seals a batch of entries of one stream under one signature. Sequences must be strictly
   * increasing. Returns one envelope per entry, in order; the envelopes are adjacent views into
   * one buffer allocated for the batch (`slice()` one to hold it apart from the others).
   */
  sealBatch(streamId: Uint8Array, entries: readonly EntryToSeal[], options?: SealBatchOptions): Uint8Array[] {
    const size = entries.length
    if (size < 1 || size > this.#limits.batchEntriesMax) {
      throw new RangeError(`a batch holds 1..${this.#limits.batchEntriesMax} entries, not ${size}`)
    }
    let previous = -1
    for (const entry of entries) {
      if (!isSafeCount(entry.sequence) || entry.sequence <= previous) {
        throw new RangeError('sequence numbers must be safe integers, strictly increasing within a batch')
      }
      if (!(entry.payload instanceof Uint8Array) || entry.payload.length > this.#limits.payloadBytesMax) {
        throw new RangeError(`a payload is a Uint8Array of at most ${this.#limits.payloadBytesMax} bytes`)
      }
      previous = entry.sequence
    }
    const epoch = options?.epoch ?? this.#keyRing.currentEpoch()
    const key = epochDataKey(this.#keyRing, epoch)
    const context = this.#contexts.get(this.#keyRing.clusterId, streamId)
    const hash = this.#hash
    const aead = this.#aead

    const envelopes: Uint8Array[] = new Array(size)
    const leaves = new Uint8Array(size * HASH_BYTES)
    // One allocation for the whole batch: the envelopes are adjacent views into it.
    let batchBytes = 0
    if (this.#depths.length < size) this.#depths = new Uint8Array(size)
    const depths = this.#depths
    for (let index = 0; index < size; index++) {
      const depth = proofDepth(index, size)
      depths[index] = depth
      batchBytes += entryBytes((entries[index] as EntryToSeal).payload.length, depth)
    }
    const batchBuffer = new ArrayBuffer(batchBytes)
    // One DataView for the whole batch buffer: AD headers are read and proofs written through it.
    const batchView = new DataView(batchBuffer)
    let batchOffset = 0
    for (let index = 0; index < size; index++) {
      const { sequence, payload } = entries[index] as EntryToSeal
      const depth = depths[index] as number
      const ciphertextBytes = payload.length + TAG_BYTES
      const envelopeBytes = entryBytes(payload.length, depth)
      const envelopeOffset = batchOffset
      const envelope = new Uint8Array(batchBuffer, envelopeOffset, envelopeBytes)
      batchOffset += envelopeBytes
      envelope[ENTRY_OFFSET.version] = FORMAT_VERSION
      envelope[ENTRY_OFFSET.kind] = KIND_ENTRY
      envelope[ENTRY_OFFSET.hash] = hash.id
      envelope[ENTRY_OFFSET.proofDepth] = depth
      writeU32(envelope, ENTRY_OFFSET.epoch, epoch)
      envelope.set(this.publicKey, ENTRY_OFFSET.writer)
      writeU64(envelope, ENTRY_OFFSET.sequence, sequence)
      writeU32(envelope, ENTRY_OFFSET.leafIndex, index)
      writeU32(envelope, ENTRY_OFFSET.batchSize, size)
      // The nonce goes to the AEAD from a scratch array (a subarray per entry cost more than the copy).
      const nonce = this.#nonce
      this.#nonces.take(nonce, 0)
      for (let i = 0; i < NONCE_BYTES; i++) envelope[ENTRY_OFFSET.nonce + i] = nonce[i] as number
      writeU32(envelope, ENTRY_OFFSET.ciphertextLength, ciphertextBytes)
      const sealedEnd = ENTRY_HEADER_BYTES + ciphertextBytes
      // Encrypt straight into the envelope: no intermediate ciphertext buffer.
      aead.encrypt(
        key,
        nonce,
        context.associatedDataAt(batchView, envelopeOffset),
        payload,
        envelope.subarray(ENTRY_HEADER_BYTES, sealedEnd),
      )
      leafHashInto(hash, envelope, leaves, index * HASH_BYTES, sealedEnd)
      envelopes[index] = envelope
    }

    const tree = new MerkleTree(hash, leaves, size)
    const statement = context.statement(hash.id, epoch, this.publicKey, size, tree.root)
    const signature = this.#signer.sign(statement)
    for (let index = 0; index < size; index++) {
      const envelope = envelopes[index] as Uint8Array
      const signatureOffset = ENTRY_HEADER_BYTES + (entries[index] as EntryToSeal).payload.length + TAG_BYTES
      envelope.set(signature, signatureOffset)
      tree.writeProof(index, batchView, envelope.byteOffset + signatureOffset + signature.length)
    }
    return envelopes
  }
}
