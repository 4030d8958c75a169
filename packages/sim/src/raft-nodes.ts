/**
 * The machines of a Raft cluster under test: one slot per node id, holding what outlives an
 * incarnation (its disk, its clock's drift and offset) and the running incarnation, if any. A
 * start wires a new incarnation to the world — its clock, its network endpoint (every message it
 * sends is shown to the safety checker first), its disk observer — and a crash ends it. The slots
 * also answer what the orchestrator knows: who runs, who leads, which configuration is current.
 */
import type { SeededRandom } from '@tandem/base'
import type { SnapshotTransport } from '@tandem/raft'
import type { RaftSafetyChecker } from './checkers/raft-safety.js'
import type { SimulationConfig } from './config.js'
import { decodeKvCommand, describeKvCommand } from './kv/command.js'
import type { ApplyObservation } from './kv/state-machine.js'
import type {
  NodeFactory,
  NodeIncarnation,
  NodeStatusView,
  ObservableMessage,
  SimulatedDisk,
} from './node-host.js'
import { SnapshotLinks } from './snapshot-links.js'
import type { ClusterGateway, SubmitOutcome } from './workload.js'
import { drawDriftPpm, type SimulatedClock } from './world/clock.js'
import type { World } from './world/world.js'

/** Raft message types the checkers interpret (raft's `MessageType`). */
const messageTypes = { App: 3, Snap: 9, Heartbeat: 10 } as const

/** One machine: what survives its incarnations, and the running one. */
export interface NodeSlot {
  readonly nodeId: string
  readonly driftPpm: number
  readonly clockOffsetMs: number
  disk: SimulatedDisk
  incarnation: NodeIncarnation | null
  clock: SimulatedClock | null
  /** Removed from the configuration: kept down until added back. */
  removed: boolean
  incarnations: number
}

/** A live node and what it reports. */
export interface LeaderView {
  readonly slot: NodeSlot
  readonly status: NodeStatusView
}

/** The node slots of one run. */
export class RaftNodes<M> {
  /** The founding voters, `n1`…, identical on every node. */
  readonly foundingVoters: readonly string[]
  /** Incarnations ended by a crash (faults and removals). */
  crashes = 0
  /** The snapshot path between the nodes, over the world's links. */
  readonly snapshots: SnapshotLinks<M & ObservableMessage>
  private readonly world: World<M & ObservableMessage>
  private readonly config: SimulationConfig
  private readonly factory: NodeFactory<M>
  private readonly checker: RaftSafetyChecker
  private readonly onInvariantViolated: (error: Error) => void
  private readonly slots = new Map<string, NodeSlot>()
  private nodeNumberNext: number
  /**
   * The configuration of the most advanced running node (the orchestrator's best knowledge),
   * remembered so that it is still known when every node happens to be down.
   */
  private lastKnownVoters: { readonly applied: number; readonly voters: readonly string[] }
  /** The nodes clients may contact; null for every node (the liveness phase narrows it). */
  private contactable: readonly string[] | null = null

  constructor(init: {
    readonly world: World<M & ObservableMessage>
    readonly config: SimulationConfig
    readonly factory: NodeFactory<M>
    readonly checker: RaftSafetyChecker
    /** Draws each founding node's clock drift and offset. */
    readonly clockRandom: SeededRandom
    /** A node stopped on a broken invariant of its own. */
    readonly onInvariantViolated: (error: Error) => void
  }) {
    this.world = init.world
    this.config = init.config
    this.factory = init.factory
    this.checker = init.checker
    this.onInvariantViolated = init.onInvariantViolated
    // Transfers draw from the network's stream: they are network events like packets.
    this.snapshots = new SnapshotLinks({
      scheduler: init.world.scheduler,
      network: init.world.network,
      random: init.world.stream('network'),
      trace: (text) => init.world.record(text),
    })
    this.foundingVoters = Array.from({ length: init.config.nodes }, (_, i) => `n${i + 1}`)
    this.nodeNumberNext = init.config.nodes + 1
    this.lastKnownVoters = { applied: 0, voters: this.foundingVoters }
    for (const nodeId of this.foundingVoters) {
      this.slots.set(nodeId, this.newSlot(nodeId, this.foundingVoters, init.clockRandom))
    }
  }

