/**
 * The production adapter: node incarnations are `@tandem/raft` `RaftNode`s — the real core and
 * driver — over the simulator's clock, network endpoint and disk, running the simulated
 * key-value state machine. Every packet crosses the network through raft's protobuf codec.
 *
 * Two disks: `wal` runs `@tandem/wal`'s `WalLogStorage` (the production on-disk format and
 * recovery) over its fault-injecting `MemoryDevice` behind simulated latency; `memory` runs raft's
 * `MemoryLogStorage` behind a crashable write queue.
 */

import { assert, isInvariantError, type SeededRandom } from '@tandem/base'
import {
  bootstrapEntries,
  type ConfState,
  decodeMessage,
  type Entry,
  encodeMessage,
  type HardState,
  type LogStorage,
  MemoryLogStorage,
  MessageType,
  NotLeaderError,
  type PersistBatch,
  RaftNode,
  Role,
  type Snapshot,
  type WireMessage,
} from '@tandem/raft'
import { MemoryDevice, WalLogStorage } from '@tandem/wal/pure'
import { CrashableLogStorage } from './disk/crashable-log-storage.js'
import { LatencyDevice } from './disk/latency-device.js'
import { ObservedLogStorage } from './disk/observed-log-storage.js'
import { decodeKvCommand, type KvResult } from './kv/command.js'
import { KvStateMachine } from './kv/state-machine.js'
import type {
  MembershipChange,
  NodeEnvironment,
  NodeFactory,
  NodeIncarnation,
  NodeRole,
  NodeStatusView,
  SimulatedDisk,
} from './node-host.js'
import type { SubmitOutcome } from './workload.js'

const messageTypeNames = new Map<number, string>(
  Object.entries(MessageType).map(([name, value]): [number, string] => [value, name]),
)

const roleNames: Readonly<Record<number, NodeRole>> = {
  [Role.Follower]: 'follower',
  [Role.PreCandidate]: 'pre-candidate',
  [Role.Candidate]: 'candidate',
  [Role.Leader]: 'leader',
}

/** A disk the raft adapter can open for an incarnation. */
interface HostDisk extends SimulatedDisk {
  /** Opens (recovers) the log storage for a new incarnation; rejects when the disk is unusable. */
  open(environment: NodeEnvironment<WireMessage>): Promise<LogStorage>
  /** Marks the disk as refused by its node. */
  markCorrupted(): void
}

type DurableWrite =
  | { readonly kind: 'save'; readonly batch: PersistBatch }
  | { readonly kind: 'compact'; readonly snapshot: Snapshot }

/** raft's in-memory log storage as the durable image, under a crashable write queue. */
class MemoryDisk implements HostDisk {
  private durable: MemoryLogStorage
  private current: CrashableLogStorage<Entry, HardState, Snapshot, ConfState> | null = null
  private readonly foundingVoters: readonly string[] | null
  /** Every write that reached the durable image, kept only when the disk is told to lie. */
  private readonly journal: DurableWrite[] = []
  private readonly lostAcknowledgedWrites: number
  corrupted = false

  /**
   * `lostAcknowledgedWrites > 0` makes a deliberately broken disk for the self-test: on a crash it
   * also loses that many of its newest writes although it reported them durable (an fsync that
   * lies, which is the same as a node acknowledging before persisting).
   */
  constructor(foundingVoters: readonly string[] | null, lostAcknowledgedWrites = 0) {
    this.foundingVoters = foundingVoters
    this.lostAcknowledgedWrites = lostAcknowledgedWrites
    this.durable = this.freshImage()
  }

  private freshImage(): MemoryLogStorage {
    const image = new MemoryLogStorage(this.foundingVoters === null ? {} : { voters: this.foundingVoters })
    if (this.lostAcknowledgedWrites === 0) return image
    const journal = this.journal
    // Record every write that reaches this image, so that a crash can replay all but the newest.
    return Object.assign(image, {
      save: (batch: PersistBatch) => {
        journal.push({ kind: 'save', batch })
        return MemoryLogStorage.prototype.save.call(image, batch)
      },
      compact: (snapshot: Snapshot) => {
        journal.push({ kind: 'compact', snapshot })
        return MemoryLogStorage.prototype.compact.call(image, snapshot)
      },
    })
  }

