/**
 * `createNode`: the hybrid node on Node (design.md, "The hybrid node — decisions"). It opens the data
 * directory (key, storeId, cluster record), starts libp2p with the node key as identity, the Raft
 * node over the WAL on disk with the node's member id, this start's delta stream on disk, sealing
 * with the native provider, anti-entropy of the delta streams, and the pure `NodeCore` over them.
 * Everything the core decides (what to propose, how to apply, when to fold) is in the core; this
 * file only wires devices, sockets, clocks and randomness to it.
 */
import { randomBytes } from 'node:crypto'
import { join as joinPath } from 'node:path'
import { type Logger, SeededRandom, silentLogger } from '@tandem/base'
import { cryptoRandom, systemClock, systemWallClock } from '@tandem/base/system'
import { defaultNoQuorumTimeoutMs, RaftNode } from '@tandem/raft'
import {
  createRaftService,
  createRaftSnapshotTransport,
  createRaftTransport,
  createSnapshotService,
  createStreamSyncService,
  createTransportHost,
  type StreamSyncService,
  type TransportHost,
} from '@tandem/transport'
import { FileDevice, nodeCrc32, WalLogStorage } from '@tandem/wal'
import type { Registry } from 'prom-client'
import { NodeCore } from '../compose/node-core.js'
import type { SnapshotPolicyOptions } from '../compose/snapshot-policy.js'
import { defaultClusterConstants } from '../core/control.js'
import { type Incarnation, type StreamId, streamId } from '../core/ids.js'
import type { AppliedEntry } from '../core/log-applier.js'
import { createNodeSealing } from '../sealing/node-sealing.js'
import { DeltaStreamStore } from '../streams/delta-stream-store.js'
import { StreamStoreAdapter } from '../streams/stream-store-adapter.js'
import { WalDeltaLog } from '../streams/wal-delta-log.js'
import {
  type ClusterRecord,
  type DataDirectory,
  openDataDirectory,
  writeClusterRecord,
} from './data-directory.js'
import { NodeStartError } from './errors.js'
import { MembershipFollower, peerIdOfAddress } from './membership-follower.js'
import type { JoinOptions } from './node-cluster.js'
import { createNodeMetrics } from './node-metrics.js'
import { TandemNode } from './tandem-node.js'

/** Raft timing. Defaults suit a LAN: ticks of 100 ms, elections after 10 ticks, heartbeats every 2. */
export interface NodeRaftTiming {
  readonly tickMs?: number
  readonly electionTicks?: number
  readonly heartbeatTicks?: number
}

/** Options of {@link createNode}. */
export interface CreateNodeOptions {
  /** The data directory: key, storeId, cluster record, Raft WAL, delta streams, address book. */
  readonly dataDir: string
  /**
   * Found a new cluster on an empty directory: a single voter that creates epoch 1. Ignored on a
   * directory that already belongs to a cluster (so a restart script may pass it every time).
   */
  readonly init?: boolean
  /** Join the cluster of these members on an empty directory (after `addLearner` ran on one). */
  readonly join?: JoinOptions
  /** Listen multiaddrs. Default QUIC v1 and TCP on 127.0.0.1, any free port. */
  readonly listen?: readonly string[]
  readonly logger?: Logger
  /** A prom-client registry to register the node's metrics on. Default: a registry of its own. */
  readonly metrics?: Registry
  readonly raft?: NodeRaftTiming
  /**
   * How long a strong write waits without a quorum before it rejects with `NoQuorumError`.
   * Default max(2 s, 2 × the maximum election timeout).
   */
  readonly noQuorumTimeoutMs?: number
  /**
   * When the logs fsync: `'always'` (default: every acknowledged write is on disk), `'batch'`, or
   * `'none'` (tests and benchmarks without durability).
   */
  readonly sync?: 'always' | 'batch' | 'none'
  /** Time between anti-entropy summaries of the delta streams. Default 1,000 ms. */
  readonly antiEntropyIntervalMs?: number
  /** Per-address dial timeout (also QUIC's idle timeout). Default 3 s. */
  readonly addressDialTimeoutMs?: number
  /**
   * How long `createNode` waits for the node to be ready for strong writes (its incarnation open in
   * the committed state: a leader elected, the node caught up to its own `open`) before it returns
   * anyway. A node that cannot reach a quorum still serves eventual writes and local reads. Default
   * 10,000 ms; `node.whenReady()` waits on.
   */
  readonly readyTimeoutMs?: number
  /**
   * When the node snapshots C: once the log bytes since the last snapshot exceed
   * max(`logBytesMin`, `sizeFactor` × the last snapshot). Default max(64 MiB, 2 × the last); tests
   * give a small floor to make snapshots (and a learner's catch-up by snapshot) happen.
   */
  readonly snapshotPolicy?: SnapshotPolicyOptions
}

