import { decodeConfChange } from '../../../src/codec/index.js'
import {
  type ConfChange,
  ConfChangeTransition,
  ConfChangeType,
  type ConfState,
  type Entry,
  EntryType,
  type HardState,
  type Message,
  MessageType,
  ProgressState,
  type Ready,
  Role,
  type Snapshot,
} from '../../../src/core/types.js'

const messageTypeNames = Object.fromEntries(
  Object.entries(MessageType).map(([name, value]) => [value, `Msg${name}`]),
)
const roleNames = Object.fromEntries(Object.entries(Role).map(([name, value]) => [value, `State${name}`]))
const progressStateNames = Object.fromEntries(
  Object.entries(ProgressState).map(([name, value]) => [value, `State${name}`]),
)

export function roleName(role: Role): string {
  return roleNames[role] ?? `Role(${role})`
}

export function progressStateName(state: ProgressState): string {
  return progressStateNames[state] ?? `Progress(${state})`
}

export function messageTypeName(type: MessageType): string {
  return messageTypeNames[type] ?? `Msg(${type})`
}

const decoder = new TextDecoder()

export function describeBytes(bytes: Uint8Array): string {
  return JSON.stringify(decoder.decode(bytes))
}

export function describeConfChange(change: ConfChange): string {
  const parts = change.changes.map((single) => {
    const prefix =
      single.type === ConfChangeType.AddVoter ? 'v' : single.type === ConfChangeType.AddLearner ? 'l' : 'r'
    return `${prefix}${single.nodeId}`
  })
  if (change.transition === ConfChangeTransition.JointImplicit) parts.unshift('joint-implicit')
  if (change.transition === ConfChangeTransition.JointExplicit) parts.unshift('joint-explicit')
  return parts.length === 0 ? '(leave-joint)' : parts.join(' ')
}

export function describeEntry(entry: Entry): string {
  if (entry.type === EntryType.ConfChange) {
    return `${entry.term}/${entry.index} EntryConfChange ${describeConfChange(decodeConfChange(entry.data))}`
  }
  if (entry.data.length === 0) return `${entry.term}/${entry.index} EntryNormal ""`
  return `${entry.term}/${entry.index} EntryNormal ${describeBytes(entry.data)}`
}

export function describeConfState(confState: ConfState): string {
  let text = `Voters:[${confState.voters.join(' ')}]`
  if (confState.votersOutgoing.length > 0) text += `&&[${confState.votersOutgoing.join(' ')}]`
  text += ` Learners:[${confState.learners.join(' ')}]`
  if (confState.learnersNext.length > 0) text += ` LearnersNext:[${confState.learnersNext.join(' ')}]`
  if (confState.autoLeave) text += ' AutoLeave:true'
  return text
}

export function describeSnapshot(snapshot: Snapshot): string {
  return `Index:${snapshot.metadata.index} Term:${snapshot.metadata.term} ConfState:${describeConfState(snapshot.metadata.confState)}`
}

export function describeHardState(hardState: HardState): string {
  return `Term:${hardState.term} Vote:${hardState.vote ?? '-'} Commit:${hardState.commit}`
}

export function describeMessage(m: Message): string {
  let text = `${m.from}->${m.to} ${messageTypeName(m.type)} Term:${m.term} Log:${m.logTerm}/${m.index}`
  if (m.commit !== 0) text += ` Commit:${m.commit}`
  if (m.reject)
    text +=
      m.type === MessageType.AppResp ? ` Rejected (Hint: ${m.rejectHint}/${m.rejectHintTerm})` : ' Rejected'
  if (m.context.length > 0) text += ` Context:${describeBytes(m.context)}`
  if (m.entries.length > 0) {
    const entries = m.entries.map((entry) =>
      entry.type === EntryType.Normal && entry.index === 0 ? describeBytes(entry.data) : describeEntry(entry),
    )
    text += ` Entries:[${entries.join(', ')}]`
  }
  if (m.snapshot !== null) text += ` Snapshot:{${describeSnapshot(m.snapshot)}}`
  return text
}

/** One Ready as transcript lines (indented by the caller). */
export function describeReady(ready: Ready): string[] {
  const lines: string[] = [`Ready #${ready.number}:`]
  if (ready.softState !== null) {
    lines.push(`Lead:${ready.softState.leader ?? '-'} State:${roleName(ready.softState.role)}`)
  }
  if (ready.hardState !== null) lines.push(`HardState ${describeHardState(ready.hardState)}`)
  if (ready.snapshot !== null) lines.push(`Snapshot ${describeSnapshot(ready.snapshot)}`)
  if (ready.entries.length > 0) {
    lines.push('Entries:')
    for (const entry of ready.entries) lines.push(describeEntry(entry))
  }
  if (ready.committedEntries.length > 0) {
    lines.push('CommittedEntries:')
    for (const entry of ready.committedEntries) lines.push(describeEntry(entry))
  }
  if (ready.messages.length > 0) {
    lines.push('Messages:')
    for (const outbound of ready.messages) {
      lines.push(describeMessage(outbound.message) + (outbound.afterPersist ? ' (after persist)' : ''))
    }
  }
  if (ready.readStates.length > 0) {
    lines.push('ReadStates:')
    for (const read of ready.readStates)
      lines.push(`Index:${read.index} Context:${describeBytes(read.context)}`)
  }
  return lines
}