  async open(environment: NodeEnvironment<WireMessage>): Promise<LogStorage> {
    const storage = new CrashableLogStorage<Entry, HardState, Snapshot, ConfState>({
      durable: this.durable,
      scheduler: environment.scheduler,
      random: environment.random.fork('disk'),
      latency: { minMs: environment.disk.writeLatencyMinMs, meanMs: environment.disk.writeLatencyMeanMs },
      observer: environment.diskObserver,
      label: environment.nodeId,
    })
    this.current = storage
    return storage
  }

  crash(tornWriteProbability: number): void {
    this.current?.crash(tornWriteProbability)
    this.current = null
    if (this.lostAcknowledgedWrites > 0 && this.journal.length > 0) {
      const kept = this.journal.splice(0, Math.max(0, this.journal.length - this.lostAcknowledgedWrites))
      this.journal.length = 0
      this.durable = this.freshImage()
      for (const write of kept) {
        if (write.kind === 'save') void this.durable.save(write.batch)
        else void this.durable.compact(write.snapshot)
      }
    }
  }

  /** The in-memory image has no checksums to catch a flipped bit, so it is not corrupted. */
  corrupt(): string | null {
    return null
  }

  markCorrupted(): void {
    this.corrupted = true
  }
}

/** The WAL format over a fault-injecting memory device with simulated latency. */
class WalDisk implements HostDisk {
  private device = new MemoryDevice()
  private latencyDevice: LatencyDevice | null = null
  private observed: ObservedLogStorage<Entry, HardState, Snapshot, ConfState> | null = null
  private readonly foundingVoters: readonly string[] | null
  private readonly random: SeededRandom
  corrupted = false

  constructor(foundingVoters: readonly string[] | null, random: SeededRandom) {
    this.foundingVoters = foundingVoters
    this.random = random
  }

  async open(environment: NodeEnvironment<WireMessage>): Promise<LogStorage> {
    const device = new LatencyDevice({
      inner: this.device,
      scheduler: environment.scheduler,
      random: environment.random.fork('disk'),
      latency: { minMs: environment.disk.writeLatencyMinMs, meanMs: environment.disk.writeLatencyMeanMs },
      label: environment.nodeId,
    })
    this.latencyDevice = device
    const storage = await WalLogStorage.open({
      device,
      // Small segments, so rotation and compaction across segments happen within a short run.
      segmentBytesMax: 4096,
      defer: (run) => {
        environment.scheduler.schedule(0, `${environment.nodeId} wal flush`, run)
      },
    })
    const fresh = storage.lastIndex() === 0 && storage.initialState().hardState.term === 0
    if (fresh && this.foundingVoters !== null) {
      // Bootstrap exactly as raft's MemoryLogStorage does: the founders as committed entries.
      const voters = this.foundingVoters
      await storage.save({
        hardState: { term: 1, vote: null, commit: voters.length },
        entries: bootstrapEntries(voters),
        snapshot: null,
      })
      await storage.setConfState(
        { voters: [...voters], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false },
        voters.length,
      )
    }
    this.observed = new ObservedLogStorage<Entry, HardState, Snapshot, ConfState>(
      storage as LogStorage,
      environment.diskObserver,
    )
    return this.observed
  }

  crash(tornWriteProbability: number): void {
    this.latencyDevice?.crash()
    this.latencyDevice = null
    this.observed?.crash()
    this.observed = null
    // A power cut keeps what was synced, a prefix of the unsynced operations, and maybe part of
    // the next write.
    const pending = this.device.pendingOperationCount
    const keepPendingOperations = pending === 0 ? 0 : this.random.nextInt(pending + 1)
    const torn = this.random.chance(tornWriteProbability)
    this.device.cutPower()
    this.device = this.device.crash({
      keepPendingOperations,
      ...(torn ? { tornBytes: this.random.nextInt(4096) } : {}),
    })
  }

