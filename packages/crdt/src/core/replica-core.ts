import { assert, type WallClock } from '@tandem/base'
import { InputTooLargeError, InvalidDeltaError, InvalidValueError, StaleDotError } from '../errors.js'
import {
  type CausalContext,
  type CollectionDelta,
  type CollectionKind,
  type Delta,
  type ElementData,
  type EntryData,
  NO_ELEMENTS,
  NO_ENTRIES,
} from './delta.js'
import { elementKey } from './element-key.js'
import { HLC } from './hlc.js'
import type { MergeOptions } from './merge-options.js'
import {
  addDot,
  invalidRanges,
  type Ranges,
  rangesCover,
  rangesEqual,
  rangesHas,
  rangesIntersect,
  rangesSize,
  rangesSubtract,
  rangesUnion,
} from './ranges.js'
import { clampDelta, invalidReason } from './scope.js'
import { Element, LwwStore, SetStore, Slot, type Store, storeKey } from './stores.js'
import { assertValue, type Value } from './value.js'
import { assertWriteAt, type WriteAt } from './write-at.js'

/**
 * The state and merge rules shared by every collection of a replica: one node table, one causal
 * context (dots seen per node), one hybrid logical clock, and an index from each live dot to the slot
 * or element that holds it.
 *
 * Merge rule (the causal "dot store" join, for every kind): an entry survives a merge when both sides
 * hold it, or when the other side has not seen its dot. An entry whose dot the other side has seen
 * but does not hold was overwritten or removed there, so it goes. Among surviving LWW entries of a
 * key, the larger stamp wins (ties broken by node id). This join is commutative, associative and
 * idempotent, and a delta is merged exactly like a full state.
 */

/** Where a change came from. `remote` changes carry the peer they were received from, when known. */
export interface Origin {
  readonly origin: 'local' | 'remote'
  readonly peer?: string | undefined
}

/** One visible change to a collection. */
export interface Change {
  readonly kind: CollectionKind
  /** Collection name. */
  readonly collection: string
  /** Map key; '' for registers; the element's identity key for sets. */
  readonly key: string
  /** New value (maps, registers) or the element (sets); undefined when a map key or register was cleared. */
  readonly value: Value | undefined
  /** Whether the key / element is present after the change. */
  readonly present: boolean
}

/** What `onChange` listeners receive: the changes of one local mutation, transaction or merge. */
export interface ChangeEvent extends Origin {
  readonly changes: readonly Change[]
}

type Holder = Slot | Element

/**
 * A removal record: foreign dots a scoped delta removed at one set element before this replica saw
 * them; an add of that element carrying one of them is dropped, until the replica sees the dot.
 */
export interface RemovalRecord {
  /** The set's name. */
  readonly collection: string
  /** The element the removal named. */
  readonly element: Value
  /** The CRDT id whose dots were removed. */
  readonly node: string
  /** Those dots, as flat inclusive ranges. */
  readonly ranges: readonly number[]
}

interface RemovalRecordState {
  readonly store: SetStore
  readonly key: string
  readonly value: Value
  readonly byNode: Map<string, Ranges>
}

interface ForeignDots {
  readonly id: string
  /** Local node index, or -1 when this replica has never heard of the id. */
  readonly node: number
  readonly ranges: Ranges
}

/** Merge options plus the core-only `'trust'` drift mode: stamps observed as they are. */
export interface CoreMergeOptions extends Omit<MergeOptions, 'drift'> {
  readonly drift?: MergeOptions['drift'] | 'trust'
  /** The caller already ran the validation (and the ascending-dot check) on this delta. */
  readonly validated?: boolean
}

const NO_MERGE_OPTIONS: CoreMergeOptions = Object.freeze({})

/** Options of a replica core. */
export interface ReplicaCoreOptions {
  readonly node: string
  readonly now: WallClock
  readonly driftMsMax?: number | undefined
  readonly members?: readonly string[] | undefined
}

export class ReplicaCore {
  readonly node: string
  readonly clock: HLC
  /** Node table: index → node id. Index 0 is this replica. */
  readonly nodes: string[] = []
  readonly nodeIndex = new Map<string, number>()
  /** Causal context per local node index. */
  readonly seen: Ranges[] = []
  /** Live dot index: dotKey(node, seq) → the slot or element holding that dot. */
  private readonly held = new Map<number, Holder>()
  /** Number of live dots per local node index. */
  private readonly heldCount: number[] = []
  readonly stores = new Map<string, Store>()
  /** Causal contexts that peers reported (sync step 1, acks), per peer node index, for tombstone GC. */
  readonly peerSeen = new Map<number, Ranges[]>()
  /** Every replica of the document, when configured; otherwise the node table stands for it. */
  private readonly members: readonly number[] | undefined
  /** Removal records of scoped merges, by set store key and element key (see recordRemovals). */
  private readonly removals = new Map<string, RemovalRecordState>()
  private epoch = 0
  private lastStore: Store | undefined
  /** Changes made by the merge in progress. */
  private mutations = 0
  /** Collected changes of the merge or transaction in progress, when someone listens. */
  pendingChanges: Change[] | undefined

