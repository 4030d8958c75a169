/**
 * Typed errors of the collections API (`NODE_*` codes), one class per way a write is refused by a
 * collection's rules, and the mapping from the core's refusal reasons onto them. A refusal reads the
 * same whether the writer's check caught it (from C's rules before sealing) or apply did (the rules at
 * the write's log position): the app branches on the class, never on where it was caught. Messages
 * name the collection, never a key or a value.
 */
import { TandemError } from '@tandem/base'
import type { CollectionRules } from '../core/collections.js'
import type { WriteId } from '../core/ids.js'

/**
 * A handle's declaration lost: the collection was declared first with other rules (`writes` or
 * `writers`), which stay in force. The handle's `ready` rejects with it, and so does every write
 * through that handle (a new handle without options writes under the rules that won).
 *
 * @example
 * ```ts
 * const stock = collections.map<number>('stock', { writes: 'strong' })
 * try { await stock.ready } catch (error) {
 *   if (error instanceof CollectionConflictError) console.log(error.declared.writes)
 * }
 * ```
 */
export class CollectionConflictError extends TandemError {
  readonly code = 'NODE_COLLECTION_CONFLICT'
  override readonly name = 'CollectionConflictError'
  readonly collection: string
  /** The rules the handle asked for. */
  readonly requested: CollectionRules
  /** The rules C holds for the collection (the declaration that won). */
  readonly declared: CollectionRules

  constructor(collection: string, requested: CollectionRules, declared: CollectionRules) {
    super(`collection ${collection} is declared with other rules (writes: ${declared.writes})`)
    this.collection = collection
    this.requested = requested
    this.declared = declared
  }
}

/**
 * The collection does not accept this consistency: an eventual write to a collection declared
 * `writes: 'strong'`, or a strong one to a collection declared `writes: 'eventual'`.
 *
 * @example
 * ```ts
 * try { await stock.set('apples', 3, { consistency: 'eventual' }) } catch (error) {
 *   if (error instanceof ConsistencyNotAllowedError) await stock.set('apples', 3, { consistency: 'strong' })
 * }
 * ```
 */
export class ConsistencyNotAllowedError extends TandemError {
  readonly code = 'NODE_CONSISTENCY_NOT_ALLOWED'
  override readonly name = 'ConsistencyNotAllowedError'
  readonly collection: string
  readonly consistency: 'strong' | 'eventual'

  constructor(collection: string, consistency: 'strong' | 'eventual') {
    super(`collection ${collection} does not accept ${consistency} writes`)
    this.collection = collection
    this.consistency = consistency
  }
}

/**
 * This node's writer key is not among the collection's declared `writers`.
 *
 * @example
 * ```ts
 * try { await ledger.set('x', 1, { consistency: 'strong' }) } catch (error) {
 *   if (error instanceof NotAWriterError) console.log(`read-only here: ${error.collection}`)
 * }
 * ```
 */
export class NotAWriterError extends TandemError {
  readonly code = 'NODE_NOT_A_WRITER'
  override readonly name = 'NotAWriterError'
  readonly collection: string

  constructor(collection: string) {
    super(`this node's key is not a writer of collection ${collection}`)
    this.collection = collection
  }
}

/**
 * A conditional operation (compare-and-set, insert-if-absent, bounded increment) on a collection
 * that is not declared `writes: 'strong'`: conditions are evaluated on C in log order, which means
 * nothing if eventual writes may change the same keys outside the log.
 *
 * @example
 * ```ts
 * const carts = collections.map<number>('carts') // undeclared: 'both'
 * await carts.increment('n', 1, {}).catch((error) => {
 *   if (error instanceof ConditionalNeedsStrongCollectionError) console.log('declare it strong first')
 * })
 * ```
 */
export class ConditionalNeedsStrongCollectionError extends TandemError {
  readonly code = 'NODE_CONDITIONAL_NEEDS_STRONG'
  override readonly name = 'ConditionalNeedsStrongCollectionError'
  readonly collection: string

  constructor(collection: string) {
    super(`conditional operations need collection ${collection} declared writes: 'strong'`)
    this.collection = collection
  }
}

/**
 * An idempotency key came back with a different operation than the one C recorded under it (within
 * the idempotency window): nothing was applied. Use a fresh key for a different write.
 *
 * @example
 * ```ts
 * try { await orders.set('o1', order, { consistency: 'strong', idempotencyKey: requestId }) } catch (error) {
 *   if (error instanceof IdempotencyKeyReuseError) console.log(error.idempotencyKey)
 * }
 * ```
 */
export class IdempotencyKeyReuseError extends TandemError {
  readonly code = 'NODE_IDEMPOTENCY_KEY_REUSE'
  override readonly name = 'IdempotencyKeyReuseError'
  readonly idempotencyKey: string
  readonly writeId: WriteId

  constructor(idempotencyKey: string, writeId: WriteId) {
    super(`idempotency key reused with a different operation (strong write ${writeId})`)
    this.idempotencyKey = idempotencyKey
    this.writeId = writeId
  }
}

/** The rule refusals a write can meet, at the writer or at apply. */
export type RuleRefusal =
  | 'consistency-not-allowed'
  | 'writer-not-allowed'
  | 'conditional-needs-strong-collection'

/** Whether `reason` is one of the rule refusals {@link ruleRefusalError} maps. */
export function isRuleRefusal(reason: string): reason is RuleRefusal {
  return (
    reason === 'consistency-not-allowed' ||
    reason === 'writer-not-allowed' ||
    reason === 'conditional-needs-strong-collection'
  )
}

/** The typed error of a rule refusal of a write of `consistency` to `collection`. */
export function ruleRefusalError(
  reason: RuleRefusal,
  collection: string,
  consistency: 'strong' | 'eventual',
): TandemError {
  switch (reason) {
    case 'consistency-not-allowed':
      return new ConsistencyNotAllowedError(collection, consistency)
    case 'writer-not-allowed':
      return new NotAWriterError(collection)
    case 'conditional-needs-strong-collection':
      return new ConditionalNeedsStrongCollectionError(collection)
  }
}
