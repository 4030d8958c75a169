/**
 * The seam between the phases and a mode: the cluster under test. A mode — Raft nodes with strong
 * writes, CRDT replicas with eventual writes, and next the hybrid node's mixed writes — implements
 * this interface over a {@link World}, with its own machines, workload, faults and checkers; the
 * phases (`phases.ts`) run every mode the same way: chaos → heal → liveness → settle → final checks.
 */
import type { Violation } from '../checkers/violation.js'
import type { FaultPlan } from './fault-plan.js'

/** The phases that run the scheduler. */
export type PhaseName = 'chaos' | 'liveness' | 'settle'

/** A system under test, as the phases drive it. */
export interface ClusterUnderTest {
  /** The first violation found so far; every phase stops at it. */
  readonly violation: Violation | null
  /** The faults of the chaos phase; the phases start and stop the plan. */
  readonly faults: FaultPlan
  /** Virtual time at which the chaos phase ends. */
  readonly chaosEndsAtMs: number
  /** How long after the heal the liveness goal may take. */
  readonly livenessBoundMs: number

  /** Starts every machine and the workload (before the first fault step is scheduled). */
  boot(): void
  /** The event budget of a phase (a runaway run stops there). */
  eventsMax(phase: PhaseName): number
  /** A phase ran out of its event budget. */
  exceededEvents(phase: PhaseName): void
  /** Production code threw out of an event: the run is over. */
  crashed(error: unknown): void
  /**
   * Chaos is over (the fault plan has stopped): stop writing, heal the network and machines. Called
   * even after a violation; a cluster may then do nothing.
   */
  heal(): void
  /** Begins working towards the liveness goal (a probe write, a convergence probe). */
  startLiveness(): void
  /** Whether the liveness goal is reached. */
  livenessReached(): boolean
  /** The goal was not reached within the bound. */
  livenessFailed(): void
  /** Virtual time after liveness for in-flight work to finish before the final checks (0: none). */
  settleMs(): number
  /** Checks over the whole run (linearizability, convergence to the specified state). */
  finalChecks(): void
  /** Ends every machine: nothing of the run executes afterwards. */
  shutdown(): void
}
