/**
 * @tandem/transport — Tandem's libp2p host (QUIC v1 and TCP, Noise, yamux, identify, ping) and its
 * four protocols: `/tandem/raft/2` (Raft messages), `/tandem/snapshot/1` (resumable snapshot
 * streaming), `/tandem/crdt/1` (CRDT anti-entropy) and `/tandem/streams/1` (anti-entropy of sealed
 * delta streams), with member-only admission.
 *
 * @example
 * ```ts
 * import { createRaftService, createRaftTransport, createTransportHost, loadOrCreateNodeIdentity } from '@tandem/transport'
 *
 * const a = await loadOrCreateNodeIdentity('/var/lib/tandem/a')
 * const b = await loadOrCreateNodeIdentity('/var/lib/tandem/b')
 * const members = [a.nodeId, b.nodeId]
 * const hostB = await createTransportHost({ dataDir: '/var/lib/tandem/b', members, listenPort: 4002 })
 * const hostA = await createTransportHost({ dataDir: '/var/lib/tandem/a', members, listenPort: 4001, peers: { [b.nodeId]: hostB.multiaddrs() } })
 * createRaftTransport(await createRaftService(hostB)).onMessage((message) => console.log('B got', message.type, 'from', message.from))
 * createRaftTransport(await createRaftService(hostA)).send([heartbeatFromAToB])
 * ```
 *
 * @packageDocumentation
 */

/**
 * Member-only admission: the connection gater and the per-protocol check.
 *
 * @example
 * ```ts
 * host.admission.admits(peer, RAFT_PROTOCOL) // members only
 * await host.setMembers([...members, newMember])
 * ```
 */
export type { Admission, PeerRole } from './admission.js'
/**
 * Reconnection backoff (exponential with jitter) and the random source of its jitter.
 *
 * @example
 * ```ts
 * const seeded = new SeededRandom(7)
 * const options: TransportHostOptions = { dataDir, members, backoff: { ...DEFAULT_BACKOFF, delayMsMax: 5_000 }, random: () => seeded.nextFloat() }
 * ```
 */
export { type BackoffOptions, DEFAULT_BACKOFF, type RandomFloat } from './backoff.js'
/**
 * A typed codec between messages and frame bytes.
 *
 * @example
 * ```ts
 * const json: FrameCodec<{ from: string; to: string; n: number }> = {
 *   encode: (m) => new TextEncoder().encode(JSON.stringify(m)),
 *   decode: (bytes) => JSON.parse(new TextDecoder().decode(bytes)),
 * }
 * const transport = new RaftTransport(await createRaftService(host), json)
 * ```
 */
export type { FrameCodec } from './codec.js'
/**
 * The CRDT library binding the sync service uses; `crdtSyncAdapter` binds `@tandem/crdt`.
 *
 * @example
 * ```ts
 * const adapter: SyncAdapter<SyncMessage> = crdtSyncAdapter(replica, { bytesMax: 1 << 20 })
 * const session: SyncEndpoint<SyncMessage> = adapter.openSession(peer, (messages) => send(messages))
 * ```
 */
export { crdtSyncAdapter, type SyncAdapter, type SyncEndpoint } from './crdt/sync-adapter.js'
/**
 * `/tandem/crdt/1`: anti-entropy between sync peers (version vectors, missing deltas, live deltas).
 *
 * @example
 * ```ts
 * const replica = new Replica({ node: host.nodeId, now: () => Date.now() })
 * await createCrdtSyncService(host, crdtSyncAdapter(replica, { bytesMax: 64 << 20 }))
 * replica.map('todos').set('t1', 'ship it') // reaches every sync peer
 * ```
 */
export { type CrdtSyncOptions, CrdtSyncService, createCrdtSyncService } from './crdt/sync-service.js'
/**
 * Typed errors, each with a stable `code`.
 *
 * @example
 * ```ts
 * try { await snapshots.send(peer, snapshot) } catch (error) {
 *   if (error instanceof TransportError && error.code === 'TRANSPORT_SNAPSHOT_TRANSFER_FAILED') retryLater()
 * }
 * ```
 */
