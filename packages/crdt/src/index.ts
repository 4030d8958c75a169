/**
 * @tandem/crdt — conflict-free replicated data for Tandem's eventual writes: a hybrid logical clock,
 * LWW registers and maps, add-wins OR-Sets, delta-state merge, a compact binary codec and a pure
 * anti-entropy sync machine. Pure: no I/O, no timers, no ambient clock or randomness.
 *
 * @example
 * ```ts
 * import { Replica, SyncSession } from '@tandem/crdt'
 *
 * const a = new Replica({ node: 'A', now: () => Date.now() })
 * const b = new Replica({ node: 'B', now: () => Date.now() })
 * a.map<string>('todos').set('t1', 'write the README')
 *
 * const sa = new SyncSession(a, { peer: 'B' })
 * const sb = new SyncSession(b, { peer: 'A' })
 * let toB = sa.start()
 * while (toB.length > 0) {
 *   const toA = toB.flatMap((m) => sb.receive(m))
 *   toB = toA.flatMap((m) => sa.receive(m))
 * }
 * b.map<string>('todos').get('t1') // 'write the README'
 * ```
 *
 * @packageDocumentation
 */

/**
 * Binary codec of deltas and states (versioned; safe on untrusted bytes).
 *
 * @example
 * ```ts
 * const bytes = encodeDelta(replica.map('m').set('k', 1))
 * other.apply(decodeDelta(bytes, { bytesMax: 1 << 20 }))
 * ```
 */
export { decodeDelta, encodeDelta } from './codec/delta-codec.js'
/**
 * Decoder size limits.
 *
 * @example
 * ```ts
 * const limits: DecodeLimits = { bytesMax: 4 * 1024 * 1024, entriesMax: 100_000 }
 * decodeSyncMessage(bytes, limits)
 * ```
 */
export type { DecodeLimits } from './codec/limits.js'
/**
 * One value alone in the canonical value encoding (equal values, equal bytes), decoded with limits.
 *
 * @example
 * ```ts
 * import { decodeValue, encodeValue } from '@tandem/crdt'
 * console.log(decodeValue(encodeValue({ qty: 3, tags: ['a'] }))) // { qty: 3, tags: ['a'] }
 * ```
 */
export { decodeValue, encodeValue } from './codec/value-codec.js'
/**
 * Last-writer-wins map handle, from `replica.map(name)`.
 *
 * @example
 * ```ts
 * const users = replica.map<{ name: string }>('users')
 * users.set('u1', { name: 'Ada' })
 * users.delete('u1')
 * ```
 */
export { LWWMap } from './collections/lww-map.js'
/**
 * Last-writer-wins register handle, from `replica.register(name)`.
 *
 * @example
 * ```ts
 * const title = replica.register<string>('title')
 * title.set('Plan')
 * title.get() // 'Plan'
 * ```
 */
export { LWWRegister } from './collections/lww-register.js'
/**
 * Add-wins observed-remove set handle, from `replica.set(name)`.
 *
 * @example
 * ```ts
 * const tags = replica.set<string>('tags')
 * tags.add('urgent')
 * tags.delete('urgent')
 * ```
 */
export { ORSet } from './collections/or-set.js'
/**
 * Delta and context shapes: a delta, a diff and a state are the same type.
 *
 * @example
 * ```ts
 * const delta: Delta = replica.map('m').set('k', 1)
 * const vector: CausalContext = replica.context()
 * ```
 */
export type {
  CausalContext,
  CollectionDelta,
  CollectionKind,
  Delta,
  ElementData,
  EntryData,
} from './core/delta.js'
/**
 * Clock types.
 *
 * @example
 * ```ts
 * const stamp: Timestamp = { wallMs: 1, logical: 0, node: 'A' }
 * const options: HLCOptions = { node: 'A', now: () => 0 }
 * ```
 */
export type { HLCOptions, Timestamp } from './core/hlc.js'

/**
 * Hybrid logical clock with an injected wall clock and a drift bound.
 *
 * @example
 * ```ts
 * const clock = new HLC({ node: 'A', now: () => Date.now() })
 * const stamp = clock.now()
 * clock.receive({ wallMs: stamp.wallMs + 10, logical: 0 }) // throws ClockDriftError if > 60 s ahead
 * ```
 */
export { compareTimestamps, DRIFT_MS_MAX_DEFAULT, HLC } from './core/hlc.js'
/**
 * Options of a merge ({@link Replica.apply}, {@link Replica.applyBatch}): the scoped merge of a delta
 * sealed by one writer (`writerIds`, `isStrongId`), the clamp of its stamps (`stampBoundMs`) and the
 * merge that never refuses for time (`drift: 'cap'`).
 *
 * @example
 * ```ts
 * const options: MergeOptions = {
 *   writerIds: ['W:inc1:0'],
 *   isStrongId: (id) => id.startsWith('log:'),
 *   stampBoundMs: logTimeMs + driftMaxMs,
 *   drift: 'cap',
 * }
 * committed.apply(delta, { origin: 'remote', peer: 'W' }, options)
 * ```
 */
export type { MergeOptions } from './core/merge-options.js'
/**
 * A removal record of the scoped merge: foreign dots a delta removed at one set element before this
 * replica saw them (an add of that element carrying one is dropped until the dot is seen). Read them
 * with `replica.removalRecords()`.
 *
 * @example
 * ```ts
 * const records: RemovalRecord[] = replica.removalRecords()
 * for (const record of records) console.log(record.collection, record.element, record.node, record.ranges)
 * ```
 */
