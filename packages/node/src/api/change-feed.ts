/**
 * Change events of the collections API (`subscribe`): what the local view V shows changed, with
 * where the change came from, and the refusal of an own acknowledged eventual write at its fold.
 *
 * An event means "V now reads this": the feed keeps, per subscribed collection, the values it last
 * reported, and after anything that may have changed V it reads V again at the keys concerned and
 * reports only the keys whose value differs. So a fold of a batch V held already, or a strong write
 * that a later pending eventual write shadows in V, reports nothing; a write refused by a rule
 * reports nothing either (its writer gets a `refused` event once the fold refuses it).
 *
 * What may have changed V, and where it came from:
 * - a value change in C's replica: a strong write (announced by C just before it applies, with its
 *   writer) or a folded eventual batch (its stream names the writer);
 * - a pending batch V took (own or pushed), and the held batches of its stream it made contiguous;
 * - a change of a collection's rules, or of a control entry that can rebuild V (standing, cutoffs,
 *   constants, epochs): every subscribed collection is compared whole;
 * - a fold while V still holds pending batches (the fold may have closed a gap before held ones).
 *
 * V is read in a microtask after the change, never while C is applying: V rebuilds lazily from C,
 * and a rebuild in the middle of an entry would miss the rest of it.
 */
import { encodeValue, type Value, valuesEqual } from '@tandem/crdt'
import { toString as bytesToHex } from 'uint8arrays'
import { type CollectionRules, sameRules } from '../core/collections.js'
import type { CommittedChange, CommittedState } from '../core/committed-state.js'
import { parseStreamId, type StreamId, type WriteId, type WriterKey } from '../core/ids.js'
import type { LocalView, PendingBatch } from '../core/local-view.js'
import type { AppliedEntry, LogApplier } from '../core/log-applier.js'

/** The kinds of collection. */
export type CollectionKind = 'map' | 'set' | 'register'

/** Where a change came from: this node or another, through the Raft log or a delta stream. */
export interface ChangeOrigin {
  readonly source: 'local' | 'remote'
  readonly consistency: 'strong' | 'eventual'
}

/** An acknowledged eventual write of this node that a collection rule refused at its fold. */
export interface RefusedEvent {
  readonly kind: 'refused'
  readonly collection: string
  readonly writeId: WriteId
  readonly reason: 'collection-refuses-eventual' | 'writer-not-allowed'
}

/** A change as the feed reports it; handles give it their typed form. */
export type FeedEvent =
  | {
      readonly kind: 'change'
      readonly collection: string
      /** The map key; `''` for a register; the element's canonical encoding (hex) for a set. */
      readonly key: string
      /** The set element (sets only). */
      readonly element: Value | undefined
      /** The new value (maps, registers); `undefined` when deleted or cleared. */
      readonly value: Value | undefined
      /** Whether the key or element is present now. */
      readonly present: boolean
      readonly origin: ChangeOrigin
    }
  | RefusedEvent

/** What the feed reads of the node core: C, its applier and V, replaced when a snapshot is restored. */
export interface FeedSource {
  readonly committed: CommittedState
  readonly applier: LogApplier
  readonly view: LocalView
}

/** Control entries that cannot change what V reads (V neither clamps nor checks incarnations). */
const INERT_CONTROLS = new Set(['clock', 'open', 'promote', 'fold'])
const REMOTE_STRONG: ChangeOrigin = Object.freeze({ source: 'remote', consistency: 'strong' })
const REMOTE_EVENTUAL: ChangeOrigin = Object.freeze({ source: 'remote', consistency: 'eventual' })

interface DirtyKey {
  readonly element: Value | undefined
  readonly origin: ChangeOrigin
}

interface Subscription {
  readonly kind: CollectionKind
  readonly name: string
  readonly listeners: Set<(event: FeedEvent) => void>
  /** What the feed last reported V to read, by key (sets: by the element's canonical encoding). */
  values: Map<string, Value>
  rules: CollectionRules
  /** The writer of the last strong batch that wrote this collection (a declaration among them). */
  lastStrongWriter: WriterKey | null
  readonly dirty: Map<string, DirtyKey>
  /** Compare the whole collection at the next flush, with this origin for keys without their own. */
  whole: ChangeOrigin | null
  readonly refused: RefusedEvent[]
}

/** The canonical identity of a set element: its canonical value encoding, in hex. */
export function elementIdentity(element: Value): string {
  return bytesToHex(encodeValue(element), 'base16')
}

/** The change events of one node's collections. */
export class ChangeFeed {
  readonly #source: () => FeedSource
  readonly #key: WriterKey
  readonly #subscriptions = new Map<string, Subscription>()
  #detach: (() => void)[] = []
  #attachedTo: CommittedState | null = null
  /** The writer of the strong batch C is applying (announced before its operations apply). */
  #strongWriter: WriterKey | null = null
  #foldApplied = false
  #flushScheduled = false

