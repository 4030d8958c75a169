/**
 * C's public layer (design.md, "Batches and the two layers of C"): membership, storeIds and keyed
 * flags, writer keys and their standing, incarnations, revocation cutoffs, epoch numbers and the
 * wrap table, stream high-waters, log time and clock readings, and cluster constants. It is signed, not encrypted, and
 * applies on every node — keyed or keyless — so its encoding is byte-identical on every node at the
 * same index; the simulator checks exactly that with {@link PublicLayer.encode}.
 *
 * Apply never throws for what an entry says: a refused entry is an outcome with a reason, the same
 * on every node, and counted. It throws (an InvariantError) only for states no input can produce.
 */
import { assert, utf8Encode } from '@tandem/base'
import { toString as uint8ToString } from 'uint8arrays'
import type { ClusterConstants, ControlEntry, FoldedBatchHeader } from './control.js'
import { defaultClusterConstants } from './control.js'
import { type FoldRunOutcome, StreamHighWaters } from './fold.js'
import { parseStreamId, type StreamId, type WriterKey } from './ids.js'
import { Incarnations } from './incarnations.js'
import { LogTime } from './log-time.js'
import { Membership } from './membership.js'

/** What applying one control entry did. */
export type ControlOutcome =
  | { readonly applied: true; readonly folds?: readonly FoldRunOutcome<FoldedBatchHeader>[] }
  | { readonly applied: false; readonly reason: string }

/** Checks the public layer asks of the sealing layer (the envelope), injected. */
export interface BatchSignatureCheck {
  /** Verifies an eventual batch's signature and signed header against its stream's key. */
  invalidBatchReason(stream: StreamId, batch: FoldedBatchHeader): string | null
}

/** The public layer of the committed state C. */
export class PublicLayer {
  readonly membership = new Membership()
  readonly incarnations = new Incarnations()
  readonly logTime = new LogTime()
  readonly highWaters = new StreamHighWaters()
  readonly #cutoffs = new Map<StreamId, number>()
  readonly #endedKeys = new Set<WriterKey>()
  readonly #epochs = new Set<number>()
  /**
   * The wrap table (design.md, "Bootstrap and keys"): epoch → recipient key → that epoch's secret
   * wrapped to the recipient. Epoch secrets exist nowhere else; the first wrap recorded for a
   * (epoch, recipient) stays, later ones are ignored.
   */
  readonly #wraps = new Map<number, Map<WriterKey, Uint8Array>>()
  #wrapCount = 0
  #constants: ClusterConstants = defaultClusterConstants
  #appliedIndex = 0
  readonly #signatures: BatchSignatureCheck
  /** Refused entries by reason: every refusal is counted, none is silent. */
  readonly refusals = new Map<string, number>()

  constructor(signatures: BatchSignatureCheck) {
    this.#signatures = signatures
  }

  /** The index of the last entry applied. */
  get appliedIndex(): number {
    return this.#appliedIndex
  }

  /** The cluster constants in force. */
  get constants(): ClusterConstants {
    return this.#constants
  }

  /** Whether C knows epoch `epoch` (a batch sealed in an unknown epoch stops its fold run). */
  knowsEpoch(epoch: number): boolean {
    return this.#epochs.has(epoch)
  }