  constructor(options: ReplicaCoreOptions) {
    this.node = options.node
    this.clock = new HLC({ node: options.node, now: options.now, driftMsMax: options.driftMsMax })
    this.intern(options.node)
    this.members = options.members?.map((member) => this.intern(member)).filter((member) => member !== 0)
  }

  /** Returns the local index of a node id, adding it to the table when new. */
  intern(node: string): number {
    let index = this.nodeIndex.get(node)
    if (index === undefined) {
      index = this.nodes.length
      if (index >= NODES_MAX) throw new InputTooLargeError(`more than ${NODES_MAX} nodes in one replica`)
      this.nodes.push(node)
      this.nodeIndex.set(node, index)
      this.seen.push([])
      this.heldCount.push(0)
    }
    return index
  }

  /** Returns the store of a collection, creating it empty when absent. */
  store(kind: CollectionKind, name: string): Store {
    // Streams of deltas usually touch one collection; skip building the key for a repeat.
    const last = this.lastStore
    if (last !== undefined && last.kind === kind && last.name === name) return last
    const key = storeKey(kind, name)
    let store = this.stores.get(key)
    if (store === undefined) {
      store = kind === 'set' ? new SetStore(name) : new LwwStore(kind, name)
      this.stores.set(key, store)
    }
    this.lastStore = store
    return store
  }

  /** Allocates the next dot of this replica. */
  protected nextSeq(): number {
    const ranges = this.seen[0] as Ranges
    const seq = ranges.length === 0 ? 1 : (ranges[ranges.length - 1] as number) + 1
    if (seq > SEQ_MAX) throw new InputTooLargeError(`more than ${SEQ_MAX} writes by one node`)
    addDot(ranges, seq)
    return seq
  }

  private holdDot(node: number, seq: number, holder: Holder): void {
    const sizeBefore = this.held.size
    this.held.set(dotKey(node, seq), holder)
    // One dot, one holder: a second holder would make the index drop the wrong entry on a later merge.
    assert(this.held.size === sizeBefore + 1, 'a dot is already held by another entry')
    this.heldCount[node] = (this.heldCount[node] as number) + 1
  }

  private releaseDot(node: number, seq: number): void {
    if (this.held.delete(dotKey(node, seq))) this.heldCount[node] = (this.heldCount[node] as number) - 1
  }

  // ---------------------------------------------------------------------------------------------
  // Local mutations. Each returns the delta that describes it.

  /** @internal Used by collection handles. */
  localWrite(store: LwwStore, key: string, value: Value, deleted: boolean): Delta {
    this.clock.tick()
    const seq = this.nextSeq()
    if (this.removals.size > 0) this.forgetSeenRemovals()
    const wallMs = this.clock.wallMs
    const logical = this.clock.logical
    const slot = new Slot(store, key, 0, seq, wallMs, logical, deleted, value)
    const previous = store.slots.get(key)
    if (previous !== undefined) {
      this.releaseDot(previous.node, previous.seq)
      if (previous.deleted) store.tombstones--
    }
    store.slots.set(key, slot)
    this.holdDot(0, seq, slot)
    if (deleted) store.tombstones++
    if (this.pendingChanges !== undefined) {
      this.pendingChanges.push({
        kind: store.kind,
        collection: store.name,
        key,
        value: deleted ? undefined : value,
        present: !deleted,
      })
    }
    const entry: EntryData = { key, node: 0, seq, wallMs, logical, deleted, value }
    return {
      nodes: [this.node],
      ranges: [[seq, seq]],
      collections: [{ kind: store.kind, name: store.name, entries: [entry], elements: NO_ELEMENTS }],
    }
  }

  /** @internal Used by collection handles. */
  localAdd(store: SetStore, value: Value): Delta {
    const key = elementKey(value)
    const seq = this.nextSeq()
    // A scoped delta may already have removed this very add (it named the dot before it existed):
    // the add still supersedes what it observed, but its own dot is not held, as on every replica
    // that merged that removal first.
    let blocked = false
    if (this.removals.size > 0) {
      blocked = this.removalBlocks(store, key, 0, seq)
      this.forgetSeenRemovals()
    }
    let element = store.elements.get(key)
    const deltaNodes: string[] = [this.node]
    const deltaRanges: Ranges[] = [[seq, seq]]
    if (element !== undefined) {
      // The add supersedes the dots it observed: they go into the delta's context, not its entries.
      this.contextOfDots(element.dots, deltaNodes, deltaRanges)
      this.forgetDots(element)
      if (blocked) {
        store.elements.delete(key)
        this.pendingChanges?.push({ kind: 'set', collection: store.name, key, value, present: false })
      } else {
        element.dots = [0, seq]
      }
    } else if (!blocked) {
      element = new Element(store, key, value, [0, seq])
      store.elements.set(key, element)
      this.pendingChanges?.push({ kind: 'set', collection: store.name, key, value, present: true })
    }
    if (!blocked) this.holdDot(0, seq, element as Element)
    return {
      nodes: deltaNodes,
      ranges: deltaRanges,
      collections: [
        { kind: 'set', name: store.name, entries: NO_ENTRIES, elements: [{ value, dots: [0, seq] }] },
      ],
    }
  }