  corrupt(): string | null {
    const files = [...this.device.files()]
      .filter(([, bytes]) => bytes.length > 0)
      .sort(([a], [b]) => (a < b ? -1 : 1))
    if (files.length === 0) return null
    const [name, bytes] = this.random.pick(files)
    const offset = this.random.nextInt(bytes.length)
    const bit = this.random.nextInt(8)
    this.device.flipBit(name, offset, bit)
    return `bit ${bit} of byte ${offset} of ${name} (${bytes.length} bytes)`
  }

  markCorrupted(): void {
    this.corrupted = true
  }
}

/** Which disk the nodes run on. */
export type DiskKind = 'wal' | 'memory'

/** Options of {@link createRaftFactory}. */
export interface RaftFactoryOptions {
  readonly disk: DiskKind
  /**
   * Wraps each incarnation's storage before the driver sees it. The self-test uses it to inject a
   * deliberate bug (acknowledging writes before they are durable); production runs pass none.
   */
  readonly wrapStorage?: (storage: LogStorage) => LogStorage
  /**
   * Self-test bug: the memory disk loses this many of its newest writes on a crash although it
   * acknowledged them as durable. 0 (the default) in every real run.
   */
  readonly lostAcknowledgedWrites?: number
  /**
   * Self-test bug: every read is served from the contacted node's local state without ReadIndex
   * (a stale read). `false` in every real run.
   */
  readonly staleReads?: boolean
}

/** The factory of production nodes. */
export function createRaftFactory(options: RaftFactoryOptions): NodeFactory<WireMessage> {
  return {
    codec: { encode: encodeMessage, decode: (bytes) => decodeMessage(bytes) },
    describe: describeMessage,
    createDisk: (_nodeId, foundingVoters, random) =>
      options.disk === 'wal'
        ? new WalDisk(foundingVoters, random)
        : new MemoryDisk(foundingVoters, options.lostAcknowledgedWrites ?? 0),
    start: (environment, disk) => startNode(environment, disk, options),
  }
}

