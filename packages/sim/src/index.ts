/**
 * @tandem/sim — deterministic simulation of whole Tandem clusters. The production Raft core,
 * driver and WAL format run over a simulated network (delay, reordering, loss, duplication,
 * partitions), simulated disks (latency, lost and torn writes, corruption) and drifting clocks,
 * all driven by one virtual-time scheduler from one seed. Checkers watch election safety, log
 * matching, leader completeness, state-machine safety, linearizability and liveness. A second
 * mode runs the production CRDT replicas and sync sessions the same way and checks that eventual
 * writes converge to the state the data types specify.
 *
 * Every mode is built from the same parts: a {@link World} (scheduler, the seed's random streams,
 * packet network, clocks, trace), a {@link FaultPlan}, a {@link ClusterUnderTest} (the machines,
 * workload and checkers of the mode) and the phases ({@link runPhases}: chaos → heal → liveness →
 * settle → final checks). A new mode is one more cluster under test plus its checkers.
 *
 * @example
 * ```ts
 * import { createRaftFactory, runSimulation, swarmConfig } from '@tandem/sim'
 *
 * const config = swarmConfig(42) // the seed picks cluster size, faults and workload
 * const result = await runSimulation({ config, factory: createRaftFactory({ disk: config.disk.kind }), keepTrace: true })
 * if (result.violation) console.error(result.violation.check, result.violation.message)
 * console.log(result.traceLines.slice(0, 20).join('\n'))
 * ```
 *
 * @packageDocumentation
 */

// ---------------------------------------------------------------------------------------------
// Running simulations.

/**
 * Swarm testing: a run's whole configuration derived from its seed.
 *
 * @example
 * ```ts
 * const config = swarmConfig(1234)
 * console.log(describeConfig(config)) // "seed 1234: 5 nodes, 3 clients on 2 keys, ..."
 * const small = swarmConfig(1234, { nodes: 3, safetyPhaseMs: 1000 })
 * ```
 */
export {
  type ConfigOverrides,
  type DiskOptions,
  describeConfig,
  type NodeFaultOptions,
  type RaftSettings,
  type SimulationConfig,
  swarmConfig,
} from './config.js'
/**
 * The seam between the simulator and the system under test: implement a `NodeFactory` to
 * simulate another replicated system with the same network, disks, clocks and checkers.
 *
 * @example
 * ```ts
 * const factory: NodeFactory<MyMessage> = {
 *   codec: null,
 *   describe: (message) => `${message.from}→${message.to}`,
 *   createDisk: (nodeId, voters, random) => myDisk(nodeId, voters, random),
 *   start: (environment, disk) => myNode(environment, disk),
 * }
 * ```
 */
export type {
  MembershipChange,
  NodeEnvironment,
  NodeFactory,
  NodeIncarnation,
  NodeRole,
  NodeStatusView,
  ObservableMessage,
  SimulatedDisk,
  WireEntry,
} from './node-host.js'
/**
 * The production adapter: `RaftNode`s over the simulated clock, network and a WAL or in-memory
 * disk. The options also hold the deliberate bugs the self-test injects.
 *
 * @example
 * ```ts
 * const production = createRaftFactory({ disk: 'wal' })
 * const lyingDisk = createRaftFactory({ disk: 'memory', lostAcknowledgedWrites: 4 }) // must be caught
 * ```
 */
export { createRaftFactory, type DiskKind, describeMessage, type RaftFactoryOptions } from './raft-host.js'
/**
 * Runs many seeds in a row, stopping at the first failure, and prints its replay command.
 *
 * @example
 * ```ts
 * const summary = await runSeeds({ from: 1, count: 100, factory: (config) => createRaftFactory({ disk: config.disk.kind }) })
 * if (summary.failure) console.log(replayCommand(summary.failure.seed)) // pnpm sim --seed N --trace
 * ```
 */
export { type RunSeedsOptions, type RunSeedsSummary, replayCommand, runSeeds } from './runner.js'
/**
 * Runs one seed to its verdict: a safety phase with faults everywhere, a liveness phase over a
 * healed core, then the linearizability check of the client history.
 *
 * @example
 * ```ts
 * const config = swarmConfig(7, { nodes: 5 })
 * const { violation, stats, traceDigest } = await runSimulation({
 *   config,
 *   factory: createRaftFactory({ disk: 'wal' }),
 *   keepTrace: false,
 * })
 * ```
 */
export {
  runSimulation,
  type SimulationOptions,
  type SimulationResult,
  type SimulationStats,
} from './simulation.js'

