import { equalBytes, writerLabel } from './bytes.js'
import { HASH_BYTES, SIGNATURE_BYTES } from './constants.js'
import { type StreamContext, StreamContextCache } from './context.js'
import { DataViewCache } from './data-view-cache.js'
import { MalformedEnvelopeError, ReplayedEntryError, TamperedEntryError } from './errors.js'
import { decodeEntry, type EntryHeader } from './format/entry.js'
import type { PublicKeyRing } from './keyring.js'
import type { EnvelopeLimits } from './limits.js'
import { leafHashInto, type MerkleHash, MerkleTree, merkleHashById } from './merkle.js'
import { AuthenticatedPathCache, PathStaging } from './path-cache.js'
import type { CryptoProvider } from './provider.js'
import type { ReplayGuard } from './replay.js'
import { VerifiedSignatureCache } from './signature-cache.js'
import { checkWriterStanding } from './standing.js'

/**
 * Everything that proves an entry genuine without its data key: structure, writer standing, epoch
 * revocation, Merkle proof, batch signature and replay order. Shared by the zero-knowledge
 * `Verifier` and by the `Opener`, which decrypts after it.
 */
export class EntryAuthenticator {
  readonly limits: EnvelopeLimits
  readonly #keyRing: PublicKeyRing
  readonly #provider: CryptoProvider
  readonly #contexts = new StreamContextCache()
  readonly #signatures: VerifiedSignatureCache
  readonly #paths = new AuthenticatedPathCache()
  readonly #staging = new PathStaging()
  readonly #root = new Uint8Array(HASH_BYTES)
  readonly #views = new DataViewCache()
  readonly #signature = new Uint8Array(SIGNATURE_BYTES)
  readonly #signatureView = new DataView(this.#signature.buffer)

  constructor(
    keyRing: PublicKeyRing,
    limits: EnvelopeLimits,
    signatureCacheEntries: number,
    provider: CryptoProvider,
  ) {
    this.#keyRing = keyRing
    this.#provider = provider
    this.limits = limits
    this.#signatures = new VerifiedSignatureCache(signatureCacheEntries)
  }

  context(streamId: Uint8Array): StreamContext {
    return this.#contexts.get(this.#keyRing.clusterId, streamId)
  }

  #checkStanding(header: EntryHeader): void {
    checkWriterStanding(this.#keyRing, header.writer, header.epoch)
  }

  #checkSignature(context: StreamContext, envelope: Uint8Array, header: EntryHeader, root: Uint8Array): void {
    const statement = context.statement(header.hashId, header.epoch, header.writer, header.batchSize, root)
    const signature = envelope.subarray(header.signatureOffset, header.signatureOffset + SIGNATURE_BYTES)
    if (this.#signatures.has(statement, signature)) return
    if (!this.#provider.ed25519Verify(signature, statement, header.writer)) {
      throw new TamperedEntryError(
        `entry ${header.sequence} of writer ${writerLabel(header.writer)} fails its batch signature`,
      )
    }
    this.#signatures.add(statement, signature)
  }

  /** Authenticates one entry on its own (proof + signature). Does not touch the replay guard. */
  entry(context: StreamContext, envelope: Uint8Array): EntryHeader {
    const header = decodeEntry(envelope, this.limits)
    this.#checkStanding(header)
    const hash = merkleHashById(this.#provider, header.hashId)
    leafHashInto(hash, envelope, this.#staging.nodes, 0, header.signatureOffset)
    if (this.#paths.walk(context, envelope, header, hash, this.#root, this.#staging)) return header
    this.#checkSignature(context, envelope, header, this.#root)
    this.#paths.remember(context, envelope, header, this.#staging)
    return header
  }

  /**
   * Authenticates a whole batch (every entry, in leaf order) with one signature check: the tree is
   * rebuilt from the leaves, and each entry's stored proof must equal the rebuilt one byte for byte.
   */
  batch(context: StreamContext, envelopes: readonly Uint8Array[]): EntryHeader[] {
    const size = envelopes.length
    if (size < 1 || size > this.limits.batchEntriesMax) {
      throw new MalformedEnvelopeError(`a batch holds 1..${this.limits.batchEntriesMax} entries, not ${size}`)
    }
    const headers: EntryHeader[] = new Array(size)
    const leaves = new Uint8Array(size * HASH_BYTES)
    let first: EntryHeader | undefined
    let hash: MerkleHash | undefined
    for (let index = 0; index < size; index++) {
      const envelope = envelopes[index] as Uint8Array
      const header = decodeEntry(envelope, this.limits, first)
      if (first === undefined) {
        first = header
        this.#checkStanding(header)
        hash = merkleHashById(this.#provider, header.hashId)
      } else if (
        header.epoch !== first.epoch ||
        header.hashId !== first.hashId ||
        (header.writer !== first.writer && !equalBytes(header.writer, first.writer))
      ) {
        throw new MalformedEnvelopeError('entries of one batch must share writer, epoch and hash')
      }
      if (header.batchSize !== size || header.leafIndex !== index) {
        throw new MalformedEnvelopeError('not a whole batch in leaf order')
      }
      leafHashInto(hash as MerkleHash, envelope, leaves, index * HASH_BYTES, header.signatureOffset)
      headers[index] = header
    }
    const head = first as EntryHeader
    const tree = new MerkleTree(hash as MerkleHash, leaves, size)
    const firstEnvelope = envelopes[0] as Uint8Array
    this.#checkSignature(context, firstEnvelope, head, tree.root)
    const signature = this.#signature
    signature.set(firstEnvelope.subarray(head.signatureOffset, head.signatureOffset + SIGNATURE_BYTES))
    const views = this.#views
    for (let index = 0; index < size; index++) {
      const envelope = envelopes[index] as Uint8Array
      const header = headers[index] as EntryHeader
      const view = views.of(envelope)
      if (index > 0 && !this.#signatureEquals(view, envelope.byteOffset + header.signatureOffset)) {
        throw new TamperedEntryError(`entry ${header.sequence} carries another batch's signature`)
      }
      if (!tree.proofEquals(index, view, envelope.byteOffset + header.proofOffset)) {
        throw new TamperedEntryError(`entry ${header.sequence} carries a wrong inclusion proof`)
      }
    }
    return headers
  }

  /** Whether the 64 bytes at `offset` of `view` are the batch signature held in `#signature`. */
  #signatureEquals(view: DataView, offset: number): boolean {
    // 32-bit words through views made once (per batch, per buffer): a byte loop over the 64 bytes
    // of every entry, or two DataViews made per entry, showed in profiles.
    const expected = this.#signatureView
    let difference = 0
    for (let i = 0; i < SIGNATURE_BYTES; i += 4)
      difference |= expected.getUint32(i) ^ view.getUint32(offset + i)
    return difference === 0
  }

  /** Checks replay order for entries about to be accepted (in order); records nothing. */
  checkReplay(guard: ReplayGuard, streamId: Uint8Array, headers: readonly EntryHeader[]): void {
    let previous = -1
    for (const header of headers) {
      if (header.sequence <= previous) {
        throw new ReplayedEntryError(`sequence ${header.sequence} repeats or regresses within its batch`)
      }
      guard.check(header.writer, streamId, header.sequence)
      previous = header.sequence
    }
  }
}
