/**
 * The node mode's checks, fed as entries apply (design.md, "Checked invariants"):
 *
 * - C's public layer identical on every node at equal applied index, and its data layer on keyed
 *   nodes at equal data index (every node is keyed here): each node's digest of both layers, and of
 *   the strong writes the entry applied, is compared with the first one recorded at that index —
 *   a restarted node replaying the log is compared too;
 * - no acknowledged strong write lost: an acknowledged write's id must be among the writes the
 *   entry at its index applied, on every node that applies that index;
 * - every acknowledged eventual write folded once the cluster healed (checked at the end).
 */

import type { AppliedEntry } from '@tandem/node/core'
import { commandKeyOf, type NodeCore, type StreamId, type WriteId } from '@tandem/node/core'
import type { Violation } from '../checkers/violation.js'

const utf8 = new TextEncoder()

/** The consistency checks of one run. */
export class NodeChecker {
  violation: Violation | null = null
  /** Per index: the first node's digest and the strong writes applied there. */
  private readonly byIndex = new Map<
    number,
    { readonly nodeId: string; readonly digest: string; readonly strong: Set<string> }
  >()
  private readonly strongAcks = new Map<WriteId, number>()
  private readonly eventualAcks = new Map<WriteId, { readonly stream: StreamId; readonly sequence: number }>()
  indexesCompared = 0

  constructor(private readonly nowMs: () => number) {}

  /** An entry applied on `nodeId`'s C. */
  observeApplied(nodeId: string, core: NodeCore, entry: AppliedEntry): void {
    if (this.violation !== null) return
    const publicDigest = commandKeyOf(core.committed.public.encode())
    const data = core.committed.data
    const dataDigest = data === null ? '-' : commandKeyOf(data.replica.encodeState())
    const strong = [...entry.writes].filter(([, outcome]) => outcome.kind === 'strong').map(([id]) => id)
    const digest = `${publicDigest}|${dataDigest}|${commandKeyOf(utf8.encode(strong.sort().join(',')))}`
    const first = this.byIndex.get(entry.index)
    if (first === undefined) {
      this.byIndex.set(entry.index, { nodeId, digest, strong: new Set(strong) })
      return
    }
    this.indexesCompared++
    if (first.digest !== digest)
      this.fail(
        'state-machine-safety',
        `C differs at index ${entry.index}: ${first.nodeId} has ${first.digest}, ${nodeId} has ${digest} (public|data|strong writes)`,
      )
  }

  /** A strong write was acknowledged at `index`. */
  observeStrongAck(writeId: WriteId, index: number): void {
    this.strongAcks.set(writeId, index)
    const recorded = this.byIndex.get(index)
    if (recorded !== undefined && !recorded.strong.has(writeId))
      this.fail(
        'state-machine-safety',
        `strong write ${writeId} acknowledged at ${index}, which did not apply it`,
      )
  }

  /** An eventual write was acknowledged (durable in its stream at `sequence`). */
  observeEventualAck(writeId: WriteId, stream: StreamId, sequence: number): void {
    this.eventualAcks.set(writeId, { stream, sequence })
  }

  /** Acknowledged writes counted so far. */
  get acknowledged(): { readonly strong: number; readonly eventual: number } {
    return { strong: this.strongAcks.size, eventual: this.eventualAcks.size }
  }

  /** Whether every acknowledged eventual write is folded in `core`'s C. */
  allEventualFolded(core: NodeCore): boolean {
    const highWaters = core.committed.public.highWaters
    for (const { stream, sequence } of this.eventualAcks.values())
      if (highWaters.highWater(stream) < sequence) return false
    return true
  }

  /** The final checks over a healed, settled cluster (`cores`: every node, all running). */
  finalChecks(cores: readonly { readonly nodeId: string; readonly core: NodeCore }[]): void {
    if (this.violation !== null) return
    this.checkViews(cores)
    for (const [writeId, index] of this.strongAcks) {
      const recorded = this.byIndex.get(index)
      if (recorded === undefined || !recorded.strong.has(writeId))
        this.fail('state-machine-safety', `acknowledged strong write ${writeId} at ${index} is lost`)
    }
    for (const { nodeId, core } of cores) {
      const highWaters = core.committed.public.highWaters
      for (const [writeId, { stream, sequence }] of this.eventualAcks) {
        if (highWaters.highWater(stream) < sequence)
          this.fail(
            'crdt-convergence',
            `acknowledged eventual write ${writeId} never folded (seen from ${nodeId})`,
          )
      }
      const pending = core.pendingBatches
      if (pending.count > 0)
        this.fail(
          'crdt-convergence',
          `${nodeId} still holds ${pending.count} unfolded batches after the heal: V ≠ C`,
        )
    }
  }

  /** V converged: after the heal every node's V reads as its C, and as every other node's. */
  private checkViews(cores: readonly { readonly nodeId: string; readonly core: NodeCore }[]): void {
    let first: { readonly nodeId: string; readonly text: string } | null = null
    for (const { nodeId, core } of cores) {
      for (const name of ['m', 'reg', 'stock']) {
        const view = JSON.stringify([...core.view.map(name).entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
        const committed = JSON.stringify(
          [...(core.committed.data?.replica.map(name).entries() ?? [])].sort(([a], [b]) => (a < b ? -1 : 1)),
        )
        if (view !== committed)
          this.fail('crdt-convergence', `${nodeId}: V ≠ C in map ${name} after the heal`)
      }
      const text = JSON.stringify([...core.view.map('m').entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
      if (first === null) first = { nodeId, text }
      else if (first.text !== text)
        this.fail(
          'crdt-convergence',
          `V differs after the heal: ${first.nodeId} ${first.text}, ${nodeId} ${text}`,
        )
    }
  }

  fail(check: Violation['check'], message: string): void {
    this.violation ??= { check, timeMs: this.nowMs(), message }
  }
}
