/**
 * Maps between the core's types and the protons-generated wire types, and validates what comes in.
 * Encoding trusts its input (it comes from this process); decoding trusts nothing.
 */

import { InvariantError } from '@tandem/base'
import type {
  ConfChange,
  ConfChangeSingle,
  ConfChangeTransition,
  ConfChangeType,
  ConfState,
  Entry,
  EntryType,
  HardState,
  Snapshot,
  SnapshotMetadata,
} from '../model/types.js'
import { MessageType } from '../model/types.js'
import type { WireMessage } from '../model/wire-message.js'
import * as pb from '../proto/raft.js'
import { MalformedMessageError } from './errors.js'
import type { DecodeLimits } from './limits.js'

/**
 * The message wire version this codec writes and the only one it reads. Version 2 dropped version
 * 1's in-band snapshot chunks (snapshots travel on their own stream), which a version-1 peer relies on.
 */
export const WIRE_VERSION = 2
/** The conf change version: conf changes are stored in logs, and did not change with messages. */
const CONF_CHANGE_WIRE_VERSION = 1

const ENTRY_TYPE_NAMES: readonly pb.EntryType[] = [pb.EntryType.ENTRY_NORMAL, pb.EntryType.ENTRY_CONF_CHANGE]
const CONF_CHANGE_TYPE_NAMES: readonly pb.ConfChangeType[] = [
  pb.ConfChangeType.ADD_VOTER,
  pb.ConfChangeType.REMOVE_NODE,
  pb.ConfChangeType.ADD_LEARNER,
]
const TRANSITION_NAMES: readonly pb.ConfChangeTransition[] = [
  pb.ConfChangeTransition.TRANSITION_AUTO,
  pb.ConfChangeTransition.TRANSITION_JOINT_IMPLICIT,
  pb.ConfChangeTransition.TRANSITION_JOINT_EXPLICIT,
]
const MESSAGE_TYPE_NAMES: readonly pb.MessageType[] = [
  pb.MessageType.MSG_HUP,
  pb.MessageType.MSG_BEAT,
  pb.MessageType.MSG_PROP,
  pb.MessageType.MSG_APP,
  pb.MessageType.MSG_APP_RESP,
  pb.MessageType.MSG_VOTE,
  pb.MessageType.MSG_VOTE_RESP,
  pb.MessageType.MSG_PRE_VOTE,
  pb.MessageType.MSG_PRE_VOTE_RESP,
  pb.MessageType.MSG_SNAP,
  pb.MessageType.MSG_HEARTBEAT,
  pb.MessageType.MSG_HEARTBEAT_RESP,
  pb.MessageType.MSG_UNREACHABLE,
  pb.MessageType.MSG_SNAP_STATUS,
  pb.MessageType.MSG_CHECK_QUORUM,
  pb.MessageType.MSG_TRANSFER_LEADER,
  pb.MessageType.MSG_TIMEOUT_NOW,
  pb.MessageType.MSG_READ_INDEX,
  pb.MessageType.MSG_READ_INDEX_RESP,
]

function indexer<T extends string>(names: readonly T[]): ReadonlyMap<string, number> {
  return new Map(names.map((name, value) => [name, value]))
}
const ENTRY_TYPE_VALUES = indexer(ENTRY_TYPE_NAMES)
const CONF_CHANGE_TYPE_VALUES = indexer(CONF_CHANGE_TYPE_NAMES)
const TRANSITION_VALUES = indexer(TRANSITION_NAMES)
const MESSAGE_TYPE_VALUES = indexer(MESSAGE_TYPE_NAMES)

function nameOf<T>(names: readonly T[], value: number, what: string): T {
  const name = names[value]
  // Encoding a value outside the enum is a programming error in this process, not bad input.
  if (name === undefined) throw new InvariantError(`unknown ${what} ${value}`)
  return name
}

function enumValue(values: ReadonlyMap<string, number>, name: string, what: string): number {
  const value = values.get(name)
  if (value === undefined) throw new MalformedMessageError(`unknown ${what}`)
  return value
}

// Protobuf wants Uint8Array<ArrayBuffer>; the encoder only reads the bytes, so a view over a
// SharedArrayBuffer-backed array is as good.
function bytes(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return data as Uint8Array<ArrayBuffer>
}