const DEFAULT_LISTEN = ['/ip4/127.0.0.1/udp/0/quic-v1', '/ip4/127.0.0.1/tcp/0']
const DEFAULT_TICK_MS = 100
const DEFAULT_ELECTION_TICKS = 10
const DEFAULT_HEARTBEAT_TICKS = 2
const DEFAULT_READY_TIMEOUT_MS = 10_000
/** How often `createNode` looks whether the node is ready. */
const READY_POLL_MS = 10
/** How often folded batches are pruned from the delta streams. */
const PRUNE_INTERVAL_MS = 1_000

/**
 * Starts a node on `dataDir`. An empty directory needs `init: true` or `join`; a directory that
 * belongs to a cluster restarts where it stopped (its Raft log, its delta streams, the pending
 * eventual writes), under a new incarnation.
 *
 * @example
 * ```ts
 * const first = await createNode({ dataDir: './data/n1', init: true })
 * const second = await nodeIdentity('./data/n2')
 * const join = await first.cluster.addLearner(second.memberId, [])
 * const node2 = await createNode({ dataDir: './data/n2', join })
 * await first.cluster.promote(second.memberId)
 * ```
 */
export async function createNode(options: CreateNodeOptions): Promise<TandemNode> {
  const logger = options.logger ?? silentLogger
  const directory = await openDataDirectory(options.dataDir)
  const cluster = await settleClusterRecord(directory, options)
  const clusterIdBytes = Uint8Array.from(Buffer.from(cluster.clusterId, 'hex'))
  const tickMs = options.raft?.tickMs ?? DEFAULT_TICK_MS
  const electionTicks = options.raft?.electionTicks ?? DEFAULT_ELECTION_TICKS
  const heartbeatTicks = options.raft?.heartbeatTicks ?? DEFAULT_HEARTBEAT_TICKS
  const noQuorumTimeoutMs = options.noQuorumTimeoutMs ?? defaultNoQuorumTimeoutMs(tickMs, electionTicks)
  const syncMode = options.sync ?? 'always'
  const cleanups: (() => Promise<void>)[] = []
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined)
  }

  try {
    const storage = await WalLogStorage.open({
      device: await FileDevice.open(joinPath(directory.path, 'raft')),
      checksum: nodeCrc32,
      syncMode,
      // Only a founder's new log starts with a voter (itself); a joiner waits to be brought in.
      voters: cluster.origin === 'init' ? [directory.memberId] : [],
    })
    cleanups.push(() => storage.close())

    const joinPeers: Record<string, string[]> = {}
    for (const address of cluster.joinAddresses) {
      const peer = peerIdOfAddress(address)
      joinPeers[peer] = [...(joinPeers[peer] ?? []), address]
    }
    const host: TransportHost = await createTransportHost({
      dataDir: directory.path,
      privateKey: directory.privateKey,
      members: [directory.peerId, ...Object.keys(joinPeers)],
      listen: options.listen ?? DEFAULT_LISTEN,
      peers: joinPeers,
      logger,
      ...(options.addressDialTimeoutMs === undefined
        ? {}
        : { addressDialTimeoutMs: options.addressDialTimeoutMs }),
    })
    cleanups.push(() => host.stop())
    const raftService = await createRaftService(host, { memberId: directory.memberId })
    const snapshotService = await createSnapshotService(host)

    const incarnation = randomBytes(16).toString('hex') as Incarnation
    const store = await DeltaStreamStore.open({
      device: await FileDevice.open(joinPath(directory.path, 'streams')),
      ownStream: streamId(directory.key, incarnation, 0),
      eventualBacklogBytesMax: defaultClusterConstants.eventualBacklogBytesMax,
      checksum: nodeCrc32,
    })
    cleanups.push(() => store.close())

    let onRefusal: (kind: string) => void = () => {}
    const sealing = createNodeSealing({
      clusterId: clusterIdBytes,
      signingKey: directory.signingSeed,
      keyed: true,
      random: cryptoRandom,
      onRejection: (rejection) => {
        // Safety-relevant: logged at error and counted (never the item's bytes).
        logger.error('refused a sealed item', {
          item: rejection.item,
          reason: rejection.reason,
          writer: rejection.writer,
        })
        onRefusal(`${rejection.item}:${rejection.reason}`)
      },
    })

    // Late-bound: the core's callbacks need the services built after it.
    let adapter: StreamStoreAdapter | null = null
    let streamSync: StreamSyncService | null = null
    let follower: MembershipFollower | null = null
    let node: TandemNode | null = null
    const clock = systemClock()
    const seed = randomBytes(4).readUInt32LE(0)
    const core: NodeCore = new NodeCore({
      member: directory.memberId,
      key: directory.key,
      incarnation,
      clock,
      wallClock: systemWallClock,
      deltaLog: new WalDeltaLog(store),
      sealing,
      noQuorumTimeoutMs,
      ...(options.snapshotPolicy === undefined ? {} : { snapshotPolicy: options.snapshotPolicy }),
      ...(cluster.origin === 'init' ? { init: true } : {}),
      // A removal's cutoffs: the highest position of each of the key's streams that a connected
      // member's latest anti-entropy summary lists (design.md, "Leaving and revocation").
      positionsOf: async (key) =>
        [...(streamSync?.peerPositions((stream) => stream.startsWith(`${key}.`)) ?? [])].map(
          ([stream, sequence]) => [stream as StreamId, sequence] as const,
        ),
      createRaft: (parts) =>
        new RaftNode<AppliedEntry>({
          id: directory.memberId,
          storage,
          transport: createRaftTransport(raftService),
          snapshotTransport: createRaftSnapshotTransport(raftService, snapshotService),
          clock,
          random: new SeededRandom(seed),
          logger,
          tickMs,
          electionTicks,
          heartbeatTicks,
          checkQuorum: true,
          preVote: true,
          ...parts,
        }),
      onApplied: (entry) => {
        adapter?.noteApplied(entry)
        follower?.follow()
      },
      onRestored: () => {
        node?.restored()
        adapter?.observeFolds()
        follower?.follow()
      },
      onBatchDurable: (stream, batch) => {
        streamSync?.publish(stream, batch.sequence, StreamStoreAdapter.wireBytes(batch))
      },
    })
    cleanups.push(() => core.stop())

    adapter = new StreamStoreAdapter({
      store,
      // Read through the core at every call: a snapshot install replaces C.
      committed: {
        get membership() {
          return core.committed.public.membership
        },
        get highWaters() {
          return core.committed.public.highWaters
        },
        cutoff: (stream) => core.committed.public.cutoff(stream),
        get appliedIndex() {
          return core.committed.public.appliedIndex
        },
      },
      batchCheck: sealing.checks,
      persistedCommitIndex: () => storage.persistedCommitIndex,
      onStored: (stream, batch) => {
        core.receiveBatch(stream, batch)
      },
      logger,
    })
    follower = new MembershipFollower({
      host,
      core,
      self: directory.peerId,
      bootstrapPeers: Object.keys(joinPeers),
      logger,
    })
    streamSync = await createStreamSyncService(
      host,
      adapter,
      options.antiEntropyIntervalMs === undefined
        ? {}
        : { antiEntropyIntervalMs: options.antiEntropyIntervalMs },
    )
    cleanups.push(() => (streamSync as StreamSyncService).stop())

    await core.start()
    await waitUntil(() => core.opened, options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS)
    const prune = setInterval(() => {
      adapter
        ?.pruneFolded()
        .catch((error: unknown) => logger.warn('pruning the delta streams failed', { error: String(error) }))
    }, PRUNE_INTERVAL_MS)
    prune.unref()
    cleanups.push(async () => clearInterval(prune))

    const metrics = createNodeMetrics(options.metrics, {
      term: () => core.raftStatus()?.term ?? 0,
      commitIndex: () => core.raftStatus()?.commit ?? 0,
      appliedIndex: () => core.committed.public.appliedIndex,
      leader: () => core.leading,
      pendingBatches: () => core.pendingBatches.count,
      pendingBytes: () => core.pendingBatches.bytes,
      members: () => core.committed.public.membership.members().length,
    })
    onRefusal = (kind) => metrics.refusals.inc({ kind })
    node = new TandemNode({
      directory,
      clusterId: cluster.clusterId,
      host,
      core,
      metrics,
      logger,
      noQuorumTimeoutMs,
      close: cleanUp,
    })
    return node
  } catch (error) {
    await cleanUp()
    throw error
  }
}

