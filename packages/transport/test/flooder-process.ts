/**
 * A flooding member in a process of its own (so its own work does not stall the event loop being
 * measured), for test/flood.test.ts. Runs with Node's type stripping against the built package.
 * argv[2]: JSON { dataDir, members, target, targetAddresses, mode: 'frames' | 'opens' | 'hoard',
 * count, partialBytes? }. Prints `ready` once connected; on any stdin input floods, then prints
 * `sent` (frames), `settled <opened> <failed>` (opens) or `hoarded <streams> <failed>` (hoard: `count`
 * connections × 4 raft streams, each sending `partialBytes` of a frame that never completes), and
 * waits to be killed.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { encodeMessage, MessageType } from '@tandem/raft'
import { createRaftService, createTransportHost, RAFT_PROTOCOL } from '@tandem/transport'

const config = JSON.parse(process.argv[2] ?? '{}')
const node = await createTransportHost({
  dataDir: config.dataDir,
  members: config.members,
  listen: ['/ip4/127.0.0.1/tcp/0'],
  peers: { [config.target]: config.targetAddresses },
  pingIntervalMs: 0,
})
// A member as the others see it: with its own end of the Raft links.
await createRaftService(node)
const connection = await node.libp2p.dial(peerIdFromString(config.target))
process.stdout.write('ready\n')

process.stdin.once('data', async () => {
  if (config.mode === 'frames') {
    const frame = encodeMessage({
      type: MessageType.Heartbeat,
      from: node.nodeId,
      to: config.target,
      term: 1,
      logTerm: 0,
      index: 0,
      commit: 0,
      entries: [],
      snapshot: null,
      reject: false,
      rejectHint: 0,
      rejectHintTerm: 0,
      context: new Uint8Array(),
    })
    // Every frame is shorter than 128 bytes: a one-byte length prefix.
    const batch = new Uint8Array((frame.byteLength + 1) * config.count)
    for (let i = 0, offset = 0; i < config.count; i++) {
      batch[offset] = frame.byteLength
      batch.set(frame, offset + 1)
      offset += frame.byteLength + 1
    }
    const stream = await connection.newStream(RAFT_PROTOCOL)
    stream.addEventListener('message', () => {})
    if (!stream.send(batch)) await stream.onDrain()
    process.stdout.write('sent\n')
  } else if (config.mode === 'hoard') {
    const partialBytes: number = config.partialBytes
    // Announce one byte more than is sent, in a minimal varint.
    const prefix: number[] = []
    for (let length = partialBytes + 1; ; length = Math.floor(length / 128)) {
      if (length < 128) {
        prefix.push(length)
        break
      }
      prefix.push((length & 0x7f) | 0x80)
    }
    const frame = new Uint8Array(prefix.length + partialBytes)
    frame.set(prefix)
    let streams = 0
    let failed = 0
    const address = multiaddr(config.targetAddresses[0])
    // Dialed one after another: parallel dials to one peer are merged into one connection.
    const connections = [connection]
    for (let i = 1; i < config.count; i++) {
      try {
        connections.push(
          await node.libp2p.dial(address, { force: true, signal: AbortSignal.timeout(10_000) }),
        )
      } catch {
        failed++
      }
    }
    await Promise.all(
      connections.flatMap((each) =>
        Array.from({ length: 4 }, async () => {
          try {
            const stream = await each.newStream(RAFT_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
            stream.addEventListener('message', () => {})
            streams++
            if (!stream.send(frame)) await stream.onDrain({ signal: AbortSignal.timeout(20_000) })
          } catch {
            failed++
          }
        }),
      ),
    )
    process.stdout.write(`hoarded ${streams} ${failed}\n`)
  } else {
    let opened = 0
    let failed = 0
    await Promise.all(
      Array.from({ length: config.count }, () =>
        connection
          .newStream(RAFT_PROTOCOL, { maxOutboundStreams: 100_000, signal: AbortSignal.timeout(20_000) })
          .then((stream) => {
            opened++
            stream.addEventListener('message', () => {})
          })
          .catch(() => {
            failed++
          }),
      ),
    )
    process.stdout.write(`settled ${opened} ${failed}\n`)
  }
})
