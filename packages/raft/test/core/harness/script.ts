import {
  type ConfChangeSingle,
  ConfChangeTransition,
  ConfChangeType,
  type ConfState,
  MessageType,
} from '../../../src/core/types.js'
import type { Cluster, LogLevel, NodeOptions } from './cluster.js'
import {
  describeConfState,
  describeEntry,
  describeHardState,
  progressStateName,
  roleName,
} from './describe.js'
import { bootstrapStorage } from './memory-storage.js'

/**
 * A tiny interpreter for scripted interaction tests in etcd/raft's datadriven style. A script is a
 * sequence of blocks:
 *
 *     # comments and blank lines are kept as they are
 *     command arg key=value key=(a,b)
 *     ----
 *     output lines
 *
 * The output of each command is compared with the golden text (and rewritten with REWRITE=1).
 */

export interface ScriptBlock {
  /** Comment and blank lines before the command, verbatim. */
  readonly preamble: string[]
  readonly command: string
  readonly expected: string[]
}

export function parseScript(text: string): ScriptBlock[] {
  const lines = text.split('\n')
  const blocks: ScriptBlock[] = []
  let preamble: string[] = []
  let i = 0
  while (i < lines.length) {
    const line = lines[i] as string
    if (line.trim() === '' || line.startsWith('#')) {
      preamble.push(line)
      i++
      continue
    }
    const command = line
    i++
    if (lines[i] !== '----') throw new Error(`line ${i + 1}: expected ---- after command "${command}"`)
    i++
    const expected: string[] = []
    while (i < lines.length && (lines[i] as string) !== '') {
      expected.push(lines[i] as string)
      i++
    }
    blocks.push({ preamble, command, expected })
    preamble = []
  }
  // Trailing blank lines are dropped; the writer ends the file with one newline.
  return blocks
}

export function renderScript(blocks: readonly ScriptBlock[], outputs: readonly string[][]): string {
  const parts: string[] = []
  blocks.forEach((block, index) => {
    parts.push(...block.preamble, block.command, '----', ...(outputs[index] ?? []))
  })
  return `${parts.join('\n').replace(/\n+$/, '')}\n`
}

interface Parsed {
  readonly name: string
  readonly positional: string[]
  readonly named: Map<string, string>
}

function parseCommand(command: string): Parsed {
  const tokens = command.trim().split(/\s+/)
  const name = tokens.shift() ?? ''
  const positional: string[] = []
  const named = new Map<string, string>()
  for (const token of tokens) {
    const eq = token.indexOf('=')
    if (eq > 0) named.set(token.slice(0, eq), token.slice(eq + 1))
    else positional.push(token)
  }
  return { name, positional, named }
}

function list(value: string | undefined): string[] {
  if (value === undefined || value === '' || value === '()') return []
  return value
    .replace(/^\(/, '')
    .replace(/\)$/, '')
    .split(',')
    .filter((id) => id !== '')
}

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (value !== 'true' && value !== 'false') throw new Error(`expected true or false, got ${value}`)
  return value === 'true'
}

function int(value: string | undefined, name: string): number {
  const number = Number(value)
  if (value === undefined || !Number.isSafeInteger(number))
    throw new Error(`${name} must be an integer, got ${value}`)
  return number
}

const encoder = new TextEncoder()