export {
  AddressBookError,
  FrameTimeoutError,
  FrameTooLargeError,
  HostNotRunningError,
  InboundBufferExceededError,
  MalformedFrameError,
  MessageHandlerError,
  NodeKeyError,
  OutgoingFrameTooLargeError,
  PeerNotAdmittedError,
  SnapshotIntegrityError,
  SnapshotProtocolError,
  SnapshotStalledError,
  SnapshotTransferFailedError,
  StreamRateExceededError,
  StreamsProtocolError,
  SyncProtocolError,
  TransportError,
} from './errors.js'
/**
 * The handler of a framed channel's received frames (the Raft service's `onFrame`).
 *
 * @example
 * ```ts
 * const handler: FrameHandler = (from, frame) => console.log(from, frame.byteLength)
 * raft.onFrame(handler)
 * ```
 */
export type { FrameHandler } from './framing/frame-channel.js'
/**
 * What a full send queue does, and the state of a peer link.
 *
 * @example
 * ```ts
 * const overflow: OverflowPolicy = 'drop-newest'
 * const state: LinkState | undefined = raft.linkState(peer) // 'open', 'backoff', …
 * ```
 */
export type { OverflowPolicy } from './framing/frame-queue.js'
/**
 * The state of the link to a peer (`idle`, `connecting`, `open`, `backoff` or `closed`), and its role
 * in the pair (`opener`: this node opens the shared stream; `acceptor`: the peer does).
 *
 * @example
 * ```ts
 * if (raft.linkState(peer) === 'backoff') console.log('waiting to redial', peer)
 * ```
 */
export type { LinkRole, LinkState } from './framing/peer-link.js'
/**
 * The node's Ed25519 identity, created once in the data directory (`node.key`, mode 0600); the
 * peer id is the node id.
 *
 * @example
 * ```ts
 * const { nodeId } = await loadOrCreateNodeIdentity('./data') // '12D3KooW…'
 * ```
 */
export { loadOrCreateNodeIdentity, NODE_KEY_FILE, type NodeIdentity } from './identity.js'
/**
 * Per-peer inbound bounds (`host.inbound`): connections per peer, the frame timeout, and the byte
 * budget each peer's streams share on each protocol, with the bytes held now and at the peak.
 *
 * @example
 * ```ts
 * const host = await createTransportHost({ dataDir, members, inbound: { connectionsPerPeerMax: 2, frameTimeoutMs: 5_000 } })
 * console.log(host.inbound.bufferedBytes(peer), host.inbound.peakBufferedBytes(peer))
 * ```
 */
export { DEFAULT_INBOUND_LIMITS, type InboundGuard, type InboundLimits } from './inbound-guard.js'
/**
 * Raft member ids (`<peer id>/<store id>`, or a bare peer id) and the default mapping to the peer
 * id that carries their messages and that the transport authenticates.
 *
 * @example
 * ```ts
 * const resolve: MemberPeerResolver = peerIdOfMember
 * resolve(`${host.nodeId}/0123456789abcdef`) // host.nodeId
 * const addressing: RaftAddressing = await createRaftService(host, { memberId: `${host.nodeId}/0123456789abcdef` })
 * ```
 */
export { type MemberPeerResolver, peerIdOfMember, type RaftAddressing } from './member-ids.js'
/**
 * Per-peer counters: bytes and frames in and out, drops, reconnects, dial failures, refusals,
 * stream errors, RTT.
 *
 * @example
 * ```ts
 * const { framesOut, rttMs, refusedConnections } = host.peerMetrics(peer)
 * const all = host.metrics.snapshot()
 * ```
 */
export type { MetricsRegistry, PeerMetrics } from './metrics.js'
/**
 * The protocol ids.
 *
 * @example
 * ```ts
 * const stream = await host.openStream(peer, RAFT_PROTOCOL, AbortSignal.timeout(5_000))
 * ```
 */
