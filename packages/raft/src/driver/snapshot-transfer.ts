/**
 * Chunked snapshot transfer, below the core. The core emits one `Snap` message holding a whole
 * snapshot; the sender cuts it into chunks with a CRC-32C each and streams them with a small
 * window; the receiver reassembles them in order, acknowledges each with the next chunk it expects
 * (go-back-N), verifies the whole snapshot's checksum and hands the core one `Snap` message. A
 * transfer survives a cut: the receiver keeps what it has, and a restarted transfer of the same
 * snapshot resumes from the receiver's first missing chunk.
 */
import { crc32c } from '../codec/crc32c.js'
import {
  type Message,
  MessageType,
  type NodeId,
  type Snapshot,
  type SnapshotMetadata,
} from '../core/types.js'
import type { SnapshotChunk, WireMessage } from '../model/wire-message.js'

/** Tuning of a transfer. */
export interface SnapshotTransferOptions {
  /** Bytes of snapshot data per chunk. */
  readonly chunkBytes: number
  /** Chunks sent ahead of the receiver's acknowledgement. */
  readonly windowChunks: number
  /** Without progress for this long, the sender resends from the first unacknowledged chunk. */
  readonly retryMs: number
  /** Resends without progress before the transfer is reported failed to the core. */
  readonly retriesMax: number
}

function sameSnapshot(a: SnapshotMetadata, b: SnapshotMetadata): boolean {
  return a.index === b.index && a.term === b.term
}

interface Outgoing {
  readonly message: Message
  readonly snapshot: Snapshot
  readonly chunkCount: number
  readonly snapshotCrc32c: number
  readonly chunkCrc32c: (number | undefined)[]
  /** The next chunk the receiver expects: every chunk before it is acknowledged. */
  acked: number
  /** The next chunk to put on the wire. */
  nextToSend: number
  lastProgressMs: number
  retries: number
}

/** The sending side: one transfer per follower at most. */
export class SnapshotSender {
  readonly #transfers = new Map<NodeId, Outgoing>()
  readonly #options: SnapshotTransferOptions
  readonly #send: (messages: WireMessage[]) => void
  readonly #report: (peer: NodeId, ok: boolean) => void

  constructor(
    options: SnapshotTransferOptions,
    send: (messages: WireMessage[]) => void,
    report: (peer: NodeId, ok: boolean) => void,
  ) {
    this.#options = options
    this.#send = send
    this.#report = report
  }

