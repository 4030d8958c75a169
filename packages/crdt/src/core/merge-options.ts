/**
 * How a merge treats time and scope. The defaults are the plain dot-store join with the drift check,
 * which is what sync between trusted replicas uses; the hybrid node's committed state and local view
 * use the scoped merge, the clamp and no drift refusal (design.md, "Eventual writes" and "Folding").
 */
export interface MergeOptions {
  /**
   * The CRDT ids of the writer that sealed the delta. When given, the merge is scoped: the delta is
   * validated first (see `invalidReason`; an invalid one throws `InvalidDeltaError` and changes
   * nothing), marks as seen only these ids' dots, removes other entries only where these ids wrote
   * them, and removes another id's dots only at the one set element it lists.
   */
  readonly writerIds?: readonly string[]
  /**
   * `'ascending'`: each entry or element dot the delta carries must lie above every dot of its id
   * this replica has seen (a writer's stream applied in order never reuses or goes back on a dot), or
   * the merge throws `InvalidDeltaError` and changes nothing. `'any'` (default): dots already seen
   * are skipped, so deltas may arrive in any order and twice. The hybrid node applies each writer's
   * stream in sequence order and passes `'ascending'`, which stops a writer from equivocating (two
   * deltas carrying one dot with different content would otherwise merge in arrival order).
   */
  readonly dotOrder?: 'ascending' | 'any'
  /**
   * Whether a CRDT id is a strong-write id (`log` ‖ n in Tandem). A dot of a strong id that a scoped
   * delta names but the target does not hold is ignored, never recorded: strong writes reach every
   * target in log order. Default: no id is strong.
   */
  readonly isStrongId?: (id: string) => boolean
  /**
   * Clamp: stamps above this wall time (log time t + `driftMax`) merge at (`stampBoundMs`, their
   * logical counter). Applied before anything else, so the result depends only on the delta and the
   * bound, identically on every node.
   */
  readonly stampBoundMs?: number
  /**
   * What a stamp far ahead of the local wall clock does. `'refuse'` (default): throw
   * `ClockDriftError` and change nothing when a stamp is more than `driftMsMax` ahead. `'cap'`: never
   * refuse for time; the clock observes every stamp, capped at local clock + `driftMsMax` (the
   * committed state and the local view of the hybrid node merge this way).
   */
  readonly drift?: 'refuse' | 'cap'
}
