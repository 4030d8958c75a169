/**
 * `@tandem/base/system` — the parts of the shared vocabulary that read the real world: the system
 * clock and the platform's secure random bytes. Kept apart from the pure entry so that pure
 * packages can never reach them by accident.
 *
 * @example
 * ```ts
 * import { cryptoRandom, systemClock } from '@tandem/base/system'
 * const clock = systemClock()
 * const handle = clock.setTimer(1000, () => console.log('a second later'))
 * handle.cancel()
 * console.log(cryptoRandom(24).length) // 24
 * ```
 *
 * @packageDocumentation
 */

/**
 * The platform's secure random bytes (`crypto.getRandomValues`).
 *
 * @example
 * ```ts
 * import { cryptoRandom } from '@tandem/base/system'
 * const nonce = cryptoRandom(24)
 * ```
 */
export { cryptoRandom } from './crypto-random.js'

/**
 * The real monotonic clock with timers, and the wall clock.
 *
 * @example
 * ```ts
 * import { systemClock, systemWallClock } from '@tandem/base/system'
 * console.log(systemClock().now() >= 0, systemWallClock() > 0)
 * ```
 */
export { systemClock, systemWallClock } from './system-clock.js'
