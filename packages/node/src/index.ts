/**
 * `@tandem/node` — the hybrid node: one package to import, collections whose every write chooses
 * `strong` (Raft) or `eventual` (CRDT delta streams). This version holds the first parts of its pure
 * composition core (design.md, build order step 3): the names, log time, strong sessions,
 * idempotency records and fold apply of the committed state C. The Node wiring (`createNode`) builds
 * on them next.
 *
 * @example
 * ```ts
 * import { LogTime, memberId } from '@tandem/node'
 *
 * const voters = ['a', 'b', 'c'].map((store) =>
 *   memberId('12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', store.repeat(16)),
 * )
 * const time = new LogTime()
 * time.setVoters(voters)
 * time.applyClock(voters[0], 1_700_000_000_000)
 * time.applyClock(voters[1], 1_700_000_000_500)
 * time.applyClock(voters[2], 1_700_086_400_000) // a day ahead: a minority cannot move t
 * console.log(time.nowMs) // 1700000000500
 * ```
 *
 * @packageDocumentation
 */

/**
 * Fold apply: the folded high-water h of every eventual stream, advanced by runs that start at
 * h + 1.
 *
 * @example
 * ```ts
 * import { StreamHighWaters, streamId, type Incarnation, type WriterKey } from '@tandem/node'
 * const stream = streamId('c'.repeat(64) as WriterKey, '2'.repeat(32) as Incarnation, 0)
 * const folds = new StreamHighWaters()
 * const run = { stream, batches: [{ sequence: 1, epoch: 1 }, { sequence: 2, epoch: 1 }] }
 * folds.applyRun(run, { knowsEpoch: () => true, invalidReason: () => null })
 * console.log(folds.highWater(stream)) // 2
 * ```
 */
export {
  type FoldBatch,
  type FoldChecks,
  type FoldRun,
  type FoldRunOutcome,
  type FoldStop,
  StreamHighWaters,
} from './core/fold.js'
/**
 * Idempotency keys for app retries across restarts, kept for a count and a log-time window.
 *
 * @example
 * ```ts
 * import { IdempotencyRecords, type WriterKey } from '@tandem/node'
 * const writer = 'b'.repeat(64) as WriterKey
 * const records = new IdempotencyRecords<string>({ recordsPerWriterMax: 100, windowMs: 86_400_000 })
 * records.record(writer, 'order-17', 'hash', 'applied', 1_000)
 * console.log(records.check(writer, 'order-17', 'other-hash', 2_000)) // { kind: 'reuse' }
 * ```
 */
export {
  type IdempotencyCheck,
  type IdempotencyLimits,
  IdempotencyRecords,
} from './core/idempotency.js'
/**
 * The node's names: member ids (peer id ‖ storeId), writer keys, incarnations, stream ids and the
 * strong CRDT id, with validators that return a reason.
 *
 * @example
 * ```ts
 * import { invalidMemberId, memberId, peerIdOf } from '@tandem/node'
 * const id = memberId('12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', '0123456789abcdef')
 * console.log(peerIdOf(id), invalidMemberId('nonsense'))
 * ```
 */
export {
  type Incarnation,
  invalidIncarnation,
  invalidMemberId,
  invalidWriterKey,
  type MemberId,
  memberId,
  parseStreamId,
  peerIdOf,
  type StreamId,
  streamDotsMax,
  streamId,
  strongCrdtId,
  type WriterKey,
} from './core/ids.js'
/**
 * Log time t: the ⌈n/2⌉-th smallest clock reading of the current voters, never moving back.
 *
 * @example
 * ```ts
 * import { LogTime, memberId } from '@tandem/node'
 * const voter = memberId('12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', 'a'.repeat(16))
 * const time = new LogTime()
 * time.setVoters([voter])
 * time.applyClock(voter, 5_000)
 * console.log(time.nowMs) // 5000
 * ```
 */
export { type ClockEntryOutcome, LogTime } from './core/log-time.js'
/**
 * Strong sessions: deduplication of strong batches on the verified (key, incarnation, sequence),
 * with the proposer's floor.
 *
 * @example
 * ```ts
 * import { StrongSessions, type Incarnation, type WriterKey } from '@tandem/node'
 * const key = 'a'.repeat(64) as WriterKey
 * const incarnation = '1'.repeat(32) as Incarnation
 * const sessions = new StrongSessions<string>({ resultsPerSessionMax: 1024 })
 * sessions.open(key, incarnation)
 * const header = { key, incarnation, sequence: 1, floor: 1 }
 * if (sessions.admit(header).kind === 'new') sessions.record(header, ['applied'])
 * console.log(sessions.admit(header)) // { kind: 'duplicate', results: ['applied'] }
 * ```
 */
export {
  type SessionAdmission,
  type SessionLimits,
  type SessionOutcome,
  type StrongBatchHeader,
  StrongSessions,
} from './core/strong-sessions.js'
