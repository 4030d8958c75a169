import { describe, expect, it } from 'vitest'
import {
  decodeConfChange,
  decodeEntry,
  decodeHardState,
  decodeMessage,
  decodeSnapshot,
  encodeConfChange,
  encodeEntry,
  encodeHardState,
  encodeMessage,
  encodeSnapshot,
  MalformedMessageError,
  WIRE_VERSION,
} from '../../src/codec/index.js'
import {
  type ConfChange,
  ConfChangeTransition,
  ConfChangeType,
  type ConfState,
  EntryType,
  MessageType,
  type Snapshot,
} from '../../src/core/types.js'
import type { WireMessage } from '../../src/model/wire-message.js'
import * as pb from '../../src/proto/raft.js'

const bytes = (...values: number[]) => new Uint8Array(values)

const confState: ConfState = {
  voters: ['a', 'b', 'c'],
  learners: ['d'],
  votersOutgoing: ['a', 'b', 'x'],
  learnersNext: ['x'],
  autoLeave: true,
}

const snapshot: Snapshot = { metadata: { index: 41, term: 7, confState }, data: bytes(9, 8, 7, 6) }

function message(fields: Partial<WireMessage>): WireMessage {
  return {
    type: MessageType.App,
    from: 'node-1',
    to: 'node-2',
    term: 0,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    snapshot: null,
    reject: false,
    rejectHint: 0,
    rejectHintTerm: 0,
    context: new Uint8Array(0),
    ...fields,
  }
}

describe('message codec round trip', () => {
  it('keeps every field of an append', () => {
    const original = message({
      type: MessageType.App,
      term: 9,
      logTerm: 8,
      index: 100,
      commit: 99,
      entries: [
        { term: 8, index: 101, type: EntryType.Normal, data: bytes(1, 2, 3) },
        { term: 9, index: 102, type: EntryType.ConfChange, data: bytes(4) },
      ],
    })
    expect(decodeMessage(encodeMessage(original))).toEqual(original)
  })

  it('keeps a rejection with its hints, a context, and large numbers', () => {
    const original = message({
      type: MessageType.AppResp,
      term: 2 ** 40,
      index: Number.MAX_SAFE_INTEGER,
      reject: true,
      rejectHint: 77,
      rejectHintTerm: 3,
      context: bytes(0xff, 0),
    })
    expect(decodeMessage(encodeMessage(original))).toEqual(original)
  })

  it('keeps a snapshot message', () => {
    const withSnapshot = message({ type: MessageType.Snap, term: 7, snapshot })
    expect(decodeMessage(encodeMessage(withSnapshot))).toEqual(withSnapshot)
  })

  it('keeps every message type', () => {
    for (const type of Object.values(MessageType)) {
      const original = message({ type, from: 'a', to: 'b', term: type })
      expect(decodeMessage(encodeMessage(original))).toEqual(original)
    }
  })

  it('round-trips conf changes, entries, hard states and snapshots', () => {
    const change: ConfChange = {
      transition: ConfChangeTransition.JointExplicit,
      changes: [
        { type: ConfChangeType.AddVoter, nodeId: 'n4' },
        { type: ConfChangeType.RemoveNode, nodeId: 'n1' },
        { type: ConfChangeType.AddLearner, nodeId: 'n5' },
      ],
      context: bytes(1),
    }
    expect(decodeConfChange(encodeConfChange(change))).toEqual(change)
    const entry = { term: 3, index: 5, type: EntryType.Normal, data: bytes(5, 5) }
    expect(decodeEntry(encodeEntry(entry))).toEqual(entry)
    expect(decodeHardState(encodeHardState({ term: 4, vote: 'n2', commit: 3 }))).toEqual({
      term: 4,
      vote: 'n2',
      commit: 3,
    })
    expect(decodeHardState(encodeHardState({ term: 4, vote: null, commit: 3 })).vote).toBeNull()
    expect(decodeSnapshot(encodeSnapshot(snapshot))).toEqual(snapshot)
  })
})

function expectMalformed(action: () => unknown, reason?: RegExp) {
  try {
    action()
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedMessageError)
    expect((error as MalformedMessageError).code).toBe('RAFT_MALFORMED_MESSAGE')
    if (reason) expect((error as MalformedMessageError).reason).toMatch(reason)
    return
  }
  throw new Error('expected a MalformedMessageError')
}

