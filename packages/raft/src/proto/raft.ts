import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export enum EntryType {
  ENTRY_NORMAL = 'ENTRY_NORMAL',
  ENTRY_CONF_CHANGE = 'ENTRY_CONF_CHANGE'
}

enum __EntryTypeValues {
  ENTRY_NORMAL = 0,
  ENTRY_CONF_CHANGE = 1
}

export namespace EntryType {
  export const codec = (): Codec<EntryType> => {
    return enumeration<EntryType>(__EntryTypeValues)
  }
}

export interface Entry {
  term: number
  index: number
  type: EntryType
  data: Uint8Array<ArrayBuffer>
}

export namespace Entry {
  let _codec: Codec<Entry>

  export const codec = (): Codec<Entry> => {
    if (_codec == null) {
      _codec = message<Entry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.term != null && obj.term !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.term)
        }

        if ((obj.index != null && obj.index !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.index)
        }

        if (obj.type != null && __EntryTypeValues[obj.type] !== 0) {
          w.uint32(24)
          EntryType.codec().encode(obj.type, w)
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.data)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          term: 0,
          index: 0,
          type: EntryType.ENTRY_NORMAL,
          data: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.term = reader.uint64Number()
              break
            }
            case 2: {
              obj.index = reader.uint64Number()
              break
            }
            case 3: {
              obj.type = EntryType.codec().decode(reader)
              break
            }
            case 4: {
              obj.data = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.term`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.index`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.type`,
                value: EntryType.codec().decode(reader)
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.data`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface EntryTermFieldEvent {
    field: '$.term'
    value: number
  }

  export interface EntryIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export interface EntryTypeFieldEvent {
    field: '$.type'
    value: EntryType
  }

  export interface EntryDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Entry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Entry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Entry>): Entry {
    return decodeMessage(buf, Entry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Entry>): Generator<EntryTermFieldEvent | EntryIndexFieldEvent | EntryTypeFieldEvent | EntryDataFieldEvent> {
    return streamMessage(buf, Entry.codec(), opts)
  }
}

export interface HardState {
  term: number
  vote: string
  commit: number
}

export namespace HardState {
  let _codec: Codec<HardState>

  export const codec = (): Codec<HardState> => {
    if (_codec == null) {
      _codec = message<HardState>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.term != null && obj.term !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.term)
        }

        if ((obj.vote != null && obj.vote !== '')) {
          w.uint32(18)
          w.string(obj.vote)
        }

