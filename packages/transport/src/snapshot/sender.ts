/**
 * The sending side of `/tandem/snapshot/1`: offer, learn where to resume, stream checksummed chunks
 * with at most the receiver's window unacknowledged, and wait for the receiver's verdict. A cut
 * stream is retried with backoff; each retry resumes where the receiver's acknowledgements stopped.
 */
import { createHash } from 'node:crypto'
import { type Logger, rethrowInvariant } from '@tandem/base'
import { type BackoffOptions, backoffDelayMs, type RandomFloat } from '../backoff.js'
import { SnapshotProtocolError, SnapshotTransferFailedError, TransportError } from '../errors.js'
import type { FramedStream } from '../framing/framed-stream.js'
import { SnapshotFrame } from '../proto/snapshot.js'
import {
  chunkChecksum,
  chunkCountOf,
  encodeChunk,
  encodeOffer,
  ownedBytes,
  SNAPSHOT_WIRE_VERSION,
} from './frames.js'

/** A snapshot to send. */
export interface SnapshotToSend {
  /** Identifies this snapshot's content (for Raft, e.g. `${term}-${index}`); resumes match on it. */
  readonly transferId: string
  /** Opaque application metadata delivered with the data (at most 64 KiB). */
  readonly metadata?: Uint8Array
  readonly data: Uint8Array
}

/** How a transfer went. */
export interface SnapshotSendResult {
  /** The chunk each attempt resumed from, in order (the first is 0 unless an earlier send was cut). */
  readonly resumedFrom: readonly number[]
  readonly chunkCount: number
  /** Chunks written over all attempts (more than `chunkCount` when unacknowledged ones were resent). */
  readonly chunksSent: number
}

/** Options of one send. */
export interface SnapshotSendOptions {
  readonly signal?: AbortSignal
  /** Bytes per chunk. Default 256 KiB. */
  readonly chunkBytes?: number
  /** Attempts before giving up. Default 8. */
  readonly attemptsMax?: number
  /** Called whenever the receiver acknowledges; `nextChunk` chunks are safe on its side. */
  readonly onAck?: (nextChunk: number) => void
}

/** The send loop's collaborators. */
export interface SnapshotSenderInit {
  readonly open: (signal: AbortSignal) => Promise<FramedStream>
  readonly backoff: BackoffOptions
  readonly random: RandomFloat
  readonly logger: Logger
}

const WINDOW_CHUNKS_MAX = 64
export const DEFAULT_CHUNK_BYTES = 256 * 1024

export async function sendSnapshot(
  init: SnapshotSenderInit,
  snapshot: SnapshotToSend,
  options: SnapshotSendOptions = {},
): Promise<SnapshotSendResult> {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES
  const attemptsMax = options.attemptsMax ?? 8
  const signal = options.signal ?? new AbortController().signal
  const totalBytes = snapshot.data.byteLength
  const chunkCount = chunkCountOf(totalBytes, chunkBytes)
  const offer = encodeOffer({
    wireVersion: SNAPSHOT_WIRE_VERSION,
    transferId: snapshot.transferId,
    totalBytes,
    chunkBytes,
    chunkCount,
    sha256: createHash('sha256').update(snapshot.data).digest(),
    metadata: ownedBytes(snapshot.metadata ?? new Uint8Array(0)),
  })
  const resumedFrom: number[] = []
  const counters = { chunksSent: 0 }
  let lastError: unknown = null
  for (let attempt = 0; attempt < attemptsMax; attempt++) {
    signal.throwIfAborted()
    if (attempt > 0) await sleep(backoffDelayMs(init.backoff, attempt - 1, init.random), signal)
    let framed: FramedStream | null = null
    try {
      framed = await init.open(signal)
      await framed.write(offer)
      const verdict = await runAttempt(framed, snapshot.data, {
        chunkBytes,
        chunkCount,
        resumedFrom,
        counters,
        options,
      })
      if (verdict.error === '') return { resumedFrom, chunkCount, chunksSent: counters.chunksSent }
      if (verdict.busy) {
        // Refused only for now (the receiver holds as many transfers as it allows): try again later.
        lastError = new SnapshotTransferFailedError(`receiver busy: ${verdict.error}`)
        init.logger.debug('snapshot receiver busy', { transferId: snapshot.transferId, attempt })
        await framed.close()
        continue
      }
      // The receiver verified and refused (digest mismatch, over its limits, handler failure).
      throw new SnapshotTransferFailedError(
        `receiver refused snapshot ${snapshot.transferId}: ${verdict.error}`,
      )
    } catch (error) {
      rethrowInvariant(error)
      if (error instanceof SnapshotTransferFailedError) throw error
      signal.throwIfAborted()
      lastError = error
      if (error instanceof TransportError && framed !== null) framed.fail(error)
      else framed?.stream.abort(error instanceof Error ? error : new Error('snapshot attempt failed'))
      init.logger.debug('snapshot attempt failed', {
        transferId: snapshot.transferId,
        attempt,
        error: error instanceof Error ? error.message : String(error),
      })
    } finally {
      framed?.dispose()
    }
  }
  throw new SnapshotTransferFailedError(
    `snapshot ${snapshot.transferId} not delivered after ${attemptsMax} attempts`,
    {
      cause: lastError,
    },
  )
}

