/**
 * One node of the demo cluster, run as its own process by the controller (demo.ts). It composes
 * the packages the way an app would: a libp2p node from @tandem/transport, a RaftNode from
 * @tandem/raft over a WAL on disk from @tandem/wal, the KV state machine, and a @tandem/crdt
 * replica synced over /tandem/crdt/1 for eventual writes. It takes requests over Node's IPC
 * channel and answers each one.
 */
import { join } from 'node:path'
import { systemClock } from '@tandem/base/system'
import { Replica } from '@tandem/crdt'
import { RaftNode, type RaftNode as RaftNodeType, Role, SeededRandom } from '@tandem/raft'
import {
  crdtSyncAdapter,
  createCrdtSyncService,
  createRaftService,
  createRaftSnapshotTransport,
  createRaftTransport,
  createSnapshotService,
  createTransportHost,
  loadOrCreateNodeIdentity,
} from '@tandem/transport'
import { FileDevice, nodeCrc32, WalLogStorage } from '@tandem/wal'
import { encodeCommand, type KvResult, KvStore } from './kv.ts'
import type { NodeConfig, NodeMessage, NodeReport, Request, RequestEnvelope, WriteAck } from './protocol.ts'

const roleNames: Record<number, string> = {
  [Role.Follower]: 'follower',
  [Role.PreCandidate]: 'pre-candidate',
  [Role.Candidate]: 'candidate',
  [Role.Leader]: 'leader',
}

const config = JSON.parse(process.argv[2] ?? '{}') as NodeConfig
const { nodeId } = await loadOrCreateNodeIdentity(config.dataDir)

const node = await createTransportHost({
  dataDir: config.dataDir,
  members: config.members,
  listen: config.listen,
  peers: config.peers,
  addressDialTimeoutMs: 1_000,
})

const storage = await WalLogStorage.open({
  device: await FileDevice.open(join(config.dataDir, 'wal')),
  checksum: nodeCrc32,
  voters: config.members,
})

const raftService = await createRaftService(node)
const kv = new KvStore()
const clock = systemClock()
const raft: RaftNodeType<KvResult> = new RaftNode<KvResult>({
  id: nodeId,
  clock,
  random: new SeededRandom(config.seed),
  storage,
  transport: createRaftTransport(raftService),
  // Snapshots travel on /tandem/snapshot/1, apart from the Raft messages.
  snapshotTransport: createRaftSnapshotTransport(raftService, await createSnapshotService(node)),
  stateMachine: kv,
  tickMs: 50,
  snapshotEntriesThreshold: 500,
})

// Eventual writes: applied here at once, then merged with every member this node can reach.
// (This demo keeps the replica in memory; the hybrid node persists pending deltas in its WAL.)
const replica = new Replica({ node: nodeId, now: () => Date.now() })
await createCrdtSyncService(node, crdtSyncAdapter(replica, { bytesMax: 16 << 20 }))
await raft.start()

function report(): NodeReport {
  const status = raft.status()
  return {
    nodeId,
    role: roleNames[status.role] ?? String(status.role),
    term: status.term,
    leader: status.leader,
    commit: status.commit,
    applied: status.applied,
    keys: kv.size,
    digest: kv.digest(),
  }
}

async function handle(request: Request): Promise<unknown> {
  switch (request.kind) {
    case 'put':
    case 'cas': {
      const command =
        request.kind === 'put'
          ? ({ op: 'put', key: request.key, value: request.value } as const)
          : ({ op: 'cas', key: request.key, expected: request.expected, value: request.value } as const)
      const outcome = await raft.propose(encodeCommand(command))
      const ack: WriteAck = {
        applied: outcome.result?.applied ?? false,
        previous: outcome.result?.previous ?? null,
        index: outcome.index,
        term: outcome.term,
        fencingToken: outcome.fencingToken.toString(),
      }
      return ack
    }
    case 'get':
      await raft.read({ linearizable: true })
      return kv.get(request.key)
    case 'status':
      return report()
    case 'eventual-set':
      replica.map<string>('presence').set(request.key, request.value)
      return null
    case 'eventual-read':
      return Object.fromEntries(replica.map<string>('presence').entries())
  }
}

function send(message: NodeMessage): void {
  process.send?.(message)
}

process.on('message', (raw: RequestEnvelope) => {
  handle(raw.request).then(
    (value) => send({ type: 'response', id: raw.id, ok: true, value }),
    (error: unknown) => {
      const failure = error instanceof Error ? error : new Error(String(error))
      const code = (failure as { code?: unknown }).code
      send({ type: 'response', id: raw.id, ok: false, error: failure.message, code: String(code ?? 'ERROR') })
    },
  )
})

let stopping = false
process.on('SIGTERM', () => {
  if (stopping) return
  stopping = true
  void (async () => {
    await raft.stop()
    await node.stop()
    process.exit(0)
  })()
})

send({ type: 'ready', nodeId, addresses: node.multiaddrs() })