/** Runs one command against the cluster and returns its output lines. */
export function runCommand(cluster: Cluster, command: string): string[] {
  const { name, positional, named } = parseCommand(command)
  const ids = positional.length > 0 ? positional : [...cluster.nodes.keys()]
  const out: string[] = []
  const flushLogs = () => out.push(...cluster.takeLogLines())
  switch (name) {
    case 'log-level':
      cluster.logLevel = (positional[0] ?? 'info') as LogLevel
      break
    case 'add-nodes': {
      const count = int(positional[0], 'count')
      const voters = list(named.get('voters'))
      const confState: ConfState = {
        voters,
        learners: list(named.get('learners')),
        votersOutgoing: [],
        learnersNext: [],
        autoLeave: false,
      }
      const index = named.has('index') ? int(named.get('index'), 'index') : 0
      const options: NodeOptions = {
        preVote: bool(named.get('prevote'), false),
        checkQuorum: bool(named.get('checkquorum'), false),
        readOnly: named.get('read-only') === 'lease-based' ? 'lease-based' : 'safe',
        stepDownOnRemoval: bool(named.get('step-down-on-removal'), true),
        ...(named.has('max-inflight')
          ? { inflightAppendsMax: int(named.get('max-inflight'), 'max-inflight') }
          : {}),
        ...(named.has('max-size') ? { appendBytesMax: int(named.get('max-size'), 'max-size') } : {}),
      }
      const first = cluster.nodes.size + 1
      for (let n = first; n < first + count; n++) {
        const storage = bootstrapStorage(confState)
        if (index > 0) {
          storage.applySnapshot({ metadata: { index, term: 1, confState }, data: encoder.encode('[]') })
          storage.setHardState({ term: 1, vote: null, commit: index })
        }
        cluster.addNode(String(n), storage, options)
        out.push(`INFO ${n} started: ${describeConfState(confState)} snapshot index ${index}`)
      }
      cluster.takeLogLines()
      break
    }
    case 'campaign':
      cluster.get(positional[0] ?? '').rawNode.campaign()
      flushLogs()
      break
    case 'tick-heartbeat': {
      const node = cluster.get(positional[0] ?? '')
      const ticks = node.options.heartbeatTicks ?? 1
      for (let i = 0; i < ticks; i++) node.rawNode.tick()
      flushLogs()
      break
    }
    case 'tick-election': {
      const node = cluster.get(positional[0] ?? '')
      const raft = node.rawNode.raft
      const ticks = raft.role === 3 ? raft.config.electionTicks : raft.randomizedElectionTimeout
      for (let i = 0; i < ticks; i++) node.rawNode.tick()
      flushLogs()
      break
    }
    case 'tick': {
      const node = cluster.get(positional[0] ?? '')
      const ticks = int(positional[1], 'ticks')
      for (let i = 0; i < ticks; i++) node.rawNode.tick()
      flushLogs()
      break
    }
    case 'propose': {
      const node = cluster.get(positional[0] ?? '')
      try {
        node.rawNode.propose(encoder.encode(positional[1] ?? ''))
      } catch (error) {
        out.push(`error: ${(error as { code?: string }).code ?? ''} ${(error as Error).message}`)
      }
      flushLogs()
      break
    }
    case 'propose-conf-change': {
      const node = cluster.get(positional[0] ?? '')
      const changes: ConfChangeSingle[] = positional.slice(1).map((token) => {
        const kind = token[0]
        const nodeId = token.slice(1)
        if (kind === 'v') return { type: ConfChangeType.AddVoter, nodeId }
        if (kind === 'l') return { type: ConfChangeType.AddLearner, nodeId }
        if (kind === 'r') return { type: ConfChangeType.RemoveNode, nodeId }
        throw new Error(`unknown change ${token}`)
      })
      const transitionName = named.get('transition') ?? 'auto'
      const transition =
        transitionName === 'joint-implicit'
          ? ConfChangeTransition.JointImplicit
          : transitionName === 'joint-explicit'
            ? ConfChangeTransition.JointExplicit
            : ConfChangeTransition.Auto
      try {
        node.rawNode.proposeConfChange({ transition, changes, context: new Uint8Array(0) })
      } catch (error) {
        out.push(`error: ${(error as { code?: string }).code ?? ''} ${(error as Error).message}`)
      }
      flushLogs()
      break
    }
    case 'process-ready':
      for (const id of ids) {
        if (ids.length > 1) out.push(`> ${id} handling Ready`)
        const indent = ids.length > 1 ? '  ' : ''
        for (const line of cluster.processReady(id)) out.push(indent + line)
        for (const line of cluster.takeLogLines()) out.push(indent + line)
      }
      break
    case 'ready':
      for (const line of cluster.takeReady(positional[0] ?? '')) out.push(line)
      out.push(...cluster.takeLogLines())
      break
    case 'persist':
      for (const line of cluster.persist(positional[0] ?? '')) out.push(line)
      out.push(...cluster.takeLogLines())
      break
    case 'deliver-msgs': {
      const typeName = named.get('type')
      const types =
        typeName === undefined
          ? undefined
          : new Set([MessageType[typeName.replace(/^Msg/, '') as keyof typeof MessageType]])
      out.push(...cluster.deliver(ids, bool(named.get('drop'), false), types))
      break
    }
    case 'stabilize':
      out.push(...cluster.stabilize(ids))
      break
    case 'partition': {
      cluster.cut.clear()
      const groups = positional.map((group) => list(group))
      for (const a of groups) {
        for (const b of groups) {
          if (a === b) continue
          for (const from of a) for (const to of b) cluster.cut.add(`${from}->${to}`)
        }
      }
      out.push(`partitioned: ${groups.map((group) => `(${group.join(',')})`).join(' ')}`)
      break
    }
    case 'heal':
      cluster.cut.clear()
      out.push('healed')
      break
    case 'read-index':
      cluster.get(positional[0] ?? '').rawNode.readIndex(encoder.encode(positional[1] ?? ''))
      flushLogs()
      break
    case 'transfer-leadership':
      cluster.get(named.get('from') ?? '').rawNode.transferLeader(named.get('to') ?? '')
      flushLogs()
      break
    case 'compact':
      cluster.compact(positional[0] ?? '', int(positional[1], 'index'))
      out.push(`${positional[0]} compacted through ${positional[1]}`)
      break
    case 'restart':
      cluster.restart(positional[0] ?? '')
      out.push(`${positional[0]} restarted`)
      flushLogs()
      break
    case 'report-unreachable':
      cluster.get(positional[0] ?? '').rawNode.reportUnreachable(positional[1] ?? '')
      flushLogs()
      break
    case 'report-snapshot':
      cluster.get(positional[0] ?? '').rawNode.reportSnapshot(positional[1] ?? '', positional[2] === 'ok')
      flushLogs()
      break
    case 'raft-state':
      for (const id of ids) {
        const status = cluster.get(id).rawNode.status()
        out.push(
          `${id}: ${roleName(status.role)} term=${status.term} lead=${status.leader ?? '-'} commit=${status.commit} applied=${status.applied} last=${status.lastIndex} ${describeConfState(status.confState)}`,
        )
      }
      break
    case 'status': {
      const status = cluster.get(positional[0] ?? '').rawNode.status()
      out.push(`${status.id}: ${roleName(status.role)} term=${status.term} commit=${status.commit}`)
      for (const progress of status.progress) {
        out.push(
          `${progress.id}: ${progressStateName(progress.state)} match=${progress.match} next=${progress.next}${progress.learner ? ' learner' : ''}${progress.inflight > 0 ? ` inflight=${progress.inflight}` : ''}${progress.recentActive ? '' : ' inactive'}`,
        )
      }
      break
    }
    case 'raft-log': {
      const node = cluster.get(positional[0] ?? '')
      const log = node.rawNode.raft.raftLog
      out.push(
        `first=${log.firstIndex()} last=${log.lastIndex()} commit=${log.committed} applied=${log.applied}`,
      )
      for (const entry of log.allEntries()) out.push(describeEntry(entry))
      break
    }
    case 'applied': {
      for (const id of ids) {
        const node = cluster.get(id)
        out.push(`${id}: index=${node.appliedIndex} [${node.applied.join(' ')}]`)
      }
      break
    }
    case 'hard-state':
      for (const id of ids) out.push(`${id}: ${describeHardState(cluster.get(id).storage.hardState)}`)
      break
    default:
      throw new Error(`unknown command ${name}`)
  }
  return out
}
