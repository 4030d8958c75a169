/**
 * What one simulated run looks like, and swarm testing: the seed picks the cluster size, every
 * fault probability and the workload mix, so that across many seeds the simulator explores
 * quiet networks and hostile ones, read-heavy and write-heavy loads, small and large clusters.
 */

import { SeededRandom } from '@tandem/base'
import type { WorkloadMix } from './workload.js'
import type { NetworkOptions } from './world/network.js'
import { drawNetworkOptions, drawNetworkShape } from './world/swarm-network.js'

/** Disk behaviour of every node. */
export interface DiskOptions {
  /** `wal`: the production WAL format on a fault-injecting device; `memory`: raft's in-memory log. */
  readonly kind: 'wal' | 'memory'
  readonly writeLatencyMinMs: number
  readonly writeLatencyMeanMs: number
  /** On a crash, the chance that the first unsynced write survives partly (a torn write). */
  readonly tornWriteProbability: number
  /**
   * On a restart, the chance that one sector of the node's durable log is corrupted. Bounded by
   * the harness: only a minority of nodes are ever corrupted, so every committed entry keeps a
   * valid copy on a quorum.
   */
  readonly corruptionProbability: number
}

/** Node-level faults and operator actions during the safety phase. */
export interface NodeFaultOptions {
  /** How often a fault decision is taken. */
  readonly decisionStepMs: number
  /** Per step: the chance that one live node crashes. */
  readonly crashProbability: number
  readonly restartDelayMsMin: number
  readonly restartDelayMsMax: number
  /** Per step: the chance that one node's clock jumps forward (and its wall clock maybe back). */
  readonly clockJumpProbability: number
  readonly clockJumpMsMax: number
  /** Per step: the chance of asking the leader to transfer leadership. */
  readonly transferProbability: number
  /** Per step: the chance of a membership change (remove a voter, or add one back). */
  readonly membershipChangeProbability: number
}

/** Raft settings under test. */
export interface RaftSettings {
  readonly tickMs: number
  readonly electionTicks: number
  readonly heartbeatTicks: number
  readonly preVote: boolean
  readonly checkQuorum: boolean
  /** Applied entries after which a node snapshots and compacts its log. */
  readonly snapshotEntries: number
  /**
   * How linearizable reads are confirmed. `lease-based` is only correct while clocks advance at
   * nearly the same rate, so the swarm picks it only with CheckQuorum, no clock jumps and small drift.
   */
  readonly readOnly: 'safe' | 'lease-based'
}

/** Everything that defines one run, derived from its seed. */
export interface SimulationConfig {
  readonly seed: number
  readonly nodes: number
  readonly network: NetworkOptions
  readonly disk: DiskOptions
  readonly faults: NodeFaultOptions
  readonly raft: RaftSettings
  readonly clockDriftPpmMax: number
  readonly clients: number
  readonly mix: WorkloadMix
  readonly thinkTimeMsMax: number
  readonly attemptTimeoutMs: number
  readonly attemptsMax: number
  /** Virtual duration of the safety phase (faults everywhere). */
  readonly safetyPhaseMs: number
  /**
   * The liveness bound: after healing, a new write must commit within this much virtual time
   * (elections after a heal take a few timeouts; a slow disk delays each vote).
   */
  readonly livenessBoundMs: number
  /** A runaway run stops here and fails `simulator-limit`. */
  readonly eventsMax: number
}

/** Options a caller may force instead of letting the seed choose. */
export interface ConfigOverrides {
  readonly nodes?: number
  readonly safetyPhaseMs?: number
  /**
   * PreVote: `on` (the default, as in production), `off`, or `swarm` (the seed decides, 70% on).
   * Without PreVote a stale node that cannot win an election used to keep resetting the others'
   * election timers, livelocking elections (found by this simulator, fixed in the Raft core; see
   * the README's findings).
   */
  readonly preVote?: 'on' | 'off' | 'swarm'
}

