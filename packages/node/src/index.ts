/**
 * `@tandem/node` — the hybrid node: one package to import, collections whose every write chooses
 * `strong` (Raft: linearizable, quorum-durable, conditional) or `eventual` (sealed CRDT delta
 * streams: durable on the writer at once, merged everywhere, working through partitions).
 *
 * This entry is for Node: `createNode` starts a node on a data directory, over libp2p (QUIC and
 * TCP), with the Raft log and the delta streams on disk and native crypto. It re-exports the pure
 * core of `@tandem/node/core` as well.
 *
 * @example
 * ```ts
 * import { createNode } from '@tandem/node'
 *
 * const node = await createNode({ dataDir: './data/n1', init: true })
 * const carts = node.map<number>('carts')
 * await carts.set('alice', 3, { consistency: 'strong' })
 * await carts.set('bob', 1, { consistency: 'eventual' })
 * console.log(carts.get('alice')) // 3
 * await node.stop()
 * ```
 *
 * @packageDocumentation
 */

/**
 * Where a change came from (`subscribe`'s origin), and the event telling a writer that a rule
 * refused its acknowledged eventual write at the fold.
 *
 * @example
 * ```ts
 * import type { ChangeOrigin, RefusedEvent } from '@tandem/node'
 *
 * const describe = (origin: ChangeOrigin) => `${origin.source} ${origin.consistency}`
 * const onRefused = (event: RefusedEvent) => console.warn(`write ${event.writeId}: ${event.reason}`)
 * ```
 */
export type { ChangeOrigin, RefusedEvent } from './api/change-feed.js'
/**
 * The collections API over a node core — what `createNode`'s node mounts as `node.map`, `node.set`
 * and `node.register`. Each write chooses `strong` (Raft: `{ index, term, fencingToken, writeId }`)
 * or `eventual` (the node's delta stream: `{ stamp, writeId }`); a handle opened with rules declares
 * them through the log (`ready`); conditional writes (compare-and-set, insert-if-absent, bounded
 * increment) are strong only, on collections declared `writes: 'strong'`, and resolve with the
 * condition's outcome; reads are `local` (V) or `linearizable` (ReadIndex, then C); `subscribe`
 * reports what V shows changed, with its origin, and refused eventual writes.
 *
 * @example
 * ```ts
 * import { createCollections } from '@tandem/node'
 *
 * const collections = createCollections(core)
 * const stock = collections.map<number>('stock', { writes: 'strong' })
 * await stock.ready
 * await stock.set('apples', 10, { consistency: 'strong', idempotencyKey: 'restock-42' })
 * const sold = await stock.increment('apples', -1, { min: 0 })
 * if (!sold.applied) console.log(sold.reason) // 'below-min' once the apples run out
 * const unsubscribe = stock.subscribe((event) => {
 *   if (event.kind === 'change') console.log(event.key, event.value, event.origin)
 * })
 * console.log(await stock.get('apples', { consistency: 'linearizable' })) // 9
 * unsubscribe()
 * ```
 */
export {
  type Collections,
  type CollectionsCore,
  createCollections,
} from './api/collections.js'
/**
 * The typed refusals of the collections API, one class and stable code each:
 * `CollectionConflictError` (NODE_COLLECTION_CONFLICT), `ConsistencyNotAllowedError`
 * (NODE_CONSISTENCY_NOT_ALLOWED), `NotAWriterError` (NODE_NOT_A_WRITER),
 * `ConditionalNeedsStrongCollectionError` (NODE_CONDITIONAL_NEEDS_STRONG) and
 * `IdempotencyKeyReuseError` (NODE_IDEMPOTENCY_KEY_REUSE). `NoQuorumError`, `BacklogFullError` and
 * `StrongBatchRefusedError` pass through from the core.
 *
 * @example
 * ```ts
 * import { ConsistencyNotAllowedError, NotAWriterError } from '@tandem/node'
 *
 * try {
 *   await stock.set('apples', 3, { consistency: 'eventual' })
 * } catch (error) {
 *   if (error instanceof ConsistencyNotAllowedError) await stock.set('apples', 3, { consistency: 'strong' })
 *   else if (error instanceof NotAWriterError) console.log('this node may not write', error.collection)
 *   else throw error
 * }
 * ```
 */
export {
  CollectionConflictError,
  ConditionalNeedsStrongCollectionError,
  ConsistencyNotAllowedError,
  IdempotencyKeyReuseError,
  NotAWriterError,
} from './api/errors.js'
/**
 * The collection handles and the shapes of their options, results and events.
 *
 * @example
 * ```ts
 * import type { ConditionalWrite, MapHandle } from '@tandem/node'
 *
 * async function reserve(seats: MapHandle<number>, show: string): Promise<boolean> {
 *   const result: ConditionalWrite = await seats.increment(show, 1, { max: 200 })
 *   return result.applied
 * }
 * ```
 */