  /** The followers a transfer is running to. */
  activePeers(): NodeId[] {
    return [...this.#transfers.keys()]
  }

  /** Starts sending the core's `Snap` message, unless the same snapshot is already on its way. */
  start(message: Message, nowMs: number): void {
    const snapshot = message.snapshot
    if (snapshot === null) throw new RangeError('a snapshot transfer needs a Snap message with a snapshot')
    const running = this.#transfers.get(message.to)
    if (running !== undefined && sameSnapshot(running.snapshot.metadata, snapshot.metadata)) return
    const chunkCount = Math.max(1, Math.ceil(snapshot.data.length / this.#options.chunkBytes))
    const transfer: Outgoing = {
      message,
      snapshot,
      chunkCount,
      snapshotCrc32c: crc32c(snapshot.data),
      chunkCrc32c: new Array(chunkCount),
      acked: 0,
      nextToSend: 0,
      lastProgressMs: nowMs,
      retries: 0,
    }
    this.#transfers.set(message.to, transfer)
    this.#pump(transfer)
  }

  /** Takes a receiver's acknowledgement (a `SnapStatus` message with a chunk). */
  onAck(message: WireMessage, nowMs: number): void {
    const chunk = message.chunk
    const transfer = this.#transfers.get(message.from)
    if (chunk == null || transfer === undefined) return
    if (!sameSnapshot(chunk.metadata, transfer.snapshot.metadata)) return
    if (message.reject) {
      // The receiver discarded what it had (a checksum failed after reassembly): start over.
      transfer.acked = 0
      transfer.nextToSend = 0
      transfer.lastProgressMs = nowMs
      this.#pump(transfer)
      return
    }
    const expected = Math.min(chunk.chunkIndex, transfer.chunkCount)
    if (expected > transfer.acked) {
      transfer.acked = expected
      transfer.nextToSend = Math.max(transfer.nextToSend, expected)
      transfer.lastProgressMs = nowMs
      transfer.retries = 0
    }
    // A repeated acknowledgement is not taken as a loss: duplicates and reordering also cause
    // them. A lost chunk is resent when the transfer stalls for `retryMs` (see tick).
    if (transfer.acked >= transfer.chunkCount) {
      this.#transfers.delete(message.from)
      this.#report(message.from, true)
      return
    }
    this.#pump(transfer)
  }

  /** Resends stalled transfers and gives up on those that stay stalled. */
  tick(nowMs: number): void {
    for (const [peer, transfer] of this.#transfers) {
      if (nowMs - transfer.lastProgressMs < this.#options.retryMs) continue
      transfer.retries++
      if (transfer.retries > this.#options.retriesMax) {
        this.#transfers.delete(peer)
        this.#report(peer, false)
        continue
      }
      transfer.lastProgressMs = nowMs
      transfer.nextToSend = transfer.acked
      this.#pump(transfer)
    }
  }

  /** Abandons every transfer (this node stopped leading), reporting each as failed. */
  cancelAll(): void {
    const peers = [...this.#transfers.keys()]
    this.#transfers.clear()
    for (const peer of peers) this.#report(peer, false)
  }

  #pump(transfer: Outgoing): void {
    const out: WireMessage[] = []
    const limit = Math.min(transfer.chunkCount, transfer.acked + this.#options.windowChunks)
    while (transfer.nextToSend < limit) {
      out.push(this.#chunkMessage(transfer, transfer.nextToSend))
      transfer.nextToSend++
    }
    if (out.length > 0) this.#send(out)
  }

  #chunkMessage(transfer: Outgoing, chunkIndex: number): WireMessage {
    const { chunkBytes } = this.#options
    const data = transfer.snapshot.data.subarray(chunkIndex * chunkBytes, (chunkIndex + 1) * chunkBytes)
    let dataCrc32c = transfer.chunkCrc32c[chunkIndex]
    if (dataCrc32c === undefined) {
      dataCrc32c = crc32c(data)
      transfer.chunkCrc32c[chunkIndex] = dataCrc32c
    }
    const chunk: SnapshotChunk = {
      metadata: transfer.snapshot.metadata,
      chunkIndex,
      chunkCount: transfer.chunkCount,
      totalBytes: transfer.snapshot.data.length,
      data,
      dataCrc32c,
      snapshotCrc32c: transfer.snapshotCrc32c,
    }
    return { ...transfer.message, snapshot: null, chunk }
  }
}

interface Incoming {
  readonly metadata: SnapshotMetadata
  readonly chunkCount: number
  readonly totalBytes: number
  readonly snapshotCrc32c: number
  readonly parts: Uint8Array[]
  receivedBytes: number
}

/** Why a receiver refused a chunk, for logging. */
export type ChunkRefusal = 'too-large' | 'inconsistent' | 'checksum' | null

/**
 * Partial snapshots kept at once. Only a leader sends snapshots, so more than a couple means stale
 * leaders or forged senders; the oldest is dropped to bound memory.
 */
const PARTIAL_TRANSFERS_MAX = 3

/** The receiving side: one partial snapshot per sender at most, and few senders at once. */
export class SnapshotReceiver {
  readonly #partial = new Map<NodeId, Incoming>()
  // The last snapshot delivered per sender: if the final acknowledgement is lost, the sender
  // resends the tail, and must hear "complete" rather than "start over".
  readonly #completed = new Map<NodeId, SnapshotMetadata>()
  readonly #snapshotBytesMax: number
  readonly #send: (messages: WireMessage[]) => void
  readonly #deliver: (message: Message) => void

  constructor(
    snapshotBytesMax: number,
    send: (messages: WireMessage[]) => void,
    deliver: (message: Message) => void,
  ) {
    this.#snapshotBytesMax = snapshotBytesMax
    this.#send = send
    this.#deliver = deliver
  }

  /** Takes one chunk; acknowledges it and, once the snapshot is whole and verified, delivers it. */
  onChunk(message: WireMessage): ChunkRefusal {
    const chunk = message.chunk
    if (chunk == null) return 'inconsistent'
    if (chunk.totalBytes > this.#snapshotBytesMax) return 'too-large'
    if (chunk.chunkIndex >= chunk.chunkCount || chunk.chunkCount > Math.max(1, chunk.totalBytes)) {
      return 'inconsistent'
    }
    const done = this.#completed.get(message.from)
    if (done !== undefined && sameSnapshot(done, chunk.metadata)) {
      this.#ack(message, chunk, chunk.chunkCount, false)
      return null
    }
    let state = this.#partial.get(message.from)
    if (
      state === undefined ||
      !sameSnapshot(state.metadata, chunk.metadata) ||
      state.chunkCount !== chunk.chunkCount ||
      state.totalBytes !== chunk.totalBytes ||
      state.snapshotCrc32c !== chunk.snapshotCrc32c
    ) {
      state = {
        metadata: chunk.metadata,
        chunkCount: chunk.chunkCount,
        totalBytes: chunk.totalBytes,
        snapshotCrc32c: chunk.snapshotCrc32c,
        parts: [],
        receivedBytes: 0,
      }
      this.#partial.delete(message.from)
      if (this.#partial.size >= PARTIAL_TRANSFERS_MAX) {
        const oldest = this.#partial.keys().next().value
        if (oldest !== undefined) this.#partial.delete(oldest)
      }
      this.#partial.set(message.from, state)
    }
    let refusal: ChunkRefusal = null
    if (chunk.chunkIndex === state.parts.length) {
      if (crc32c(chunk.data) !== chunk.dataCrc32c) {
        refusal = 'checksum'
      } else if (state.receivedBytes + chunk.data.length > state.totalBytes) {
        this.#partial.delete(message.from)
        this.#ack(message, chunk, 0, true)
        return 'inconsistent'
      } else {
        state.parts.push(chunk.data)
        state.receivedBytes += chunk.data.length
      }
    }
    if (state.parts.length < state.chunkCount) {
      this.#ack(message, chunk, state.parts.length, false)
      return refusal
    }
    this.#partial.delete(message.from)
    const data = concat(state.parts, state.receivedBytes)
    if (data.length !== state.totalBytes || crc32c(data) !== state.snapshotCrc32c) {
      this.#ack(message, chunk, 0, true)
      return 'checksum'
    }
    this.#completed.delete(message.from)
    if (this.#completed.size >= PARTIAL_TRANSFERS_MAX) {
      const oldest = this.#completed.keys().next().value
      if (oldest !== undefined) this.#completed.delete(oldest)
    }
    this.#completed.set(message.from, state.metadata)
    this.#deliver({ ...withoutChunk(message), snapshot: { metadata: state.metadata, data } })
    this.#ack(message, chunk, state.chunkCount, false)
    return null
  }

  #ack(message: WireMessage, chunk: SnapshotChunk, nextExpected: number, reject: boolean): void {
    this.#send([
      {
        type: MessageType.SnapStatus,
        from: message.to,
        to: message.from,
        term: message.term,
        logTerm: 0,
        index: 0,
        entries: [],
        commit: 0,
        snapshot: null,
        reject,
        rejectHint: 0,
        rejectHintTerm: 0,
        context: new Uint8Array(0),
        chunk: { ...chunk, chunkIndex: nextExpected, data: new Uint8Array(0), dataCrc32c: 0 },
      },
    ])
  }
}

function withoutChunk(message: WireMessage): Message {
  const { chunk: _chunk, ...rest } = message
  return rest
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}