        if ((obj.commit != null && obj.commit !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.commit)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          term: 0,
          vote: '',
          commit: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.term = reader.uint64Number()
              break
            }
            case 2: {
              obj.vote = reader.string()
              break
            }
            case 3: {
              obj.commit = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.term`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.vote`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.commit`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface HardStateTermFieldEvent {
    field: '$.term'
    value: number
  }

  export interface HardStateVoteFieldEvent {
    field: '$.vote'
    value: string
  }

  export interface HardStateCommitFieldEvent {
    field: '$.commit'
    value: number
  }

  export function encode (obj: Partial<HardState>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HardState.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HardState>): HardState {
    return decodeMessage(buf, HardState.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HardState>): Generator<HardStateTermFieldEvent | HardStateVoteFieldEvent | HardStateCommitFieldEvent> {
    return streamMessage(buf, HardState.codec(), opts)
  }
}

export interface ConfState {
  voters: string[]
  learners: string[]
  votersOutgoing: string[]
  learnersNext: string[]
  autoLeave: boolean
}

export namespace ConfState {
  let _codec: Codec<ConfState>

  export const codec = (): Codec<ConfState> => {
    if (_codec == null) {
      _codec = message<ConfState>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.voters != null && obj.voters.length > 0) {
          for (const value of obj.voters) {
            w.uint32(10)
            w.string(value)
          }
        }

        if (obj.learners != null && obj.learners.length > 0) {
          for (const value of obj.learners) {
            w.uint32(18)
            w.string(value)
          }
        }

        if (obj.votersOutgoing != null && obj.votersOutgoing.length > 0) {
          for (const value of obj.votersOutgoing) {
            w.uint32(26)
            w.string(value)
          }
        }

        if (obj.learnersNext != null && obj.learnersNext.length > 0) {
          for (const value of obj.learnersNext) {
            w.uint32(34)
            w.string(value)
          }
        }

        if ((obj.autoLeave != null && obj.autoLeave !== false)) {
          w.uint32(40)
          w.bool(obj.autoLeave)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          voters: [],
          learners: [],
          votersOutgoing: [],
          learnersNext: [],
          autoLeave: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.voters != null && obj.voters.length === opts.limits.voters) {
                throw new MaxLengthError('Decode error - repeated field "voters" had too many elements')
              }

              obj.voters.push(reader.string())
              break
            }
            case 2: {
              if (opts.limits?.learners != null && obj.learners.length === opts.limits.learners) {
                throw new MaxLengthError('Decode error - repeated field "learners" had too many elements')
              }

              obj.learners.push(reader.string())
              break
            }
            case 3: {
              if (opts.limits?.votersOutgoing != null && obj.votersOutgoing.length === opts.limits.votersOutgoing) {
                throw new MaxLengthError('Decode error - repeated field "votersOutgoing" had too many elements')
              }

              obj.votersOutgoing.push(reader.string())
              break
            }
            case 4: {
              if (opts.limits?.learnersNext != null && obj.learnersNext.length === opts.limits.learnersNext) {
                throw new MaxLengthError('Decode error - repeated field "learnersNext" had too many elements')
              }

              obj.learnersNext.push(reader.string())
              break
            }
            case 5: {
              obj.autoLeave = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          voters: 0,
          learners: 0,
          votersOutgoing: 0,
          learnersNext: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.voters != null && obj.voters === opts.limits.voters) {
                throw new MaxLengthError('Streaming decode error - repeated field "voters" had too many elements')
              }

              yield {
                field: `${prefix}.voters[]`,
                index: obj.voters,
                value: reader.string()
              }

              obj.voters++

              break
            }
            case 2: {
              if (opts.limits?.learners != null && obj.learners === opts.limits.learners) {
                throw new MaxLengthError('Streaming decode error - repeated field "learners" had too many elements')
              }

              yield {
                field: `${prefix}.learners[]`,
                index: obj.learners,
                value: reader.string()
              }

              obj.learners++

              break
            }
            case 3: {
              if (opts.limits?.votersOutgoing != null && obj.votersOutgoing === opts.limits.votersOutgoing) {
                throw new MaxLengthError('Streaming decode error - repeated field "votersOutgoing" had too many elements')
              }

              yield {
                field: `${prefix}.votersOutgoing[]`,
                index: obj.votersOutgoing,
                value: reader.string()
              }

              obj.votersOutgoing++

              break
            }
            case 4: {
              if (opts.limits?.learnersNext != null && obj.learnersNext === opts.limits.learnersNext) {
                throw new MaxLengthError('Streaming decode error - repeated field "learnersNext" had too many elements')
              }

              yield {
                field: `${prefix}.learnersNext[]`,
                index: obj.learnersNext,
                value: reader.string()
              }

              obj.learnersNext++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.autoLeave`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ConfStateVotersFieldEvent {
    field: '$.voters[]'
    index: number
    value: string
  }

  export interface ConfStateLearnersFieldEvent {
    field: '$.learners[]'
    index: number
    value: string
  }

  export interface ConfStateVotersOutgoingFieldEvent {
    field: '$.votersOutgoing[]'
    index: number
    value: string
  }

  export interface ConfStateLearnersNextFieldEvent {
    field: '$.learnersNext[]'
    index: number
    value: string
  }

  export interface ConfStateAutoLeaveFieldEvent {
    field: '$.autoLeave'
    value: boolean
  }

  export function encode (obj: Partial<ConfState>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ConfState.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ConfState>): ConfState {
    return decodeMessage(buf, ConfState.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ConfState>): Generator<ConfStateVotersFieldEvent | ConfStateLearnersFieldEvent | ConfStateVotersOutgoingFieldEvent | ConfStateLearnersNextFieldEvent | ConfStateAutoLeaveFieldEvent> {
    return streamMessage(buf, ConfState.codec(), opts)
  }
}

export enum ConfChangeType {
  ADD_VOTER = 'ADD_VOTER',
  REMOVE_NODE = 'REMOVE_NODE',
  ADD_LEARNER = 'ADD_LEARNER'
}

enum __ConfChangeTypeValues {
  ADD_VOTER = 0,
  REMOVE_NODE = 1,
  ADD_LEARNER = 2
}

export namespace ConfChangeType {
  export const codec = (): Codec<ConfChangeType> => {
    return enumeration<ConfChangeType>(__ConfChangeTypeValues)
  }
}

export interface ConfChangeSingle {
  type: ConfChangeType
  nodeId: string
}

export namespace ConfChangeSingle {
  let _codec: Codec<ConfChangeSingle>

  export const codec = (): Codec<ConfChangeSingle> => {
    if (_codec == null) {
      _codec = message<ConfChangeSingle>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null && __ConfChangeTypeValues[obj.type] !== 0) {
          w.uint32(8)
          ConfChangeType.codec().encode(obj.type, w)
        }

        if ((obj.nodeId != null && obj.nodeId !== '')) {
          w.uint32(18)
          w.string(obj.nodeId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          type: ConfChangeType.ADD_VOTER,
          nodeId: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = ConfChangeType.codec().decode(reader)
              break
            }
            case 2: {
              obj.nodeId = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.type`,
                value: ConfChangeType.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.nodeId`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ConfChangeSingleTypeFieldEvent {
    field: '$.type'
    value: ConfChangeType
  }

  export interface ConfChangeSingleNodeIdFieldEvent {
    field: '$.nodeId'
    value: string
  }

  export function encode (obj: Partial<ConfChangeSingle>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ConfChangeSingle.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ConfChangeSingle>): ConfChangeSingle {
    return decodeMessage(buf, ConfChangeSingle.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ConfChangeSingle>): Generator<ConfChangeSingleTypeFieldEvent | ConfChangeSingleNodeIdFieldEvent> {
    return streamMessage(buf, ConfChangeSingle.codec(), opts)
  }
}

export enum ConfChangeTransition {
  TRANSITION_AUTO = 'TRANSITION_AUTO',
  TRANSITION_JOINT_IMPLICIT = 'TRANSITION_JOINT_IMPLICIT',
  TRANSITION_JOINT_EXPLICIT = 'TRANSITION_JOINT_EXPLICIT'
}

enum __ConfChangeTransitionValues {
  TRANSITION_AUTO = 0,
  TRANSITION_JOINT_IMPLICIT = 1,
  TRANSITION_JOINT_EXPLICIT = 2
}

export namespace ConfChangeTransition {
  export const codec = (): Codec<ConfChangeTransition> => {
    return enumeration<ConfChangeTransition>(__ConfChangeTransitionValues)
  }
}

export interface ConfChange {
  wireVersion: number
  transition: ConfChangeTransition
  changes: ConfChangeSingle[]
  context: Uint8Array<ArrayBuffer>
}

export namespace ConfChange {
  let _codec: Codec<ConfChange>

  export const codec = (): Codec<ConfChange> => {
    if (_codec == null) {
      _codec = message<ConfChange>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.wireVersion != null && obj.wireVersion !== 0)) {
          w.uint32(8)
          w.uint32(obj.wireVersion)
        }

        if (obj.transition != null && __ConfChangeTransitionValues[obj.transition] !== 0) {
          w.uint32(16)
          ConfChangeTransition.codec().encode(obj.transition, w)
        }

        if (obj.changes != null && obj.changes.length > 0) {
          for (const value of obj.changes) {
            w.uint32(26)
            ConfChangeSingle.codec().encode(value, w)
          }
        }

        if ((obj.context != null && obj.context.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.context)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          wireVersion: 0,
          transition: ConfChangeTransition.TRANSITION_AUTO,
          changes: [],
          context: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.wireVersion = reader.uint32()
              break
            }
            case 2: {
              obj.transition = ConfChangeTransition.codec().decode(reader)
              break
            }
            case 3: {
              if (opts.limits?.changes != null && obj.changes.length === opts.limits.changes) {
                throw new MaxLengthError('Decode error - repeated field "changes" had too many elements')
              }

              obj.changes.push(ConfChangeSingle.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.changes$
              }))
              break
            }
            case 4: {
              obj.context = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          changes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.wireVersion`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.transition`,
                value: ConfChangeTransition.codec().decode(reader)
              }
              break
            }
            case 3: {
              if (opts.limits?.changes != null && obj.changes === opts.limits.changes) {
                throw new MaxLengthError('Streaming decode error - repeated field "changes" had too many elements')
              }

              for (const evt of ConfChangeSingle.codec().stream(reader, reader.uint32(), `${prefix}.changes[]`, {
                limits: opts.limits?.changes$
              })) {
                yield {
                  ...evt,
                  index: obj.changes
                }
              }

              obj.changes++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.context`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ConfChangeWireVersionFieldEvent {
    field: '$.wireVersion'
    value: number
  }

  export interface ConfChangeTransitionFieldEvent {
    field: '$.transition'
    value: ConfChangeTransition
  }

  export interface ConfChangeChangesTypeFieldEvent {
    field: '$.changes[].type'
    value: ConfChangeType
    index: number
  }

  export interface ConfChangeChangesNodeIdFieldEvent {
    field: '$.changes[].nodeId'
    value: string
    index: number
  }

  export interface ConfChangeContextFieldEvent {
    field: '$.context'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ConfChange>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ConfChange.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ConfChange>): ConfChange {
    return decodeMessage(buf, ConfChange.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ConfChange>): Generator<ConfChangeWireVersionFieldEvent | ConfChangeTransitionFieldEvent | ConfChangeChangesTypeFieldEvent | ConfChangeChangesNodeIdFieldEvent | ConfChangeContextFieldEvent> {
    return streamMessage(buf, ConfChange.codec(), opts)
  }
}

export interface SnapshotMetadata {
  index: number
  term: number
  confState?: ConfState
}

export namespace SnapshotMetadata {
  let _codec: Codec<SnapshotMetadata>

  export const codec = (): Codec<SnapshotMetadata> => {
    if (_codec == null) {
      _codec = message<SnapshotMetadata>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.index != null && obj.index !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.index)
        }

        if ((obj.term != null && obj.term !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.term)
        }

        if (obj.confState != null) {
          w.uint32(26)
          ConfState.codec().encode(obj.confState, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          index: 0,
          term: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.index = reader.uint64Number()
              break
            }
            case 2: {
              obj.term = reader.uint64Number()
              break
            }
            case 3: {
              obj.confState = ConfState.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.confState
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.index`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.term`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield * ConfState.codec().stream(reader, reader.uint32(), `${prefix}.confState`, {
                limits: opts.limits?.confState
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SnapshotMetadataIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export interface SnapshotMetadataTermFieldEvent {
    field: '$.term'
    value: number
  }

  export interface SnapshotMetadataConfStateVotersFieldEvent {
    field: '$.confState.voters[]'
    index: number
    value: string
  }

  export interface SnapshotMetadataConfStateLearnersFieldEvent {
    field: '$.confState.learners[]'
    index: number
    value: string
  }

  export interface SnapshotMetadataConfStateVotersOutgoingFieldEvent {
    field: '$.confState.votersOutgoing[]'
    index: number
    value: string
  }

  export interface SnapshotMetadataConfStateLearnersNextFieldEvent {
    field: '$.confState.learnersNext[]'
    index: number
    value: string
  }

  export interface SnapshotMetadataConfStateAutoLeaveFieldEvent {
    field: '$.confState.autoLeave'
    value: boolean
  }

  export function encode (obj: Partial<SnapshotMetadata>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SnapshotMetadata.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotMetadata>): SnapshotMetadata {
    return decodeMessage(buf, SnapshotMetadata.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotMetadata>): Generator<SnapshotMetadataIndexFieldEvent | SnapshotMetadataTermFieldEvent | SnapshotMetadataConfStateVotersFieldEvent | SnapshotMetadataConfStateLearnersFieldEvent | SnapshotMetadataConfStateVotersOutgoingFieldEvent | SnapshotMetadataConfStateLearnersNextFieldEvent | SnapshotMetadataConfStateAutoLeaveFieldEvent> {
    return streamMessage(buf, SnapshotMetadata.codec(), opts)
  }
}

export interface Snapshot {
  metadata?: SnapshotMetadata
  data: Uint8Array<ArrayBuffer>
}

export namespace Snapshot {
  let _codec: Codec<Snapshot>

  export const codec = (): Codec<Snapshot> => {
    if (_codec == null) {
      _codec = message<Snapshot>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.metadata != null) {
          w.uint32(10)
          SnapshotMetadata.codec().encode(obj.metadata, w)
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.data)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          data: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.metadata = SnapshotMetadata.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.metadata
              })
              break
            }
            case 2: {
              obj.data = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * SnapshotMetadata.codec().stream(reader, reader.uint32(), `${prefix}.metadata`, {
                limits: opts.limits?.metadata
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.data`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SnapshotMetadataIndexFieldEvent {
    field: '$.metadata.index'
    value: number
  }

  export interface SnapshotMetadataTermFieldEvent {
    field: '$.metadata.term'
    value: number
  }

  export interface SnapshotMetadataConfStateVotersFieldEvent {
    field: '$.metadata.confState.voters[]'
    index: number
    value: string
  }

  export interface SnapshotMetadataConfStateLearnersFieldEvent {
    field: '$.metadata.confState.learners[]'
    index: number
    value: string
  }

  export interface SnapshotMetadataConfStateVotersOutgoingFieldEvent {
    field: '$.metadata.confState.votersOutgoing[]'
    index: number
    value: string
  }

  export interface SnapshotMetadataConfStateLearnersNextFieldEvent {
    field: '$.metadata.confState.learnersNext[]'
    index: number
    value: string
  }

  export interface SnapshotMetadataConfStateAutoLeaveFieldEvent {
    field: '$.metadata.confState.autoLeave'
    value: boolean
  }

  export interface SnapshotDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Snapshot>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Snapshot.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Snapshot>): Snapshot {
    return decodeMessage(buf, Snapshot.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Snapshot>): Generator<SnapshotMetadataIndexFieldEvent | SnapshotMetadataTermFieldEvent | SnapshotMetadataConfStateVotersFieldEvent | SnapshotMetadataConfStateLearnersFieldEvent | SnapshotMetadataConfStateVotersOutgoingFieldEvent | SnapshotMetadataConfStateLearnersNextFieldEvent | SnapshotMetadataConfStateAutoLeaveFieldEvent | SnapshotDataFieldEvent> {
    return streamMessage(buf, Snapshot.codec(), opts)
  }
}

export enum MessageType {
  MSG_HUP = 'MSG_HUP',
  MSG_BEAT = 'MSG_BEAT',
  MSG_PROP = 'MSG_PROP',
  MSG_APP = 'MSG_APP',
  MSG_APP_RESP = 'MSG_APP_RESP',
  MSG_VOTE = 'MSG_VOTE',
  MSG_VOTE_RESP = 'MSG_VOTE_RESP',
  MSG_PRE_VOTE = 'MSG_PRE_VOTE',
  MSG_PRE_VOTE_RESP = 'MSG_PRE_VOTE_RESP',
  MSG_SNAP = 'MSG_SNAP',
  MSG_HEARTBEAT = 'MSG_HEARTBEAT',
  MSG_HEARTBEAT_RESP = 'MSG_HEARTBEAT_RESP',
  MSG_UNREACHABLE = 'MSG_UNREACHABLE',
  MSG_SNAP_STATUS = 'MSG_SNAP_STATUS',
  MSG_CHECK_QUORUM = 'MSG_CHECK_QUORUM',
  MSG_TRANSFER_LEADER = 'MSG_TRANSFER_LEADER',
  MSG_TIMEOUT_NOW = 'MSG_TIMEOUT_NOW',
  MSG_READ_INDEX = 'MSG_READ_INDEX',
  MSG_READ_INDEX_RESP = 'MSG_READ_INDEX_RESP'
}

enum __MessageTypeValues {
  MSG_HUP = 0,
  MSG_BEAT = 1,
  MSG_PROP = 2,
  MSG_APP = 3,
  MSG_APP_RESP = 4,
  MSG_VOTE = 5,
  MSG_VOTE_RESP = 6,
  MSG_PRE_VOTE = 7,
  MSG_PRE_VOTE_RESP = 8,
  MSG_SNAP = 9,
  MSG_HEARTBEAT = 10,
  MSG_HEARTBEAT_RESP = 11,
  MSG_UNREACHABLE = 12,
  MSG_SNAP_STATUS = 13,
  MSG_CHECK_QUORUM = 14,
  MSG_TRANSFER_LEADER = 15,
  MSG_TIMEOUT_NOW = 16,
  MSG_READ_INDEX = 17,
  MSG_READ_INDEX_RESP = 18
}

export namespace MessageType {
  export const codec = (): Codec<MessageType> => {
    return enumeration<MessageType>(__MessageTypeValues)
  }
}

export interface Message {
  wireVersion: number
  type: MessageType
  from: string
  to: string
  term: number
  logTerm: number
  index: number
  entries: Entry[]
  commit: number
  snapshot?: Snapshot
  reject: boolean
  rejectHint: number
  rejectHintTerm: number
  context: Uint8Array<ArrayBuffer>
}

export namespace Message {
  let _codec: Codec<Message>

  export const codec = (): Codec<Message> => {
    if (_codec == null) {
      _codec = message<Message>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.wireVersion != null && obj.wireVersion !== 0)) {
          w.uint32(8)
          w.uint32(obj.wireVersion)
        }

        if (obj.type != null && __MessageTypeValues[obj.type] !== 0) {
          w.uint32(16)
          MessageType.codec().encode(obj.type, w)
        }

        if ((obj.from != null && obj.from !== '')) {
          w.uint32(26)
          w.string(obj.from)
        }

        if ((obj.to != null && obj.to !== '')) {
          w.uint32(34)
          w.string(obj.to)
        }

        if ((obj.term != null && obj.term !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.term)
        }

        if ((obj.logTerm != null && obj.logTerm !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.logTerm)
        }

        if ((obj.index != null && obj.index !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.index)
        }

        if (obj.entries != null && obj.entries.length > 0) {
          for (const value of obj.entries) {
            w.uint32(66)
            Entry.codec().encode(value, w)
          }
        }

        if ((obj.commit != null && obj.commit !== 0)) {
          w.uint32(72)
          w.uint64Number(obj.commit)
        }

        if (obj.snapshot != null) {
          w.uint32(82)
          Snapshot.codec().encode(obj.snapshot, w)
        }

        if ((obj.reject != null && obj.reject !== false)) {
          w.uint32(88)
          w.bool(obj.reject)
        }

        if ((obj.rejectHint != null && obj.rejectHint !== 0)) {
          w.uint32(96)
          w.uint64Number(obj.rejectHint)
        }

        if ((obj.rejectHintTerm != null && obj.rejectHintTerm !== 0)) {
          w.uint32(104)
          w.uint64Number(obj.rejectHintTerm)
        }

        if ((obj.context != null && obj.context.byteLength > 0)) {
          w.uint32(114)
          w.bytes(obj.context)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          wireVersion: 0,
          type: MessageType.MSG_HUP,
          from: '',
          to: '',
          term: 0,
          logTerm: 0,
          index: 0,
          entries: [],
          commit: 0,
          reject: false,
          rejectHint: 0,
          rejectHintTerm: 0,
          context: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.wireVersion = reader.uint32()
              break
            }
            case 2: {
              obj.type = MessageType.codec().decode(reader)
              break
            }
            case 3: {
              obj.from = reader.string()
              break
            }
            case 4: {
              obj.to = reader.string()
              break
            }
            case 5: {
              obj.term = reader.uint64Number()
              break
            }
            case 6: {
              obj.logTerm = reader.uint64Number()
              break
            }
            case 7: {
              obj.index = reader.uint64Number()
              break
            }
            case 8: {
              if (opts.limits?.entries != null && obj.entries.length === opts.limits.entries) {
                throw new MaxLengthError('Decode error - repeated field "entries" had too many elements')
              }

              obj.entries.push(Entry.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.entries$
              }))
              break
            }
            case 9: {
              obj.commit = reader.uint64Number()
              break
            }
            case 10: {
              obj.snapshot = Snapshot.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.snapshot
              })
              break
            }
            case 11: {
              obj.reject = reader.bool()
              break
            }
            case 12: {
              obj.rejectHint = reader.uint64Number()
              break
            }
            case 13: {
              obj.rejectHintTerm = reader.uint64Number()
              break
            }
            case 14: {
              obj.context = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          entries: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.wireVersion`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.type`,
                value: MessageType.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.from`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.to`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.term`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.logTerm`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.index`,
                value: reader.uint64Number()
              }
              break
            }
            case 8: {
              if (opts.limits?.entries != null && obj.entries === opts.limits.entries) {
                throw new MaxLengthError('Streaming decode error - repeated field "entries" had too many elements')
              }

              for (const evt of Entry.codec().stream(reader, reader.uint32(), `${prefix}.entries[]`, {
                limits: opts.limits?.entries$
              })) {
                yield {
                  ...evt,
                  index: obj.entries
                }
              }

              obj.entries++

              break
            }
            case 9: {
              yield {
                field: `${prefix}.commit`,
                value: reader.uint64Number()
              }
              break
            }
            case 10: {
              yield * Snapshot.codec().stream(reader, reader.uint32(), `${prefix}.snapshot`, {
                limits: opts.limits?.snapshot
              })

              break
            }
            case 11: {
              yield {
                field: `${prefix}.reject`,
                value: reader.bool()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.rejectHint`,
                value: reader.uint64Number()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.rejectHintTerm`,
                value: reader.uint64Number()
              }
              break
            }
            case 14: {
              yield {
                field: `${prefix}.context`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface MessageWireVersionFieldEvent {
    field: '$.wireVersion'
    value: number
  }

  export interface MessageTypeFieldEvent {
    field: '$.type'
    value: MessageType
  }

  export interface MessageFromFieldEvent {
    field: '$.from'
    value: string
  }

  export interface MessageToFieldEvent {
    field: '$.to'
    value: string
  }

  export interface MessageTermFieldEvent {
    field: '$.term'
    value: number
  }

  export interface MessageLogTermFieldEvent {
    field: '$.logTerm'
    value: number
  }

  export interface MessageIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export interface MessageEntriesTermFieldEvent {
    field: '$.entries[].term'
    value: number
    index: number
  }

  export interface MessageEntriesIndexFieldEvent {
    field: '$.entries[].index'
    value: number
    index: number
  }

  export interface MessageEntriesTypeFieldEvent {
    field: '$.entries[].type'
    value: EntryType
    index: number
  }

  export interface MessageEntriesDataFieldEvent {
    field: '$.entries[].data'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface MessageCommitFieldEvent {
    field: '$.commit'
    value: number
  }

  export interface MessageSnapshotMetadataIndexFieldEvent {
    field: '$.snapshot.metadata.index'
    value: number
  }

  export interface MessageSnapshotMetadataTermFieldEvent {
    field: '$.snapshot.metadata.term'
    value: number
  }

  export interface MessageSnapshotMetadataConfStateVotersFieldEvent {
    field: '$.snapshot.metadata.confState.voters[]'
    index: number
    value: string
  }

  export interface MessageSnapshotMetadataConfStateLearnersFieldEvent {
    field: '$.snapshot.metadata.confState.learners[]'
    index: number
    value: string
  }

  export interface MessageSnapshotMetadataConfStateVotersOutgoingFieldEvent {
    field: '$.snapshot.metadata.confState.votersOutgoing[]'
    index: number
    value: string
  }

  export interface MessageSnapshotMetadataConfStateLearnersNextFieldEvent {
    field: '$.snapshot.metadata.confState.learnersNext[]'
    index: number
    value: string
  }

  export interface MessageSnapshotMetadataConfStateAutoLeaveFieldEvent {
    field: '$.snapshot.metadata.confState.autoLeave'
    value: boolean
  }

  export interface MessageSnapshotDataFieldEvent {
    field: '$.snapshot.data'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MessageRejectFieldEvent {
    field: '$.reject'
    value: boolean
  }

  export interface MessageRejectHintFieldEvent {
    field: '$.rejectHint'
    value: number
  }

  export interface MessageRejectHintTermFieldEvent {
    field: '$.rejectHintTerm'
    value: number
  }

  export interface MessageContextFieldEvent {
    field: '$.context'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Message>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Message.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Message>): Message {
    return decodeMessage(buf, Message.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Message>): Generator<MessageWireVersionFieldEvent | MessageTypeFieldEvent | MessageFromFieldEvent | MessageToFieldEvent | MessageTermFieldEvent | MessageLogTermFieldEvent | MessageIndexFieldEvent | MessageEntriesTermFieldEvent | MessageEntriesIndexFieldEvent | MessageEntriesTypeFieldEvent | MessageEntriesDataFieldEvent | MessageCommitFieldEvent | MessageSnapshotMetadataIndexFieldEvent | MessageSnapshotMetadataTermFieldEvent | MessageSnapshotMetadataConfStateVotersFieldEvent | MessageSnapshotMetadataConfStateLearnersFieldEvent | MessageSnapshotMetadataConfStateVotersOutgoingFieldEvent | MessageSnapshotMetadataConfStateLearnersNextFieldEvent | MessageSnapshotMetadataConfStateAutoLeaveFieldEvent | MessageSnapshotDataFieldEvent | MessageRejectFieldEvent | MessageRejectHintFieldEvent | MessageRejectHintTermFieldEvent | MessageContextFieldEvent> {
    return streamMessage(buf, Message.codec(), opts)
  }
}

export interface ClientSession {
  clientId: string
  floor: number
  applied: AppliedSequence[]
  lastIndex: number
}

export namespace ClientSession {
  let _codec: Codec<ClientSession>

  export const codec = (): Codec<ClientSession> => {
    if (_codec == null) {
      _codec = message<ClientSession>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.clientId != null && obj.clientId !== '')) {
          w.uint32(10)
          w.string(obj.clientId)
        }

        if ((obj.floor != null && obj.floor !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.floor)
        }

        if (obj.applied != null && obj.applied.length > 0) {
          for (const value of obj.applied) {
            w.uint32(26)
            AppliedSequence.codec().encode(value, w)
          }
        }

        if ((obj.lastIndex != null && obj.lastIndex !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.lastIndex)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          clientId: '',
          floor: 0,
          applied: [],
          lastIndex: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.clientId = reader.string()
              break
            }
            case 2: {
              obj.floor = reader.uint64Number()
              break
            }
            case 3: {
              if (opts.limits?.applied != null && obj.applied.length === opts.limits.applied) {
                throw new MaxLengthError('Decode error - repeated field "applied" had too many elements')
              }

              obj.applied.push(AppliedSequence.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.applied$
              }))
              break
            }
            case 4: {
              obj.lastIndex = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          applied: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.clientId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.floor`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              if (opts.limits?.applied != null && obj.applied === opts.limits.applied) {
                throw new MaxLengthError('Streaming decode error - repeated field "applied" had too many elements')
              }

              for (const evt of AppliedSequence.codec().stream(reader, reader.uint32(), `${prefix}.applied[]`, {
                limits: opts.limits?.applied$
              })) {
                yield {
                  ...evt,
                  index: obj.applied
                }
              }

              obj.applied++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.lastIndex`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ClientSessionClientIdFieldEvent {
    field: '$.clientId'
    value: string
  }

  export interface ClientSessionFloorFieldEvent {
    field: '$.floor'
    value: number
  }

  export interface ClientSessionAppliedSequenceFieldEvent {
    field: '$.applied[].sequence'
    value: number
    index: number
  }

  export interface ClientSessionAppliedIndexFieldEvent {
    field: '$.applied[].index'
    value: number
    index: number
  }

  export interface ClientSessionAppliedTermFieldEvent {
    field: '$.applied[].term'
    value: number
    index: number
  }

  export interface ClientSessionLastIndexFieldEvent {
    field: '$.lastIndex'
    value: number
  }

  export function encode (obj: Partial<ClientSession>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ClientSession.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClientSession>): ClientSession {
    return decodeMessage(buf, ClientSession.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClientSession>): Generator<ClientSessionClientIdFieldEvent | ClientSessionFloorFieldEvent | ClientSessionAppliedSequenceFieldEvent | ClientSessionAppliedIndexFieldEvent | ClientSessionAppliedTermFieldEvent | ClientSessionLastIndexFieldEvent> {
    return streamMessage(buf, ClientSession.codec(), opts)
  }
}

export interface AppliedSequence {
  sequence: number
  index: number
  term: number
}

export namespace AppliedSequence {
  let _codec: Codec<AppliedSequence>

  export const codec = (): Codec<AppliedSequence> => {
    if (_codec == null) {
      _codec = message<AppliedSequence>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.sequence != null && obj.sequence !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.sequence)
        }

        if ((obj.index != null && obj.index !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.index)
        }

        if ((obj.term != null && obj.term !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.term)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          sequence: 0,
          index: 0,
          term: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.sequence = reader.uint64Number()
              break
            }
            case 2: {
              obj.index = reader.uint64Number()
              break
            }
            case 3: {
              obj.term = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.sequence`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.index`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.term`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AppliedSequenceSequenceFieldEvent {
    field: '$.sequence'
    value: number
  }

  export interface AppliedSequenceIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export interface AppliedSequenceTermFieldEvent {
    field: '$.term'
    value: number
  }

  export function encode (obj: Partial<AppliedSequence>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AppliedSequence.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AppliedSequence>): AppliedSequence {
    return decodeMessage(buf, AppliedSequence.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AppliedSequence>): Generator<AppliedSequenceSequenceFieldEvent | AppliedSequenceIndexFieldEvent | AppliedSequenceTermFieldEvent> {
    return streamMessage(buf, AppliedSequence.codec(), opts)
  }
}

export interface DriverSnapshot {
  wireVersion: number
  sessions: ClientSession[]
  state: Uint8Array<ArrayBuffer>
}

export namespace DriverSnapshot {
  let _codec: Codec<DriverSnapshot>

  export const codec = (): Codec<DriverSnapshot> => {
    if (_codec == null) {
      _codec = message<DriverSnapshot>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.wireVersion != null && obj.wireVersion !== 0)) {
          w.uint32(8)
          w.uint32(obj.wireVersion)
        }

        if (obj.sessions != null && obj.sessions.length > 0) {
          for (const value of obj.sessions) {
            w.uint32(18)
            ClientSession.codec().encode(value, w)
          }
        }

        if ((obj.state != null && obj.state.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.state)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          wireVersion: 0,
          sessions: [],
          state: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.wireVersion = reader.uint32()
              break
            }
            case 2: {
              if (opts.limits?.sessions != null && obj.sessions.length === opts.limits.sessions) {
                throw new MaxLengthError('Decode error - repeated field "sessions" had too many elements')
              }

              obj.sessions.push(ClientSession.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.sessions$
              }))
              break
            }
            case 3: {
              obj.state = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          sessions: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.wireVersion`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              if (opts.limits?.sessions != null && obj.sessions === opts.limits.sessions) {
                throw new MaxLengthError('Streaming decode error - repeated field "sessions" had too many elements')
              }

              for (const evt of ClientSession.codec().stream(reader, reader.uint32(), `${prefix}.sessions[]`, {
                limits: opts.limits?.sessions$
              })) {
                yield {
                  ...evt,
                  index: obj.sessions
                }
              }

              obj.sessions++

              break
            }
            case 3: {
              yield {
                field: `${prefix}.state`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface DriverSnapshotWireVersionFieldEvent {
    field: '$.wireVersion'
    value: number
  }

  export interface DriverSnapshotSessionsClientIdFieldEvent {
    field: '$.sessions[].clientId'
    value: string
    index: number
  }

  export interface DriverSnapshotSessionsFloorFieldEvent {
    field: '$.sessions[].floor'
    value: number
    index: number
  }

  export interface DriverSnapshotSessionsAppliedSequenceFieldEvent {
    field: '$.sessions[].applied[].sequence'
    value: number
    index: number
  }

  export interface DriverSnapshotSessionsAppliedIndexFieldEvent {
    field: '$.sessions[].applied[].index'
    value: number
    index: number
  }

  export interface DriverSnapshotSessionsAppliedTermFieldEvent {
    field: '$.sessions[].applied[].term'
    value: number
    index: number
  }

  export interface DriverSnapshotSessionsLastIndexFieldEvent {
    field: '$.sessions[].lastIndex'
    value: number
    index: number
  }

  export interface DriverSnapshotStateFieldEvent {
    field: '$.state'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<DriverSnapshot>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DriverSnapshot.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DriverSnapshot>): DriverSnapshot {
    return decodeMessage(buf, DriverSnapshot.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DriverSnapshot>): Generator<DriverSnapshotWireVersionFieldEvent | DriverSnapshotSessionsClientIdFieldEvent | DriverSnapshotSessionsFloorFieldEvent | DriverSnapshotSessionsAppliedSequenceFieldEvent | DriverSnapshotSessionsAppliedIndexFieldEvent | DriverSnapshotSessionsAppliedTermFieldEvent | DriverSnapshotSessionsLastIndexFieldEvent | DriverSnapshotStateFieldEvent> {
    return streamMessage(buf, DriverSnapshot.codec(), opts)
  }
}