export {
  CLUSTER_PROTOCOLS,
  CRDT_PROTOCOL,
  RAFT_PROTOCOL,
  SNAPSHOT_PROTOCOL,
  STREAMS_PROTOCOL,
} from './protocols.js'
/**
 * `/tandem/raft/2` as a service of the host: a members-only frame channel with one long-lived,
 * batched, bounded stream per member pair, following membership and connection events, restarted
 * with the host, with its own counters; its limits and their defaults; this node's member id and
 * the member-to-peer mapping.
 *
 * @example
 * ```ts
 * const raft: RaftService = await createRaftService(host, { ...DEFAULT_RAFT_CHANNEL, frameBytesMax: 8 << 20, memberId: `${host.nodeId}/${storeId}` })
 * if (!raft.send(peer, frame)) await raft.whenWritable(peer)
 * const { framesQueued, framesRefused }: RaftServiceStats = raft.stats()
 * const limits: Readonly<RaftChannelOptions> = raft.limits
 * const options: RaftServiceOptions = { memberId: raft.memberId, peerOf: peerIdOfMember }
 * ```
 */
export {
  createRaftService,
  DEFAULT_RAFT_CHANNEL,
  type RaftChannelOptions,
  RaftService,
  type RaftServiceOptions,
  type RaftServiceStats,
} from './raft-service.js'
/**
 * Raft's `Transport` over the Raft service with the raft protobuf codec; `RaftTransport` also takes
 * any other {@link FrameCodec}. Messages go to the peer of their `to` member; a received one must
 * come from a member of the authenticated peer and be addressed to this node's member id.
 *
 * @example
 * ```ts
 * const service = await createRaftService(host, { memberId })
 * const raft = new RaftNode({ id: memberId, transport: createRaftTransport(service), storage, stateMachine, clock, random })
 * ```
 */
export {
  type AddressedMessage,
  createRaftTransport,
  RaftTransport,
  raftMessageCodec,
} from './raft-transport.js'
/**
 * Raft's `SnapshotTransport` over `/tandem/snapshot/1`: a leader's snapshots leave the Raft message
 * stream, so heartbeats never wait behind snapshot bytes; the offer carries the `Snap` header
 * (sender, recipient, term, snapshot metadata), checked against the authenticated peer.
 *
 * @example
 * ```ts
 * const service = await createRaftService(host)
 * const snapshotTransport = createRaftSnapshotTransport(service, await createSnapshotService(host))
 * const raft = new RaftNode({ id: service.memberId, transport: createRaftTransport(service), snapshotTransport, storage, stateMachine, clock, random })
 * ```
 */
export {
  createRaftSnapshotTransport,
  RaftSnapshotTransport,
  type RaftSnapshotTransportOptions,
} from './snapshot/raft-snapshots.js'
/**
 * The receiving side's output (a verified snapshot), its handler, its limits and their defaults
 * (1 GiB snapshots, 1 MiB chunks, a window of 8 chunks, 2 partial transfers per peer and 8 per
 * node, kept for 5 minutes, a transfer stalled for 30 s evicted), and the partial transfers it
 * keeps for resumption.
 *
 * @example
 * ```ts
 * const snapshots = await createSnapshotService(host, { ...DEFAULT_SNAPSHOT_RECEIVER_LIMITS, ttlMs: 60_000 })
 * const handler: SnapshotHandler = async (snapshot: ReceivedSnapshot) => install(snapshot.data)
 * const waiting: PartialTransferInfo[] = snapshots.partialTransfers()
 * const { partialBytes, busyRefusals, stalledEvictions }: SnapshotReceiverStats = snapshots.stats()
 * ```
 */
export {
  DEFAULT_SNAPSHOT_RECEIVER_LIMITS,
  type PartialTransferInfo,
  type ReceivedSnapshot,
  type SnapshotHandler,
  type SnapshotReceiverLimits,
  type SnapshotReceiverStats,
} from './snapshot/receiver.js'
/**
 * The snapshot sender's input, options and result, and the receiver's output and limits.
 *
 * @example
 * ```ts
 * const result: SnapshotSendResult = await snapshots.send(peer, { transferId: 'a', data }, { chunkBytes: 1 << 20 })
 * console.log(result.resumedFrom) // [0] without cuts, [0, 128] after one cut at chunk 128
 * ```
 */
