/**
 * The collections API over one node core (what `createNode`'s node mounts as `node.map`, `node.set`
 * and `node.register`): typed handles whose writes choose their consistency, and one change feed
 * shared by every handle's `subscribe`. Pure: it reads and writes only through the core.
 */
import type { Value } from '@tandem/crdt'
import { parseStreamId } from '../core/ids.js'
import { ChangeFeed } from './change-feed.js'
import {
  type CollectionOptions,
  type CollectionsCore,
  MapHandle,
  RegisterHandle,
  SetHandle,
} from './handles.js'

export type { CollectionOptions, CollectionsCore, MapHandle, RegisterHandle, SetHandle } from './handles.js'

/** The collections of one node. */
export interface Collections {
  /** A last-writer-wins map; with options, declares its rules (see the handle's `ready`). */
  map<V extends Value = Value>(name: string, options?: CollectionOptions): MapHandle<V>
  /** An add-wins set; with options, declares its rules. */
  set<T extends Value = Value>(name: string, options?: CollectionOptions): SetHandle<T>
  /** A last-writer-wins register; with options, declares its rules. */
  register<T extends Value = Value>(name: string, options?: CollectionOptions): RegisterHandle<T>
  /**
   * Tells the change feed that a Raft snapshot replaced C and V (call it from `NodeCore`'s
   * `onRestored`): subscriptions move to the new ones and report what differs.
   */
  restored(): void
}

/**
 * The collections API over `core` (a keyed node: a keyless one holds no values).
 *
 * @example
 * ```ts
 * const collections = createCollections(core)
 * const stock = collections.map<number>('stock', { writes: 'strong' })
 * await stock.ready
 * const { applied } = await stock.increment('apples', -1, { min: 0 })
 * ```
 */
export function createCollections(core: CollectionsCore): Collections {
  const parsed = parseStreamId(core.stream)
  if (parsed === null) throw new RangeError('createCollections: the core has no valid stream id')
  const key = parsed.key
  const feed = new ChangeFeed(() => {
    // Read through the core each time: a restored snapshot replaces C, its applier and V.
    const { committed, applier, view } = core
    return { committed, applier, view }
  }, key)
  return {
    map: <V extends Value = Value>(name: string, options?: CollectionOptions) =>
      new MapHandle<V>(core, feed, key, name, options),
    set: <T extends Value = Value>(name: string, options?: CollectionOptions) =>
      new SetHandle<T>(core, feed, key, name, options),
    register: <T extends Value = Value>(name: string, options?: CollectionOptions) =>
      new RegisterHandle<T>(core, feed, key, name, options),
    restored: () => feed.restored(),
  }
}
