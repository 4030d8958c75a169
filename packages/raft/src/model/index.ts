/**
 * The floor of the package (etcd's raftpb): the Raft data model and the wire message. The codec,
 * the core and the driver import it; it imports nothing of theirs.
 */
export * from './types.js'
export type { WireMessage } from './wire-message.js'
