import { InvariantError } from '@tandem/base'
import { ConfChangeError } from './errors.js'
import { Progress } from './progress.js'
import type { ProgressTracker, TrackerConfig } from './tracker.js'
import type { NodeId } from './types.js'
import {
  type ConfChange,
  type ConfChangeSingle,
  ConfChangeTransition,
  ConfChangeType,
  type ConfState,
} from './types.js'

/** A configuration and progress map produced by the {@link Changer}, ready to be installed. */
export interface ChangeResult {
  readonly config: TrackerConfig
  readonly progress: Map<NodeId, Progress>
}

interface MutableConfig {
  voters: Set<NodeId>
  votersOutgoing: Set<NodeId>
  learners: Set<NodeId>
  learnersNext: Set<NodeId>
  autoLeave: boolean
}

/**
 * Whether a change enters a joint configuration, and if so whether the leader leaves it by itself:
 * any change of more than one member, or an explicit joint transition, goes through joint
 * consensus (thesis §4.3); a single change with the automatic transition is applied in one step.
 */
export function enterJointOf(change: ConfChange): { enter: boolean; autoLeave: boolean } {
  if (change.transition !== ConfChangeTransition.Auto || change.changes.length > 1) {
    return { enter: true, autoLeave: change.transition !== ConfChangeTransition.JointExplicit }
  }
  return { enter: false, autoLeave: false }
}

/** Whether a change asks to leave the joint configuration (no changes, automatic transition). */
export function isLeaveJoint(change: ConfChange): boolean {
  return change.changes.length === 0 && change.transition === ConfChangeTransition.Auto
}

/**
 * Computes the configuration that a membership change leads to (etcd's confchange.Changer). It
 * works on copies: the tracker is untouched until the caller installs the result, so an invalid
 * change (a {@link ConfChangeError}) leaves the node exactly as it was.
 */
export class Changer {
  readonly #tracker: ProgressTracker
  /** The log's last index, where new members' progress starts. */
  readonly #lastIndex: number

  constructor(tracker: ProgressTracker, lastIndex: number) {
    this.#tracker = tracker
    this.#lastIndex = lastIndex
  }

  /** Applies any {@link ConfChange}: leave joint, enter joint, or a simple one-voter change. */
  apply(change: ConfChange): ChangeResult {
    if (isLeaveJoint(change) && this.#tracker.isJoint()) return this.leaveJoint()
    const { enter, autoLeave } = enterJointOf(change)
    if (enter) return this.enterJoint(autoLeave, change.changes)
    return this.simple(change.changes)
  }

  /**
   * Enters the joint configuration C_old,new: the current voters become the outgoing half and the
   * changes are applied to the incoming half.
   */
  enterJoint(autoLeave: boolean, changes: readonly ConfChangeSingle[]): ChangeResult {
    const [config, progress] = this.#checkAndCopy()
    if (config.votersOutgoing.size > 0) throw new ConfChangeError('the configuration is already joint')
    if (config.voters.size === 0) throw new ConfChangeError('cannot make a zero-voter configuration joint')
    for (const id of config.voters) config.votersOutgoing.add(id)
    this.#applyChanges(config, progress, changes)
    config.autoLeave = autoLeave
    return checkAndReturn(config, progress)
  }

  /** Leaves the joint configuration: C_new alone decides from now on. */
  leaveJoint(): ChangeResult {
    const [config, progress] = this.#checkAndCopy()
    if (config.votersOutgoing.size === 0)
      throw new ConfChangeError('cannot leave a configuration that is not joint')
    for (const id of config.learnersNext) {
      config.learners.add(id)
      const member = progress.get(id)
      if (member === undefined) throw new InvariantError(`learner ${id} has no progress`)
      member.isLearner = true
    }
    config.learnersNext.clear()
    for (const id of config.votersOutgoing) {
      if (!config.voters.has(id) && !config.learners.has(id)) progress.delete(id)
    }
    config.votersOutgoing.clear()
    config.autoLeave = false
    return checkAndReturn(config, progress)
  }

  /** Applies changes that touch at most one voter without joint consensus (thesis §4.1). */
  simple(changes: readonly ConfChangeSingle[]): ChangeResult {
    const [config, progress] = this.#checkAndCopy()
    if (config.votersOutgoing.size > 0) {
      throw new ConfChangeError('cannot apply a simple change in a joint configuration')
    }
    this.#applyChanges(config, progress, changes)
    const before = this.#tracker.config.voters
    let changed = 0
    for (const id of config.voters) if (!before.has(id)) changed++
    for (const id of before) if (!config.voters.has(id)) changed++
    if (changed > 1) {
      throw new ConfChangeError('more than one voter changed without entering a joint configuration')
    }
    return checkAndReturn(config, progress)
  }

  #applyChanges(
    config: MutableConfig,
    progress: Map<NodeId, Progress>,
    changes: readonly ConfChangeSingle[],
  ): void {
    for (const change of changes) {
      if (change.nodeId === '') throw new ConfChangeError('a membership change names an empty node id')
      switch (change.type) {
        case ConfChangeType.AddVoter:
          this.#makeVoter(config, progress, change.nodeId)
          break
        case ConfChangeType.AddLearner:
          this.#makeLearner(config, progress, change.nodeId)
          break
        case ConfChangeType.RemoveNode:
          remove(config, progress, change.nodeId)
          break
        default:
          throw new ConfChangeError(`unknown membership change type ${String(change.type)}`)
      }
    }
    if (config.voters.size === 0) throw new ConfChangeError('the change removes all voters')
  }

