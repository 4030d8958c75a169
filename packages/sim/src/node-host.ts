/**
 * The seam between the simulator and the system under test. The orchestrator never touches Raft
 * directly: it asks a {@link NodeFactory} to start node incarnations over the simulated clock,
 * network endpoint and disk it provides, and drives them through {@link NodeIncarnation}. The
 * production adapter (`raft-host.ts`) implements the factory with `@tandem/raft`'s `RaftNode`.
 */

import type { SeededRandom } from '@tandem/base'
import type { SnapshotTransport } from '@tandem/raft'
import type { DiskOptions, RaftSettings } from './config.js'
import type { DiskObserver, StoredEntry } from './disk/crashable-log-storage.js'
import type { ApplyObservation } from './kv/state-machine.js'
import type { SubmitOutcome } from './workload.js'
import type { SimulatedClock } from './world/clock.js'
import type { NetworkEndpoint, PacketCodec } from './world/network.js'
import type { Scheduler } from './world/scheduler.js'

/** The role of a node, as the simulator reports it. */
export type NodeRole = 'follower' | 'pre-candidate' | 'candidate' | 'leader'

/** What the simulator reads from a running node. */
export interface NodeStatusView {
  readonly role: NodeRole
  readonly term: number
  readonly leader: string | null
  readonly commit: number
  readonly applied: number
  /** The voters of the configuration this node currently uses. */
  readonly voters: readonly string[]
}

/** A log entry as it crosses the wire in an append. */
export interface WireEntry {
  readonly index: number
  readonly term: number
  readonly data: Uint8Array
}

/** What the checkers read from every message on the wire (a subset of raft's `Message`). */
export interface ObservableMessage {
  readonly type: number
  readonly from: string
  readonly to: string
  readonly term: number
  readonly index: number
  readonly logTerm: number
  readonly entries: readonly WireEntry[]
}

/** A membership change the orchestrator asks a leader to make. */
export type MembershipChange =
  | { readonly kind: 'remove'; readonly nodeId: string }
  | { readonly kind: 'add'; readonly nodeId: string }

/** One running incarnation of a node; a crash ends it and a restart makes a new one. */
export interface NodeIncarnation {
  /** Proposes a client command here. Never rejects: failures are outcomes. */
  submit(command: Uint8Array): Promise<SubmitOutcome>
  status(): NodeStatusView
  /** Asks this node (if it leads) to hand leadership to `to`; best effort. */
  transferLeadership(to: string): void
  /** Asks this node (if it leads) to change the membership; resolves `true` once applied. */
  changeMembership(change: MembershipChange): Promise<boolean>
  /** Crashes the incarnation: no timer, message or disk completion of it runs again. */
  crash(): void
}

/** Everything a node incarnation is given. */
export interface NodeEnvironment<M> {
  readonly nodeId: string
  /** The cluster's founding voters, identical on every node. */
  readonly foundingVoters: readonly string[]
  readonly clock: SimulatedClock
  readonly endpoint: NetworkEndpoint<M & ObservableMessage>
  /** The snapshot path (raft's `SnapshotTransport`), apart from the message endpoint. */
  readonly snapshots: SnapshotTransport
  readonly random: SeededRandom
  readonly settings: RaftSettings
  readonly scheduler: Scheduler
  readonly disk: DiskOptions
  /** Where the node's disk reports durable and committed entries (for the checkers). */
  readonly diskObserver: DiskObserver<StoredEntry>
  /** The client attempt timeout: proposals are given this deadline. */
  readonly attemptTimeoutMs: number
  /** Called for each entry the state machine applies (and with `restored` for a snapshot). */
  readonly onApplied: (observation: ApplyObservation) => void
  readonly onRestored: (index: number) => void
  /**
   * The node stopped on a broken invariant of its own (base's `InvariantError`): a bug of the
   * system under test, which fails the run as `node-crash`.
   */
  readonly onInvariantViolated: (error: Error) => void
  readonly trace: ((text: string) => void) | null
}

/** A node's durable state, which survives its incarnations. */
export interface SimulatedDisk {
  /** Loses what was not yet durable, tearing the first pending write with the given chance. */
  crash(tornWriteProbability: number): void
  /**
   * Corrupts one sector of the durable image (a flipped bit), if this kind of disk models it;
   * returns what was corrupted, or `null`. The orchestrator bounds how many disks it corrupts.
   */
  corrupt(): string | null
  /** Whether the node found its disk corrupted and refuses to start from it (permanently down). */
  readonly corrupted: boolean
}

/** Starts node incarnations; one factory per simulation. */
export interface NodeFactory<M> {
  /** The wire codec (the production one), so every packet crosses the network as bytes. */
  readonly codec: PacketCodec<M & ObservableMessage> | null
  /** One-line packet description for traces. */
  describe(message: M & ObservableMessage): string
  /** A fresh disk for `nodeId`: bootstrapped with the founding voters, or empty (`null`) for a joiner. */
  createDisk(nodeId: string, foundingVoters: readonly string[] | null, random: SeededRandom): SimulatedDisk
  /** Starts an incarnation of a node from its disk. */
  start(environment: NodeEnvironment<M>, disk: SimulatedDisk): NodeIncarnation
}