export type { SnapshotSendOptions, SnapshotSendResult, SnapshotToSend } from './snapshot/sender.js'
/**
 * `/tandem/snapshot/1`: chunked snapshot streaming with per-chunk CRC-32 and acknowledgements,
 * resumable from the last acknowledged chunk, with a bounded receive window and a TTL for
 * abandoned transfers.
 *
 * @example
 * ```ts
 * const snapshots = await createSnapshotService(host)
 * snapshots.onSnapshot(async ({ from, metadata, data }) => install(metadata, data))
 * await snapshots.send(follower, { transferId: `${term}-${index}`, metadata, data })
 * ```
 */
export {
  createSnapshotService,
  SnapshotService,
  type SnapshotServiceOptions,
} from './snapshot/service.js'
/**
 * `/tandem/streams/1`: anti-entropy of sealed delta streams between members — live pushes of a
 * writer's own durable batches, periodic summaries of held-through per stream, in-order pulls or a
 * `folded(h, index)` answer, nothing merged past a gap, and no pulling while the store's backlog is
 * full. The node supplies its delta streams as a {@link StreamStore}; its error is
 * {@link StreamsProtocolError} (`TRANSPORT_STREAMS_PROTOCOL`).
 *
 * @example
 * ```ts
 * const streams = await createStreamSyncService(host, store, { antiEntropyIntervalMs: 1_000 })
 * streams.onFolded((peer, stream, highWater, index) => fetchFromRaftLog(stream, highWater, index))
 * const sequence = await deltaStreams.appendOwn(sealed) // durable first
 * streams.publish(ownStream, sequence, sealed)
 * console.log(streams.stats().stored, host.admission.admits(peer, STREAMS_PROTOCOL))
 * ```
 */
export type {
  FoldedAnswer,
  StoredBatch,
  StreamAcceptOutcome,
  StreamHeldThrough,
  StreamStore,
} from './streams/stream-store.js'
/**
 * The `/tandem/streams/1` service, its options and counters, and the listener of folded answers.
 *
 * @example
 * ```ts
 * const service: StreamSyncService = await createStreamSyncService(host, store, { requestsInFlightMax: 8 })
 * const { stored, gaps, pullsPaused }: StreamSyncStats = service.stats()
 * ```
 */
export {
  createStreamSyncService,
  type FoldedListener,
  type StreamSyncOptions,
  StreamSyncService,
  type StreamSyncStats,
} from './streams/stream-sync-service.js'
/**
 * Creates and starts a transport host (a libp2p node; "the node" is the hybrid Tandem node that
 * composes it): the given identity or the one in `dataDir`, QUIC and TCP listeners, the member
 * allowlist, the persisted address book and RTT pings. Protocol services (`HostService`) attach to
 * it; `stop()` is not final, `start()` brings the host and its services back.
 *
 * @example
 * ```ts
 * const host = await createTransportHost({ dataDir: './data', privateKey, members: [selfId, otherId], listenPort: 4001 })
 * console.log(host.nodeId, host.multiaddrs())
 * await host.stop()
 * await host.start()
 * const service: HostService = { start: async () => {}, stop: async () => {} }
 * host.addService(service)
 * ```
 */
export { createTransportHost, type HostService, TransportHost } from './transport-host.js'
/**
 * Options of {@link createTransportHost} (data directory, identity, members, sync peers, listen
 * addresses, per-peer inbound limits, backoff and its random source, ping interval, logger), and
 * the default listen addresses (QUIC v1 on UDP and TCP on the same port).
 *
 * @example
 * ```ts
 * const options: TransportHostOptions = {
 *   dataDir: './data', members, syncPeers: [laptopId], listen: defaultListenAddresses('0.0.0.0', 4001),
 *   backoff: { delayMsMax: 5_000 },
 * }
 * ```
 */
export { defaultListenAddresses, type TransportHostOptions } from './transport-host-options.js'
