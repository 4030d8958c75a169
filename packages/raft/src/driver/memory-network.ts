/**
 * An in-memory network for nodes in one process: each node gets a {@link Transport}; a message
 * sent is handed to its recipient's handler a moment later (by default in a microtask; in send order), never
 * synchronously, so a node's loop is never re-entered from its own send. Optionally every message
 * goes through the wire codec, to exercise the exact bytes a real transport would carry. Each node
 * also gets a {@link SnapshotTransport}: a snapshot is handed over whole in a later delivery round.
 */
import { decodeMessage, decodeSnapshot, encodeMessage, encodeSnapshot } from '../codec/index.js'
import type { NodeId } from '../core/types.js'
import type { WireMessage } from '../model/wire-message.js'
import { SnapshotTransferFailedError } from './errors.js'
import type { CancelSignal, SnapshotMessage, SnapshotTransport, Transport } from './interfaces.js'

/** Options of a {@link MemoryNetwork}. */
export interface MemoryNetworkOptions {
  /** Encode and decode every message with the protobuf codec (slower; checks the wire format). */
  readonly encode?: boolean
  /**
   * Runs a delivery round later. The default is a microtask, which never lets timers run while
   * nodes keep each other busy; under sustained load pass a macrotask scheduler (for example
   * `setImmediate`) so that ticks and timeouts still fire.
   */
  readonly schedule?: (deliver: () => void) => void
}

export class MemoryNetwork {
  readonly #handlers = new Map<NodeId, (message: WireMessage) => void>()
  readonly #unreachableHandlers = new Map<NodeId, (peer: NodeId) => void>()
  readonly #snapshotHandlers = new Map<NodeId, (message: SnapshotMessage) => void>()
  readonly #down = new Set<NodeId>()
  #queue: WireMessage[] = []
  #flushScheduled = false
  readonly #encode: boolean
  readonly #schedule: (deliver: () => void) => void

  constructor(options: MemoryNetworkOptions = {}) {
    this.#encode = options.encode ?? false
    this.#schedule = options.schedule ?? ((deliver) => void Promise.resolve().then(deliver))
  }

  /** The transport of node `id`. */
  transport(id: NodeId): Transport {
    return {
      send: (messages) => this.#send(messages),
      onMessage: (handler) => {
        this.#handlers.set(id, handler)
      },
      onUnreachable: (handler) => {
        this.#unreachableHandlers.set(id, handler)
      },
    }
  }

  /**
   * The snapshot transport of node `id`: `send` hands the snapshot to the receiver's handler in a
   * later delivery round and resolves once it took it; it rejects when either side is down, the
   * receiver has no handler, or the handler refused.
   */
  snapshotTransport(id: NodeId): SnapshotTransport {
    return {
      send: (message, signal) => this.#sendSnapshot(message, signal),
      onSnapshot: (handler) => {
        this.#snapshotHandlers.set(id, handler)
      },
    }
  }

  /** Cuts `id` off (messages to and from it are lost) or reconnects it. */
  setDown(id: NodeId, down: boolean): void {
    if (down) this.#down.add(id)
    else this.#down.delete(id)
  }

  #send(messages: readonly WireMessage[]): void {
    for (const message of messages) {
      if (this.#down.has(message.from) || this.#down.has(message.to)) {
        this.#unreachableHandlers.get(message.from)?.(message.to)
        continue
      }
      this.#queue.push(this.#encode ? decodeMessage(encodeMessage(message)) : message)
    }
    if (!this.#flushScheduled && this.#queue.length > 0) {
      this.#flushScheduled = true
      this.#schedule(() => this.#flush())
    }
  }

  #sendSnapshot(message: SnapshotMessage, signal: CancelSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#schedule(() => {
        if (signal.aborted) {
          reject(signal.reason)
          return
        }
        if (this.#down.has(message.from) || this.#down.has(message.to)) {
          reject(new SnapshotTransferFailedError(`${message.to} is unreachable from ${message.from}`))
          return
        }
        const handler = this.#snapshotHandlers.get(message.to)
        if (handler === undefined) {
          reject(new SnapshotTransferFailedError(`${message.to} takes no snapshots`))
          return
        }
        try {
          const snapshot = this.#encode ? decodeSnapshot(encodeSnapshot(message.snapshot)) : message.snapshot
          handler({ ...message, snapshot })
          resolve()
        } catch (error) {
          reject(error)
        }
      })
    })
  }

  #flush(): void {
    this.#flushScheduled = false
    const queue = this.#queue
    this.#queue = []
    for (const message of queue) this.#handlers.get(message.to)?.(message)
  }
}