// ---------------------------------------------------------------------------------------------
// Eventual writes: CRDT replicas under the same faults.

/**
 * Swarm configuration of a run of eventual writes, derived from its seed (replica count, network
 * faults, crashes, clock error and drift, write mix, anti-entropy interval).
 *
 * @example
 * ```ts
 * const config = crdtSwarmConfig(99, { replicas: 5 })
 * console.log(describeCrdtConfig(config)) // "seed 99: 5 replicas, ..."
 * ```
 */
export {
  type CrdtConfigOverrides,
  type CrdtFaultOptions,
  type CrdtSimulationConfig,
  type CrdtWorkloadMix,
  crdtSwarmConfig,
  describeCrdtConfig,
} from './crdt/config.js'
/**
 * A replica's crash-surviving store in the simulation: every applied delta, compacted into a state
 * snapshot after `compactAfterDeltas` records.
 *
 * @example
 * ```ts
 * const durable = new DurableLog(8)
 * replica.onUpdate((delta) => durable.append(delta, replica))
 * durable.restoreInto(new Replica({ node: 'r1', now: () => clock.wallNowMs() }))
 * ```
 */
export { DurableLog } from './crdt/durable-log.js'
/**
 * The record of eventual writes and the state the data types' specifications give for them (LWW
 * by greatest HLC stamp; add-wins OR-Set by observed dots), computed without merging.
 *
 * @example
 * ```ts
 * const history = new EventualHistory()
 * history.record({ kind: 'register-set', replica: 'r1', value: 'v', delta: replica.register('r').set('v') })
 * describeVisibleState(history.expectedState()) // "map {} register v set {}"
 * ```
 */
export {
  collectionNames,
  covers,
  describeVisibleState,
  EventualHistory,
  type EventualOperation,
  MalformedWriteError,
  type VisibleState,
  visibleStatesEqual,
} from './crdt/eventual-history.js'
/**
 * One simulated eventual-writes node (a production replica with one sync session per peer over
 * the packet simulator) and its crash-surviving durable log.
 *
 * @example
 * ```ts
 * const durable = new DurableLog(64)
 * const host = new ReplicaHost({ replicaId: 'r1', peers: ['r2'], members: undefined, clock,
 *   endpoint: network.attach('r1'), durable, antiEntropyIntervalMs: 200, antiEntropy: true,
 *   trace: () => {}, onCrash: (error) => { throw error } })
 * ```
 */
export {
  type CrdtPacket,
  ReplicaHost,
  type ReplicaHostOptions,
  type ReplicaHostStats,
} from './crdt/replica-host.js'
/**
 * Runs many seeds of eventual writes in a row, stopping at the first failure.
 *
 * @example
 * ```ts
 * const summary = await runCrdtSeeds({ from: 1, count: 1000 })
 * if (summary.failure) console.log(crdtReplayCommand(summary.failure.seed))
 * ```
 */
export {
  crdtReplayCommand,
  type RunCrdtSeedsOptions,
  type RunCrdtSeedsSummary,
  runCrdtSeeds,
} from './crdt/runner.js'
/**
 * Runs one seed of eventual writes: a chaos phase (writes, partitions, loss, crashes, clock
 * steps), then a heal after which every replica must converge, byte for byte, to the state the
 * writes specify. Any failure is a {@link Violation} with a `crdt-*` check.
 *
 * @example
 * ```ts
 * const result = await runCrdtSimulation({ config: crdtSwarmConfig(3), keepTrace: false })
 * console.log(result.violation?.check ?? 'ok', result.stats.convergedAfterMs)
 * ```
 */
export {
  type CrdtInjectedBug,
  type CrdtSimulationOptions,
  type CrdtSimulationResult,
  type CrdtSimulationStats,
  runCrdtSimulation,
} from './crdt/simulation.js'

// ---------------------------------------------------------------------------------------------
// The parts every mode is built from.

/**
 * The seam between the phases and a mode: a cluster under test boots its machines and workload,
 * heals, works towards its liveness goal, and runs its final checks; the phases drive it.
 *
 * @example
 * ```ts
 * class MyCluster implements ClusterUnderTest {
 *   // machines, workload, faults and checkers of the new mode
 * }
 * const { healedAtMs } = await runPhases(world, new MyCluster(world, config))
 * ```
 */