/** The receiver's verdict on one attempt: `error` is '' once installed; `busy` marks a refusal for now. */
interface Verdict {
  readonly error: string
  readonly busy: boolean
}

/** One attempt on an open stream; resolves with the receiver's verdict. */
async function runAttempt(
  framed: FramedStream,
  data: Uint8Array,
  state: {
    chunkBytes: number
    chunkCount: number
    resumedFrom: number[]
    counters: { chunksSent: number }
    options: SnapshotSendOptions
  },
): Promise<Verdict> {
  const first = await framed.read()
  if (first === null) throw new SnapshotProtocolError('stream closed before the receiver answered the offer')
  const frame = decodeAny(first)
  if (frame.done != null) {
    const { error, busy } = frame.done
    return { error: error === '' ? 'receiver answered the offer with done' : error, busy }
  }
  if (frame.accept == null) throw new SnapshotProtocolError('expected accept')
  const accept = frame.accept
  if (accept.resumeFromChunk > state.chunkCount)
    throw new SnapshotProtocolError('resume point beyond the snapshot')
  const window = Math.min(Math.max(1, accept.windowChunks), WINDOW_CHUNKS_MAX)
  state.resumedFrom.push(accept.resumeFromChunk)

  let acked = accept.resumeFromChunk
  let verdict: Verdict | null = null
  let readerError: unknown = null
  let wake: (() => void) | null = null
  const notify = (): void => {
    const resolve = wake
    wake = null
    resolve?.()
  }
  const reader = (async () => {
    try {
      for (;;) {
        const bytes = await framed.read()
        if (bytes === null) throw new SnapshotProtocolError('stream closed before the transfer finished')
        const next = decodeAny(bytes)
        if (next.ack != null) {
          if (next.ack.nextChunk < acked || next.ack.nextChunk > state.chunkCount) {
            throw new SnapshotProtocolError('acknowledgement out of range')
          }
          acked = next.ack.nextChunk
          state.options.onAck?.(acked)
        } else if (next.done != null) {
          // Only an answer to the offer can be `busy`; a verdict after chunks is final.
          verdict = { error: next.done.error, busy: false }
          return
        } else {
          throw new SnapshotProtocolError('unexpected frame from the receiver')
        }
        notify()
      }
    } catch (error) {
      rethrowInvariant(error)
      readerError = error
    } finally {
      notify()
    }
  })()

  for (let index = accept.resumeFromChunk; index < state.chunkCount; index++) {
    while (index - acked >= window && readerError === null && verdict === null) {
      await new Promise<void>((resolve) => {
        wake = resolve
      })
    }
    if (readerError !== null) throw readerError
    if (verdict !== null) break
    const start = index * state.chunkBytes
    const chunk = data.subarray(start, Math.min(data.byteLength, start + state.chunkBytes))
    await framed.write(encodeChunk({ index, crc32: chunkChecksum(chunk), data: ownedBytes(chunk) }))
    state.counters.chunksSent++
  }
  await reader
  if (readerError !== null) throw readerError
  await framed.close()
  if (verdict === null) throw new SnapshotProtocolError('no verdict from the receiver')
  return verdict
}

function decodeAny(bytes: Uint8Array): SnapshotFrame {
  try {
    return SnapshotFrame.decode(bytes)
  } catch (error) {
    rethrowInvariant(error)
    throw new SnapshotProtocolError('undecodable snapshot frame', { cause: error })
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms)
    function done(): void {
      signal.removeEventListener('abort', aborted)
      resolve()
    }
    function aborted(): void {
      clearTimeout(timer)
      reject(signal.reason)
    }
    signal.addEventListener('abort', aborted, { once: true })
  })
}
