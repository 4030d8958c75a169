/**
 * One node process of the node benchmark (bench/cluster.ts starts three, or one): `createNode` and
 * load generated inside the process, as an embedding app's would be. Answers the controller over
 * Node's IPC channel: found/join/promote, status, and `load` (N clients writing for D ms).
 */
import { createNode, type JoinOptions, type MemberId } from '@tandem/node'

interface Config {
  readonly dataDir: string
  readonly init?: boolean
  readonly join?: JoinOptions
}
type Request =
  | { readonly kind: 'status' }
  | { readonly kind: 'add-learner'; readonly memberId: string }
  | { readonly kind: 'promote'; readonly memberId: string }
  | {
      readonly kind: 'load'
      readonly consistency: 'strong' | 'eventual'
      readonly clients: number
      readonly durationMs: number
      readonly valueBytes: number
    }
  | { readonly kind: 'strong-once'; readonly key: string }

const config = JSON.parse(process.argv[2] ?? '{}') as Config
const node = await createNode({
  dataDir: config.dataDir,
  listen: ['/ip4/127.0.0.1/tcp/0'],
  ...(config.init === true ? { init: true } : {}),
  ...(config.join === undefined ? {} : { join: config.join }),
})
const strong = node.map<string>('bench-strong', { writes: 'strong' })
const eventual = node.map<string>('bench-eventual', { writes: 'eventual' })

async function load(request: Extract<Request, { kind: 'load' }>) {
  const collection = request.consistency === 'strong' ? strong : eventual
  await collection.ready
  const value = 'v'.repeat(request.valueBytes)
  const latencies: number[] = []
  const errors: Record<string, number> = {}
  const end = performance.now() + request.durationMs
  let counter = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: request.clients }, async () => {
      while (performance.now() < end) {
        const key = `k${counter++ % 10_000}`
        const t0 = performance.now()
        try {
          await collection.set(key, value, { consistency: request.consistency })
          latencies.push(performance.now() - t0)
        } catch (error) {
          const code = String((error as { code?: unknown }).code ?? 'ERROR')
          errors[code] = (errors[code] ?? 0) + 1
        }
      }
    }),
  )
  const seconds = (performance.now() - started) / 1_000
  latencies.sort((a, b) => a - b)
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0
  return { writes: latencies.length, seconds, p50: at(0.5), p99: at(0.99), errors }
}

async function handle(request: Request): Promise<unknown> {
  switch (request.kind) {
    case 'status': {
      const status = node.cluster.status()
      return {
        memberId: node.memberId,
        leader: status.leader,
        voters: status.members.filter((m) => m.voter).length,
      }
    }
    case 'add-learner':
      return node.cluster.addLearner(request.memberId as MemberId)
    case 'promote':
      await node.cluster.promote(request.memberId as MemberId)
      return null
    case 'load':
      return load(request)
    case 'strong-once': {
      const t0 = performance.now()
      try {
        await strong.set(request.key, 'x', { consistency: 'strong' })
        return { ok: true, ms: performance.now() - t0 }
      } catch (error) {
        const failure = error as { code?: unknown; outcome?: unknown }
        return {
          ok: false,
          ms: performance.now() - t0,
          code: String(failure.code),
          outcome: failure.outcome ?? null,
        }
      }
    }
  }
}

process.on('message', (raw: { id: number; request: Request }) => {
  handle(raw.request).then(
    (value) => process.send?.({ id: raw.id, ok: true, value }),
    (error: unknown) =>
      process.send?.({
        id: raw.id,
        ok: false,
        error: String(error),
        code: String((error as { code?: unknown }).code),
      }),
  )
})
process.on('SIGTERM', () => void node.stop().then(() => process.exit(0)))
process.send?.({ ready: true, memberId: node.memberId })
