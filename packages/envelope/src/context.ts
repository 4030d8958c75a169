import { equalBytes, writeU32 } from './bytes.js'
import {
  DOMAIN_BATCH_STATEMENT,
  DOMAIN_ENTRY_AD,
  FORMAT_VERSION,
  HASH_BYTES,
  PUBLIC_KEY_BYTES,
} from './constants.js'
import { ENTRY_AD_HEADER_BYTES } from './format/entry.js'
import { assertId } from './keyring.js'

/**
 * The two byte strings that bind an entry to its cluster and stream, kept in reusable buffers per
 * (cluster, stream) so that sealing or opening an entry builds them without allocating:
 *
 * - associated data of the AEAD:
 *   `"tandem/envelope/v1/entry-ad" ‖ len(cluster) ‖ cluster ‖ len(stream) ‖ stream ‖ entry[0..56)`
 * - batch statement (what the writer signs):
 *   `"tandem/envelope/v1/batch" ‖ version ‖ hash id ‖ len(cluster) ‖ cluster ‖ len(stream) ‖ stream
 *   ‖ epoch (4) ‖ writer public key (32) ‖ batch size (4) ‖ Merkle root (32)`
 */
export class StreamContext {
  readonly clusterId: Uint8Array
  readonly streamId: Uint8Array
  readonly #ad: Uint8Array
  readonly #adHeaderOffset: number
  readonly #adView: DataView
  readonly #statement: Uint8Array
  readonly #statementFieldsOffset: number

  constructor(clusterId: Uint8Array, streamId: Uint8Array) {
    assertId(clusterId, 'cluster id')
    assertId(streamId, 'stream id')
    this.clusterId = clusterId.slice()
    this.streamId = streamId.slice()
    const ids = 2 + clusterId.length + streamId.length
    this.#adHeaderOffset = DOMAIN_ENTRY_AD.length + ids
    this.#ad = new Uint8Array(this.#adHeaderOffset + ENTRY_AD_HEADER_BYTES)
    this.#adView = new DataView(this.#ad.buffer)
    this.#ad.set(DOMAIN_ENTRY_AD, 0)
    writeIds(this.#ad, DOMAIN_ENTRY_AD.length, clusterId, streamId)

    this.#statementFieldsOffset = DOMAIN_BATCH_STATEMENT.length + 2 + ids
    this.#statement = new Uint8Array(this.#statementFieldsOffset + 4 + PUBLIC_KEY_BYTES + 4 + HASH_BYTES)
    this.#statement.set(DOMAIN_BATCH_STATEMENT, 0)
    this.#statement[DOMAIN_BATCH_STATEMENT.length] = FORMAT_VERSION
    writeIds(this.#statement, DOMAIN_BATCH_STATEMENT.length + 2, clusterId, streamId)
  }

  matches(clusterId: Uint8Array, streamId: Uint8Array): boolean {
    return equalBytes(this.streamId, streamId) && equalBytes(this.clusterId, clusterId)
  }

  /** The AEAD associated data of the entry whose first 56 bytes are at `entry[0..56)`. Reused buffer. */
  associatedData(entry: Uint8Array): Uint8Array {
    const ad = this.#ad
    const offset = this.#adHeaderOffset
    for (let i = 0; i < ENTRY_AD_HEADER_BYTES; i++) ad[offset + i] = entry[i] as number
    return ad
  }

  /**
   * The same associated data, for the entry whose first 56 bytes are at `offset` of `view` (a
   * DataView over the entry's whole buffer, held by the caller): fourteen 32-bit words instead of
   * 56 bytes. Reused buffer.
   */
  associatedDataAt(view: DataView, offset: number): Uint8Array {
    const adView = this.#adView
    const at = this.#adHeaderOffset
    for (let i = 0; i < ENTRY_AD_HEADER_BYTES; i += 4) adView.setUint32(at + i, view.getUint32(offset + i))
    return this.#ad
  }

  /** The batch statement for these fields. Reused buffer: copy it to keep it. */
  statement(
    hashId: number,
    epoch: number,
    writer: Uint8Array,
    batchSize: number,
    root: Uint8Array,
  ): Uint8Array {
    const s = this.#statement
    s[DOMAIN_BATCH_STATEMENT.length + 1] = hashId
    let at = this.#statementFieldsOffset
    writeU32(s, at, epoch)
    at += 4
    s.set(writer, at)
    at += PUBLIC_KEY_BYTES
    writeU32(s, at, batchSize)
    at += 4
    s.set(root, at)
    return s
  }
}

/** Writes the cluster and stream ids, each prefixed by its one-byte length, at `offset`. */
export function writeIds(
  target: Uint8Array,
  offset: number,
  clusterId: Uint8Array,
  streamId: Uint8Array,
): void {
  target[offset] = clusterId.length
  target.set(clusterId, offset + 1)
  target[offset + 1 + clusterId.length] = streamId.length
  target.set(streamId, offset + 2 + clusterId.length)
}

/** Keeps the last few stream contexts, so that streams used in turn do not rebuild theirs. */
export class StreamContextCache {
  readonly #contexts: StreamContext[] = []
  readonly #capacity: number

  constructor(capacity = 8) {
    this.#capacity = capacity
  }

  get(clusterId: Uint8Array, streamId: Uint8Array): StreamContext {
    for (const context of this.#contexts) if (context.matches(clusterId, streamId)) return context
    const context = new StreamContext(clusterId, streamId)
    if (this.#contexts.length >= this.#capacity) this.#contexts.shift()
    this.#contexts.push(context)
    return context
  }
}
