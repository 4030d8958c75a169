import { describe, expect, it } from 'vitest'
import { MessageType } from '../../src/core/types.js'
import { MemoryNetwork } from '../../src/driver/memory-network.js'
import type { WireMessage } from '../../src/model/wire-message.js'

const message = (from: string, to: string, entries = 0): WireMessage => ({
  type: MessageType.App,
  from,
  to,
  term: 1,
  logTerm: 1,
  index: 1,
  entries: Array.from({ length: entries }, (_, i) => ({
    term: 1,
    index: 2 + i,
    type: 0,
    data: new Uint8Array([i]),
  })),
  commit: 1,
  snapshot: null,
  reject: false,
  rejectHint: 0,
  rejectHintTerm: 0,
  context: new Uint8Array(),
})

describe('MemoryNetwork', () => {
  it('delivers later, never inside send, in send order', async () => {
    const network = new MemoryNetwork()
    const received: WireMessage[] = []
    network.transport('b').onMessage((m) => received.push(m))
    const a = network.transport('a')
    a.send([message('a', 'b'), { ...message('a', 'b'), term: 2 }])
    expect(received).toHaveLength(0)
    await Promise.resolve()
    await Promise.resolve()
    expect(received.map((m) => m.term)).toEqual([1, 2])
  })

  it('passes messages through the codec when asked', async () => {
    const network = new MemoryNetwork({ encode: true })
    const received: WireMessage[] = []
    network.transport('b').onMessage((m) => received.push(m))
    const sent = message('a', 'b', 3)
    network.transport('a').send([sent])
    await new Promise((resolve) => setImmediate(resolve))
    expect(received[0]).not.toBe(sent)
    expect(received[0]).toEqual({ ...sent, chunk: null })
  })

  it('drops messages to and from a node that is down and reports it unreachable', async () => {
    const network = new MemoryNetwork({ schedule: (deliver) => setImmediate(deliver) })
    const received: WireMessage[] = []
    const unreachable: string[] = []
    network.transport('b').onMessage((m) => received.push(m))
    const a = network.transport('a')
    a.onUnreachable?.((peer) => unreachable.push(peer))
    network.setDown('b', true)
    a.send([message('a', 'b')])
    network.setDown('b', false)
    a.send([message('a', 'b')])
    await new Promise((resolve) => setImmediate(resolve))
    expect(received).toHaveLength(1)
    expect(unreachable).toEqual(['b'])
  })
})