  /** The cutoff of a stream whose key was removed or revoked; `null` while it is uncut. */
  cutoff(stream: StreamId): number | null {
    const recorded = this.#cutoffs.get(stream)
    if (recorded !== undefined) return recorded
    const parsed = parseStreamId(stream)
    if (parsed !== null && this.#endedKeys.has(parsed.key)) return 0
    return null
  }

  /**
   * Applies one verified control entry at its index. Entries arrive in log order; the items of one
   * Raft entry share its index, so an index may repeat but never go back.
   */
  apply(entry: ControlEntry): ControlOutcome {
    assert(entry.index >= this.#appliedIndex, 'public layer: entries apply in log order')
    this.#appliedIndex = entry.index
    const outcome = this.#applyOperation(entry)
    if (!outcome.applied) this.refusals.set(outcome.reason, (this.refusals.get(outcome.reason) ?? 0) + 1)
    return outcome
  }

  /** Notes an index whose entry (or item) is not a control entry (data or empty), in log order. */
  skip(index: number): void {
    assert(index >= this.#appliedIndex, 'public layer: indexes never go back')
    this.#appliedIndex = index
  }

  /** The keys whose standing ended (removed or revoked), sorted (snapshots). */
  endedKeys(): WriterKey[] {
    return [...this.#endedKeys].sort()
  }

  /** The recorded stream cutoffs, sorted by stream (snapshots). */
  cutoffs(): [StreamId, number][] {
    return [...this.#cutoffs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  }

  /** The epochs C knows, ascending (snapshots). */
  epochs(): number[] {
    return [...this.#epochs].sort((a, b) => a - b)
  }

  /** The wrap of `epoch`'s secret to `recipient`, if the table holds one. */
  wrapOf(epoch: number, recipient: WriterKey): Uint8Array | undefined {
    return this.#wraps.get(epoch)?.get(recipient)
  }

  /**
   * How many wraps the table holds: it only grows, so a node that saw this number change knows to
   * look for new wraps of its own.
   */
  get wrapCount(): number {
    return this.#wrapCount
  }

  /** The wrap table as sorted rows (epoch, then recipient): snapshots and digests. */
  wraps(): [number, WriterKey, Uint8Array][] {
    const rows: [number, WriterKey, Uint8Array][] = []
    for (const epoch of this.epochs()) {
      const row = this.#wraps.get(epoch)
      if (row === undefined) continue
      for (const recipient of [...row.keys()].sort())
        rows.push([epoch, recipient, row.get(recipient) as Uint8Array])
    }
    return rows
  }

  /** Replaces the wrap table with `rows` (a snapshot's; every epoch named must be known). */
  restoreWraps(rows: readonly (readonly [number, WriterKey, Uint8Array])[]): void {
    this.#wraps.clear()
    this.#wrapCount = 0
    for (const [epoch, recipient, wrapped] of rows) this.#recordWrap(epoch, recipient, wrapped)
  }

  /**
   * The keys that should hold `epoch` and do not: every keyed member whose key still stands (not
   * removed, not revoked) and has no wrap of it. Sorted. A keyed node that holds `epoch` grants
   * them (design.md: "any keyed node that sees a gap proposes a grant").
   */
  keysLackingWrap(epoch: number): WriterKey[] {
    const row = this.#wraps.get(epoch)
    const lacking = new Set<WriterKey>()
    for (const member of this.membership.members()) {
      if (!member.keyed || row?.has(member.key) === true) continue
      if (this.#keyStands(member.key)) lacking.add(member.key)
    }
    return [...lacking].sort()
  }

  /**
   * Restores the layer's own fields from a snapshot: the applied index, ended keys, cutoffs, epochs
   * and constants. The caller restores membership, incarnations, log time and high-waters first
   * (their own `restore`); the log-time voters follow from the restored membership.
   */
  restoreFields(state: {
    readonly appliedIndex: number
    readonly endedKeys: readonly WriterKey[]
    readonly cutoffs: readonly (readonly [StreamId, number])[]
    readonly epochs: readonly number[]
    readonly constants: ClusterConstants
  }): void {
    this.#appliedIndex = state.appliedIndex
    this.#endedKeys.clear()
    for (const key of state.endedKeys) this.#endedKeys.add(key)
    this.#cutoffs.clear()
    for (const [stream, position] of state.cutoffs) this.#cutoffs.set(stream, position)
    this.#epochs.clear()
    for (const epoch of state.epochs) this.#epochs.add(epoch)
    this.#constants = state.constants
    this.#syncVoters()
  }

  /**
   * The canonical encoding of the whole layer: identical bytes on every node at the same index.
   * Maps are written as sorted arrays, so no insertion order leaks in.
   */
  encode(): Uint8Array {
    const sorted = <T>(items: T[], keyOf: (item: T) => string) =>
      items.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0))
    const canonical = {
      index: this.#appliedIndex,
      members: this.membership.members(),
      writers: this.membership.writers(),
      ended: [...this.#endedKeys].sort(),
      incarnations: this.incarnations.entries(),
      tMs: this.logTime.nowMs,
      readings: sorted([...this.logTime.readings()], ([member]) => member),
      highWaters: this.highWaters.entries(),
      cutoffs: sorted([...this.#cutoffs], ([stream]) => stream),
      epochs: [...this.#epochs].sort((a, b) => a - b),
      wraps: this.wraps().map(([epoch, recipient, wrapped]) => [epoch, recipient, bytesToHex(wrapped)]),
      constants: this.#constants,
    }
    return utf8Encode(JSON.stringify(canonical))
  }

  #applyOperation(entry: ControlEntry): ControlOutcome {
    const { operation, signer, index } = entry
    if (operation.kind === 'init') {
      if (signer !== operation.key) return refused('init is signed by the founding key')
      const reason = this.membership.bootstrap(operation.member, operation.key, index)
      if (reason !== null) return refused(reason)
      this.#epochs.add(1)
      this.#recordWrap(1, operation.key, operation.wrapped)
      this.#syncVoters()
      return { applied: true }
    }
    if (!this.membership.mayWriteAt(signer, index)) return refused('the signer is not a current writer')
    switch (operation.kind) {
      case 'open': {
        const outcome = this.incarnations.open(signer, operation.incarnation, operation.expected)
        return outcome === 'expected-mismatch'
          ? refused('open: expected incarnation mismatch')
          : { applied: true }
      }
      case 'clock': {
        const member = this.membership.member(operation.member)
        if (member === undefined || member.key !== signer)
          return refused('clock: signed by another key than the member')
        const outcome = this.logTime.applyClock(operation.member, operation.readingMs)
        return outcome === 'not-a-voter' ? refused('clock: not a voter') : { applied: true }
      }
      case 'fold':
        return {
          applied: true,
          folds: operation.runs.map((run) => this.#fold(run.stream, run.batches, index)),
        }
      case 'add-learner': {
        const reason = this.membership.addLearner(operation.member, operation.key, operation.keyed, index)
        return reason === null ? { applied: true } : refused(reason)
      }
      case 'promote': {
        const reason = this.membership.promote(operation.member)
        if (reason !== null) return refused(reason)
        this.#syncVoters()
        return { applied: true }
      }
      case 'remove': {
        const member = this.membership.member(operation.member)
        if (member === undefined) return refused('not a member')
        this.membership.remove(operation.member, index)
        if (this.membership.standing(member.key)?.endedAtIndex !== null)
          this.#cut(member.key, operation.cutoffs)
        this.#syncVoters()
        return { applied: true }
      }
      case 'revoke': {
        const reason = this.membership.revoke(operation.key, index)
        if (reason !== null) return refused(reason)
        this.#cut(operation.key, operation.cutoffs)
        return { applied: true }
      }
      case 'grant':
        return this.#grant(signer, operation.epoch, operation.recipient, operation.wrapped, index)
      case 'constants': {
        if (operation.constants.applyProtocolVersion !== defaultClusterConstants.applyProtocolVersion)
          return refused('constants: unknown apply protocol version')
        this.#constants = operation.constants
        return { applied: true }
      }
    }
  }

  /**
   * A row of the wrap table. The signer must be a keyed member whose key stands and that holds a
   * wrap of the epoch itself (only a holder can have wrapped the secret); the recipient a keyed
   * member whose key stands (a revoked member runs keyless from then on). A recipient that holds a
   * wrap already keeps it: duplicates are ignored, so concurrent grants are harmless.
   */
  #grant(
    signer: WriterKey,
    epoch: number,
    recipient: WriterKey,
    wrapped: Uint8Array,
    index: number,
  ): ControlOutcome {
    if (!this.#epochs.has(epoch)) return refused('grant: unknown epoch')
    if (!this.#isKeyedMember(signer)) return refused('grant: the signer is not a keyed member')
    if (this.#wraps.get(epoch)?.has(signer) !== true)
      return refused('grant: the signer holds no wrap of the epoch')
    if (!this.#isKeyedMember(recipient) || !this.membership.mayWriteAt(recipient, index))
      return refused('grant: the recipient is not a standing keyed member')
    if (this.#wraps.get(epoch)?.has(recipient) === true) return { applied: true }
    this.#recordWrap(epoch, recipient, wrapped)
    return { applied: true }
  }

  #isKeyedMember(key: WriterKey): boolean {
    return this.membership.members().some((member) => member.keyed && member.key === key)
  }

  #keyStands(key: WriterKey): boolean {
    const standing = this.membership.standing(key)
    return standing !== undefined && standing.endedAtIndex === null
  }

  #recordWrap(epoch: number, recipient: WriterKey, wrapped: Uint8Array): void {
    let row = this.#wraps.get(epoch)
    if (row === undefined) {
      row = new Map()
      this.#wraps.set(epoch, row)
    }
    if (row.has(recipient)) return
    row.set(recipient, wrapped.slice())
    this.#wrapCount++
  }

  #fold(
    stream: StreamId,
    batches: readonly FoldedBatchHeader[],
    index: number,
  ): FoldRunOutcome<FoldedBatchHeader> {
    const parsed = parseStreamId(stream)
    return this.highWaters.applyRun(
      { stream, batches },
      {
        knowsEpoch: (epoch) => this.#epochs.has(epoch),
        invalidReason: (_, batch) => {
          if (parsed === null) return 'not a stream id'
          const standing = this.membership.standing(parsed.key)
          if (standing === undefined || standing.admittedAtIndex > index) return 'the key was never admitted'
          const cutoff = this.cutoff(stream)
          if (cutoff !== null && batch.sequence > cutoff) return 'above the stream cutoff'
          return this.#signatures.invalidBatchReason(stream, batch)
        },
      },
    )
  }

  /**
   * Records the cutoffs of an ended key: each listed position (never below what is folded), and for
   * every other stream of the key its current h; a stream never seen is cut at 0.
   */
  #cut(key: WriterKey, listed: readonly (readonly [StreamId, number])[]): void {
    this.#endedKeys.add(key)
    for (const [stream, position] of listed) {
      if (parseStreamId(stream)?.key !== key) continue
      // An earlier cut only ever shrinks; no cut goes below what is already folded.
      const earlier = this.#cutoffs.get(stream)
      const bounded = earlier === undefined ? position : Math.min(earlier, position)
      this.#cutoffs.set(stream, Math.max(this.highWaters.highWater(stream), bounded))
    }
    for (const [stream, highWater] of this.highWaters.entries()) {
      if (parseStreamId(stream)?.key === key && !this.#cutoffs.has(stream))
        this.#cutoffs.set(stream, highWater)
    }
  }

  #syncVoters(): void {
    this.logTime.setVoters(this.membership.voters())
  }
}

function bytesToHex(bytes: Uint8Array): string {
  return uint8ToString(bytes, 'base16')
}

function refused(reason: string): ControlOutcome {
  return { applied: false, reason }
}
