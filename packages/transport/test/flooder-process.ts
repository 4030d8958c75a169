/**
 * A flooding member in a process of its own (so its own work does not stall the event loop being
 * measured), for test/flood.test.ts. Runs with Node's type stripping against the built package.
 * argv[2]: JSON { dataDir, members, target, targetAddresses, mode: 'frames' | 'opens', count }.
 * Prints `ready` once connected; on any stdin input floods, then prints `sent` (frames) or
 * `settled <opened> <failed>` (opens), and waits to be killed.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { encodeMessage, MessageType } from '@tandem/raft'
import { createTandemNode, RAFT_PROTOCOL } from '@tandem/transport'

const config = JSON.parse(process.argv[2] ?? '{}')
const node = await createTandemNode({
  dataDir: config.dataDir,
  members: config.members,
  listen: ['/ip4/127.0.0.1/tcp/0'],
  peers: { [config.target]: config.targetAddresses },
  pingIntervalMs: 0,
})
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