/**
 * Event shapes: where a change came from (`origin` 'local' | 'remote', and the `peer`), and what changed.
 *
 * @example
 * ```ts
 * replica.onChange((event: ChangeEvent) => {
 *   for (const change of event.changes) console.log(event.origin, change.collection, change.key, change.present)
 * })
 * ```
 */
export type { Change, ChangeEvent, Origin, RemovalRecord } from './core/replica-core.js'
/**
 * The scoped merge's validation and the clamp, as pure functions. `invalidReason(delta, writerIds)`
 * says why a delta sealed by the writer with those CRDT ids may not merge (`null`: it may);
 * `clampDelta(delta, boundMs)` lowers every stamp above the bound to (bound, its logical).
 *
 * @example
 * ```ts
 * const reason = invalidReason(delta, ['W:inc1:0'])
 * if (reason !== null) refuse(reason) // one invalid delta: none of the batch merges
 * const folded = clampDelta(delta, logTimeMs + driftMaxMs) // identical on every node
 * ```
 */
export { clampDelta, invalidReason } from './core/scope.js'
/**
 * Values a collection holds: JSON-compatible data and Uint8Array.
 *
 * @example
 * ```ts
 * const value: Value = { name: 'Ada', avatar: new Uint8Array([1, 2, 3]), tags: ['x'] }
 * ```
 */
export type { Value } from './core/value.js'
/**
 * Deep equality of two values (object key order ignored).
 *
 * @example
 * ```ts
 * valuesEqual({ a: 1, b: 2 }, { b: 2, a: 1 }) // true
 * ```
 */
export { valuesEqual } from './core/value.js'
/**
 * An explicit stamp and dot for a write: pass it as the last argument of a collection write
 * (`map.set(key, value, at)`, `map.delete(key, at)`, `register.set(value, at)`, `register.clear(at)`,
 * `set.add(value, at)`, `set.delete(value, at)`). The hybrid node stamps strong writes at apply this
 * way, with dots from a dense counter under the id `log` ‖ ⌊k/2^31⌋.
 *
 * @example
 * ```ts
 * const k = 41 // the strong operation counter
 * const at: WriteAt = { node: `log:${Math.floor(k / 2 ** 31)}`, seq: (k % 2 ** 31) + 1, wallMs: 1_700_000_000_000, logical: 3 }
 * committed.map<number>('stock').set('sku-1', 7, at)
 * ```
 */
export type { WriteAt } from './core/write-at.js'
/**
 * Typed errors, each with a stable `code`.
 *
 * @example
 * ```ts
 * try { replica.apply(decodeDelta(bytes)) } catch (error) {
 *   if (error instanceof MalformedInputError) log(error.code) // 'CRDT_MALFORMED_INPUT'
 * }
 * ```
 */
export {
  ClockDriftError,
  InputTooLargeError,
  InvalidClockError,
  InvalidDeltaError,
  InvalidValueError,
  MalformedInputError,
  StaleDotError,
  SyncProtocolError,
  UnsupportedVersionError,
} from './errors.js'
/**
 * Options and listener types of {@link Replica}.
 *
 * @example
 * ```ts
 * const options: ReplicaOptions = { node: 'A', now: () => Date.now(), driftMsMax: 30_000 }
 * const listener: UpdateListener = (delta, origin) => { if (origin.origin === 'local') send(delta) }
 * ```
 */
export type { ChangeListener, ReplicaOptions, UpdateListener } from './replica.js'
/**
 * A replica of one document holding named collections; see the class docs.
 *
 * @example
 * ```ts
 * const replica = new Replica({ node: '12D3KooW...', now: () => Date.now() })
 * const delta = replica.map<number>('scores').set('ada', 3)
 * other.apply(delta)
 * ```
 */
/**
 * Joins several deltas into one (for batching into one message or one log entry).
 *
 * @example
 * ```ts
 * const batch = joinDeltas([map.set('a', 1), map.set('b', 2)])
 * other.apply(batch)
 * ```
 */
export { joinDeltas, Replica } from './replica.js'

/**
 * Sync message shape.
 *
 * @example
 * ```ts
 * const hello: SyncMessage = { type: 'sync-step-1', context: replica.context() }
 * ```
 */
export type { SyncMessage } from './sync/messages.js'
/**
 * Sync message codec, for carrying the protocol over a stream such as libp2p `/tandem/crdt/1`.
 *
 * @example
 * ```ts
 * const bytes = encodeSyncMessage(session.start()[0]!)
 * const replies = otherSession.receive(decodeSyncMessage(bytes))
 * ```
 */
export { decodeSyncMessage, encodeSyncMessage } from './sync/messages.js'

/**
 * Options of {@link SyncSession}.
 *
 * @example
 * ```ts
 * const options: SyncSessionOptions = { peer: '12D3KooW...', collectGarbage: true }
 * ```
 */
export type { SyncSessionOptions } from './sync/session.js'
/**
 * Per-peer anti-entropy state machine (pure: messages in, messages out).
 *
 * @example
 * ```ts
 * const session = new SyncSession(replica, { peer: remotePeerId, onOutgoing: (ms) => ms.forEach(send) })
 * session.start().forEach(send)
 * onMessage((message) => session.receive(message).forEach(send))
 * ```
 */
export { SyncSession } from './sync/session.js'