export {
  type CollectionOptions,
  type ConditionalWrite,
  type ConditionFailed,
  type ConditionFailure,
  type EventualWrite,
  type EventualWriteOptions,
  type MapChangeEvent,
  type MapEvent,
  MapHandle,
  type ReadOptions,
  type RegisterChangeEvent,
  type RegisterEvent,
  RegisterHandle,
  type SetChangeEvent,
  type SetEvent,
  SetHandle,
  type StrongWrite,
  type StrongWriteOptions,
  type WriteOptions,
} from './api/handles.js'
/**
 * The hash an idempotency key is stored with: SHA-256 of the operation's canonical encoding.
 *
 * @example
 * ```ts
 * import { operationHash } from '@tandem/node'
 * const hash = operationHash({ kind: 'map-delete', collection: { kind: 'map', name: 'carts' }, key: 'alice' })
 * console.log(hash.length) // 64
 * ```
 */
export { operationHash } from './api/operation-hash.js'
/**
 * Everything of the pure composition core (`@tandem/node/core`): C, V, the log formats, sealing
 * with an injected provider, `NodeCore`, the durable delta streams and the errors.
 *
 * @example
 * ```ts
 * import { LogTime, memberId } from '@tandem/node'
 * const time = new LogTime()
 * time.setVoters([memberId('12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', 'a'.repeat(16))])
 * ```
 */
export * from './core.js'
/**
 * Starts a node on a data directory: `init: true` founds a cluster, `join` (what a member's
 * `cluster.addLearner` returned) joins one, and a directory that belongs to a cluster restarts
 * where it stopped. Under it: libp2p (QUIC and TCP), Raft over the WAL, this start's sealed delta
 * stream, anti-entropy, native sealing, and the pure `NodeCore`.
 *
 * @example
 * ```ts
 * import { createNode, nodeIdentity } from '@tandem/node'
 * const first = await createNode({ dataDir: './data/n1', init: true })
 * const { memberId } = await nodeIdentity('./data/n2')
 * const join = await first.cluster.addLearner(memberId)
 * const second = await createNode({ dataDir: './data/n2', join })
 * await first.cluster.promote(memberId)
 * ```
 */
export { type CreateNodeOptions, createNode, type NodeRaftTiming } from './node/create-node.js'
/**
 * The identity of a data directory (member id, peer id, writer key), created if the directory is
 * new: what an operator passes to `cluster.addLearner` before the new node first starts.
 *
 * @example
 * ```ts
 * import { nodeIdentity } from '@tandem/node'
 * const { memberId, key } = await nodeIdentity('./data/n2')
 * ```
 */
export { type NodeIdentityInfo, nodeIdentity } from './node/data-directory.js'
/**
 * Errors of the Node wiring: an unreadable or foreign data directory, a start the directory does
 * not allow (an empty one without `init` or `join`), a call on a stopped node.
 *
 * @example
 * ```ts
 * import { createNode, NodeStartError } from '@tandem/node'
 * await createNode({ dataDir: './empty' }).catch((error) => error instanceof NodeStartError) // true
 * ```
 */
export { DataDirectoryError, NodeClosedError, NodeStartError } from './node/errors.js'
/**
 * `node.cluster`: status (members with role, keyed flag, match and lag as the leader sees them,
 * connection state), `addLearner`, `promote`, `remove`, `leave`, `transferLeadership`.
 *
 * @example
 * ```ts
 * const status = node.cluster.status()
 * console.log(status.leader, status.members.map((member) => [member.id, member.role, member.connected]))
 * ```
 */
export {
  type AddLearnerOptions as NodeAddLearnerOptions,
  type ClusterMemberStatus as NodeClusterMemberStatus,
  type JoinOptions,
  NodeCluster,
  type NodeClusterStatus,
} from './node/node-cluster.js'
/**
 * The running node `createNode` returns: identity, `map`/`set`/`register`, `outcome`, `cluster`,
 * `metrics` (a prom-client registry) and a graceful `stop`.
 *
 * @example
 * ```ts
 * const node = await createNode({ dataDir: './data/n1', init: true })
 * await node.map<number>('stock').set('apples', 3, { consistency: 'strong' })
 * await node.stop()
 * ```
 */
export { TandemNode } from './node/tandem-node.js'
/**
 * Builds a node's sealing with the native crypto provider (`nodeCryptoProvider`) unless another
 * is given: what `createNode` uses.
 *
 * @example
 * ```ts
 * import { createNodeSealing } from '@tandem/node'
 * const sealing = createNodeSealing({ clusterId, signingKey, keyed: true })
 * ```
 */
export { createNodeSealing, type NodeSealingOptions } from './sealing/node-sealing.js'