/** Checks the start against the directory's cluster record, writing it on `init` or `join`. */
async function settleClusterRecord(
  directory: DataDirectory,
  options: CreateNodeOptions,
): Promise<ClusterRecord> {
  const existing = directory.cluster
  if (options.init === true && options.join !== undefined)
    throw new NodeStartError('createNode takes init or join, not both')
  if (existing !== null) {
    if (options.join !== undefined && options.join.clusterId !== existing.clusterId)
      throw new NodeStartError(
        `${directory.path} belongs to cluster ${existing.clusterId}, not ${options.join.clusterId}; a wiped directory joins again`,
      )
    return existing
  }
  if (options.init === true) {
    const record: ClusterRecord = {
      clusterId: randomBytes(16).toString('hex'),
      origin: 'init',
      joinAddresses: [],
    }
    await writeClusterRecord(directory.path, record)
    return record
  }
  if (options.join !== undefined) {
    if (!/^[0-9a-f]{2,512}$/.test(options.join.clusterId) || options.join.clusterId.length % 2 !== 0)
      throw new NodeStartError('join.clusterId must be the hex cluster id that addLearner returned')
    if (options.join.addresses.length === 0)
      throw new NodeStartError('join.addresses lists no member address')
    for (const address of options.join.addresses) peerIdOfAddress(address)
    const record: ClusterRecord = {
      clusterId: options.join.clusterId,
      origin: 'join',
      joinAddresses: [...options.join.addresses],
    }
    await writeClusterRecord(directory.path, record)
    return record
  }
  throw new NodeStartError(
    `${directory.path} belongs to no cluster: pass init: true to found one, or join with a member's addresses`,
  )
}

/** Resolves once `condition()` holds or `timeoutMs` passed (it does not say which). */
export async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition() && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS))
}