function startNode(
  environment: NodeEnvironment<WireMessage>,
  simulatedDisk: SimulatedDisk,
  options: RaftFactoryOptions,
): NodeIncarnation {
  assert(
    simulatedDisk instanceof MemoryDisk || simulatedDisk instanceof WalDisk,
    'the raft factory runs only on its own disks',
  )
  const disk: HostDisk = simulatedDisk
  const trace = environment.trace
  const nodeId = environment.nodeId
  let alive = true
  let node: RaftNode<KvResult | null> | null = null
  const kv = new KvStateMachine((observation) => {
    if (alive) environment.onApplied(observation)
  })

  const boot = async (): Promise<void> => {
    let storage: LogStorage
    try {
      storage = await disk.open(environment)
    } catch (error) {
      if (!alive) return
      // The node refuses to start from a disk it cannot trust: it stays down for good.
      disk.markCorrupted()
      trace?.(
        `node ${nodeId} refuses its disk: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      )
      return
    }
    if (!alive) return
    if (options.wrapStorage) storage = options.wrapStorage(storage)
    const settings = environment.settings
    const created = new RaftNode<KvResult | null>({
      id: nodeId,
      storage,
      transport: environment.endpoint,
      snapshotTransport: environment.snapshots,
      stateMachine: {
        apply: (commands) => kv.apply(commands),
        snapshot: () => kv.snapshot(),
        restore: (data) => kv.restore(data),
      },
      clock: environment.clock,
      random: environment.random,
      tickMs: settings.tickMs,
      electionTicks: settings.electionTicks,
      heartbeatTicks: settings.heartbeatTicks,
      checkQuorum: settings.checkQuorum,
      preVote: settings.preVote,
      readOnly: settings.readOnly,
      snapshotEntriesThreshold: settings.snapshotEntries,
      proposalTimeoutMs: environment.attemptTimeoutMs,
      readTimeoutMs: environment.attemptTimeoutMs,
    })
    created.onChange((event) => {
      if (!alive) return
      switch (event.type) {
        case 'role':
          trace?.(`node ${nodeId} becomes ${roleNames[event.role] ?? event.role} in term ${event.term}`)
          return
        case 'snapshot-installed':
          environment.onRestored(event.index)
          return
        case 'snapshot-taken':
          trace?.(`node ${nodeId} snapshots through ${event.index}`)
          return
        case 'membership':
          trace?.(`node ${nodeId} membership at ${event.index}: voters {${event.confState.voters.join(',')}}`)
          return
        case 'failed':
          trace?.(`node ${nodeId} failed: ${event.error.message}`)
          // The driver rethrows an invariant violation after stopping; the run must fail on it
          // rather than pass with a node quietly gone.
          if (isInvariantError(event.error)) environment.onInvariantViolated(event.error)
          return
        default:
          return
      }
    })
    node = created
    await created.start()
  }
  void boot().catch((error: unknown) => {
    if (alive)
      trace?.(`node ${nodeId} failed to start: ${error instanceof Error ? error.message : String(error)}`)
  })

  const submit = async (command: Uint8Array): Promise<SubmitOutcome> => {
    const running = node
    if (!alive || running === null) return { kind: 'failed', reason: 'node not running' }
    let decoded: ReturnType<typeof decodeKvCommand>
    try {
      decoded = decodeKvCommand(command)
    } catch (error) {
      return { kind: 'failed', reason: `bad command: ${String(error)}` }
    }
    try {
      if (decoded.operation.kind === 'get' && options.staleReads === true) {
        return { kind: 'applied', result: { kind: 'get', value: kv.read(decoded.operation.key) } }
      }
      if (decoded.operation.kind === 'get' && decoded.sequence % 2 === 0) {
        // Half the reads take the ReadIndex path instead of the log.
        const key = decoded.operation.key
        await running.read({ linearizable: true, timeoutMs: environment.attemptTimeoutMs })
        if (!alive) return { kind: 'failed', reason: 'node down' }
        return { kind: 'applied', result: { kind: 'get', value: kv.read(key) } }
      }
      const outcome = await running.propose(command, {
        timeoutMs: environment.attemptTimeoutMs,
        idempotency: { clientId: `client-${decoded.clientId}`, sequence: decoded.sequence },
      })
      if (!alive) return { kind: 'failed', reason: 'node down' }
      const result = outcome.duplicate
        ? kv.sessionResult(decoded.clientId, decoded.sequence)
        : (outcome.result ?? null)
      if (result === null) return { kind: 'failed', reason: 'applied earlier; result no longer known' }
      return { kind: 'applied', result }
    } catch (error) {
      if (error instanceof NotLeaderError) return { kind: 'redirect', leader: error.leaderHint }
      return { kind: 'failed', reason: error instanceof Error ? error.name : String(error) }
    }
  }

  return {
    submit,
    status: (): NodeStatusView => {
      if (node === null) {
        return { role: 'follower', term: 0, leader: null, commit: 0, applied: 0, voters: [] }
      }
      const status = node.status()
      const conf = status.confState
      return {
        role: roleNames[status.role] ?? 'follower',
        term: status.term,
        leader: status.leader,
        commit: status.commit,
        applied: status.applied,
        voters: [...conf.voters, ...conf.votersOutgoing.filter((id) => !conf.voters.includes(id))],
      }
    },
    transferLeadership: (to) => {
      node?.transferLeadership(to).catch(() => {})
    },
    changeMembership: async (change: MembershipChange): Promise<boolean> => {
      const running = node
      if (running === null) return false
      try {
        if (change.kind === 'remove') await running.removeMember(change.nodeId)
        else {
          await running.addLearner(change.nodeId)
          await running.promote(change.nodeId)
        }
        return true
      } catch {
        return false
      }
    },
    crash: () => {
      alive = false
    },
  }
}

/** A one-line description of a message for traces. */
export function describeMessage(message: WireMessage): string {
  const type = messageTypeNames.get(message.type) ?? String(message.type)
  let text = `${type} ${message.from}→${message.to} t${message.term}`
  if (message.index !== 0 || message.logTerm !== 0) text += ` i${message.index}/${message.logTerm}`
  const first = message.entries[0]
  if (first !== undefined) text += ` e[${first.index}..${first.index + message.entries.length - 1}]`
  if (message.commit !== 0) text += ` c${message.commit}`
  if (message.reject) text += ` reject(hint ${message.rejectHint})`
  return text
}
