/**
 * The fault plan of the chaos phase: at every decision step, each fault of the cluster under test
 * gets its chance, in a fixed order, from one random stream. Which faults exist and what they do
 * belongs to the cluster (a Raft node crashes differently from a CRDT replica); when and in which
 * order they are drawn is the same for every mode, and that order is part of what a seed means.
 * Partitions, loss and duplication are not here: the packet network draws those itself.
 */
import type { SeededRandom } from '@tandem/base'
import type { Scheduler } from '../world/scheduler.js'

/** One kind of fault, drawn once per decision step. */
export interface Fault {
  /** Per step: the chance that it happens (0 never draws). */
  readonly probability: number
  /** Checked before the draw: a fault that cannot happen now costs no random draw. */
  readonly possible?: () => boolean
  /** Makes it happen; further choices (which node, how long) come from `random`. */
  inject(random: SeededRandom): void
}

/** Options of {@link FaultPlan}. */
export interface FaultPlanOptions {
  readonly scheduler: Scheduler
  readonly random: SeededRandom
  readonly decisionStepMs: number
  /** Runs at every step before any draw (observations that do not draw). */
  readonly beforeStep?: () => void
  readonly faults: readonly Fault[]
}

/**
 * Decision steps from `start()` until `stop()`.
 *
 * @example
 * ```ts
 * const plan = new FaultPlan({ scheduler, random, decisionStepMs: 100,
 *   faults: [{ probability: 0.05, inject: (random) => crash(random.pick(live())) }] })
 * plan.start()
 * ```
 */
export class FaultPlan {
  private readonly options: FaultPlanOptions
  private activeNow = false

  constructor(options: FaultPlanOptions) {
    this.options = options
  }

  /** Whether steps are still being taken (restarts scheduled by a fault may consult it). */
  get active(): boolean {
    return this.activeNow
  }

  /** Schedules the first step, one step from now. */
  start(): void {
    this.activeNow = true
    this.options.scheduler.schedule(this.options.decisionStepMs, 'fault decide', () => this.step())
  }

  /** No further step runs; faults already scheduled (a pending restart) still happen. */
  stop(): void {
    this.activeNow = false
  }

  private step(): void {
    if (!this.activeNow) return
    const { scheduler, random, decisionStepMs, faults } = this.options
    scheduler.schedule(decisionStepMs, 'fault decide', () => this.step())
    this.options.beforeStep?.()
    for (const fault of faults) {
      if ((fault.possible?.() ?? true) && random.chance(fault.probability)) fault.inject(random)
    }
  }
}
