/**
 * One node of the demo cluster, run as its own process by the controller (demo.ts): one
 * `createNode` call, two collections — `accounts` (strong writes only, with compare-and-set) and
 * `presence` (eventual writes only) — and a loop answering the controller's requests over Node's
 * IPC channel.
 */
import { createHash } from 'node:crypto'
import { createNode, type MemberId } from '@tandem/node'
import type { NodeConfig, NodeMessage, NodeReport, Request, RequestEnvelope, WriteAck } from './protocol.ts'

const config = JSON.parse(process.argv[2] ?? '{}') as NodeConfig
const node = await createNode({
  dataDir: config.dataDir,
  listen: config.listen,
  ...(config.init === true ? { init: true } : {}),
  ...(config.join === undefined ? {} : { join: config.join }),
  raft: { tickMs: 50 },
})
const accounts = node.map<string>('accounts', { writes: 'strong' })
const presence = node.map<string>('presence', { writes: 'eventual' })

function report(): NodeReport {
  const status = node.cluster.status()
  const self = status.members.find((member) => member.id === node.memberId)
  const entries = [...accounts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return {
    memberId: node.memberId,
    role: status.leader === node.memberId ? 'leader' : self?.voter === true ? 'follower' : 'learner',
    term: status.term,
    leader: status.leader,
    applied: status.appliedIndex,
    voters: status.members.filter((member) => member.voter).length,
    keys: entries.length,
    digest: createHash('sha256').update(JSON.stringify(entries)).digest('hex'),
  }
}

async function handle(request: Request): Promise<unknown> {
  switch (request.kind) {
    case 'put':
    case 'cas': {
      await accounts.ready
      const outcome =
        request.kind === 'put'
          ? await accounts.set(request.key, request.value, { consistency: 'strong' })
          : request.expected === null
            ? await accounts.insertIfAbsent(request.key, request.value)
            : await accounts.compareAndSet(request.key, request.expected, request.value)
      const ack: WriteAck = {
        applied: outcome.applied,
        index: outcome.index,
        term: outcome.term,
        fencingToken: String(outcome.fencingToken ?? ''),
        writeId: outcome.writeId,
      }
      return ack
    }
    case 'get':
      return (await accounts.get(request.key, { consistency: 'linearizable' })) ?? null
    case 'eventual-set':
      await presence.ready
      return (await presence.set(request.key, request.value, { consistency: 'eventual' })).writeId
    case 'eventual-read':
      return Object.fromEntries(presence.entries())
    case 'status':
      return report()
    case 'add-learner':
      return node.cluster.addLearner(request.memberId as MemberId)
    case 'promote':
      await node.cluster.promote(request.memberId as MemberId)
      return null
  }
}

function send(message: NodeMessage): void {
  process.send?.(message)
}

process.on('message', (raw: RequestEnvelope) => {
  handle(raw.request).then(
    (value) => send({ type: 'response', id: raw.id, ok: true, value }),
    (error: unknown) => {
      const failure = error instanceof Error ? error : new Error(String(error))
      const code = (failure as { code?: unknown }).code
      send({ type: 'response', id: raw.id, ok: false, error: failure.message, code: String(code ?? 'ERROR') })
    },
  )
})

let stopping = false
process.on('SIGTERM', () => {
  if (stopping) return
  stopping = true
  void node.stop().then(() => process.exit(0))
})

send({ type: 'ready', memberId: node.memberId, addresses: node.addresses() })
