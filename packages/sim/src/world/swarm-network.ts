/**
 * The network half of swarm testing, shared by the Raft and the CRDT swarms: the seed draws the
 * delay, loss, duplication, link capacity and partition behaviour. Drawing happens in two steps
 * (the shape first, the rates later) because each swarm interleaves other draws between them, and
 * the order of draws is what makes a seed replay the same run.
 */

import type { SeededRandom } from '@tandem/base'
import type { NetworkOptions, PartitionMode, PartitionSymmetry } from './network.js'

/** The first draws: minimum delay and how partitions split the network. */
export interface NetworkShape {
  readonly quiet: boolean
  readonly delayMinMs: number
  readonly partitionMode: PartitionMode
  readonly partitionSymmetry: PartitionSymmetry
}

/** The ranges the rates are drawn from. */
export interface NetworkRateBounds {
  /** The mean delay exceeds the minimum by up to this much. */
  readonly delaySpreadMsMax: number
  readonly lossProbabilityMax: number
  readonly duplicationProbabilityMax: number
  /** Link capacity is drawn from [this, 128] packets. */
  readonly linkCapacityMin: number
  readonly partitionProbabilityMax: number
}

/**
 * Draws the network's shape. A `quiet` network never partitions (and gets no loss or duplication).
 *
 * @example
 * ```ts
 * const shape = drawNetworkShape(random, random.chance(1 / 6))
 * ```
 */
export function drawNetworkShape(random: SeededRandom, quiet: boolean): NetworkShape {
  const delayMinMs = random.between(1, 5)
  const partitionMode: PartitionMode = quiet
    ? 'none'
    : random.pick(['none', 'uniform', 'uniform', 'isolate-single'])
  const partitionSymmetry: PartitionSymmetry = random.pick(['symmetric', 'asymmetric', 'mixed'])
  return { quiet, delayMinMs, partitionMode, partitionSymmetry }
}

/**
 * Draws the rates and completes the network options.
 *
 * @example
 * ```ts
 * const network = drawNetworkOptions(random, shape, {
 *   delaySpreadMsMax: 15, lossProbabilityMax: 0.1, duplicationProbabilityMax: 0.05,
 *   linkCapacityMin: 16, partitionProbabilityMax: 0.15,
 * })
 * ```
 */
export function drawNetworkOptions(
  random: SeededRandom,
  shape: NetworkShape,
  bounds: NetworkRateBounds,
): NetworkOptions {
  // Property order is draw order: keep it.
  return {
    oneWayDelayMinMs: shape.delayMinMs,
    oneWayDelayMeanMs: shape.delayMinMs + random.nextFloat() * bounds.delaySpreadMsMax,
    lossProbability: shape.quiet ? 0 : random.nextFloat() * bounds.lossProbabilityMax,
    duplicationProbability: shape.quiet ? 0 : random.nextFloat() * bounds.duplicationProbabilityMax,
    linkCapacity: random.between(bounds.linkCapacityMin, 128),
    partitionMode: shape.partitionMode,
    partitionSymmetry: shape.partitionSymmetry,
    partitionProbability: random.nextFloat() * bounds.partitionProbabilityMax,
    healProbability: 0.05 + random.nextFloat() * 0.3,
    partitionStabilityMs: random.between(100, 1500),
    healStabilityMs: random.between(100, 1500),
    decisionStepMs: 50,
  }
}