export type { ClusterUnderTest, PhaseName } from './harness/cluster.js'
/**
 * The fault plan of the chaos phase: at every decision step each fault gets its chance, in order,
 * from one random stream.
 *
 * @example
 * ```ts
 * const plan = new FaultPlan({ scheduler: world.scheduler, random: world.stream('faults'), decisionStepMs: 100,
 *   faults: [{ probability: 0.05, inject: (random) => crash(random.pick(live())) }] })
 * plan.start()
 * ```
 */
export { type Fault, FaultPlan, type FaultPlanOptions } from './harness/fault-plan.js'
/**
 * The phases of every run: chaos → heal → liveness → settle → final checks; the first violation
 * ends the run.
 *
 * @example
 * ```ts
 * const { healedAtMs } = await runPhases(world, cluster)
 * console.log(cluster.violation?.check ?? 'ok', healedAtMs)
 * ```
 */
export { type PhasesOutcome, runPhases } from './harness/phases.js'
/**
 * The simulated world of one run: one scheduler, the seed's random streams forked in a fixed
 * order, the packet network, the machines' clocks and the trace.
 *
 * @example
 * ```ts
 * const world = new World({ seed: 7, streams: ['faults', 'network'], keepTrace: true,
 *   network: { stream: 'network', options: reliableNetwork, describe: (p) => `${p.from}>${p.to}` } })
 * world.record('hello') // t=000000.000 hello
 * ```
 */
export { World, type WorldNetworkOptions, type WorldOptions } from './world/world.js'

// ---------------------------------------------------------------------------------------------
// Checkers.

/**
 * A Porcupine-style (Wing–Gong–Lowe) linearizability checker over a per-key register model with
 * put, get, compare-and-set and delete; unknown outcomes may take effect any time after their call.
 *
 * @example
 * ```ts
 * const history = new HistoryRecorder()
 * const id = history.call(1, { kind: 'put', key: 'x', value: 'a' }, 0)
 * history.complete(id, { kind: 'put' }, 5)
 * checkLinearizability(history.history, { stepsMaxPerKey: 1_000_000 }).kind // 'linearizable'
 * ```
 */
export {
  checkLinearizability,
  type LinearizabilityOptions,
  type LinearizabilityVerdict,
} from './checkers/linearizability.js'
/**
 * The model-agnostic Wing–Gong–Lowe search under both linearizability checkers, for a new
 * sequential model.
 *
 * @example
 * ```ts
 * const outcome = searchLinearization(operations, (op) => op.timing, myModel, initialState, 1_000_000)
 * outcome.kind // 'linearizable' | 'violation' | 'inconclusive'
 * ```
 */
export {
  type SearchOutcome,
  type SearchTiming,
  type SequentialModel,
  searchLinearization,
} from './checkers/linearization-search.js'
/**
 * Linearizability of a hybrid node's strong map operations (set, delete, compare-and-set,
 * insert-if-absent, bounded increment, linearizable get) recorded against real processes, with
 * unknown outcomes; the same Wing–Gong–Lowe search as {@link checkLinearizability}, and the node
 * map's sequential model.
 *
 * @example
 * ```ts
 * const history = new NodeMapHistory()
 * const id = history.call('n1', { kind: 'increment', key: 'stock', by: -1, min: 0 }, performance.now())
 * history.complete(id, { kind: 'write', applied: false, reason: 'below-min' }, performance.now())
 * checkNodeMapLinearizability(history.entries, { stepsMaxPerKey: 1_000_000 }).kind // 'linearizable'
 * ```
 */
export {
  checkNodeMapLinearizability,
  describeNodeMapEntry,
  type NodeMapCheckOptions,
  NodeMapHistory,
  type NodeMapHistoryEntry,
  type NodeMapVerdict,
} from './checkers/node-map-linearizability.js'
/**
 * The sequential model of one key of a node's map: what each strong operation does and returns.
 *
 * @example
 * ```ts
 * stepNodeMap(9, { kind: 'increment', key: 'k', by: 2, max: 10 }, { kind: 'write', applied: false, reason: 'above-max' })
 * // { consistent: true, next: 9 }
 * ```
 */
export {
  applyNodeMapOperation,
  type NodeMapConditionFailure,
  type NodeMapOperation,
  type NodeMapResult,
  type NodeMapState,
  type NodeMapValue,
  nodeMapStateKey,
  stepNodeMap,
} from './checkers/node-map-model.js'
/**
 * Raft's safety properties checked from observations: one leader per term, log matching, leader
 * completeness, identical committed and applied entries.
 *
 * @example
 * ```ts
 * const checker = new RaftSafetyChecker(() => scheduler.nowMs)
 * checker.observeLeader('n1', 3)
 * checker.observeLeader('n2', 3)
 * checker.violation?.check // 'election-safety'
 * ```
 */