  /** Every slot, in creation order. */
  all(): NodeSlot[] {
    return [...this.slots.values()]
  }

  /** The slot of `nodeId`, if the run ever had that node. */
  get(nodeId: string): NodeSlot | undefined {
    return this.slots.get(nodeId)
  }

  /** The ids of every slot, in creation order. */
  ids(): string[] {
    return [...this.slots.keys()]
  }

  /**
   * A new machine replacing a removed one: a new id and an empty disk. Its clock is drawn from
   * `random` (the fault stream: the replacement is a fault decision).
   */
  addReplacement(random: SeededRandom): NodeSlot {
    const nodeId = `n${this.nodeNumberNext++}`
    const slot = this.newSlot(nodeId, null, random)
    this.slots.set(nodeId, slot)
    return slot
  }

  private newSlot(
    nodeId: string,
    foundingVoters: readonly string[] | null,
    clockRandom: SeededRandom,
  ): NodeSlot {
    // Property order is draw order: drift, offset, then the disk's own stream.
    return {
      nodeId,
      driftPpm: drawDriftPpm(clockRandom, this.config.clockDriftPpmMax),
      clockOffsetMs: clockRandom.nextInt(1_000_000),
      disk: this.factory.createDisk(nodeId, foundingVoters, this.world.random.fork(`${nodeId} disk`)),
      incarnation: null,
      clock: null,
      removed: false,
      incarnations: 0,
    }
  }

  /** Starts a new incarnation of `slot` from its disk (unless the node refused that disk). */
  start(slot: NodeSlot): void {
    const { world, config, checker } = this
    if (slot.disk.corrupted) {
      world.record(`node ${slot.nodeId} refuses to start: its disk is corrupted`)
      return
    }
    slot.incarnations++
    const clock = world.clock({ driftPpm: slot.driftPpm, offsetMs: slot.clockOffsetMs, label: slot.nodeId })
    const endpoint = world.network.attach(slot.nodeId)
    const observedEndpoint = {
      send: (messages: readonly (M & ObservableMessage)[]) => {
        for (const message of messages) this.observeSent(message)
        endpoint.send(messages)
      },
      onMessage: (handler: (message: M & ObservableMessage) => void) => endpoint.onMessage(handler),
    }
    const snapshots = this.snapshots.attach(slot.nodeId)
    // A snapshot sent is a leader's act of its term, as a heartbeat is: the checker sees it first.
    const observedSnapshots: SnapshotTransport = {
      send: (message, signal) => {
        this.checker.observeTerm(message.term)
        this.checker.observeLeader(message.from, message.term)
        return snapshots.send(message, signal)
      },
      onSnapshot: (handler) => snapshots.onSnapshot(handler),
    }
    checker.observeRestart(slot.nodeId)
    slot.clock = clock
    slot.incarnation = this.factory.start(
      {
        nodeId: slot.nodeId,
        foundingVoters: this.foundingVoters,
        clock,
        endpoint: observedEndpoint,
        snapshots: observedSnapshots,
        random: world.random.fork(`${slot.nodeId}#${slot.incarnations}`),
        settings: config.raft,
        scheduler: world.scheduler,
        disk: config.disk,
        diskObserver: {
          onEntriesDurable: (prevTerm, entries) =>
            checker.observeEntries(`${slot.nodeId} disk`, prevTerm, entries),
          onCommittedDurable: (entries) => {
            for (const entry of entries) checker.observeCommitted(slot.nodeId, entry)
          },
        },
        attemptTimeoutMs: config.attemptTimeoutMs,
        onApplied: (observation: ApplyObservation) => {
          checker.observeApplied(slot.nodeId, observation)
          // Recorded in every mode, so the digest of a run does not depend on how it is traced.
          world.record(
            `apply ${slot.nodeId} ${observation.index}@${observation.term} ${describeApplied(observation)}`,
          )
        },
        onRestored: (index: number) => {
          checker.observeRestored(slot.nodeId, index)
          world.record(`restore ${slot.nodeId} snapshot through ${index}`)
        },
        onInvariantViolated: (error) => this.onInvariantViolated(error),
        trace: (text) => world.record(text),
      },
      slot.disk,
    )
    world.record(`node ${slot.nodeId} starts (incarnation ${slot.incarnations})`)
  }

