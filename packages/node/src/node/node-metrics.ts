/**
 * The node's Prometheus metrics (prom-client): writes by kind and outcome, refusals that matter for
 * safety, and gauges read at scrape time from the Raft node and the core. Registered on the
 * registry the app passes (`createNode({ metrics })`) or on a registry of the node's own.
 */
import { Counter, Gauge, Registry } from 'prom-client'

/** What the gauges read at scrape time. */
export interface NodeGaugeSources {
  readonly term: () => number
  readonly commitIndex: () => number
  readonly appliedIndex: () => number
  readonly leader: () => boolean
  readonly pendingBatches: () => number
  readonly pendingBytes: () => number
  readonly members: () => number
}

/** The counters the node increments. */
export interface NodeMetrics {
  readonly registry: Registry
  /** Writes settled, by consistency and outcome (`ok`, or an error code). */
  readonly writes: Counter<'consistency' | 'outcome'>
  /** Safety-relevant refusals (forged, tampered, unauthorized, replayed input), by kind. */
  readonly refusals: Counter<'kind'>
}

/**
 * Registers the node's metrics on `registry` (a new one when absent).
 *
 * @example
 * ```ts
 * const metrics = createNodeMetrics(new Registry(), sources)
 * metrics.writes.inc({ consistency: 'strong', outcome: 'ok' })
 * ```
 */
export function createNodeMetrics(registry: Registry | undefined, sources: NodeGaugeSources): NodeMetrics {
  const target = registry ?? new Registry()
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [target],
      collect() {
        this.set(read())
      },
    })
  gauge('tandem_raft_term', 'The Raft term this node is in.', sources.term)
  gauge('tandem_raft_commit_index', 'The Raft commit index this node knows.', sources.commitIndex)
  gauge('tandem_applied_index', 'The log index C has applied on this node.', sources.appliedIndex)
  gauge('tandem_raft_leader', '1 while this node leads.', () => (sources.leader() ? 1 : 0))
  gauge('tandem_pending_batches', 'Unfolded eventual batches held here.', sources.pendingBatches)
  gauge('tandem_pending_bytes', 'Bytes of unfolded eventual batches held here.', sources.pendingBytes)
  gauge('tandem_members', 'Members in the committed configuration.', sources.members)
  return {
    registry: target,
    writes: new Counter({
      name: 'tandem_writes_total',
      help: 'Writes settled, by consistency and outcome.',
      labelNames: ['consistency', 'outcome'],
      registers: [target],
    }),
    refusals: new Counter({
      name: 'tandem_refusals_total',
      help: 'Safety-relevant refusals: forged, tampered, unauthorized or replayed input.',
      labelNames: ['kind'],
      registers: [target],
    }),
  }
}