  #makeVoter(config: MutableConfig, progress: Map<NodeId, Progress>, id: NodeId): void {
    const member = progress.get(id)
    if (member === undefined) {
      this.#initProgress(config, progress, id, false)
      return
    }
    member.isLearner = false
    config.learners.delete(id)
    config.learnersNext.delete(id)
    config.voters.add(id)
  }

  /**
   * Makes `id` a learner. A voter of the outgoing half cannot become a learner at once (it still
   * votes in C_old), so it is staged in `learnersNext` and becomes one when the joint
   * configuration is left.
   */
  #makeLearner(config: MutableConfig, progress: Map<NodeId, Progress>, id: NodeId): void {
    const member = progress.get(id)
    if (member === undefined) {
      this.#initProgress(config, progress, id, true)
      return
    }
    if (member.isLearner) return
    remove(config, progress, id)
    progress.set(id, member)
    if (config.votersOutgoing.has(id)) {
      config.learnersNext.add(id)
    } else {
      member.isLearner = true
      config.learners.add(id)
    }
  }

  #initProgress(config: MutableConfig, progress: Map<NodeId, Progress>, id: NodeId, learner: boolean): void {
    if (learner) config.learners.add(id)
    else config.voters.add(id)
    const member = new Progress(Math.max(this.#lastIndex, 1), this.#tracker.inflightAppendsMax, learner)
    // A new member counts as active so that CheckQuorum does not depose the leader before the
    // member has had a chance to answer.
    member.recentActive = true
    progress.set(id, member)
  }

  #checkAndCopy(): [MutableConfig, Map<NodeId, Progress>] {
    const current = this.#tracker.config
    const config: MutableConfig = {
      voters: new Set(current.voters),
      votersOutgoing: new Set(current.votersOutgoing),
      learners: new Set(current.learners),
      learnersNext: new Set(current.learnersNext),
      autoLeave: current.autoLeave,
    }
    const progress = new Map<NodeId, Progress>()
    for (const [id, member] of this.#tracker.progress) progress.set(id, member.clone())
    const reason = invalid(config, progress)
    // The tracker only ever holds configurations that passed checkAndReturn.
    if (reason !== null) throw new InvariantError(`the current configuration is invalid: ${reason}`)
    return [config, progress]
  }
}

function remove(config: MutableConfig, progress: Map<NodeId, Progress>, id: NodeId): void {
  if (!progress.has(id)) return
  config.voters.delete(id)
  config.learners.delete(id)
  config.learnersNext.delete(id)
  // A voter of the outgoing half keeps its progress: it still votes until the joint config is left.
  if (!config.votersOutgoing.has(id)) progress.delete(id)
}

function checkAndReturn(config: MutableConfig, progress: Map<NodeId, Progress>): ChangeResult {
  const reason = invalid(config, progress)
  if (reason !== null) throw new ConfChangeError(reason)
  return { config, progress }
}

/** Why a configuration breaks the tracker's invariants, or `null` when it is sound. */
export function invalid(config: TrackerConfig, progress: ReadonlyMap<NodeId, Progress>): string | null {
  for (const set of [config.voters, config.votersOutgoing, config.learners, config.learnersNext]) {
    for (const id of set) if (!progress.has(id)) return `no progress for ${id}`
  }
  for (const id of config.learnersNext) {
    if (!config.votersOutgoing.has(id)) return `${id} is in learnersNext but not an outgoing voter`
    if (progress.get(id)?.isLearner === true) return `${id} is in learnersNext but already marked a learner`
  }
  for (const id of config.learners) {
    if (config.votersOutgoing.has(id)) return `${id} is both a learner and an outgoing voter`
    if (config.voters.has(id)) return `${id} is both a learner and a voter`
    if (progress.get(id)?.isLearner !== true) return `${id} is a learner but not marked as one`
  }
  if (config.votersOutgoing.size === 0) {
    if (config.learnersNext.size > 0) return 'learnersNext is set outside a joint configuration'
    if (config.autoLeave) return 'autoLeave is set outside a joint configuration'
  }
  return null
}

/**
 * Builds the configuration described by a persisted {@link ConfState} (on start, or when a
 * snapshot is installed). Throws {@link ConfChangeError} when the state is inconsistent.
 */
export function restoreConfig(
  confState: ConfState,
  lastIndex: number,
  inflightAppendsMax: number,
): ChangeResult {
  const config: MutableConfig = {
    voters: new Set(confState.voters),
    votersOutgoing: new Set(confState.votersOutgoing),
    learners: new Set(confState.learners),
    learnersNext: new Set(confState.learnersNext),
    autoLeave: confState.autoLeave,
  }
  const progress = new Map<NodeId, Progress>()
  for (const set of [config.voters, config.votersOutgoing, config.learnersNext, config.learners]) {
    for (const id of set) {
      if (id === '') throw new ConfChangeError('the configuration names an empty node id')
      if (!progress.has(id)) {
        const member = new Progress(Math.max(lastIndex, 1), inflightAppendsMax, config.learners.has(id))
        member.recentActive = true
        progress.set(id, member)
      }
    }
  }
  return checkAndReturn(config, progress)
}