// ---------------------------------------------------------------------------------------------
// Encoding: core → wire.

export function entryToWire(entry: Entry): pb.Entry {
  return {
    term: entry.term,
    index: entry.index,
    type: nameOf(ENTRY_TYPE_NAMES, entry.type, 'entry type'),
    data: bytes(entry.data),
  }
}

export function hardStateToWire(hardState: HardState): pb.HardState {
  return { term: hardState.term, vote: hardState.vote ?? '', commit: hardState.commit }
}

export function confStateToWire(confState: ConfState): pb.ConfState {
  return {
    voters: [...confState.voters],
    learners: [...confState.learners],
    votersOutgoing: [...confState.votersOutgoing],
    learnersNext: [...confState.learnersNext],
    autoLeave: confState.autoLeave,
  }
}

export function snapshotMetadataToWire(metadata: SnapshotMetadata): pb.SnapshotMetadata {
  return { index: metadata.index, term: metadata.term, confState: confStateToWire(metadata.confState) }
}

export function snapshotToWire(snapshot: Snapshot): pb.Snapshot {
  return { metadata: snapshotMetadataToWire(snapshot.metadata), data: bytes(snapshot.data) }
}

export function confChangeToWire(change: ConfChange): pb.ConfChange {
  return {
    wireVersion: CONF_CHANGE_WIRE_VERSION,
    transition: nameOf(TRANSITION_NAMES, change.transition, 'conf change transition'),
    changes: change.changes.map((single) => ({
      type: nameOf(CONF_CHANGE_TYPE_NAMES, single.type, 'conf change type'),
      nodeId: single.nodeId,
    })),
    context: bytes(change.context),
  }
}

export function messageToWire(message: WireMessage): pb.Message {
  const wire: pb.Message = {
    wireVersion: WIRE_VERSION,
    type: nameOf(MESSAGE_TYPE_NAMES, message.type, 'message type'),
    from: message.from,
    to: message.to,
    term: message.term,
    logTerm: message.logTerm,
    index: message.index,
    entries: message.entries.map(entryToWire),
    commit: message.commit,
    reject: message.reject,
    rejectHint: message.rejectHint,
    rejectHintTerm: message.rejectHintTerm,
    context: bytes(message.context),
  }
  if (message.snapshot !== null) wire.snapshot = snapshotToWire(message.snapshot)
  return wire
}

// ---------------------------------------------------------------------------------------------
// Decoding: wire → core, with validation.

function logNumber(value: number, what: string): number {
  // uint64 values beyond 2^53 lose precision as JavaScript numbers; no real log gets there, so
  // such a value can only be an attack or corruption.
  if (!Number.isSafeInteger(value) || value < 0) throw new MalformedMessageError(`${what} out of range`)
  return value
}

function nodeId(value: string, what: string, limits: DecodeLimits, allowEmpty: boolean): string {
  if (value.length === 0 && !allowEmpty) throw new MalformedMessageError(`empty ${what}`)
  if (value.length > limits.nodeIdLengthMax) throw new MalformedMessageError(`${what} too long`)
  return value
}

function nodeIds(values: readonly string[], what: string, limits: DecodeLimits): readonly string[] {
  if (values.length > limits.membersMax) throw new MalformedMessageError(`too many ${what}`)
  const seen = new Set<string>()
  for (const value of values) {
    nodeId(value, what, limits, false)
    if (seen.has(value)) throw new MalformedMessageError(`duplicate id in ${what}`)
    seen.add(value)
  }
  return values
}

export function entryFromWire(wire: pb.Entry): Entry {
  return {
    term: logNumber(wire.term, 'entry term'),
    index: logNumber(wire.index, 'entry index'),
    type: enumValue(ENTRY_TYPE_VALUES, wire.type, 'entry type') as EntryType,
    data: wire.data,
  }
}

export function hardStateFromWire(wire: pb.HardState, limits: DecodeLimits): HardState {
  const term = logNumber(wire.term, 'hard state term')
  const commit = logNumber(wire.commit, 'hard state commit')
  const vote = wire.vote === '' ? null : nodeId(wire.vote, 'vote', limits, false)
  return { term, vote, commit }
}

