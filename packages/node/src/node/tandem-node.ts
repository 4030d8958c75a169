/**
 * The started node `createNode` returns: its identity, its collections, its cluster operations and
 * a graceful stop. A thin shell over the pure `NodeCore`; the resources (sockets, files, timers) are
 * owned by `createNode`, which hands their cleanup in as `close`.
 */
import type { Logger } from '@tandem/base'
import type { Value } from '@tandem/crdt'
import type { TransportHost } from '@tandem/transport'
import { type Collections, createCollections } from '../api/collections.js'
import type { CollectionOptions, MapHandle, RegisterHandle, SetHandle } from '../api/handles.js'
import type { NodeCore, StrongWriteOutcome } from '../compose/node-core.js'
import type { MemberId, WriteId, WriterKey } from '../core/ids.js'
import type { DataDirectory } from './data-directory.js'
import { NodeClosedError } from './errors.js'
import { NodeCluster } from './node-cluster.js'
import type { NodeMetrics } from './node-metrics.js'

/** What `createNode` hands a {@link TandemNode}. */
export interface TandemNodeParts {
  readonly directory: DataDirectory
  readonly clusterId: string
  readonly host: TransportHost
  readonly core: NodeCore
  readonly metrics: NodeMetrics
  readonly logger: Logger
  readonly noQuorumTimeoutMs: number
  /** Stops the core and closes every service, log and device, in order. */
  readonly close: () => Promise<void>
}

/**
 * A running hybrid node.
 *
 * @example
 * ```ts
 * const node = await createNode({ dataDir: './data/n1', init: true })
 * const presence = node.map<string>('presence', { writes: 'eventual' })
 * await presence.ready
 * await presence.set('alice', 'online', { consistency: 'eventual' })
 * console.log(node.cluster.status().members.length) // 1
 * await node.stop()
 * ```
 */
export class TandemNode {
  /** Membership operations and status. */
  readonly cluster: NodeCluster
  readonly #parts: TandemNodeParts
  readonly #collections: Collections
  #stopping: Promise<void> | null = null

  constructor(parts: TandemNodeParts) {
    this.#parts = parts
    this.#collections = createCollections(parts.core)
    this.cluster = new NodeCluster({
      core: parts.core,
      host: parts.host,
      clusterId: parts.clusterId,
      self: parts.directory.memberId,
      noQuorumTimeoutMs: parts.noQuorumTimeoutMs,
    })
  }

  /** This node's Raft member id: `<peer id>/<storeId>`. */
  get memberId(): MemberId {
    return this.#parts.directory.memberId
  }

  /** This node's libp2p peer id. */
  get peerId(): string {
    return this.#parts.directory.peerId
  }

  /** This node's writer key (its Ed25519 public key, hex): what collection `writers` lists. */
  get key(): WriterKey {
    return this.#parts.directory.key
  }

  /** The cluster id (hex). */
  get clusterId(): string {
    return this.#parts.clusterId
  }

  /** The prom-client registry holding this node's metrics. */
  get metrics(): NodeMetrics['registry'] {
    return this.#parts.metrics.registry
  }

  /** The addresses this node listens on, each ending in `/p2p/<peer id>`. */
  addresses(): string[] {
    return this.#parts.host.multiaddrs()
  }

  /** A map collection (declared with its rules when `options` are given). */
  map<V extends Value = Value>(name: string, options?: CollectionOptions): MapHandle<V> {
    this.#assertOpen()
    return this.#collections.map<V>(name, options)
  }

  /** An add-wins set collection. */
  set<T extends Value = Value>(name: string, options?: CollectionOptions): SetHandle<T> {
    this.#assertOpen()
    return this.#collections.set<T>(name, options)
  }

  /** A last-writer-wins register collection. */
  register<T extends Value = Value>(name: string, options?: CollectionOptions): RegisterHandle<T> {
    this.#assertOpen()
    return this.#collections.register<T>(name, options)
  }

  /**
   * Whether the node is ready for strong writes: this start's incarnation is open in the committed
   * state (a leader was reachable and the node caught up to its own `open`).
   */
  get ready(): boolean {
    return this.#parts.core.opened
  }

  /** Resolves once {@link ready} holds, or rejects with `NodeClosedError` at stop; `timeoutMs` bounds the wait (then it resolves `false`). */
  async whenReady(timeoutMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    const deadline = performance.now() + timeoutMs
    while (!this.ready) {
      if (this.#stopping !== null) throw new NodeClosedError('the node is stopped')
      if (performance.now() >= deadline) return false
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    return true
  }

  /** What became of a strong write: applied, not-applied, pending, or unknown-expired. */
  outcome(writeId: WriteId): StrongWriteOutcome {
    return this.#parts.core.outcome(writeId)
  }

  /** @internal Called by `createNode` once a Raft snapshot replaced C and V. */
  restored(): void {
    this.#collections.restored()
  }

  /**
   * Stops gracefully: hands leadership to the most caught-up voter when leading (so the cluster does
   * not wait out an election), then stops Raft, the delta stream sync and the transport, and closes
   * every log. Pending strong writes reject; acknowledged eventual writes are on disk already.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop()
    return this.#stopping
  }

  async #stop(): Promise<void> {
    try {
      await this.cluster.handOffLeadership()
    } catch (error) {
      this.#parts.logger.warn('leadership transfer at stop failed', { error: String(error) })
    }
    await this.#parts.close()
  }

  #assertOpen(): void {
    if (this.#stopping !== null) throw new NodeClosedError('the node is stopped')
  }
}
