/**
 * `@tandem/raft/testing` — conformance suites for the driver's injected interfaces, as
 * js-libp2p ships its interface-compliance tests: every implementation of {@link LogStorage} or
 * {@link Transport} registers the same vitest tests by calling one function. Test code only: it
 * imports `vitest` (an optional peer dependency of this package).
 *
 * @example
 * ```ts
 * import { MemoryLogStorage, MemoryNetwork } from '@tandem/raft'
 * import { logStorageSuite, transportSuite } from '@tandem/raft/testing'
 *
 * logStorageSuite('MemoryLogStorage', { setup: () => new MemoryLogStorage() })
 * transportSuite('MemoryNetwork', {
 *   setup: () => {
 *     const network = new MemoryNetwork()
 *     return { transport: (id) => network.transport(id), settle: () => new Promise((resolve) => setTimeout(resolve, 0)) }
 *   },
 * })
 * ```
 *
 * @packageDocumentation
 */

/**
 * The LogStorage conformance suite and its setup: a fresh, empty storage per test.
 *
 * @example
 * ```ts
 * import { MemoryLogStorage } from '@tandem/raft'
 * import { logStorageSuite } from '@tandem/raft/testing'
 * logStorageSuite('MemoryLogStorage', { setup: () => new MemoryLogStorage() })
 * ```
 */
export { type LogStorageSuiteSetup, logStorageSuite } from './log-storage-suite.js'

/**
 * The Transport conformance suite, its setup and the network fixture it builds per test.
 *
 * @example
 * ```ts
 * import { MemoryNetwork } from '@tandem/raft'
 * import { transportSuite } from '@tandem/raft/testing'
 * transportSuite('MemoryNetwork', {
 *   setup: () => {
 *     const network = new MemoryNetwork()
 *     return { transport: (id) => network.transport(id), settle: () => new Promise((resolve) => setTimeout(resolve, 0)) }
 *   },
 * })
 * ```
 */
export { type TransportFixture, type TransportSuiteSetup, transportSuite } from './transport-suite.js'
