/**
 * WalLogStorage runs raft's LogStorage conformance suite over a fresh in-memory device per test,
 * so that the durable adapter and raft's in-memory log behave alike.
 */
import { logStorageSuite } from '@tandem/raft/testing'
import { MemoryDevice, WalLogStorage } from '../src/index.js'

logStorageSuite('WalLogStorage', {
  setup: () => WalLogStorage.open({ device: new MemoryDevice() }),
  teardown: (storage) => (storage as WalLogStorage).close(),
})