describe('message decoder validation', () => {
  const valid = encodeMessage(message({ term: 1 }))

  it('rejects a message above the size cap before parsing', () => {
    expectMalformed(() => decodeMessage(valid, { messageBytesMax: valid.length - 1 }), /too large/)
    expect(decodeMessage(valid, { messageBytesMax: valid.length }).term).toBe(1)
  })

  it('rejects an unknown wire version', () => {
    const wire = pb.Message.decode(valid)
    expect(wire.wireVersion).toBe(WIRE_VERSION)
    expect(WIRE_VERSION).toBe(2)
    expectMalformed(() => decodeMessage(pb.Message.encode({ ...wire, wireVersion: 3 })), /version/)
    expectMalformed(() => decodeMessage(pb.Message.encode({ ...wire, wireVersion: 0 })), /version/)
  })

  it('refuses a version-1 message, such as one carrying an in-band snapshot chunk (field 15)', () => {
    const wire = pb.Message.encode({ ...pb.Message.decode(valid), wireVersion: 1 })
    // Field 15, length-delimited, holding an empty chunk: what a version-1 driver sent.
    const withChunk = new Uint8Array([...wire, 0x7a, 0x00])
    expectMalformed(() => decodeMessage(withChunk), /version/)
    expectMalformed(() => decodeMessage(wire), /version/)
  })

  it('rejects an out-of-range enum value', () => {
    // Field 2 (type), varint 99.
    const forged = new Uint8Array([...valid, 0x10, 99])
    expectMalformed(() => decodeMessage(forged))
  })

  it('rejects a term beyond 2^53', () => {
    const writer = pb.Message.encode({ ...pb.Message.decode(valid) })
    // Field 5 (term), varint 2^60.
    const forged = new Uint8Array([...writer, 0x28, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10])
    expectMalformed(() => decodeMessage(forged))
  })

  it('rejects more entries than the limit, via protons limits', () => {
    const many = message({
      type: MessageType.Prop,
      entries: Array.from({ length: 5 }, () => ({
        term: 0,
        index: 0,
        type: EntryType.Normal,
        data: bytes(1),
      })),
    })
    expectMalformed(() => decodeMessage(encodeMessage(many), { entriesMax: 4 }))
    expect(decodeMessage(encodeMessage(many), { entriesMax: 5 }).entries).toHaveLength(5)
  })

  it('rejects non-contiguous entries and entries that do not follow index', () => {
    const gap = message({
      index: 1,
      entries: [
        { term: 1, index: 2, type: EntryType.Normal, data: bytes() },
        { term: 1, index: 4, type: EntryType.Normal, data: bytes() },
      ],
    })
    expectMalformed(() => decodeMessage(encodeMessage(gap)), /contiguous/)
    const misplaced = message({
      index: 5,
      entries: [{ term: 1, index: 2, type: EntryType.Normal, data: bytes() }],
    })
    expectMalformed(() => decodeMessage(encodeMessage(misplaced)), /follow/)
  })

  it('rejects oversized membership lists, duplicate and overlong ids', () => {
    const big = message({ type: MessageType.Snap, snapshot })
    expectMalformed(() => decodeMessage(encodeMessage(big), { membersMax: 2 }))
    const duplicate = message({
      type: MessageType.Snap,
      snapshot: {
        ...snapshot,
        metadata: { ...snapshot.metadata, confState: { ...confState, voters: ['a', 'a'] } },
      },
    })
    expectMalformed(() => decodeMessage(encodeMessage(duplicate)), /duplicate/)
    expectMalformed(() => decodeMessage(encodeMessage(message({ from: 'x'.repeat(300) }))), /too long/)
  })

  it('rejects truncated input and a non-byte input', () => {
    const full = encodeMessage(message({ type: MessageType.Snap, snapshot }))
    for (let length = 1; length < full.length; length++) {
      try {
        decodeMessage(full.subarray(0, length))
      } catch (error) {
        expect(error).toBeInstanceOf(MalformedMessageError)
      }
    }
    expectMalformed(() => decodeMessage('abc' as unknown as Uint8Array))
  })

  it('rejects conf changes with too many steps or an empty node id', () => {
    const change: ConfChange = {
      transition: ConfChangeTransition.Auto,
      changes: [
        { type: ConfChangeType.AddVoter, nodeId: 'a' },
        { type: ConfChangeType.AddVoter, nodeId: 'b' },
      ],
      context: bytes(),
    }
    expectMalformed(() => decodeConfChange(encodeConfChange(change), { confChangesMax: 1 }))
    const empty = { ...change, changes: [{ type: ConfChangeType.AddVoter, nodeId: '' }] }
    expectMalformed(() => decodeConfChange(encodeConfChange(empty)), /empty/)
  })
})
