/**
 * The phases of every simulated run, whatever the cluster under test:
 *
 * 1. Chaos — the machines boot, the workload runs and the fault plan injects faults until
 *    `chaosEndsAtMs`. Checkers watch every observation as it arrives.
 * 2. Heal — the fault plan stops and the cluster heals itself (a quorum core, the whole network).
 * 3. Liveness — the cluster must reach its goal (a write commits, replicas converge) within
 *    `livenessBoundMs` of the heal.
 * 4. Settle — optional time for in-flight work (clients' last attempts) to finish.
 * 5. Final checks over the whole run, then every machine is shut down.
 *
 * The first violation ends the run: later phases are skipped. The cluster's `heal` is called even
 * then and decides for itself whether to act (the Raft cluster still traces the core it would heal).
 */
import type { Addressed } from '../world/network.js'
import type { World } from '../world/world.js'
import type { ClusterUnderTest, PhaseName } from './cluster.js'

/** What the phases leave for the result. */
export interface PhasesOutcome {
  /** Virtual time of the heal. */
  readonly healedAtMs: number
}

/**
 * Runs a cluster through every phase.
 *
 * @example
 * ```ts
 * const { healedAtMs } = await runPhases(world, cluster)
 * console.log(cluster.violation?.check ?? 'ok')
 * ```
 */
export async function runPhases<M extends Addressed>(
  world: World<M>,
  cluster: ClusterUnderTest,
): Promise<PhasesOutcome> {
  cluster.boot()
  cluster.faults.start()
  await runPhase(world, cluster, 'chaos', cluster.chaosEndsAtMs)

  cluster.faults.stop()
  const healedAtMs = world.nowMs
  cluster.heal()

  if (cluster.violation === null) {
    cluster.startLiveness()
    await runPhase(world, cluster, 'liveness', healedAtMs + cluster.livenessBoundMs, () =>
      cluster.livenessReached(),
    )
    if (cluster.violation === null && !cluster.livenessReached()) cluster.livenessFailed()
  }
  const settleMs = cluster.settleMs()
  if (settleMs > 0) await runPhase(world, cluster, 'settle', world.nowMs + settleMs)

  if (cluster.violation === null) cluster.finalChecks()
  cluster.shutdown()
  return { healedAtMs }
}

/** Runs the scheduler until `untilMs`, a violation, `done`, or the phase's event budget. */
async function runPhase<M extends Addressed>(
  world: World<M>,
  cluster: ClusterUnderTest,
  phase: PhaseName,
  untilMs: number,
  done: () => boolean = () => false,
): Promise<void> {
  if (cluster.violation !== null) return
  try {
    const stop = await world.scheduler.run({
      untilMs,
      eventsMax: cluster.eventsMax(phase),
      stopWhen: () => cluster.violation !== null || done(),
    })
    if (stop === 'events-limit') cluster.exceededEvents(phase)
  } catch (error) {
    cluster.crashed(error)
  }
}
