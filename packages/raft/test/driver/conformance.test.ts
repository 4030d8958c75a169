/**
 * The package's own implementations run the conformance suites it exports (`@tandem/raft/testing`):
 * the in-memory log storage and the in-memory network, plain and through the codec.
 */

import { MemoryNetwork } from '../../src/driver/memory-network.js'
import { MemoryLogStorage } from '../../src/driver/memory-storage.js'
import { logStorageSuite, transportSuite } from '../../src/testing/index.js'

logStorageSuite('MemoryLogStorage', { setup: () => new MemoryLogStorage() })

const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve))

transportSuite('MemoryNetwork', {
  setup: () => {
    const network = new MemoryNetwork()
    return { transport: (id) => network.transport(id), settle: macrotask }
  },
})

transportSuite('MemoryNetwork through the codec', {
  setup: () => {
    const network = new MemoryNetwork({ encode: true, schedule: setImmediate })
    return { transport: (id) => network.transport(id), settle: macrotask }
  },
})