/** Derives a run's whole configuration from its seed (swarm testing). */
export function swarmConfig(seed: number, overrides: ConfigOverrides = {}): SimulationConfig {
  const random = new SeededRandom(seed).fork('swarm')
  const nodes = overrides.nodes ?? random.pick([3, 3, 5, 5, 7])
  if (![1, 3, 5, 7].includes(nodes)) throw new RangeError(`cluster size ${nodes} is not 1, 3, 5 or 7`)
  // About one run in six gets a quiet network, so faults-off paths are covered too.
  const quiet = random.chance(1 / 6)
  const networkShape = drawNetworkShape(random, quiet)
  const tickMs = 10
  const electionTicks = random.between(8, 15)
  const checkQuorum = random.chance(0.7)
  const leaseReads = checkQuorum && random.chance(0.2)
  return {
    seed,
    nodes,
    network: drawNetworkOptions(random, networkShape, {
      delaySpreadMsMax: 15,
      lossProbabilityMax: 0.1,
      duplicationProbabilityMax: 0.05,
      linkCapacityMin: 16,
      partitionProbabilityMax: 0.15,
    }),
    disk: {
      kind: random.chance(0.8) ? 'wal' : 'memory',
      writeLatencyMinMs: random.nextFloat(),
      writeLatencyMeanMs: 1 + random.nextFloat() * 6,
      tornWriteProbability: quiet ? 0 : random.nextFloat() * 0.5,
      corruptionProbability: quiet ? 0 : random.nextFloat() * 0.2,
    },
    faults: {
      decisionStepMs: 100,
      crashProbability: quiet ? 0 : random.nextFloat() * 0.08,
      restartDelayMsMin: 50,
      restartDelayMsMax: random.between(100, 2000),
      clockJumpProbability: quiet || leaseReads ? 0 : random.nextFloat() * 0.05,
      clockJumpMsMax: random.between(10, 5000),
      transferProbability: random.nextFloat() * 0.05,
      membershipChangeProbability: nodes >= 3 ? random.nextFloat() * 0.04 : 0,
    },
    raft: {
      tickMs,
      electionTicks,
      heartbeatTicks: random.between(1, Math.max(1, Math.floor(electionTicks / 3))),
      preVote: preVoteOf(overrides.preVote ?? 'on', random.chance(0.7)),
      checkQuorum,
      snapshotEntries: random.pick([8, 16, 32, 64, 1000]),
      readOnly: leaseReads ? 'lease-based' : 'safe',
    },
    clockDriftPpmMax: leaseReads ? random.pick([0, 50, 200]) : random.pick([0, 50, 200, 1000]),
    clients: random.between(1, 6),
    mix: {
      putWeight: random.between(0, 4),
      getWeight: random.between(1, 4),
      casWeight: random.between(0, 4),
      deleteWeight: random.between(0, 2),
      keys: random.between(1, 5),
    },
    thinkTimeMsMax: random.between(0, 50),
    attemptTimeoutMs: random.between(100, 600),
    attemptsMax: random.between(2, 8),
    safetyPhaseMs: overrides.safetyPhaseMs ?? 3000,
    livenessBoundMs: 10_000,
    eventsMax: 400_000,
  }
}

function preVoteOf(setting: 'on' | 'off' | 'swarm', drawn: boolean): boolean {
  if (setting === 'swarm') return drawn
  return setting === 'on'
}

/** A one-paragraph description of a configuration for traces and failure reports. */
export function describeConfig(config: SimulationConfig): string {
  const n = config.network
  const d = config.disk
  const f = config.faults
  const r = config.raft
  const pct = (p: number) => `${(p * 100).toFixed(1)}%`
  return [
    `seed ${config.seed}: ${config.nodes} nodes, ${config.clients} clients on ${config.mix.keys} keys`,
    `(put/get/cas/del ${config.mix.putWeight}/${config.mix.getWeight}/${config.mix.casWeight}/${config.mix.deleteWeight})`,
    `net delay ${n.oneWayDelayMinMs}–${n.oneWayDelayMeanMs.toFixed(1)}ms loss ${pct(n.lossProbability)} dup ${pct(n.duplicationProbability)}`,
    `partitions ${n.partitionMode}/${n.partitionSymmetry} p=${pct(n.partitionProbability)}`,
    `disk ${d.kind} ${d.writeLatencyMeanMs.toFixed(1)}ms torn ${pct(d.tornWriteProbability)} corrupt ${pct(d.corruptionProbability)}`,
    `crash ${pct(f.crashProbability)} jumps ${pct(f.clockJumpProbability)} transfer ${pct(f.transferProbability)} membership ${pct(f.membershipChangeProbability)}`,
    `raft tick ${r.tickMs}ms election ${r.electionTicks} heartbeat ${r.heartbeatTicks} prevote ${r.preVote} checkquorum ${r.checkQuorum} reads ${r.readOnly} snapshot@${r.snapshotEntries}`,
    `drift ±${config.clockDriftPpmMax}ppm`,
  ].join(', ')
}
