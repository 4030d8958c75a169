/**
 * The benchmark's peer: a plain `net.Socket` pair on 127.0.0.1 with the same framing as
 * `/tandem/raft/2` — frames queued, batched up to 256 KiB with varint length prefixes, written
 * with `drain` backpressure, and read back with the same `FrameDecoder`.
 */
import { connect, createServer, type Server, type Socket } from 'node:net'
import { varintLength, writeVarint } from '@tandem/base'
// Not part of the package's face: the bench reads the built decoder directly.
import { FrameDecoder } from '../dist/framing/frame-decoder.js'
import { deferred } from './deferred.ts'

const BATCH_BYTES_MAX = 256 * 1024

/** One direction of framed traffic over a socket. */
export class FramedSocketWriter {
  readonly socket: Socket
  queue: Uint8Array[] = []
  pumping = false
  waiters: Array<() => void> = []

  constructor(socket: Socket) {
    this.socket = socket
  }

  send(frame: Uint8Array): void {
    this.queue.push(frame)
    if (!this.pumping) {
      this.pumping = true
      queueMicrotask(() => this.pump())
    }
  }

  /** Resolves when the queue is empty again (the bench's pacing, like `whenWritable`). */
  whenWritable(): Promise<void> {
    if (this.queue.length < 4096) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  async pump(): Promise<void> {
    let head = 0
    while (head < this.queue.length) {
      let total = 0
      let end = head
      while (end < this.queue.length) {
        const frame = this.queue[end] as Uint8Array
        const framed = varintLength(frame.byteLength) + frame.byteLength
        if (end > head && total + framed > BATCH_BYTES_MAX) break
        total += framed
        end++
      }
      const batch = new Uint8Array(total)
      let offset = 0
      for (let i = head; i < end; i++) {
        const frame = this.queue[i] as Uint8Array
        offset = writeVarint(batch, offset, frame.byteLength)
        batch.set(frame, offset)
        offset += frame.byteLength
      }
      head = end
      if (this.queue.length - head < 2048) {
        const waiters = this.waiters
        this.waiters = []
        for (const resolve of waiters) resolve()
      }
      if (!this.socket.write(batch)) await new Promise((resolve) => this.socket.once('drain', resolve))
      if (head > 65_536) {
        this.queue = this.queue.slice(head)
        head = 0
      }
    }
    this.queue = []
    this.pumping = false
    const waiters = this.waiters
    this.waiters = []
    for (const resolve of waiters) resolve()
  }
}

/** Reads frames from a socket with the same decoder as Tandem's receive path, calling `onFrame` for each. */
export async function readSocketFrames(socket: Socket, onFrame: (frame: Uint8Array) => void): Promise<void> {
  const decoder = new FrameDecoder('plain', 16 * 1024 * 1024)
  for await (const chunk of socket) for (const frame of decoder.push(chunk)) onFrame(frame)
}

/** A connected socket pair: `client` dials `server`'s listener on 127.0.0.1. */
export async function socketPair(): Promise<{ client: Socket; server: Socket; close: () => Promise<void> }> {
  const accepted = deferred<Socket>()
  const listener: Server = createServer((socket) => {
    socket.setNoDelay(true)
    accepted.resolve(socket)
  })
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
  const address = listener.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const client = connect(address.port, '127.0.0.1')
  client.setNoDelay(true)
  await new Promise((resolve) => client.once('connect', resolve))
  const server = await accepted.promise
  return {
    client,
    server,
    close: async () => {
      client.destroy()
      server.destroy()
      await new Promise((resolve) => listener.close(resolve))
    },
  }
}