export { type ObservedEntry, RaftSafetyChecker } from './checkers/raft-safety.js'
/**
 * The sequential model of one key the linearizability checker uses.
 *
 * @example
 * ```ts
 * stepRegister('a', { kind: 'cas', key: 'x', expected: 'a', value: 'b' }, { kind: 'cas', succeeded: true })
 * // { consistent: true, next: 'b' }
 * ```
 */
export { type RegisterState, type RegisterStep, stepRegister } from './checkers/register-model.js'
/**
 * The stable names of the checks and the process exit code of each (see the README's table).
 *
 * @example
 * ```ts
 * exitCodes.linearizability // 14
 * checkNames.includes('liveness') // true
 * ```
 */
export { type CheckName, checkNames, exitCodes, type Violation } from './checkers/violation.js'
/**
 * The client history: calls, returns, and unknown outcomes.
 *
 * @example
 * ```ts
 * const history = new HistoryRecorder()
 * const id = history.call(2, { kind: 'get', key: 'x' }, 10)
 * history.complete(id, { kind: 'get', value: null }, 12)
 * describeHistoryOperation(history.history[0]!) // "#0 c2 get(x) [10.000, 12.000] absent"
 * ```
 */
export { describeHistoryOperation, type HistoryOperation, HistoryRecorder } from './history.js'

// ---------------------------------------------------------------------------------------------
// The simulated world.

/**
 * The seeded generator every simulation draws from: `@tandem/base`'s `SeededRandom` (xoshiro128**
 * seeded by splitmix32), re-exported so that a caller of the simulator needs no second import.
 *
 * @example
 * ```ts
 * const random = new SeededRandom(42)
 * random.nextInt(6) // the same number for seed 42, every time
 * const network = random.fork('network') // an independent stream
 * ```
 */
export { SeededRandom } from '@tandem/base'
/**
 * Simulated disks: a crashable write queue over an in-memory log (lost and torn writes), and a
 * latency layer over `@tandem/wal`'s fault-injecting block device.
 *
 * @example
 * ```ts
 * const storage = new CrashableLogStorage({ durable, scheduler, random, latency: { minMs: 0.5, meanMs: 3 }, observer: null, label: 'n1' })
 * storage.crash(0.5) // pending writes lost, the first one torn with probability 0.5
 * ```
 */
export {
  CrashableLogStorage,
  type DiskLatency,
  type DiskObserver,
  type LogStorageLike,
  type StorageBatch,
  type StoredEntry,
} from './disk/crashable-log-storage.js'
/**
 * Simulated latency in front of any `@tandem/wal` block device.
 *
 * @example
 * ```ts
 * const device = new LatencyDevice({ inner: new MemoryDevice(), scheduler, random, latency: { minMs: 1, meanMs: 4 }, label: 'n1' })
 * const wal = await WalLogStorage.open({ device })
 * ```
 */
export { LatencyDevice, type LatencyDeviceOptions } from './disk/latency-device.js'
/**
 * The simulated snapshot path: each node's raft `SnapshotTransport`, over the packet simulator's
 * links (delays, loss, partitions) but apart from the messages; a transfer can fail at either end
 * or lose its acknowledgement, and the leader's core retries.
 *
 * @example
 * ```ts
 * const snapshots = new SnapshotLinks({ scheduler, network, random, trace: null })
 * const node = new RaftNode({ id: 'n1', transport: network.attach('n1'), snapshotTransport: snapshots.attach('n1'), storage, stateMachine, clock, random })
 * ```
 */
export { type SnapshotLinkStats, SnapshotLinks, type SnapshotLinksOptions } from './snapshot-links.js'
/**
 * Simulated clients: strong KV operations with retries under one idempotency key; outcomes never
 * learned are recorded as unknown.
 *
 * @example
 * ```ts
 * const workload = new Workload({ scheduler, random, history, gateway, clients: 3, mix, thinkTimeMsMax: 20, attemptTimeoutMs: 300, attemptsMax: 5, trace: null })
 * workload.start()
 * ```
 */
export {
  type ClusterGateway,
  type SubmitOutcome,
  Workload,
  type WorkloadMix,
  type WorkloadOptions,
  type WorkloadStats,
} from './workload.js'
/**
 * A drifting, jumping clock per node incarnation (implements raft's `Clock`), and the draw of a
 * clock's drift.
 *
 * @example
 * ```ts
 * const clock = new SimulatedClock({ scheduler, driftPpm: drawDriftPpm(random, 200), offsetMs: 5_000, label: 'n1' })
 * clock.setTimer(100, () => {})
 * clock.jumpForward(250)
 * ```
 */