  /** @internal Used by collection handles. */
  localRemove(store: SetStore, value: Value): Delta {
    const key = elementKey(value)
    const previous = store.elements.get(key)
    if (previous === undefined) return { nodes: [], ranges: [], collections: [] }
    const deltaNodes: string[] = []
    const deltaRanges: Ranges[] = []
    this.contextOfDots(previous.dots, deltaNodes, deltaRanges)
    this.forgetDots(previous)
    store.elements.delete(key)
    this.pendingChanges?.push({
      kind: 'set',
      collection: store.name,
      key,
      value: previous.value,
      present: false,
    })
    return {
      nodes: deltaNodes,
      ranges: deltaRanges,
      collections: [{ kind: 'set', name: store.name, entries: NO_ENTRIES, elements: [{ value, dots: [] }] }],
    }
  }

  /**
   * @internal The delta of a write at an explicit stamp and dot (see {@link WriteAt}); the caller
   * merges it. Map and register writes carry one entry; a set add carries the element with the dot
   * and supersedes the dots it observed; a set remove names the observed dots and consumes the dot
   * too, so a dense counter's context stays one range.
   */
  writeAtDelta(store: Store, key: string, value: Value, write: 'put' | 'delete', at: WriteAt): Delta {
    assertWriteAt(at, SEQ_MAX)
    const node = this.nodeIndex.get(at.node)
    if (node !== undefined) {
      const seen = this.seen[node] as Ranges
      if (seen.length > 0 && (seen[seen.length - 1] as number) >= at.seq) {
        throw new StaleDotError(`dot ${at.seq} of that id is not above the dots this replica has seen`)
      }
    }
    const nodes: string[] = [at.node]
    const ranges: Ranges[] = [[at.seq, at.seq]]
    if (store instanceof LwwStore) {
      const entry: EntryData = {
        key,
        node: 0,
        seq: at.seq,
        wallMs: at.wallMs,
        logical: at.logical,
        deleted: write === 'delete',
        value: write === 'delete' ? null : value,
      }
      return {
        nodes,
        ranges,
        collections: [{ kind: store.kind, name: store.name, entries: [entry], elements: NO_ELEMENTS }],
      }
    }
    const current = store.elements.get(elementKey(value))
    if (current !== undefined) this.contextOfDots(current.dots, nodes, ranges)
    const element: ElementData = { value, dots: write === 'put' ? [0, at.seq] : [] }
    return {
      nodes,
      ranges,
      collections: [{ kind: 'set', name: store.name, entries: NO_ENTRIES, elements: [element] }],
    }
  }

  private contextOfDots(dots: readonly number[], nodes: string[], ranges: Ranges[]): void {
    for (let index = 0; index < dots.length; index += 2) {
      const node = this.nodes[dots[index] as number] as string
      let position = nodes.indexOf(node)
      if (position < 0) {
        position = nodes.length
        nodes.push(node)
        ranges.push([])
      }
      const target = ranges[position] as Ranges
      const merged = rangesUnion(target, [dots[index + 1] as number, dots[index + 1] as number])
      ranges[position] = merged
    }
  }

