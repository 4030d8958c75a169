/**
 * A replica's simulated durable store: the encoded deltas it applied, in order, surviving crashes.
 * Appends are synchronous — the model of a node that writes every delta (local or received) to
 * disk before it acknowledges or forwards it. Acknowledgements drive tombstone collection, so a
 * replica that acknowledged a delta it then forgot after a crash could bring a deleted entry back.
 */
import { type Delta, decodeDelta, encodeDelta, type Replica } from '@tandem/crdt'

/**
 * The durable log of one replica (it outlives the replica's incarnations).
 *
 * @example
 * ```ts
 * const log = new DurableLog(64)
 * replica.onUpdate((delta) => log.append(delta, replica))
 * // after a crash:
 * log.restoreInto(new Replica({ node: 'r1', now }))
 * ```
 */
export class DurableLog {
  private records: Uint8Array[] = []
  private readonly compactAfterDeltas: number

  /** `compactAfterDeltas`: appended deltas after which the log is rewritten as one snapshot. */
  constructor(compactAfterDeltas: number) {
    if (!(Number.isInteger(compactAfterDeltas) && compactAfterDeltas >= 1)) {
      throw new RangeError(`compactAfterDeltas must be a positive integer, got ${compactAfterDeltas}`)
    }
    this.compactAfterDeltas = compactAfterDeltas
  }

  /**
   * Persists one delta the replica applied. When the log is long it is rewritten as the replica's
   * whole state plus this delta (joining a delta twice is harmless, and this stays correct whether
   * or not the replica's state already includes it when its update listeners run).
   */
  append(delta: Delta, replica: Replica): void {
    const record = encodeDelta(delta)
    if (this.records.length >= this.compactAfterDeltas) {
      this.records = [replica.encodeState(), record]
      return
    }
    this.records.push(record)
  }

  /** Replays the log into a fresh replica (its restart). */
  restoreInto(replica: Replica): void {
    for (const record of this.records) replica.apply(decodeDelta(record), { origin: 'local' })
  }

  /** Forgets everything (the injected bug `forgetful-restart`). */
  wipe(): void {
    this.records = []
  }

  /** Records held now. */
  get length(): number {
    return this.records.length
  }
}