export {
  drawDriftPpm,
  SimulatedClock,
  type SimulatedClockOptions,
  type SimulatedTimerHandle,
} from './world/clock.js'
/**
 * The packet simulator: per-link delay with an exponential tail, loss, duplication, bounded
 * links, and partitions (uniform or isolating one node, symmetric or asymmetric). Each endpoint
 * implements raft's `Transport`. A message whose `from` is not its sender's id is refused with
 * `ForgedSenderError` (`SIM_FORGED_SENDER`), as an authenticating transport refuses it.
 *
 * @example
 * ```ts
 * const network = new PacketSimulator({ scheduler, random, options: reliableNetwork, describe: String, trace: null })
 * const n1 = network.attach('n1')
 * network.partition(['n2'], 'both')
 * ```
 */
export {
  type Addressed,
  ForgedSenderError,
  type NetworkEndpoint,
  type NetworkOptions,
  type NetworkStats,
  type PacketCodec,
  PacketSimulator,
  type PacketSimulatorOptions,
  type PartitionMode,
  type PartitionSymmetry,
  reliableNetwork,
} from './world/network.js'
/**
 * The virtual-time scheduler: events ordered by (time, sequence); every promise continuation of
 * an event runs before the next event, so a seed fixes the whole interleaving.
 *
 * @example
 * ```ts
 * const scheduler = new Scheduler()
 * scheduler.schedule(10, 'hello', () => console.log(scheduler.nowMs)) // 10
 * await scheduler.run({ untilMs: 100, eventsMax: 1000 })
 * ```
 */
export { type EventHandle, type RunOptions, type RunStop, Scheduler } from './world/scheduler.js'

// ---------------------------------------------------------------------------------------------
// The simulated application.

/**
 * The key-value commands (with their idempotency key) and their binary codec.
 *
 * @example
 * ```ts
 * const bytes = encodeKvCommand({ clientId: 1, sequence: 7, operation: { kind: 'put', key: 'x', value: 'a' } })
 * describeKvCommand(decodeKvCommand(bytes)) // "c1#7 put(x=a)"
 * ```
 */
export {
  decodeKvCommand,
  describeKvCommand,
  describeKvOperation,
  describeKvResult,
  encodeKvCommand,
  type KvCommand,
  KvCommandDecodeError,
  type KvOperation,
  type KvResult,
} from './kv/command.js'
/**
 * The deterministic key-value state machine with compare-and-set and per-client deduplication.
 *
 * @example
 * ```ts
 * const kv = new KvStateMachine()
 * kv.apply([{ index: 1, term: 1, data: encodeKvCommand({ clientId: 1, sequence: 1, operation: { kind: 'put', key: 'x', value: 'a' } }) }])
 * kv.read('x') // 'a'
 * ```
 */
export {
  type AppliedKvCommand,
  type ApplyObservation,
  KvSnapshotDecodeError,
  KvStateMachine,
} from './kv/state-machine.js'
/**
 * The hybrid node mode (`pnpm sim --mode node`): `NodeCore`s of `@tandem/node` on production
 * RaftNodes under mixed strong/eventual writes, crashes, clock faults and partitions, with C checked
 * identical at equal index, no acknowledged write lost and V converged after the heal.
 *
 * @example
 * ```ts
 * import { nodeReplayCommand, runNodeSimulation } from '@tandem/sim'
 * const result = await runNodeSimulation({ seed: 7, keepTrace: false })
 * if (result.violation !== null) console.log(nodeReplayCommand(7))
 * ```
 */
export { NodeChecker } from './node/node-checker.js'
export { NodeCluster, type NodeClusterStats } from './node/node-cluster.js'
export {
  type NodeSimulationResult,
  nodeReplayCommand,
  nodeSwarmConfig,
  runNodeSeeds,
  runNodeSimulation,
} from './node/node-simulation.js'
/**
 * The trace of a run: lines stamped with virtual time, folded into a digest.
 *
 * @example
 * ```ts
 * const trace = new Trace({ keepLines: true })
 * trace.record(12.5, 'node n1 starts')
 * trace.lines // ['t=000012.500 node n1 starts']
 * ```
 */
export { formatTime, Trace } from './world/trace.js'
