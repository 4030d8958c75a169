/**
 * The conformance suite of the driver's {@link Transport}: what every network under a RaftNode
 * must do when nothing fails — deliver each message to its recipient, whole, asynchronously, and
 * none to anyone else. Loss, duplication and reordering are allowed (Raft tolerates them), so the
 * suite never asks for order. `MemoryNetwork` runs it; the libp2p transport and the simulator's
 * network adopt it.
 */
import { describe, expect, it } from 'vitest'
import { makeMessage } from '../core/messages.js'
import { EntryType, MessageType, type NodeId } from '../core/types.js'
import type { Transport } from '../driver/interfaces.js'
import type { WireMessage } from '../model/wire-message.js'

/** A network of connected nodes for one test. */
export interface TransportFixture {
  /** The transport of node `id` (one of the ids the fixture was set up with). */
  transport(id: NodeId): Transport
  /** Resolves once every message sent so far has had its chance to be delivered. */
  settle(): Promise<void>
  /** Releases what the fixture opened (connections, listeners). */
  teardown?(): void | Promise<void>
}

/** How the suite builds a fresh network of connected nodes for each test. */
export interface TransportSuiteSetup {
  setup(ids: readonly NodeId[]): TransportFixture | Promise<TransportFixture>
}

const IDS: readonly NodeId[] = ['a', 'b', 'c']

function append(from: NodeId, to: NodeId, index: number): WireMessage {
  return makeMessage({
    type: MessageType.App,
    from,
    to,
    term: 3,
    logTerm: 2,
    index,
    commit: index - 1,
    entries: [{ term: 3, index: index + 1, type: EntryType.Normal, data: new Uint8Array([1, 2, 3]) }],
    context: new Uint8Array([9]),
  })
}

/**
 * Registers the Transport conformance tests under `describe(name)`.
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
export function transportSuite(name: string, common: TransportSuiteSetup): void {
  describe(`${name} (Transport conformance)`, () => {
    async function withNetwork(
      test: (fixture: TransportFixture, inboxes: Map<NodeId, WireMessage[]>) => Promise<void>,
    ): Promise<void> {
      const fixture = await common.setup(IDS)
      const inboxes = new Map<NodeId, WireMessage[]>()
      for (const id of IDS) {
        const inbox: WireMessage[] = []
        inboxes.set(id, inbox)
        fixture.transport(id).onMessage((message) => inbox.push(message))
      }
      try {
        await test(fixture, inboxes)
      } finally {
        await fixture.teardown?.()
      }
    }

    it('delivers a message to its recipient only, with every field intact', () =>
      withNetwork(async (fixture, inboxes) => {
        const message = append('a', 'b', 7)
        fixture.transport('a').send([message])
        await fixture.settle()
        expect(inboxes.get('b')).toEqual([message])
        expect(inboxes.get('a')).toEqual([])
        expect(inboxes.get('c')).toEqual([])
      }))

    it('never delivers inside send, so a node is not re-entered from its own loop', () =>
      withNetwork(async (fixture, inboxes) => {
        fixture.transport('a').send([append('a', 'b', 1)])
        expect(inboxes.get('b')).toEqual([])
        await fixture.settle()
        expect(inboxes.get('b')).toHaveLength(1)
      }))

    it('delivers every message of a burst both ways (in any order)', () =>
      withNetwork(async (fixture, inboxes) => {
        const count = 100
        for (let i = 1; i <= count; i++) {
          fixture.transport('a').send([append('a', 'b', i)])
          fixture.transport('b').send([append('b', 'a', i)])
        }
        await fixture.settle()
        const indexes = (id: NodeId) => (inboxes.get(id) ?? []).map((m) => m.index).sort((x, y) => x - y)
        const expected = Array.from({ length: count }, (_, i) => i + 1)
        expect(indexes('b')).toEqual(expected)
        expect(indexes('a')).toEqual(expected)
      }))

    it('hands messages to the handler installed last', () =>
      withNetwork(async (fixture, inboxes) => {
        const replaced: WireMessage[] = []
        fixture.transport('b').onMessage((message) => replaced.push(message))
        fixture.transport('a').send([append('a', 'b', 3)])
        await fixture.settle()
        expect(replaced).toHaveLength(1)
        expect(inboxes.get('b')).toEqual([])
      }))

    it('loses a message to an unknown node without throwing', () =>
      withNetwork(async (fixture, inboxes) => {
        expect(() => fixture.transport('a').send([append('a', 'nobody', 1)])).not.toThrow()
        await fixture.settle()
        for (const inbox of inboxes.values()) expect(inbox).toEqual([])
      }))
  })
}