  private forgetDots(element: Element): void {
    const dots = element.dots
    for (let index = 0; index < dots.length; index += 2) {
      this.releaseDot(dots[index] as number, dots[index + 1] as number)
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Merge

  /**
   * Merges a delta (or a full state, or a sync diff) into this replica, as `options` say (see
   * {@link MergeOptions}: scope, clamp, drift). Throws before changing anything when the delta is
   * invalid for a scoped merge (InvalidDeltaError) or, with the drift check, when a stamp is too far
   * ahead of the local clock (ClockDriftError). Returns whether the replica changed (new dots seen,
   * entries added or dropped, removals recorded): a delta that changes nothing is not forwarded
   * again, which is what stops relayed updates from circulating forever.
   */
  protected mergeDelta(input: Delta, options: CoreMergeOptions = NO_MERGE_OPTIONS): boolean {
    const delta = options.stampBoundMs === undefined ? input : clampDelta(input, options.stampBoundMs)
    const writerIds = options.writerIds
    if (writerIds !== undefined && options.validated !== true) {
      const reason = invalidReason(delta, writerIds)
      if (reason !== null) throw new InvalidDeltaError(reason)
    }
    if (options.dotOrder === 'ascending' && options.validated !== true) {
      const reason = this.staleDotReason(delta)
      if (reason !== null) throw new InvalidDeltaError(reason)
    }
    this.mutations = 0
    let maxWallMs = 0
    let maxLogical = 0
    for (const collection of delta.collections) {
      for (const entry of collection.entries) {
        if (entry.wallMs > maxWallMs || (entry.wallMs === maxWallMs && entry.logical > maxLogical)) {
          maxWallMs = entry.wallMs
          maxLogical = entry.logical
        }
      }
    }
    const drift = options.drift ?? 'refuse'
    if (maxWallMs > 0 && drift === 'refuse') this.clock.check(maxWallMs)

    const nodeCount = delta.nodes.length
    const local = new Array<number>(nodeCount)
    // The delta's context by local node index: all of it, or in a scoped merge the writer's ids only.
    const deltaSeen = new Map<number, Ranges>()
    // Scoped merge: the other ids' dots it names (the observed dots of its one set element).
    let foreign: ForeignDots[] | undefined
    let foreignSeen: Map<number, Ranges> | undefined
    for (let index = 0; index < nodeCount; index++) {
      const id = delta.nodes[index] as string
      const ranges = delta.ranges[index] as Ranges
      if (writerIds === undefined || writerIds.includes(id)) {
        const node = this.intern(id)
        local[index] = node
        deltaSeen.set(node, ranges)
      } else {
        // A foreign id is not interned: a delta cannot grow the node table with ids it made up.
        const node = this.nodeIndex.get(id) ?? -1
        local[index] = node
        if (ranges.length === 0) continue
        foreign ??= []
        foreign.push({ id, node, ranges })
        if (node >= 0) {
          foreignSeen ??= new Map()
          foreignSeen.set(node, ranges)
        }
      }
    }
    const epoch = ++this.epoch

    let scopeElement: { store: SetStore; value: Value } | undefined
    for (const collection of delta.collections) {
      const store = this.store(collection.kind, collection.name)
      if (store instanceof SetStore) {
        for (const element of collection.elements) {
          this.mergeElement(store, element, local, deltaSeen, epoch, foreignSeen)
          scopeElement = { store, value: element.value }
        }
      } else {
        for (const entry of collection.entries) this.mergeEntry(store, entry, local, deltaSeen, epoch)
      }
    }
    if (foreign !== undefined) {
      // invalidReason guarantees exactly one listed element when foreign dots are named.
      assert(scopeElement !== undefined, 'foreign dots without their set element')
      this.recordRemovals(scopeElement.store, scopeElement.value, foreign, options.isStrongId)
    }

    // Entries the delta does not mention, whose dots it has seen: overwritten or removed there.
    for (const [node, ranges] of deltaSeen) {
      const heldCount = this.heldCount[node] as number
      if (heldCount === 0 || ranges.length === 0) continue
      const overlap = rangesIntersect(ranges, this.seen[node] as Ranges)
      if (overlap.length === 0) continue
      if (rangesSize(overlap) <= heldCount) {
        for (let index = 0; index < overlap.length; index += 2) {
          const end = overlap[index + 1] as number
          for (let seq = overlap[index] as number; seq <= end; seq++) {
            const holder = this.held.get(dotKey(node, seq))
            if (holder !== undefined && holder.touched !== epoch) this.dropDot(holder, node, seq)
          }
        }
      } else {
        // The overlap is larger than what this node holds here: scan the held dots instead.
        const doomed: [Holder, number][] = []
        for (const [key, holder] of this.held) {
          if (dotNode(key) !== node) continue
          const seq = dotSeq(key)
          if (holder.touched !== epoch && rangesHas(overlap, seq)) doomed.push([holder, seq])
        }
        for (const [holder, seq] of doomed) this.dropDot(holder, node, seq)
      }
    }

    for (const [node, ranges] of deltaSeen) {
      if (ranges.length === 0) continue
      const seen = this.seen[node] as Ranges
      if (rangesCover(seen, ranges)) continue
      this.seen[node] = rangesUnion(seen, ranges)
      this.mutations++
    }
    if (this.removals.size > 0) this.forgetSeenRemovals()
    if (maxWallMs > 0) {
      if (drift === 'cap') this.clock.observeCapped(maxWallMs, maxLogical)
      else this.clock.observe(maxWallMs, maxLogical)
    }
    return this.mutations > 0
  }

  /**
   * @internal Why `delta` breaks ascending dot order here (see {@link MergeOptions.dotOrder}): a dot it carries
   * is not above every dot of its id this replica has seen. `null` when it does not.
   */
  staleDotReason(delta: Delta): string | null {
    for (const collection of delta.collections) {
      for (const entry of collection.entries) {
        if (this.seenAtOrAbove(delta.nodes[entry.node], entry.seq))
          return 'carries a dot at or below an earlier one'
      }
      for (const element of collection.elements) {
        for (let index = 0; index < element.dots.length; index += 2) {
          if (
            this.seenAtOrAbove(delta.nodes[element.dots[index] as number], element.dots[index + 1] as number)
          ) {
            return 'carries a dot at or below an earlier one'
          }
        }
      }
    }
    return null
  }

  /** Whether this replica has seen a dot of `id` at or above `seq`. */
  private seenAtOrAbove(id: string | undefined, seq: number): boolean {
    const node = id === undefined ? undefined : this.nodeIndex.get(id)
    if (node === undefined) return false
    const seen = this.seen[node] as Ranges
    return seen.length > 0 && (seen[seen.length - 1] as number) >= seq
  }

  /**
   * Records, against one set element only, the foreign dots a scoped delta removed there that this
   * replica neither holds nor has seen: a later add of that element carrying one of them is dropped,
   * as if the removal had come after it. Dots of strong ids are never recorded (strong writes reach
   * every replica in log order), nor dots already seen (held elsewhere, or gone).
   */
  private recordRemovals(
    store: SetStore,
    value: Value,
    foreign: readonly ForeignDots[],
    isStrongId: ((id: string) => boolean) | undefined,
  ): void {
    const key = elementKey(value)
    const recordKey = `${storeKey('set', store.name)}\u0000${key}`
    for (const { id, node, ranges } of foreign) {
      if (isStrongId?.(id) === true) continue
      const unseen = node < 0 ? ranges : rangesSubtract(ranges, this.seen[node] as Ranges)
      if (unseen.length === 0) continue
      let record = this.removals.get(recordKey)
      if (record === undefined) {
        record = { store, key, value, byNode: new Map() }
        this.removals.set(recordKey, record)
      }
      const before = record.byNode.get(id)
      if (before !== undefined && rangesCover(before, unseen)) continue
      record.byNode.set(id, before === undefined ? unseen.slice() : rangesUnion(before, unseen))
      this.mutations++
    }
  }

  /** Whether a removal record blocks the add of element `key` of `store` with dot (node, seq). */
  private removalBlocks(store: SetStore, key: string, node: number, seq: number): boolean {
    const record = this.removals.get(`${storeKey('set', store.name)}\u0000${key}`)
    if (record === undefined) return false
    const ranges = record.byNode.get(this.nodes[node] as string)
    return ranges !== undefined && rangesHas(ranges, seq)
  }

  /** Deletes the recorded dots this replica has now seen; a record lives only until then. */
  protected forgetSeenRemovals(): void {
    for (const [recordKey, record] of this.removals) {
      for (const [id, ranges] of record.byNode) {
        const node = this.nodeIndex.get(id)
        if (node === undefined) continue
        const left = rangesSubtract(ranges, this.seen[node] as Ranges)
        if (left.length === 0) record.byNode.delete(id)
        else if (left.length !== ranges.length || !rangesEqual(left, ranges)) record.byNode.set(id, left)
      }
      if (record.byNode.size === 0) this.removals.delete(recordKey)
    }
  }

  /**
   * Adds removal records read from {@link ReplicaCore.removalRecords} of a saved state: the state's
   * encoding (`encodeState`) does not carry them, so a snapshot that must behave like the replica it
   * was taken from saves them beside it and restores them here. Dots already seen are dropped.
   */
  restoreRemovalRecords(records: readonly RemovalRecord[]): void {
    for (const record of records) {
      const reason = invalidRanges(record.ranges)
      if (reason !== null) throw new InvalidValueError(`removal record: ${reason}`)
      assertValue(record.element)
      const store = this.store('set', record.collection) as SetStore
      this.recordRemovals(
        store,
        record.element,
        [{ id: record.node, node: this.nodeIndex.get(record.node) ?? -1, ranges: record.ranges.slice() }],
        undefined,
      )
    }
  }

  /**
   * The removal records (see {@link MergeOptions.writerIds}), canonically ordered: per set element,
   * the foreign dots a scoped delta removed there before this replica saw them.
   */
  removalRecords(): RemovalRecord[] {
    const out: RemovalRecord[] = []
    for (const record of this.removals.values()) {
      const ids = [...record.byNode.keys()].sort()
      for (const id of ids) {
        out.push({
          collection: record.store.name,
          element: record.value,
          node: id,
          ranges: (record.byNode.get(id) as Ranges).slice(),
        })
      }
    }
    out.sort(
      (left, right) =>
        compareText(left.collection, right.collection) ||
        compareText(elementKey(left.element), elementKey(right.element)) ||
        compareText(left.node, right.node),
    )
    return out
  }

  private dropDot(holder: Holder, node: number, seq: number): void {
    this.mutations++
    if (holder instanceof Slot) {
      this.removeSlot(holder)
      return
    }
    const dots = holder.dots
    const kept: number[] = []
    for (let index = 0; index < dots.length; index += 2) {
      if (dots[index] !== node || dots[index + 1] !== seq)
        kept.push(dots[index] as number, dots[index + 1] as number)
    }
    this.releaseDot(node, seq)
    holder.dots = kept
    if (kept.length === 0) {
      holder.store.elements.delete(holder.key)
      this.pendingChanges?.push({
        kind: 'set',
        collection: holder.store.name,
        key: holder.key,
        value: holder.value,
        present: false,
      })
    }
  }

  private removeSlot(slot: Slot): void {
    this.mutations++
    const store = slot.store
    store.slots.delete(slot.key)
    this.releaseDot(slot.node, slot.seq)
    if (slot.deleted) store.tombstones--
    else {
      this.pendingChanges?.push({
        kind: store.kind,
        collection: store.name,
        key: slot.key,
        value: undefined,
        present: false,
      })
    }
  }

  private mergeEntry(
    store: LwwStore,
    entry: EntryData,
    local: readonly number[],
    deltaSeen: Map<number, Ranges>,
    epoch: number,
  ): void {
    const node = local[entry.node] as number
    const current = store.slots.get(entry.key)
    if (current !== undefined && current.node === node && current.seq === entry.seq) {
      current.touched = epoch
      return
    }
    const keepIncoming = !rangesHas(this.seen[node] as Ranges, entry.seq)
    const keepCurrent = current !== undefined && !hasDot(deltaSeen, current.node, current.seq)
    if (keepIncoming && (!keepCurrent || this.beats(entry, node, current as Slot))) {
      if (current !== undefined) {
        this.releaseDot(current.node, current.seq)
        if (current.deleted) store.tombstones--
      }
      const slot = new Slot(
        store,
        entry.key,
        node,
        entry.seq,
        entry.wallMs,
        entry.logical,
        entry.deleted,
        entry.value,
      )
      slot.touched = epoch
      store.slots.set(entry.key, slot)
      this.mutations++
      this.holdDot(node, entry.seq, slot)
      if (entry.deleted) store.tombstones++
      if (
        this.pendingChanges !== undefined &&
        !(entry.deleted && (current === undefined || current.deleted))
      ) {
        this.pendingChanges.push({
          kind: store.kind,
          collection: store.name,
          key: entry.key,
          value: entry.deleted ? undefined : entry.value,
          present: !entry.deleted,
        })
      }
    } else if (keepCurrent) {
      ;(current as Slot).touched = epoch
    } else if (current !== undefined) {
      this.removeSlot(current)
    }
  }

  /**
   * Whether a stamp (an incoming entry's or another slot's), written by local node `node`, beats a
   * slot's: wall clock, then logical, then node id.
   */
  private beats(stamp: Pick<EntryData, 'wallMs' | 'logical'>, node: number, slot: Slot): boolean {
    if (stamp.wallMs !== slot.wallMs) return stamp.wallMs > slot.wallMs
    if (stamp.logical !== slot.logical) return stamp.logical > slot.logical
    return (this.nodes[node] as string) > (this.nodes[slot.node] as string)
  }

  private mergeElement(
    store: SetStore,
    element: ElementData,
    local: readonly number[],
    deltaSeen: Map<number, Ranges>,
    epoch: number,
    foreignSeen: Map<number, Ranges> | undefined,
  ): void {
    const key = elementKey(element.value)
    const current = store.elements.get(key)
    const incoming = element.dots
    const kept: number[] = []
    if (current !== undefined) {
      const dots = current.dots
      for (let index = 0; index < dots.length; index += 2) {
        const node = dots[index] as number
        const seq = dots[index + 1] as number
        const removed =
          !hasLocalDot(incoming, local, node, seq) &&
          (hasDot(deltaSeen, node, seq) || (foreignSeen !== undefined && hasDot(foreignSeen, node, seq)))
        if (removed) this.releaseDot(node, seq)
        else kept.push(node, seq)
      }
    }
    const target = current ?? new Element(store, key, element.value, kept)
    for (let index = 0; index < incoming.length; index += 2) {
      const node = local[incoming[index] as number] as number
      const seq = incoming[index + 1] as number
      if (rangesHas(this.seen[node] as Ranges, seq)) continue
      if (hasPair(kept, node, seq)) continue
      // A scoped delta removed this add of this element before it arrived: it stays removed.
      if (this.removals.size > 0 && this.removalBlocks(store, key, node, seq)) continue
      kept.push(node, seq)
      this.holdDot(node, seq, target)
    }
    if (
      current === undefined
        ? kept.length > 0
        : kept.length !== current.dots.length || !sameDots(kept, current.dots)
    ) {
      this.mutations++
    }
    target.dots = kept
    target.touched = epoch
    if (kept.length === 0) {
      if (current !== undefined) {
        store.elements.delete(key)
        this.pendingChanges?.push({
          kind: 'set',
          collection: store.name,
          key,
          value: current.value,
          present: false,
        })
      }
    } else if (current === undefined) {
      store.elements.set(key, target)
      this.pendingChanges?.push({
        kind: 'set',
        collection: store.name,
        key,
        value: element.value,
        present: true,
      })
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Export

  /** This replica's causal context (its version vector, with gaps when deltas arrived out of order). */
  context(): CausalContext {
    const nodes: string[] = []
    const ranges: Ranges[] = []
    for (let index = 0; index < this.nodes.length; index++) {
      const seen = this.seen[index] as Ranges
      if (seen.length === 0) continue
      nodes.push(this.nodes[index] as string)
      ranges.push(seen.slice())
    }
    return { nodes, ranges }
  }

  /**
   * What a peer with causal context `peer` lacks: the entries whose dots it has not seen, and a
   * context that also tells it which dots it may hold that this replica overwrote or removed.
   * Merging the result at the peer equals merging this replica's whole state there.
   * With no argument, returns the whole state.
   */
  diff(peer?: CausalContext): Delta {
    // Peer context by local node index (nodes unknown here cannot be held here either).
    const peerSeen: (Ranges | undefined)[] = new Array(this.nodes.length)
    if (peer !== undefined) {
      for (let index = 0; index < peer.nodes.length; index++) {
        const local = this.nodeIndex.get(peer.nodes[index] as string)
        if (local !== undefined) peerSeen[local] = peer.ranges[index] as Ranges
      }
    }
    const deltaIndex = new Map<number, number>()
    const nodes: string[] = []
    const ranges: Ranges[] = []
    const indexOf = (node: number): number => {
      let position = deltaIndex.get(node)
      if (position === undefined) {
        position = nodes.length
        deltaIndex.set(node, position)
        nodes.push(this.nodes[node] as string)
        ranges.push([])
      }
      return position
    }
    // Context: everything seen here, minus the dots held here that the peer has already seen.
    const heldSharedByNode: number[][] = []
    if (peer !== undefined) {
      for (const key of this.held.keys()) {
        const node = dotNode(key)
        const theirs = peerSeen[node]
        const seq = dotSeq(key)
        if (theirs === undefined || !rangesHas(theirs, seq)) continue
        let list = heldSharedByNode[node]
        if (list === undefined) {
          list = []
          heldSharedByNode[node] = list
        }
        list.push(seq)
      }
    }
    for (let node = 0; node < this.nodes.length; node++) {
      const seen = this.seen[node] as Ranges
      if (seen.length === 0) continue
      const theirs = peerSeen[node]
      let context: Ranges
      if (theirs === undefined || theirs.length === 0) {
        context = seen.slice()
      } else {
        const heldShared = heldSharedByNode[node] ?? []
        heldShared.sort((left, right) => left - right)
        context = rangesSubtract(seen, rangesFromSorted(heldShared))
      }
      if (context.length > 0) ranges[indexOf(node)] = context
    }
    const collections: CollectionDelta[] = []
    for (const store of this.stores.values()) {
      if (store instanceof SetStore) {
        const elements: ElementData[] = []
        for (const element of store.elements.values()) {
          const dots: number[] = []
          for (let index = 0; index < element.dots.length; index += 2) {
            const node = element.dots[index] as number
            const seq = element.dots[index + 1] as number
            const theirs = peerSeen[node]
            if (theirs === undefined || !rangesHas(theirs, seq)) dots.push(indexOf(node), seq)
          }
          if (dots.length > 0) elements.push({ value: element.value, dots })
        }
        if (elements.length > 0) {
          collections.push({ kind: 'set', name: store.name, entries: NO_ENTRIES, elements })
        }
      } else {
        const entries: EntryData[] = []
        for (const slot of store.slots.values()) {
          const theirs = peerSeen[slot.node]
          if (theirs !== undefined && rangesHas(theirs, slot.seq)) continue
          entries.push({
            key: slot.key,
            node: indexOf(slot.node),
            seq: slot.seq,
            wallMs: slot.wallMs,
            logical: slot.logical,
            deleted: slot.deleted,
            value: slot.value,
          })
        }
        if (entries.length > 0) {
          collections.push({ kind: store.kind, name: store.name, entries, elements: NO_ELEMENTS })
        }
      }
    }
    // Nodes added by indexOf for entries always have a non-empty context range already.
    return { nodes, ranges, collections }
  }

  // ---------------------------------------------------------------------------------------------
  // Tombstone garbage collection

  /** Records the causal context a peer reported, so that tombstones it has seen can be collected. */
  protected notePeerContext(peer: string, context: CausalContext): void {
    const peerIndex = this.intern(peer)
    if (peerIndex === 0) return
    let known = this.peerSeen.get(peerIndex)
    if (known === undefined) {
      known = []
      this.peerSeen.set(peerIndex, known)
    }
    for (let index = 0; index < context.nodes.length; index++) {
      const node = this.intern(context.nodes[index] as string)
      known[node] = rangesUnion(known[node] ?? [], context.ranges[index] as Ranges)
    }
  }

  /**
   * Drops tombstones that are causally stable: every member has reported a context that covers the
   * tombstone, and this replica has itself seen everything those reports cover. The second condition
   * means every write concurrent with the delete has already arrived here and been resolved against
   * it, so the tombstone has nothing left to beat; later writes are causally after it and carry larger
   * stamps. Members are the configured `members`, or else every node in the node table (each writer
   * and each peer that reported a context). A replica that never reported keeps every tombstone alive.
   *
   * The tombstone carrying the greatest stamp of the whole replica is never collected: the state must
   * keep its clock's high-water mark, because a replica restarted from its saved state resumes its HLC
   * from the stamps in it. Without it, a restart onto a slower wall clock issued stamps below the
   * replica's own earlier writes (found by @tandem/sim, CRDT seed 13807). Every replica keeps the same
   * one once their states agree, so converged states stay byte-identical.
   */
  protected collectTombstones(): number {
    const members = this.members ?? this.nodes.map((_, index) => index).slice(1)
    for (const member of members) {
      const known = this.peerSeen.get(member)
      if (known === undefined) return 0
      for (let node = 0; node < known.length; node++) {
        const ranges = known[node]
        if (ranges !== undefined && !rangesCover(this.seen[node] as Ranges, ranges)) return 0
      }
    }
    const doomed: Slot[] = []
    for (const store of this.stores.values()) {
      if (store instanceof SetStore || store.tombstones === 0) continue
      for (const slot of store.slots.values()) {
        if (slot.deleted && this.seenByAll(members, slot.node, slot.seq)) doomed.push(slot)
      }
    }
    if (doomed.length === 0) return 0
    // Scans every slot, so only once something could be collected.
    const highWaterMark = this.greatestSlot()
    let collected = 0
    for (const slot of doomed) {
      if (slot === highWaterMark) continue
      this.removeSlot(slot)
      collected++
    }
    return collected
  }

  /** The map or register slot (live or tombstone) with the greatest stamp, ties broken by node id. */
  private greatestSlot(): Slot | undefined {
    let greatest: Slot | undefined
    for (const store of this.stores.values()) {
      if (store instanceof SetStore) continue
      for (const slot of store.slots.values()) {
        if (greatest === undefined || this.beats(slot, slot.node, greatest)) greatest = slot
      }
    }
    return greatest
  }

  private seenByAll(members: readonly number[], node: number, seq: number): boolean {
    for (const member of members) {
      const ranges = (this.peerSeen.get(member) as Ranges[])[node]
      if (ranges === undefined || !rangesHas(ranges, seq)) return false
    }
    return true
  }
}

/**
 * Dots are indexed by one number: seq * NODE_FACTOR + node. With at most 2^21 nodes per replica and
 * sequence numbers below 2^32 (both enforced), the key stays a safe integer.
 */
const NODE_FACTOR = 2 ** 21
export const NODES_MAX = NODE_FACTOR
export const SEQ_MAX = 2 ** 32 - 1

export function dotKey(node: number, seq: number): number {
  return seq * NODE_FACTOR + node
}

function dotNode(key: number): number {
  return key % NODE_FACTOR
}

function dotSeq(key: number): number {
  return Math.floor(key / NODE_FACTOR)
}

function hasDot(seen: Map<number, Ranges>, node: number, seq: number): boolean {
  const ranges = seen.get(node)
  return ranges !== undefined && rangesHas(ranges, seq)
}

function hasPair(dots: readonly number[], node: number, seq: number): boolean {
  for (let index = 0; index < dots.length; index += 2) {
    if (dots[index] === node && dots[index + 1] === seq) return true
  }
  return false
}

/** Whether delta-table dots `dots` contain the local dot (node, seq). */
function hasLocalDot(dots: readonly number[], local: readonly number[], node: number, seq: number): boolean {
  for (let index = 0; index < dots.length; index += 2) {
    if (local[dots[index] as number] === node && dots[index + 1] === seq) return true
  }
  return false
}

function sameDots(left: readonly number[], right: readonly number[]): boolean {
  for (let index = 0; index < left.length; index++) if (left[index] !== right[index]) return false
  return true
}

function rangesFromSorted(sorted: readonly number[]): Ranges {
  const out: Ranges = []
  for (const seq of sorted) {
    const length = out.length
    if (length > 0 && out[length - 1] === seq - 1) out[length - 1] = seq
    else out.push(seq, seq)
  }
  return out
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0
}
