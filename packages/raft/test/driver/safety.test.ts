/**
 * Assertions with teeth: a refusal that means someone broke Raft's safety rules is logged at error
 * level and counted, never filed with routine bad input; impossible states throw InvariantError
 * (not an operating error); and the driver checks every persisted batch before and after writing.
 */
import { InvariantError, ManualClock, RecordingLogger, SeededRandom } from '@tandem/base'
import { describe, expect, it } from 'vitest'
import { CommittedEntryConflictError, InvalidMessageError } from '../../src/core/errors.js'
import { RaftLog } from '../../src/core/log.js'
import { makeMessage } from '../../src/core/messages.js'
import { RawNode } from '../../src/core/raw-node.js'
import { type Entry, EntryType, MessageType } from '../../src/core/types.js'
import type { PersistBatch, Transport } from '../../src/driver/interfaces.js'
import { MemoryLogStorage } from '../../src/driver/memory-storage.js'
import { checkBatch, checkSaved } from '../../src/driver/persist-checks.js'
import { RaftNode } from '../../src/driver/raft-node.js'
import type { WireMessage } from '../../src/model/wire-message.js'

const entry = (index: number, term: number): Entry => ({
  index,
  term,
  type: EntryType.Normal,
  data: new Uint8Array([index]),
})

/** An append from `from` in term 2 that rewrites index 3, which a founder holds as committed (term 1). */
const overwriteCommitted = (from: string, to: string): WireMessage =>
  makeMessage({
    type: MessageType.App,
    from,
    to,
    term: 2,
    index: 2,
    logTerm: 1,
    commit: 3,
    entries: [entry(3, 2)],
  })

describe('a leader overwriting a committed entry', () => {
  it('is refused by the core with its own error, not the bad-input one', () => {
    const core = new RawNode({
      id: 'a',
      storage: new MemoryLogStorage({ voters: ['a', 'b', 'c'] }),
      random: new SeededRandom(1),
    })
    const attempt = () => core.step(overwriteCommitted('b', 'a'))
    expect(attempt).toThrow(CommittedEntryConflictError)
    expect(attempt).not.toThrow(InvalidMessageError)
    expect(core.status().commit).toBe(3)
  })

  it('is logged at error level and counted by RaftNode', async () => {
    let deliver: (message: WireMessage) => void = () => {}
    const transport: Transport = {
      send: () => {},
      onMessage: (handler) => {
        deliver = handler
      },
    }
    const logger = new RecordingLogger()
    const storage = new MemoryLogStorage({ voters: ['a', 'b', 'c'] })
    const node = new RaftNode({
      id: 'a',
      storage,
      transport,
      snapshotTransport: { send: () => Promise.resolve(), onSnapshot: () => {} },
      clock: new ManualClock(),
      random: new SeededRandom(1),
      logger,
      stateMachine: {
        apply: (commands) => commands.map(() => new Uint8Array()),
        snapshot: () => new Uint8Array(),
        restore: () => {},
      },
    })
    await node.start()
    expect(node.status().safetyRefusalCount).toBe(0)
    deliver(overwriteCommitted('b', 'a'))
    await new Promise((resolve) => setImmediate(resolve))
    await node.idle()
    expect(node.status().safetyRefusalCount).toBe(1)
    expect(logger.at('error').map((record) => record.message)).toEqual([
      'refused a message that would overwrite a committed entry',
    ])
    expect(storage.term(3)).toBe(1)
    expect(node.status().state).toBe('running')
    await node.stop()
  })
})

describe('invariant violations', () => {
  it('applying beyond the commit is a driver bug: InvariantError', () => {
    const log = new RaftLog(new MemoryLogStorage({ voters: ['a'] }), 1024)
    log.committed = 1
    expect(() => log.appliedTo(2)).toThrow(InvariantError)
  })

  it('a commit beyond the last index is an InvariantError', () => {
    const log = new RaftLog(new MemoryLogStorage({ voters: ['a'] }), 1024)
    expect(() => log.commitTo(5)).toThrow(InvariantError)
  })
})

describe('paired checks around storage.save', () => {
  const batch = (init: Partial<PersistBatch>): PersistBatch => ({
    hardState: null,
    entries: [],
    snapshot: null,
    ...init,
  })

  it('a batch that leaves a gap, skips an index, lowers a term or commits past its end is refused before the write', () => {
    expect(() => checkBatch(batch({ entries: [entry(5, 1)] }), 3)).toThrow(/gap/)
    expect(() => checkBatch(batch({ entries: [entry(4, 1), entry(6, 1)] }), 3)).toThrow(/contiguous/)
    expect(() => checkBatch(batch({ entries: [entry(4, 2), entry(5, 1)] }), 3)).toThrow(/terms decrease/)
    expect(() => checkBatch(batch({ hardState: { term: 1, vote: null, commit: 4 } }), 3)).toThrow(/beyond/)
    expect(() =>
      checkBatch(batch({ entries: [entry(4, 2)], hardState: { term: 1, vote: null, commit: 4 } }), 3),
    ).toThrow(/below/)
    expect(() =>
      checkBatch(
        batch({ entries: [entry(2, 2), entry(3, 2)], hardState: { term: 2, vote: 'a', commit: 3 } }),
        3,
      ),
    ).not.toThrow()
  })

  it('a storage that acknowledges a write it does not serve is caught reading back', async () => {
    const storage = new MemoryLogStorage({ voters: ['a'] })
    const written = batch({ entries: [entry(2, 2)], hardState: { term: 2, vote: 'a', commit: 1 } })
    await storage.save(written)
    expect(() => checkSaved(written, storage)).not.toThrow()
    const lost = batch({ entries: [entry(3, 2)] })
    expect(() => checkSaved(lost, storage)).toThrow(InvariantError)
    const forgotten = batch({ hardState: { term: 3, vote: 'b', commit: 2 } })
    expect(() => checkSaved(forgotten, storage)).toThrow(/term/)
  })
})
