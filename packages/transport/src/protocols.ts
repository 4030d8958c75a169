/** The protocol ids Tandem speaks over libp2p. The trailing number is the wire version. */
export const RAFT_PROTOCOL = '/tandem/raft/2'
/** Snapshot streaming in acknowledged, checksummed chunks. */
export const SNAPSHOT_PROTOCOL = '/tandem/snapshot/1'
/** CRDT anti-entropy: version vectors, missing deltas, then live deltas both ways. */
export const CRDT_PROTOCOL = '/tandem/crdt/1'
/** Anti-entropy of sealed delta streams: summaries, pulls, folded answers, live pushes. */
export const STREAMS_PROTOCOL = '/tandem/streams/1'

/** Protocols only cluster members may use. */
export const CLUSTER_PROTOCOLS: readonly string[] = [RAFT_PROTOCOL, SNAPSHOT_PROTOCOL, STREAMS_PROTOCOL]