  /** `source` is read afresh after a restore; `key` is this node's writer key. */
  constructor(source: () => FeedSource, key: WriterKey) {
    this.#source = source
    this.#key = key
  }

  /** Listens to changes of collection `name` of `kind` in V. Returns the unsubscribe function. */
  subscribe(kind: CollectionKind, name: string, listener: (event: FeedEvent) => void): () => void {
    const id = `${kind}:${name}`
    let subscription = this.#subscriptions.get(id)
    if (subscription === undefined) {
      this.#attach()
      const source = this.#source()
      subscription = {
        kind,
        name,
        listeners: new Set(),
        values: readAll(source.view, kind, name),
        rules: rulesOf(source.committed, name),
        lastStrongWriter: null,
        dirty: new Map(),
        whole: null,
        refused: [],
      }
      this.#subscriptions.set(id, subscription)
    }
    const owned = subscription
    owned.listeners.add(listener)
    return () => {
      owned.listeners.delete(listener)
      if (owned.listeners.size > 0 || this.#subscriptions.get(id) !== owned) return
      this.#subscriptions.delete(id)
      if (this.#subscriptions.size === 0) this.#release()
    }
  }

  /**
   * A Raft snapshot replaced C, its applier and V: listens to the new ones and compares every
   * subscribed collection whole against what it last reported (as changes from the log).
   */
  restored(): void {
    if (this.#subscriptions.size > 0) this.#attach()
  }

  /** Listens to the current C, applier and V (again, after a restore replaced them). */
  #attach(): void {
    const source = this.#source()
    if (this.#attachedTo === source.committed) return
    const data = source.committed.data
    if (data === null) {
      // A node waiting for the epoch keys of a restored snapshot runs on its public part for a
      // while: the feed waits for the next `restored()`, keeping what it last reported.
      if (this.#attachedTo !== null) this.#release()
      if (this.#subscriptions.size > 0) return
      throw new RangeError('collections: a keyless node has no values to watch')
    }
    if (this.#attachedTo !== null) this.#release()
    // Subscriptions that outlived the C they listened to compare what they reported with the new V.
    if (this.#subscriptions.size > 0) {
      for (const subscription of this.#subscriptions.values()) subscription.whole = REMOTE_STRONG
      this.#scheduleFlush()
    }
    this.#attachedTo = source.committed
    this.#detach = [
      source.committed.onChange((change) => this.#onCommitted(change)),
      data.replica.onChange((event) => {
        for (const change of event.changes) {
          const subscription = this.#subscriptions.get(`${change.kind}:${change.collection}`)
          if (subscription === undefined) continue
          const origin =
            event.origin === 'local'
              ? this.#originOfKey(this.#strongWriter, 'strong')
              : this.#originOfStream(event.peer)
          const element = change.kind === 'set' ? change.value : undefined
          this.#mark(
            subscription,
            element === undefined ? change.key : elementIdentity(element),
            element,
            origin,
          )
        }
      }),
      source.view.onPendingAdded((stream, batches) => this.#onPending(stream, batches)),
      source.applier.onApplied((entry) => this.#onApplied(entry)),
    ]
  }

  #release(): void {
    for (const detach of this.#detach) detach()
    this.#detach = []
    this.#attachedTo = null
  }

  #onCommitted(change: CommittedChange): void {
    if (change.kind === 'strong') {
      this.#strongWriter = change.writer
      for (const collection of change.collections) {
        const subscription = this.#subscriptions.get(collection)
        if (subscription !== undefined) subscription.lastStrongWriter = change.writer
      }
      // A declaration changes no value but may change the rules: the flush compares them.
      this.#scheduleFlush()
      return
    }
    if (change.operation === 'fold') this.#foldApplied = true
    else if (!INERT_CONTROLS.has(change.operation))
      for (const subscription of this.#subscriptions.values()) subscription.whole ??= REMOTE_STRONG
    this.#scheduleFlush()
  }

  #onPending(stream: StreamId, batches: readonly PendingBatch[]): void {
    const origin = this.#originOfStream(stream)
    for (const batch of batches) {
      for (const delta of batch.deltas) {
        for (const collection of delta.collections) {
          const subscription = this.#subscriptions.get(`${collection.kind}:${collection.name}`)
          if (subscription === undefined) continue
          for (const entry of collection.entries) this.#mark(subscription, entry.key, undefined, origin)
          for (const element of collection.elements)
            this.#mark(subscription, elementIdentity(element.value), element.value, origin)
        }
      }
    }
  }

  #onApplied(entry: AppliedEntry): void {
    for (const refused of entry.refusedEventual) {
      if (parseStreamId(refused.stream)?.key !== this.#key) continue
      for (const collection of refused.collections) {
        const subscription = this.#subscriptions.get(collection)
        if (subscription === undefined) continue
        for (const writeId of refused.writeIds)
          subscription.refused.push({
            kind: 'refused',
            collection: subscription.name,
            writeId,
            reason: refused.reason,
          })
        this.#scheduleFlush()
      }
    }
  }

  #mark(subscription: Subscription, key: string, element: Value | undefined, origin: ChangeOrigin): void {
    subscription.dirty.set(key, { element, origin })
    this.#scheduleFlush()
  }

  #originOfKey(writer: WriterKey | null, consistency: 'strong' | 'eventual'): ChangeOrigin {
    return { source: writer === this.#key ? 'local' : 'remote', consistency }
  }

  #originOfStream(stream: string | undefined): ChangeOrigin {
    const parsed = stream === undefined ? null : parseStreamId(stream)
    return parsed === null ? REMOTE_EVENTUAL : this.#originOfKey(parsed.key, 'eventual')
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return
    this.#flushScheduled = true
    void Promise.resolve().then(() => this.#flush())
  }

  #flush(): void {
    this.#flushScheduled = false
    const source = this.#source()
    if (this.#attachedTo !== source.committed) {
      // A snapshot replaced C and V since the listeners were attached (or the node waits for the
      // keys of one): attach to the new ones, whose first flush compares everything.
      if (this.#attachedTo !== null) this.restored()
      return
    }
    const foldApplied = this.#foldApplied
    this.#foldApplied = false
    const gapsMayHaveClosed = foldApplied && source.view.pendingCount > 0
    for (const subscription of [...this.#subscriptions.values()]) {
      const rules = rulesOf(source.committed, subscription.name)
      if (!sameRules(rules, subscription.rules)) {
        subscription.rules = rules
        subscription.whole ??= this.#originOfKey(subscription.lastStrongWriter, 'strong')
      }
      if (gapsMayHaveClosed) subscription.whole ??= REMOTE_EVENTUAL
      const events = this.#changes(source.view, subscription)
      events.push(...subscription.refused.splice(0))
      for (const event of events) for (const listener of [...subscription.listeners]) listener(event)
    }
  }

  /** The changes of one subscription since the last flush (and resets what it had marked). */
  #changes(view: LocalView, subscription: Subscription): FeedEvent[] {
    const { kind, name, dirty, whole } = subscription
    const events: FeedEvent[] = []
    const report = (
      key: string,
      element: Value | undefined,
      now: Value | undefined,
      origin: ChangeOrigin,
    ) => {
      const before = subscription.values.get(key)
      if (now === undefined ? before === undefined : before !== undefined && valuesEqual(before, now)) return
      if (now === undefined) subscription.values.delete(key)
      else subscription.values.set(key, now)
      events.push({
        kind: 'change',
        collection: name,
        key,
        element: kind === 'set' ? (element ?? before ?? now) : undefined,
        value: kind === 'set' ? undefined : now,
        present: now !== undefined,
        origin,
      })
    }
    if (whole !== null) {
      const current = readAll(view, kind, name)
      const keys = new Set([...subscription.values.keys(), ...current.keys()])
      for (const key of keys) report(key, undefined, current.get(key), dirty.get(key)?.origin ?? whole)
    } else {
      for (const [key, { element, origin }] of dirty)
        report(key, element, readOne(view, kind, name, key, element), origin)
    }
    dirty.clear()
    subscription.whole = null
    return events
  }
}

function rulesOf(committed: CommittedState, name: string): CollectionRules {
  const data = committed.data
  if (data === null) throw new RangeError('collections: a keyless node has no collection rules')
  return data.collections.rules(name)
}

/** What V reads for the whole collection, keyed as the feed keys it (sets: element identity → element). */
function readAll(view: LocalView, kind: CollectionKind, name: string): Map<string, Value> {
  switch (kind) {
    case 'map':
      return new Map(view.map(name).entries())
    case 'set':
      return new Map([...view.set(name).values()].map((element) => [elementIdentity(element), element]))
    case 'register': {
      const value = view.register(name).get()
      return value === undefined ? new Map() : new Map([['', value]])
    }
  }
}

/** What V reads at one key (sets: the element when present). */
function readOne(
  view: LocalView,
  kind: CollectionKind,
  name: string,
  key: string,
  element: Value | undefined,
): Value | undefined {
  switch (kind) {
    case 'map':
      return view.map(name).get(key)
    case 'set':
      return element !== undefined && view.set(name).has(element) ? element : undefined
    case 'register':
      return view.register(name).get()
  }
}
