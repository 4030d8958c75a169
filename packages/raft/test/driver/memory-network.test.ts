import { describe, expect, it } from 'vitest'
import { MessageType } from '../../src/core/types.js'
import { CancelSource } from '../../src/driver/cancel-signal.js'
import { SnapshotTransferFailedError } from '../../src/driver/errors.js'
import type { SnapshotMessage } from '../../src/driver/interfaces.js'
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
    expect(received[0]).toEqual(sent)
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

describe('MemoryNetwork snapshot transport', () => {
  const snapshotMessage = (from: string, to: string): SnapshotMessage => ({
    from,
    to,
    term: 3,
    snapshot: {
      metadata: {
        index: 9,
        term: 2,
        confState: {
          voters: ['a', 'b'],
          learners: [],
          votersOutgoing: [],
          learnersNext: [],
          autoLeave: false,
        },
      },
      data: new Uint8Array([1, 2, 3]),
    },
  })

  it('hands a snapshot over later, through the codec when asked, and resolves once taken', async () => {
    const network = new MemoryNetwork({ encode: true })
    const received: SnapshotMessage[] = []
    network.snapshotTransport('b').onSnapshot((m) => received.push(m))
    const sent = snapshotMessage('a', 'b')
    const sending = network.snapshotTransport('a').send(sent, new CancelSource())
    expect(received).toHaveLength(0)
    await sending
    expect(received).toHaveLength(1)
    expect(received[0]?.snapshot).not.toBe(sent.snapshot)
    expect(received[0]).toEqual(sent)
  })

  it('fails the send when the receiver is down, has no handler, or refuses', async () => {
    const network = new MemoryNetwork()
    const a = network.snapshotTransport('a')
    await expect(a.send(snapshotMessage('a', 'b'), new CancelSource())).rejects.toBeInstanceOf(
      SnapshotTransferFailedError,
    )
    network.snapshotTransport('b').onSnapshot(() => {
      throw new RangeError('refused')
    })
    await expect(a.send(snapshotMessage('a', 'b'), new CancelSource())).rejects.toThrow('refused')
    network.snapshotTransport('b').onSnapshot(() => {})
    network.setDown('b', true)
    await expect(a.send(snapshotMessage('a', 'b'), new CancelSource())).rejects.toBeInstanceOf(
      SnapshotTransferFailedError,
    )
    network.setDown('b', false)
    await expect(a.send(snapshotMessage('a', 'b'), new CancelSource())).resolves.toBeUndefined()
  })

  it('does not deliver a cancelled send', async () => {
    const network = new MemoryNetwork()
    let taken = 0
    network.snapshotTransport('b').onSnapshot(() => taken++)
    const cancel = new CancelSource()
    const sending = network.snapshotTransport('a').send(snapshotMessage('a', 'b'), cancel)
    cancel.abort(new RangeError('cancelled'))
    await expect(sending).rejects.toThrow('cancelled')
    expect(taken).toBe(0)
  })
})
