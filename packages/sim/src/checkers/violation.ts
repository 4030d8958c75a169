/**
 * The checks a simulation runs and the violation a failed one reports. Each check has a stable
 * name and a process exit code, so a CI log or a shell script can tell which property broke.
 */

/** Every check, by stable name. */
export const checkNames = [
  'election-safety',
  'log-matching',
  'leader-completeness',
  'state-machine-safety',
  'linearizability',
  'liveness',
  'node-crash',
  'simulator-limit',
  'crdt-convergence',
  'crdt-semantics',
  'crdt-read-your-writes',
] as const

/** One of {@link checkNames}. */
export type CheckName = (typeof checkNames)[number]

/**
 * The process exit code of each failed check (`0` is success, `1` an internal error, `2` bad
 * arguments). Documented in the README; never renumber an existing code.
 */
export const exitCodes: Readonly<Record<CheckName, number>> = {
  'election-safety': 10,
  'log-matching': 11,
  'leader-completeness': 12,
  'state-machine-safety': 13,
  linearizability: 14,
  liveness: 15,
  'node-crash': 16,
  'simulator-limit': 17,
  'crdt-convergence': 18,
  'crdt-semantics': 19,
  'crdt-read-your-writes': 20,
}

/** A failed check: which one, when (virtual ms), and why. */
export interface Violation {
  readonly check: CheckName
  readonly timeMs: number
  readonly message: string
}
