/**
 * Errors of the Node wiring: a data directory that is not what it should be, and a start that the
 * directory's state does not allow.
 */
import { TandemError } from '@tandem/base'

/**
 * A file of the data directory cannot be read or does not hold what Tandem wrote there.
 *
 * @example
 * ```ts
 * catch (error) { if (error instanceof DataDirectoryError) console.error('restore the directory:', error.message) }
 * ```
 */
export class DataDirectoryError extends TandemError {
  readonly code = 'NODE_DATA_DIRECTORY'
  override readonly name = 'DataDirectoryError'
}

/**
 * `createNode` was asked for a start the data directory does not allow: an empty directory without
 * `init` or `join`, `init` or `join` on a directory that already belongs to a cluster, or both.
 * (Design: a wiped voter can never found a second cluster by accident.)
 *
 * @example
 * ```ts
 * await createNode({ dataDir: emptyDir }) // throws NodeStartError: an empty data directory needs init or join
 * ```
 */
export class NodeStartError extends TandemError {
  readonly code = 'NODE_START'
  override readonly name = 'NodeStartError'
}

/**
 * The node was stopped: the call cannot run any more.
 *
 * @example
 * ```ts
 * await node.stop()
 * node.map('m').set('k', 1, { consistency: 'strong' }) // rejects with NodeClosedError
 * ```
 */
export class NodeClosedError extends TandemError {
  readonly code = 'NODE_CLOSED'
  override readonly name = 'NodeClosedError'
}
