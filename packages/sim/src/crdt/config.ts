/**
 * What one simulated run of eventual writes looks like, derived from its seed (swarm testing, as
 * for the Raft runs): how many replicas, how hostile the network is, how often replicas crash and
 * clocks jump, and which mix of map, register and set writes the replicas make.
 */

import { SeededRandom } from '@tandem/base'
import type { NetworkOptions } from '../world/network.js'
import { drawNetworkOptions, drawNetworkShape } from '../world/swarm-network.js'

/** Replica-level faults during the chaos phase. */
export interface CrdtFaultOptions {
  /** How often a fault decision is taken. */
  readonly decisionStepMs: number
  /** Per step: the chance that one live replica crashes (it restarts from its durable log). */
  readonly crashProbability: number
  readonly restartDelayMsMin: number
  readonly restartDelayMsMax: number
  /** Per step: the chance that one replica's wall clock steps forward or backward. */
  readonly clockJumpProbability: number
  /** The largest single step of a wall clock. */
  readonly clockJumpMsMax: number
  /**
   * The harness keeps every wall clock within this distance of true time, jumps included. It stays
   * well under the HLC's drift bound (60 s), beyond which merges are refused by design.
   */
  readonly clockErrorMsMax: number
}

/** The relative weights of the operations replicas perform. */
export interface CrdtWorkloadMix {
  readonly mapSetWeight: number
  readonly mapDeleteWeight: number
  readonly registerSetWeight: number
  readonly registerClearWeight: number
  readonly setAddWeight: number
  readonly setRemoveWeight: number
  /** A transaction: two to four of the operations above, joined into one delta. */
  readonly transactionWeight: number
  /** Distinct map keys (`k1`…). */
  readonly keys: number
  /** Distinct set elements (`e1`…). */
  readonly elements: number
}

/** Everything that defines one run of eventual writes. */
export interface CrdtSimulationConfig {
  readonly seed: number
  readonly replicas: number
  readonly network: NetworkOptions
  readonly faults: CrdtFaultOptions
  /** Rate error of the replicas' clocks, in parts per million (each replica draws within ±this). */
  readonly clockDriftPpmMax: number
  readonly mix: CrdtWorkloadMix
  readonly thinkTimeMsMax: number
  /** How often each replica opens a new anti-entropy round (sync step 1) with every peer. */
  readonly antiEntropyIntervalMs: number
  /** Deltas in a replica's durable log before it is rewritten as one state snapshot. */
  readonly compactAfterDeltas: number
  /**
   * Whether replicas are told every member's id. Without it, tombstones are collected once every
   * writer in the replica's node table has seen them.
   */
  readonly knowsMembers: boolean
  /** Virtual duration of the chaos phase (writes and faults everywhere). */
  readonly chaosPhaseMs: number
  /**
   * The convergence bound: after the network heals and every replica is up, all replicas must hold
   * byte-identical states within this much virtual time.
   */
  readonly convergenceBoundMs: number
  /** A runaway run stops here and fails `simulator-limit`. */
  readonly eventsMax: number
}

/** Options a caller may force instead of letting the seed choose. */
export interface CrdtConfigOverrides {
  /** The number of replicas (2–9). */
  readonly replicas?: number
  /** The chaos phase's length in virtual milliseconds. */
  readonly chaosPhaseMs?: number
}

/**
 * Derives a run's whole configuration from its seed.
 *
 * @example
 * ```ts
 * const config = crdtSwarmConfig(7)
 * console.log(describeCrdtConfig(config))
 * ```
 */
export function crdtSwarmConfig(seed: number, overrides: CrdtConfigOverrides = {}): CrdtSimulationConfig {
  const random = new SeededRandom(seed).fork('crdt-swarm')
  const replicas = overrides.replicas ?? random.pick([2, 3, 3, 4, 5, 5, 7])
  if (!Number.isInteger(replicas) || replicas < 2 || replicas > 9) {
    throw new RangeError(`replica count ${replicas} is not in 2–9`)
  }
  // About one run in six gets a quiet network and no crashes, so fault-free paths are covered too.
  const quiet = random.chance(1 / 6)
  const networkShape = drawNetworkShape(random, quiet)
  const clockErrorMsMax = random.pick([0, 50, 1000, 5000, 20_000])
  return {
    seed,
    replicas,
    network: drawNetworkOptions(random, networkShape, {
      delaySpreadMsMax: 20,
      lossProbabilityMax: 0.2,
      duplicationProbabilityMax: 0.1,
      linkCapacityMin: 8,
      partitionProbabilityMax: 0.2,
    }),
    faults: {
      decisionStepMs: 100,
      crashProbability: quiet ? 0 : random.nextFloat() * 0.1,
      restartDelayMsMin: 20,
      restartDelayMsMax: random.between(50, 1500),
      clockJumpProbability: quiet || clockErrorMsMax === 0 ? 0 : random.nextFloat() * 0.1,
      clockJumpMsMax: Math.max(1, Math.floor(clockErrorMsMax / 2)),
      clockErrorMsMax,
    },
    clockDriftPpmMax: random.pick([0, 50, 200, 1000]),
    mix: {
      mapSetWeight: random.between(0, 4),
      mapDeleteWeight: random.between(0, 2),
      registerSetWeight: random.between(0, 3),
      registerClearWeight: random.between(0, 1),
      setAddWeight: random.between(0, 4),
      setRemoveWeight: random.between(0, 3),
      transactionWeight: random.between(0, 2),
      keys: random.between(1, 6),
      elements: random.between(1, 6),
    },
    thinkTimeMsMax: random.between(5, 120),
    antiEntropyIntervalMs: random.between(50, 500),
    compactAfterDeltas: random.pick([1, 8, 64, 1_000_000]),
    knowsMembers: random.chance(0.5),
    chaosPhaseMs: overrides.chaosPhaseMs ?? 3000,
    convergenceBoundMs: 5000,
    eventsMax: 600_000,
  }
}

/**
 * A one-paragraph description of a configuration for traces and failure reports.
 *
 * @example
 * ```ts
 * console.log(describeCrdtConfig(crdtSwarmConfig(7)))
 * ```
 */
export function describeCrdtConfig(config: CrdtSimulationConfig): string {
  const n = config.network
  const f = config.faults
  const m = config.mix
  const pct = (p: number) => `${(p * 100).toFixed(1)}%`
  return [
    `seed ${config.seed}: ${config.replicas} replicas, ${m.keys} keys, ${m.elements} elements`,
    `(map set/del ${m.mapSetWeight}/${m.mapDeleteWeight} register set/clear ${m.registerSetWeight}/${m.registerClearWeight} set add/remove ${m.setAddWeight}/${m.setRemoveWeight} tx ${m.transactionWeight}, think ≤${config.thinkTimeMsMax}ms)`,
    `net delay ${n.oneWayDelayMinMs}–${n.oneWayDelayMeanMs.toFixed(1)}ms loss ${pct(n.lossProbability)} dup ${pct(n.duplicationProbability)} capacity ${n.linkCapacity}`,
    `partitions ${n.partitionMode}/${n.partitionSymmetry} p=${pct(n.partitionProbability)}`,
    `crash ${pct(f.crashProbability)} jumps ${pct(f.clockJumpProbability)} clock error ≤${f.clockErrorMsMax}ms drift ±${config.clockDriftPpmMax}ppm`,
    `anti-entropy ${config.antiEntropyIntervalMs}ms, compact after ${config.compactAfterDeltas} deltas, members ${config.knowsMembers ? 'known' : 'unknown'}`,
  ].join(', ')
}
