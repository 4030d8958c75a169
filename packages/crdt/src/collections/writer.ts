import type { Delta } from '../core/delta.js'
import type { LwwStore, SetStore } from '../core/stores.js'
import type { Value } from '../core/value.js'
import type { WriteAt } from '../core/write-at.js'

/**
 * What a collection handle needs from the replica that owns it: the two local mutations. The handles
 * depend on this narrow interface rather than on `Replica`, which creates them (no import cycle);
 * `Replica` implements it.
 */
export interface CollectionWriter {
  /**
   * A map or register write (`deleted`: a timestamped tombstone), at the replica's own next stamp and
   * dot or at `at`; returns the delta that describes it.
   */
  mutate(store: LwwStore, key: string, value: Value, deleted: boolean, at?: WriteAt): Delta
  /** A set add (`add`) or remove, optionally at `at`; returns the delta (empty for a plain remove of an absent element). */
  mutateSet(store: SetStore, value: Value, add: boolean, at?: WriteAt): Delta
}
