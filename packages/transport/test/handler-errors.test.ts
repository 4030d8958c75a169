/**
 * Issue 14, finding 5 (second part): an exception thrown by the application's message handler is
 * this node's bug, not the peer's: it is reported as a local error (its own code, logged at error
 * level, counted) and the peer's stream stays open.
 */

import type { Logger } from '@tandem/base'
import { afterEach, describe, expect, it } from 'vitest'
import { createRaftTransport } from '../src/raft-transport.js'
import { heartbeat } from './heartbeat.js'
import { Fixture, raftOf, TCP_ONLY, waitFor } from './helpers.js'

const fixture = new Fixture()
afterEach(() => fixture.cleanup())

describe('a failing message handler', () => {
  it('is reported as a local error and keeps the peer stream', async () => {
    const errors: Array<Readonly<Record<string, unknown>>> = []
    const logger: Logger = {
      debug() {},
      info() {},
      warn() {},
      error: (_message, fields) => {
        errors.push(fields ?? {})
      },
    }
    const { a, b, nodeA, nodeB } = await fixture.pair({ listen: TCP_ONLY, logger })
    const receiver = createRaftTransport(raftOf(nodeB))
    const sender = createRaftTransport(raftOf(nodeA))
    let calls = 0
    receiver.onMessage(() => {
      calls++
      throw new Error('application bug')
    })
    for (let term = 1; term <= 5; term++) {
      sender.send([heartbeat(a.nodeId, b.nodeId, term)])
      await waitFor(() => calls === term, `message ${term} handled`)
    }
    expect(nodeB.peerMetrics(a.nodeId).streamErrors).toBe(0)
    expect(nodeB.peerMetrics(a.nodeId).handlerErrors).toBe(5)
    expect(nodeA.peerMetrics(b.nodeId).reconnects).toBe(0)
    expect(errors).toHaveLength(5)
    expect(errors[0]).toMatchObject({ peer: a.nodeId, code: 'TRANSPORT_MESSAGE_HANDLER_FAILED' })
  })
})
