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