export function confStateFromWire(wire: pb.ConfState | undefined, limits: DecodeLimits): ConfState {
  if (wire === undefined) throw new MalformedMessageError('missing conf state')
  return {
    voters: nodeIds(wire.voters, 'voters', limits),
    learners: nodeIds(wire.learners, 'learners', limits),
    votersOutgoing: nodeIds(wire.votersOutgoing, 'outgoing voters', limits),
    learnersNext: nodeIds(wire.learnersNext, 'next learners', limits),
    autoLeave: wire.autoLeave,
  }
}

export function snapshotMetadataFromWire(
  wire: pb.SnapshotMetadata | undefined,
  limits: DecodeLimits,
): SnapshotMetadata {
  if (wire === undefined) throw new MalformedMessageError('missing snapshot metadata')
  return {
    index: logNumber(wire.index, 'snapshot index'),
    term: logNumber(wire.term, 'snapshot term'),
    confState: confStateFromWire(wire.confState, limits),
  }
}

export function snapshotFromWire(wire: pb.Snapshot, limits: DecodeLimits): Snapshot {
  return { metadata: snapshotMetadataFromWire(wire.metadata, limits), data: wire.data }
}

export function confChangeFromWire(wire: pb.ConfChange, limits: DecodeLimits): ConfChange {
  if (wire.wireVersion !== CONF_CHANGE_WIRE_VERSION)
    throw new MalformedMessageError('unsupported conf change version')
  if (wire.changes.length > limits.confChangesMax) throw new MalformedMessageError('too many conf changes')
  const changes: ConfChangeSingle[] = wire.changes.map((single) => ({
    type: enumValue(CONF_CHANGE_TYPE_VALUES, single.type, 'conf change type') as ConfChangeType,
    nodeId: nodeId(single.nodeId, 'conf change node id', limits, false),
  }))
  return {
    transition: enumValue(
      TRANSITION_VALUES,
      wire.transition,
      'conf change transition',
    ) as ConfChangeTransition,
    changes,
    context: wire.context,
  }
}

function entriesFromWire(wire: readonly pb.Entry[], type: MessageType, index: number): Entry[] {
  const entries = wire.map(entryFromWire)
  const first = entries[0]
  if (first === undefined) return entries
  // Forwarded proposals carry entries without a place in the log yet (index and term zero);
  // every other message carries a contiguous run of the log.
  if (first.index === 0) {
    for (const entry of entries) {
      if (entry.index !== 0 || entry.term !== 0) throw new MalformedMessageError('mixed unplaced entries')
    }
    return entries
  }
  // An append's entries follow the entry at `index`.
  if (type === MessageType.App && first.index !== index + 1)
    throw new MalformedMessageError('entries do not follow index')
  for (let i = 1; i < entries.length; i++) {
    const previous = entries[i - 1] as Entry
    const entry = entries[i] as Entry
    if (entry.index !== previous.index + 1) throw new MalformedMessageError('entries not contiguous')
    if (entry.term < previous.term) throw new MalformedMessageError('entry terms decrease')
  }
  return entries
}

export function messageFromWire(wire: pb.Message, limits: DecodeLimits): WireMessage {
  if (wire.wireVersion !== WIRE_VERSION) throw new MalformedMessageError('unsupported wire version')
  const type = enumValue(MESSAGE_TYPE_VALUES, wire.type, 'message type') as MessageType
  if (wire.entries.length > limits.entriesMax) throw new MalformedMessageError('too many entries')
  const index = logNumber(wire.index, 'index')
  const message: WireMessage = {
    type,
    from: nodeId(wire.from, 'sender', limits, true),
    to: nodeId(wire.to, 'recipient', limits, true),
    term: logNumber(wire.term, 'term'),
    logTerm: logNumber(wire.logTerm, 'log term'),
    index,
    entries: entriesFromWire(wire.entries, type, index),
    commit: logNumber(wire.commit, 'commit'),
    snapshot: wire.snapshot === undefined ? null : snapshotFromWire(wire.snapshot, limits),
    reject: wire.reject,
    rejectHint: logNumber(wire.rejectHint, 'reject hint'),
    rejectHintTerm: logNumber(wire.rejectHintTerm, 'reject hint term'),
    context: wire.context,
  }
  return message
}
