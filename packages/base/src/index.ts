/**
 * `@tandem/base` — the vocabulary every Tandem package shares, so that six packages speak one
 * dialect: one {@link Logger}, one {@link Clock}, one seeded PRNG ({@link SeededRandom}), one
 * secure-random type ({@link CryptoRandom}), one error base ({@link TandemError}) and one
 * {@link assert}. Pure: no Node built-in, no ambient time or randomness. The real clock and secure
 * random bytes live in the `@tandem/base/system` entry.
 *
 * @example
 * ```ts
 * import { ManualClock, SeededRandom, TandemError, assert } from '@tandem/base'
 *
 * class QueueFullError extends TandemError {
 *   readonly code = 'DEMO_QUEUE_FULL'
 *   override readonly name = 'QueueFullError'
 * }
 *
 * const clock = new ManualClock()
 * const random = new SeededRandom(42)
 * clock.setTimer(random.between(150, 300), () => console.log('election timeout at', clock.now()))
 * clock.advance(300)
 * assert(clock.now() === 300, 'a manual clock moves only when told to')
 * console.log(new QueueFullError('queue full').code) // 'DEMO_QUEUE_FULL'
 * ```
 *
 * @packageDocumentation
 */

/**
 * Throws an `InvariantError` unless `condition` holds: for states that are impossible unless Tandem
 * itself has a bug, never for bad input.
 *
 * @example
 * ```ts
 * import { assert } from '@tandem/base'
 * const applied = 4
 * const committed = 5
 * assert(applied <= committed, 'applied beyond committed')
 * ```
 */
/**
 * A broken invariant (code `BASE_INVARIANT`). Not a `TandemError`, so handlers of operating errors
 * never swallow it.
 *
 * @example
 * ```ts
 * import { InvariantError, assert } from '@tandem/base'
 * try {
 *   assert(false, 'impossible')
 * } catch (error) {
 *   console.log(error instanceof InvariantError) // true
 * }
 * ```
 */
/**
 * Whether an error is an `InvariantError`.
 *
 * @example
 * ```ts
 * import { isInvariantError } from '@tandem/base'
 * console.log(isInvariantError(new Error('io'))) // false
 * ```
 */
/**
 * Rethrows an invariant violation, returns any other error: the first line of a catch-all.
 *
 * @example
 * ```ts
 * import { rethrowInvariant } from '@tandem/base'
 * try {
 *   JSON.parse('{')
 * } catch (caught) {
 *   const error = rethrowInvariant(caught)
 *   console.log('handled', (error as Error).name)
 * }
 * ```
 */
/**
 * Marks a branch the type system proves unreachable.
 *
 * @example
 * ```ts
 * import { unreachable } from '@tandem/base'
 * type Mode = 'strong' | 'eventual'
 * function label(mode: Mode): string {
 *   if (mode === 'strong') return 'S'
 *   if (mode === 'eventual') return 'E'
 *   return unreachable(mode)
 * }
 * ```
 */
export { assert, InvariantError, isInvariantError, rethrowInvariant, unreachable } from './assert.js'

/**
 * A monotonic millisecond clock with timers, and the handle that cancels a timer.
 *
 * @example
 * ```ts
 * import type { Clock } from '@tandem/base'
 * function later(clock: Clock, run: () => void) {
 *   return clock.setTimer(100, run)
 * }
 * ```
 */
export type { Clock, TimerHandle, WallClock } from './clock.js'

/**
 * The base of every operating error, its code type, the code pattern, and a type guard.
 *
 * @example
 * ```ts
 * import { TandemError, errorCodePattern, isTandemError } from '@tandem/base'
 * class StoppedError extends TandemError {
 *   readonly code = 'DEMO_STOPPED'
 *   override readonly name = 'StoppedError'
 * }
 * const error = new StoppedError('stopped')
 * console.log(isTandemError(error), errorCodePattern.test(error.code)) // true true
 * ```
 */
export { type ErrorCode, errorCodePattern, isTandemError, TandemError } from './errors.js'

/**
 * The one logger shape, a silent logger, a pino adapter and a recording logger for tests.
 *
 * @example
 * ```ts
 * import { RecordingLogger, type Logger } from '@tandem/base'
 * const logger: Logger = new RecordingLogger()
 * logger.error('refused a forged entry', { writer: 'ab12' })
 * ```
 */
export {
  fromPino,
  type LogFields,
  type Logger,
  type LogRecord,
  type PinoLike,
  RecordingLogger,
  silentLogger,
} from './logger.js'

/**
 * A clock that moves only when told to, for deterministic tests.
 *
 * @example
 * ```ts
 * import { ManualClock } from '@tandem/base'
 * const clock = new ManualClock()
 * clock.setTimer(10, () => console.log('fired at', clock.now())) // fired at 10
 * clock.advance(25)
 * ```
 */
export { ManualClock } from './manual-clock.js'

/**
 * The one seeded PRNG, the narrow random-source interface, the secure-random type and a seeded
 * stand-in for it.
 *
 * @example
 * ```ts
 * import { SeededRandom, seededCryptoRandom } from '@tandem/base'
 * const random = new SeededRandom(7)
 * const network = random.fork('network')
 * console.log(network.nextInt(10), random.nextFloat(), seededCryptoRandom(1)(4))
 * ```
 */
export { type CryptoRandom, type RandomSource, SeededRandom, seededCryptoRandom } from './random.js'

/**
 * UTF-8 encoding and strict decoding.
 *
 * @example
 * ```ts
 * import { utf8Decode, utf8Encode } from '@tandem/base'
 * console.log(utf8Decode(utf8Encode('tandem'))) // 'tandem'
 * ```
 */
export { utf8Decode, utf8Encode, utf8EncodeInto } from './text.js'
/**
 * Unsigned LEB128 varints, written by hand where a whole layout is allocated at once.
 *
 * @example
 * ```ts
 * import { varintLength, writeVarint } from '@tandem/base'
 * const out = new Uint8Array(varintLength(300)) // 2 bytes
 * writeVarint(out, 0, 300) // returns 2; out is [0xac, 0x02]
 * ```
 */
export { varintLength, writeVarint } from './varint.js'