  /** Ends the running incarnation: its timers stop, its unsynced writes are lost. */
  crash(slot: NodeSlot, why: string): void {
    if (slot.incarnation === null) return
    slot.incarnation.crash()
    slot.incarnation = null
    slot.clock?.stop()
    slot.clock = null
    this.world.network.detach(slot.nodeId)
    this.snapshots.detach(slot.nodeId)
    slot.disk.crash(this.config.disk.tornWriteProbability)
    this.crashes++
    this.world.record(`node ${slot.nodeId} crashes (${why})`)
  }

  /** Ends every incarnation at the end of the run (not counted as crashes). */
  shutdown(): void {
    for (const slot of this.slots.values()) {
      slot.incarnation?.crash()
      slot.clock?.stop()
    }
  }

  /** Slots with a running incarnation. */
  live(): NodeSlot[] {
    return [...this.slots.values()].filter((slot) => slot.incarnation !== null)
  }

  /** The live node reporting itself leader of the highest term, if any. */
  currentLeader(): LeaderView | null {
    let best: LeaderView | null = null
    for (const slot of this.live()) {
      const status = slot.incarnation?.status() ?? null
      if (status?.role === 'leader' && (best === null || status.term > best.status.term))
        best = { slot, status }
    }
    return best
  }

  /** Every live node reporting itself leader is that term's leader (for election safety). */
  observeLeaders(): void {
    for (const slot of this.live()) {
      const status = slot.incarnation?.status() ?? null
      if (status?.role === 'leader') this.checker.observeLeader(slot.nodeId, status.term)
    }
  }

  /** The voters of the most advanced configuration any running node has applied. */
  currentVoters(): readonly string[] {
    for (const slot of this.live()) {
      const status = slot.incarnation?.status() ?? null
      if (status !== null && status.voters.length > 0 && status.applied >= this.lastKnownVoters.applied) {
        this.lastKnownVoters = { applied: status.applied, voters: status.voters }
      }
    }
    return this.lastKnownVoters.voters
  }

  /** From now on clients contact only these nodes. */
  restrictClientsTo(nodeIds: readonly string[]): void {
    this.contactable = nodeIds
  }

  /** How clients reach the cluster: any live node that is not removed. */
  readonly gateway: ClusterGateway = {
    contactable: () =>
      (this.contactable ?? [...this.slots.keys()]).filter((nodeId) => {
        const slot = this.slots.get(nodeId)
        return slot !== undefined && slot.incarnation !== null && !slot.removed
      }),
    submit: async (nodeId: string, command: Uint8Array): Promise<SubmitOutcome> => {
      const incarnation = this.slots.get(nodeId)?.incarnation ?? null
      if (incarnation === null) return { kind: 'failed', reason: 'node down' }
      return incarnation.submit(command)
    },
  }

  private observeSent(message: ObservableMessage): void {
    const checker = this.checker
    checker.observeTerm(message.term)
    if (message.type === messageTypes.App) {
      checker.observeLeaderAppend(message.from, message.term, message.index, message.logTerm, message.entries)
    } else if (message.type === messageTypes.Heartbeat || message.type === messageTypes.Snap) {
      checker.observeLeader(message.from, message.term)
    }
  }
}

function describeApplied(observation: ApplyObservation): string {
  if (observation.data.length === 0) return '(empty)'
  try {
    return describeKvCommand(decodeKvCommand(observation.data))
  } catch {
    return `(${observation.data.length} bytes)`
  }
}
