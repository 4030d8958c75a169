import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Init {
  member: string
  key: Uint8Array<ArrayBuffer>
  wrapped: Uint8Array<ArrayBuffer>
}

export namespace Init {
  let _codec: Codec<Init>

  export const codec = (): Codec<Init> => {
    if (_codec == null) {
      _codec = message<Init>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.member != null && obj.member !== '')) {
          w.uint32(10)
          w.string(obj.member)
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.key)
        }

        if ((obj.wrapped != null && obj.wrapped.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.wrapped)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          member: '',
          key: uint8ArrayAlloc(0),
          wrapped: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.member = reader.string()
              break
            }
            case 2: {
              obj.key = reader.bytes()
              break
            }
            case 3: {
              obj.wrapped = reader.bytes()
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
                field: `${prefix}.member`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.key`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.wrapped`,
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

  export interface InitMemberFieldEvent {
    field: '$.member'
    value: string
  }

  export interface InitKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InitWrappedFieldEvent {
    field: '$.wrapped'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Init>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Init.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Init>): Init {
    return decodeMessage(buf, Init.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Init>): Generator<InitMemberFieldEvent | InitKeyFieldEvent | InitWrappedFieldEvent> {
    return streamMessage(buf, Init.codec(), opts)
  }
}

export interface Grant {
  epoch: number
  recipient: Uint8Array<ArrayBuffer>
  wrapped: Uint8Array<ArrayBuffer>
}

export namespace Grant {
  let _codec: Codec<Grant>

  export const codec = (): Codec<Grant> => {
    if (_codec == null) {
      _codec = message<Grant>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.epoch)
        }

        if ((obj.recipient != null && obj.recipient.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.recipient)
        }

        if ((obj.wrapped != null && obj.wrapped.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.wrapped)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          epoch: 0,
          recipient: uint8ArrayAlloc(0),
          wrapped: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.epoch = reader.uint64Number()
              break
            }
            case 2: {
              obj.recipient = reader.bytes()
              break
            }
            case 3: {
              obj.wrapped = reader.bytes()
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
                field: `${prefix}.epoch`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.recipient`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.wrapped`,
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

  export interface GrantEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface GrantRecipientFieldEvent {
    field: '$.recipient'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GrantWrappedFieldEvent {
    field: '$.wrapped'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Grant>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Grant.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Grant>): Grant {
    return decodeMessage(buf, Grant.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Grant>): Generator<GrantEpochFieldEvent | GrantRecipientFieldEvent | GrantWrappedFieldEvent> {
    return streamMessage(buf, Grant.codec(), opts)
  }
}

export interface Open {
  incarnation: Uint8Array<ArrayBuffer>
  expected: Uint8Array<ArrayBuffer>
}

export namespace Open {
  let _codec: Codec<Open>

  export const codec = (): Codec<Open> => {
    if (_codec == null) {
      _codec = message<Open>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.incarnation != null && obj.incarnation.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.incarnation)
        }

        if ((obj.expected != null && obj.expected.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.expected)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          incarnation: uint8ArrayAlloc(0),
          expected: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.incarnation = reader.bytes()
              break
            }
            case 2: {
              obj.expected = reader.bytes()
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
                field: `${prefix}.incarnation`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.expected`,
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

  export interface OpenIncarnationFieldEvent {
    field: '$.incarnation'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OpenExpectedFieldEvent {
    field: '$.expected'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Open>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Open.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Open>): Open {
    return decodeMessage(buf, Open.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Open>): Generator<OpenIncarnationFieldEvent | OpenExpectedFieldEvent> {
    return streamMessage(buf, Open.codec(), opts)
  }
}

export interface Clock {
  member: string
  readingMs: number
}

export namespace Clock {
  let _codec: Codec<Clock>

  export const codec = (): Codec<Clock> => {
    if (_codec == null) {
      _codec = message<Clock>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.member != null && obj.member !== '')) {
          w.uint32(10)
          w.string(obj.member)
        }

        if ((obj.readingMs != null && obj.readingMs !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.readingMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          member: '',
          readingMs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.member = reader.string()
              break
            }
            case 2: {
              obj.readingMs = reader.uint64Number()
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
                field: `${prefix}.member`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.readingMs`,
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

  export interface ClockMemberFieldEvent {
    field: '$.member'
    value: string
  }

  export interface ClockReadingMsFieldEvent {
    field: '$.readingMs'
    value: number
  }

  export function encode (obj: Partial<Clock>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Clock.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Clock>): Clock {
    return decodeMessage(buf, Clock.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Clock>): Generator<ClockMemberFieldEvent | ClockReadingMsFieldEvent> {
    return streamMessage(buf, Clock.codec(), opts)
  }
}

export interface FoldedBatch {
  sequence: number
  epoch: number
  sealed: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace FoldedBatch {
  let _codec: Codec<FoldedBatch>

  export const codec = (): Codec<FoldedBatch> => {
    if (_codec == null) {
      _codec = message<FoldedBatch>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.sequence != null && obj.sequence !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.sequence)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.epoch)
        }

        if ((obj.sealed != null && obj.sealed.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.sealed)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          sequence: 0,
          epoch: 0,
          sealed: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
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
              obj.epoch = reader.uint64Number()
              break
            }
            case 3: {
              obj.sealed = reader.bytes()
              break
            }
            case 4: {
              obj.signature = reader.bytes()
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
                field: `${prefix}.epoch`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.sealed`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.signature`,
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

  export interface FoldedBatchSequenceFieldEvent {
    field: '$.sequence'
    value: number
  }

  export interface FoldedBatchEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface FoldedBatchSealedFieldEvent {
    field: '$.sealed'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FoldedBatchSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<FoldedBatch>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FoldedBatch.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FoldedBatch>): FoldedBatch {
    return decodeMessage(buf, FoldedBatch.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FoldedBatch>): Generator<FoldedBatchSequenceFieldEvent | FoldedBatchEpochFieldEvent | FoldedBatchSealedFieldEvent | FoldedBatchSignatureFieldEvent> {
    return streamMessage(buf, FoldedBatch.codec(), opts)
  }
}

export interface FoldRun {
  stream: string
  batches: FoldedBatch[]
}

export namespace FoldRun {
  let _codec: Codec<FoldRun>

  export const codec = (): Codec<FoldRun> => {
    if (_codec == null) {
      _codec = message<FoldRun>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.stream != null && obj.stream !== '')) {
          w.uint32(10)
          w.string(obj.stream)
        }

        if (obj.batches != null && obj.batches.length > 0) {
          for (const value of obj.batches) {
            w.uint32(18)
            FoldedBatch.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          stream: '',
          batches: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.stream = reader.string()
              break
            }
            case 2: {
              if (opts.limits?.batches != null && obj.batches.length === opts.limits.batches) {
                throw new MaxLengthError('Decode error - repeated field "batches" had too many elements')
              }

              obj.batches.push(FoldedBatch.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.batches$
              }))
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
          batches: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.stream`,
                value: reader.string()
              }
              break
            }
            case 2: {
              if (opts.limits?.batches != null && obj.batches === opts.limits.batches) {
                throw new MaxLengthError('Streaming decode error - repeated field "batches" had too many elements')
              }

              for (const evt of FoldedBatch.codec().stream(reader, reader.uint32(), `${prefix}.batches[]`, {
                limits: opts.limits?.batches$
              })) {
                yield {
                  ...evt,
                  index: obj.batches
                }
              }

              obj.batches++

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

  export interface FoldRunStreamFieldEvent {
    field: '$.stream'
    value: string
  }

  export interface FoldRunBatchesSequenceFieldEvent {
    field: '$.batches[].sequence'
    value: number
    index: number
  }

  export interface FoldRunBatchesEpochFieldEvent {
    field: '$.batches[].epoch'
    value: number
    index: number
  }

  export interface FoldRunBatchesSealedFieldEvent {
    field: '$.batches[].sealed'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface FoldRunBatchesSignatureFieldEvent {
    field: '$.batches[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<FoldRun>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FoldRun.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FoldRun>): FoldRun {
    return decodeMessage(buf, FoldRun.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FoldRun>): Generator<FoldRunStreamFieldEvent | FoldRunBatchesSequenceFieldEvent | FoldRunBatchesEpochFieldEvent | FoldRunBatchesSealedFieldEvent | FoldRunBatchesSignatureFieldEvent> {
    return streamMessage(buf, FoldRun.codec(), opts)
  }
}

export interface Fold {
  runs: FoldRun[]
}

export namespace Fold {
  let _codec: Codec<Fold>

  export const codec = (): Codec<Fold> => {
    if (_codec == null) {
      _codec = message<Fold>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.runs != null && obj.runs.length > 0) {
          for (const value of obj.runs) {
            w.uint32(10)
            FoldRun.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          runs: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.runs != null && obj.runs.length === opts.limits.runs) {
                throw new MaxLengthError('Decode error - repeated field "runs" had too many elements')
              }

              obj.runs.push(FoldRun.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.runs$
              }))
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
          runs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.runs != null && obj.runs === opts.limits.runs) {
                throw new MaxLengthError('Streaming decode error - repeated field "runs" had too many elements')
              }

              for (const evt of FoldRun.codec().stream(reader, reader.uint32(), `${prefix}.runs[]`, {
                limits: opts.limits?.runs$
              })) {
                yield {
                  ...evt,
                  index: obj.runs
                }
              }

              obj.runs++

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

  export interface FoldRunsStreamFieldEvent {
    field: '$.runs[].stream'
    value: string
    index: number
  }

  export interface FoldRunsBatchesSequenceFieldEvent {
    field: '$.runs[].batches[].sequence'
    value: number
    index: number
  }

  export interface FoldRunsBatchesEpochFieldEvent {
    field: '$.runs[].batches[].epoch'
    value: number
    index: number
  }

  export interface FoldRunsBatchesSealedFieldEvent {
    field: '$.runs[].batches[].sealed'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface FoldRunsBatchesSignatureFieldEvent {
    field: '$.runs[].batches[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<Fold>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Fold.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Fold>): Fold {
    return decodeMessage(buf, Fold.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Fold>): Generator<FoldRunsStreamFieldEvent | FoldRunsBatchesSequenceFieldEvent | FoldRunsBatchesEpochFieldEvent | FoldRunsBatchesSealedFieldEvent | FoldRunsBatchesSignatureFieldEvent> {
    return streamMessage(buf, Fold.codec(), opts)
  }
}

export interface AddLearner {
  member: string
  key: Uint8Array<ArrayBuffer>
  keyed: boolean
}

export namespace AddLearner {
  let _codec: Codec<AddLearner>

  export const codec = (): Codec<AddLearner> => {
    if (_codec == null) {
      _codec = message<AddLearner>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.member != null && obj.member !== '')) {
          w.uint32(10)
          w.string(obj.member)
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.key)
        }

        if ((obj.keyed != null && obj.keyed !== false)) {
          w.uint32(24)
          w.bool(obj.keyed)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          member: '',
          key: uint8ArrayAlloc(0),
          keyed: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.member = reader.string()
              break
            }
            case 2: {
              obj.key = reader.bytes()
              break
            }
            case 3: {
              obj.keyed = reader.bool()
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
                field: `${prefix}.member`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.key`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.keyed`,
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

  export interface AddLearnerMemberFieldEvent {
    field: '$.member'
    value: string
  }

  export interface AddLearnerKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AddLearnerKeyedFieldEvent {
    field: '$.keyed'
    value: boolean
  }

  export function encode (obj: Partial<AddLearner>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AddLearner.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AddLearner>): AddLearner {
    return decodeMessage(buf, AddLearner.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AddLearner>): Generator<AddLearnerMemberFieldEvent | AddLearnerKeyFieldEvent | AddLearnerKeyedFieldEvent> {
    return streamMessage(buf, AddLearner.codec(), opts)
  }
}

export interface Promote {
  member: string
}

export namespace Promote {
  let _codec: Codec<Promote>

  export const codec = (): Codec<Promote> => {
    if (_codec == null) {
      _codec = message<Promote>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.member != null && obj.member !== '')) {
          w.uint32(10)
          w.string(obj.member)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          member: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.member = reader.string()
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
                field: `${prefix}.member`,
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

  export interface PromoteMemberFieldEvent {
    field: '$.member'
    value: string
  }

  export function encode (obj: Partial<Promote>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Promote.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Promote>): Promote {
    return decodeMessage(buf, Promote.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Promote>): Generator<PromoteMemberFieldEvent> {
    return streamMessage(buf, Promote.codec(), opts)
  }
}

export interface Cutoff {
  stream: string
  sequence: number
}

export namespace Cutoff {
  let _codec: Codec<Cutoff>

  export const codec = (): Codec<Cutoff> => {
    if (_codec == null) {
      _codec = message<Cutoff>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.stream != null && obj.stream !== '')) {
          w.uint32(10)
          w.string(obj.stream)
        }

        if ((obj.sequence != null && obj.sequence !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.sequence)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          stream: '',
          sequence: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.stream = reader.string()
              break
            }
            case 2: {
              obj.sequence = reader.uint64Number()
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
                field: `${prefix}.stream`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.sequence`,
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

  export interface CutoffStreamFieldEvent {
    field: '$.stream'
    value: string
  }

  export interface CutoffSequenceFieldEvent {
    field: '$.sequence'
    value: number
  }

  export function encode (obj: Partial<Cutoff>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Cutoff.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Cutoff>): Cutoff {
    return decodeMessage(buf, Cutoff.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Cutoff>): Generator<CutoffStreamFieldEvent | CutoffSequenceFieldEvent> {
    return streamMessage(buf, Cutoff.codec(), opts)
  }
}

export interface Remove {
  member: string
  cutoffs: Cutoff[]
}

export namespace Remove {
  let _codec: Codec<Remove>

  export const codec = (): Codec<Remove> => {
    if (_codec == null) {
      _codec = message<Remove>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.member != null && obj.member !== '')) {
          w.uint32(10)
          w.string(obj.member)
        }

        if (obj.cutoffs != null && obj.cutoffs.length > 0) {
          for (const value of obj.cutoffs) {
            w.uint32(18)
            Cutoff.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          member: '',
          cutoffs: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.member = reader.string()
              break
            }
            case 2: {
              if (opts.limits?.cutoffs != null && obj.cutoffs.length === opts.limits.cutoffs) {
                throw new MaxLengthError('Decode error - repeated field "cutoffs" had too many elements')
              }

              obj.cutoffs.push(Cutoff.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.cutoffs$
              }))
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
          cutoffs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.member`,
                value: reader.string()
              }
              break
            }
            case 2: {
              if (opts.limits?.cutoffs != null && obj.cutoffs === opts.limits.cutoffs) {
                throw new MaxLengthError('Streaming decode error - repeated field "cutoffs" had too many elements')
              }

              for (const evt of Cutoff.codec().stream(reader, reader.uint32(), `${prefix}.cutoffs[]`, {
                limits: opts.limits?.cutoffs$
              })) {
                yield {
                  ...evt,
                  index: obj.cutoffs
                }
              }

              obj.cutoffs++

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

  export interface RemoveMemberFieldEvent {
    field: '$.member'
    value: string
  }

  export interface RemoveCutoffsStreamFieldEvent {
    field: '$.cutoffs[].stream'
    value: string
    index: number
  }

  export interface RemoveCutoffsSequenceFieldEvent {
    field: '$.cutoffs[].sequence'
    value: number
    index: number
  }

  export function encode (obj: Partial<Remove>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Remove.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Remove>): Remove {
    return decodeMessage(buf, Remove.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Remove>): Generator<RemoveMemberFieldEvent | RemoveCutoffsStreamFieldEvent | RemoveCutoffsSequenceFieldEvent> {
    return streamMessage(buf, Remove.codec(), opts)
  }
}

export interface Revoke {
  key: Uint8Array<ArrayBuffer>
  cutoffs: Cutoff[]
}

export namespace Revoke {
  let _codec: Codec<Revoke>

  export const codec = (): Codec<Revoke> => {
    if (_codec == null) {
      _codec = message<Revoke>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.key)
        }

        if (obj.cutoffs != null && obj.cutoffs.length > 0) {
          for (const value of obj.cutoffs) {
            w.uint32(18)
            Cutoff.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: uint8ArrayAlloc(0),
          cutoffs: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.bytes()
              break
            }
            case 2: {
              if (opts.limits?.cutoffs != null && obj.cutoffs.length === opts.limits.cutoffs) {
                throw new MaxLengthError('Decode error - repeated field "cutoffs" had too many elements')
              }

              obj.cutoffs.push(Cutoff.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.cutoffs$
              }))
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
          cutoffs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.key`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              if (opts.limits?.cutoffs != null && obj.cutoffs === opts.limits.cutoffs) {
                throw new MaxLengthError('Streaming decode error - repeated field "cutoffs" had too many elements')
              }

              for (const evt of Cutoff.codec().stream(reader, reader.uint32(), `${prefix}.cutoffs[]`, {
                limits: opts.limits?.cutoffs$
              })) {
                yield {
                  ...evt,
                  index: obj.cutoffs
                }
              }

              obj.cutoffs++

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

  export interface RevokeKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RevokeCutoffsStreamFieldEvent {
    field: '$.cutoffs[].stream'
    value: string
    index: number
  }

  export interface RevokeCutoffsSequenceFieldEvent {
    field: '$.cutoffs[].sequence'
    value: number
    index: number
  }

  export function encode (obj: Partial<Revoke>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Revoke.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Revoke>): Revoke {
    return decodeMessage(buf, Revoke.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Revoke>): Generator<RevokeKeyFieldEvent | RevokeCutoffsStreamFieldEvent | RevokeCutoffsSequenceFieldEvent> {
    return streamMessage(buf, Revoke.codec(), opts)
  }
}

export interface Constants {
  driftMaxMs: number
  eventualBacklogBytesMax: number
  foldBytesMax: number
  sessionResultsMax: number
  idempotencyRecordsPerWriterMax: number
  idempotencyWindowMs: number
  applyProtocolVersion: number
}

export namespace Constants {
  let _codec: Codec<Constants>

  export const codec = (): Codec<Constants> => {
    if (_codec == null) {
      _codec = message<Constants>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.driftMaxMs != null && obj.driftMaxMs !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.driftMaxMs)
        }

        if ((obj.eventualBacklogBytesMax != null && obj.eventualBacklogBytesMax !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.eventualBacklogBytesMax)
        }

        if ((obj.foldBytesMax != null && obj.foldBytesMax !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.foldBytesMax)
        }

        if ((obj.sessionResultsMax != null && obj.sessionResultsMax !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.sessionResultsMax)
        }

        if ((obj.idempotencyRecordsPerWriterMax != null && obj.idempotencyRecordsPerWriterMax !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.idempotencyRecordsPerWriterMax)
        }

        if ((obj.idempotencyWindowMs != null && obj.idempotencyWindowMs !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.idempotencyWindowMs)
        }

        if ((obj.applyProtocolVersion != null && obj.applyProtocolVersion !== 0)) {
          w.uint32(56)
          w.uint32(obj.applyProtocolVersion)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          driftMaxMs: 0,
          eventualBacklogBytesMax: 0,
          foldBytesMax: 0,
          sessionResultsMax: 0,
          idempotencyRecordsPerWriterMax: 0,
          idempotencyWindowMs: 0,
          applyProtocolVersion: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.driftMaxMs = reader.uint64Number()
              break
            }
            case 2: {
              obj.eventualBacklogBytesMax = reader.uint64Number()
              break
            }
            case 3: {
              obj.foldBytesMax = reader.uint64Number()
              break
            }
            case 4: {
              obj.sessionResultsMax = reader.uint64Number()
              break
            }
            case 5: {
              obj.idempotencyRecordsPerWriterMax = reader.uint64Number()
              break
            }
            case 6: {
              obj.idempotencyWindowMs = reader.uint64Number()
              break
            }
            case 7: {
              obj.applyProtocolVersion = reader.uint32()
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
                field: `${prefix}.driftMaxMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.eventualBacklogBytesMax`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.foldBytesMax`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.sessionResultsMax`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.idempotencyRecordsPerWriterMax`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.idempotencyWindowMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.applyProtocolVersion`,
                value: reader.uint32()
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

  export interface ConstantsDriftMaxMsFieldEvent {
    field: '$.driftMaxMs'
    value: number
  }

  export interface ConstantsEventualBacklogBytesMaxFieldEvent {
    field: '$.eventualBacklogBytesMax'
    value: number
  }

  export interface ConstantsFoldBytesMaxFieldEvent {
    field: '$.foldBytesMax'
    value: number
  }

  export interface ConstantsSessionResultsMaxFieldEvent {
    field: '$.sessionResultsMax'
    value: number
  }

  export interface ConstantsIdempotencyRecordsPerWriterMaxFieldEvent {
    field: '$.idempotencyRecordsPerWriterMax'
    value: number
  }

  export interface ConstantsIdempotencyWindowMsFieldEvent {
    field: '$.idempotencyWindowMs'
    value: number
  }

  export interface ConstantsApplyProtocolVersionFieldEvent {
    field: '$.applyProtocolVersion'
    value: number
  }

  export function encode (obj: Partial<Constants>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Constants.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Constants>): Constants {
    return decodeMessage(buf, Constants.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Constants>): Generator<ConstantsDriftMaxMsFieldEvent | ConstantsEventualBacklogBytesMaxFieldEvent | ConstantsFoldBytesMaxFieldEvent | ConstantsSessionResultsMaxFieldEvent | ConstantsIdempotencyRecordsPerWriterMaxFieldEvent | ConstantsIdempotencyWindowMsFieldEvent | ConstantsApplyProtocolVersionFieldEvent> {
    return streamMessage(buf, Constants.codec(), opts)
  }
}

export interface ControlOperation {
  version: number
  init?: Init
  open?: Open
  clock?: Clock
  fold?: Fold
  addLearner?: AddLearner
  promote?: Promote
  remove?: Remove
  revoke?: Revoke
  constants?: Constants
  grant?: Grant
}

export namespace ControlOperation {
  let _codec: Codec<ControlOperation>

  export const codec = (): Codec<ControlOperation> => {
    if (_codec == null) {
      _codec = message<ControlOperation>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.grant != null) {
          obj.constants = undefined
          obj.revoke = undefined
          obj.remove = undefined
          obj.promote = undefined
          obj.addLearner = undefined
          obj.fold = undefined
          obj.clock = undefined
          obj.open = undefined
          obj.init = undefined
        }

        if (obj.constants != null) {
          obj.grant = undefined
          obj.revoke = undefined
          obj.remove = undefined
          obj.promote = undefined
          obj.addLearner = undefined
          obj.fold = undefined
          obj.clock = undefined
          obj.open = undefined
          obj.init = undefined
        }

        if (obj.revoke != null) {
          obj.grant = undefined
          obj.constants = undefined
          obj.remove = undefined
          obj.promote = undefined
          obj.addLearner = undefined
          obj.fold = undefined
          obj.clock = undefined
          obj.open = undefined
          obj.init = undefined
        }

        if (obj.remove != null) {
          obj.grant = undefined
          obj.constants = undefined
          obj.revoke = undefined
          obj.promote = undefined
          obj.addLearner = undefined
          obj.fold = undefined
          obj.clock = undefined
          obj.open = undefined
          obj.init = undefined
        }

        if (obj.promote != null) {
          obj.grant = undefined
          obj.constants = undefined
          obj.revoke = undefined
          obj.remove = undefined
          obj.addLearner = undefined
          obj.fold = undefined
          obj.clock = undefined
          obj.open = undefined
          obj.init = undefined
        }

        if (obj.addLearner != null) {
          obj.grant = undefined
          obj.constants = undefined
          obj.revoke = undefined
          obj.remove = undefined
          obj.promote = undefined
          obj.fold = undefined
          obj.clock = undefined
          obj.open = undefined
          obj.init = undefined
        }

        if (obj.fold != null) {
          obj.grant = undefined
          obj.constants = undefined
          obj.revoke = undefined
          obj.remove = undefined
          obj.promote = undefined
          obj.addLearner = undefined
          obj.clock = undefined
          obj.open = undefined
          obj.init = undefined
        }

        if (obj.clock != null) {
          obj.grant = undefined
          obj.constants = undefined
          obj.revoke = undefined
          obj.remove = undefined
          obj.promote = undefined
          obj.addLearner = undefined
          obj.fold = undefined
          obj.open = undefined
          obj.init = undefined
        }

        if (obj.open != null) {
          obj.grant = undefined
          obj.constants = undefined
          obj.revoke = undefined
          obj.remove = undefined
          obj.promote = undefined
          obj.addLearner = undefined
          obj.fold = undefined
          obj.clock = undefined
          obj.init = undefined
        }

        if (obj.init != null) {
          obj.grant = undefined
          obj.constants = undefined
          obj.revoke = undefined
          obj.remove = undefined
          obj.promote = undefined
          obj.addLearner = undefined
          obj.fold = undefined
          obj.clock = undefined
          obj.open = undefined
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.init != null) {
          w.uint32(18)
          Init.codec().encode(obj.init, w)
        }

        if (obj.open != null) {
          w.uint32(26)
          Open.codec().encode(obj.open, w)
        }

        if (obj.clock != null) {
          w.uint32(34)
          Clock.codec().encode(obj.clock, w)
        }

        if (obj.fold != null) {
          w.uint32(42)
          Fold.codec().encode(obj.fold, w)
        }

        if (obj.addLearner != null) {
          w.uint32(50)
          AddLearner.codec().encode(obj.addLearner, w)
        }

        if (obj.promote != null) {
          w.uint32(58)
          Promote.codec().encode(obj.promote, w)
        }

        if (obj.remove != null) {
          w.uint32(66)
          Remove.codec().encode(obj.remove, w)
        }

        if (obj.revoke != null) {
          w.uint32(74)
          Revoke.codec().encode(obj.revoke, w)
        }

        if (obj.constants != null) {
          w.uint32(82)
          Constants.codec().encode(obj.constants, w)
        }

        if (obj.grant != null) {
          w.uint32(90)
          Grant.codec().encode(obj.grant, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.init = Init.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.init
              })
              break
            }
            case 3: {
              obj.open = Open.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.open
              })
              break
            }
            case 4: {
              obj.clock = Clock.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.clock
              })
              break
            }
            case 5: {
              obj.fold = Fold.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.fold
              })
              break
            }
            case 6: {
              obj.addLearner = AddLearner.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.addLearner
              })
              break
            }
            case 7: {
              obj.promote = Promote.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.promote
              })
              break
            }
            case 8: {
              obj.remove = Remove.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.remove
              })
              break
            }
            case 9: {
              obj.revoke = Revoke.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.revoke
              })
              break
            }
            case 10: {
              obj.constants = Constants.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.constants
              })
              break
            }
            case 11: {
              obj.grant = Grant.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.grant
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.grant != null) {
          delete obj.constants
          delete obj.revoke
          delete obj.remove
          delete obj.promote
          delete obj.addLearner
          delete obj.fold
          delete obj.clock
          delete obj.open
          delete obj.init
        }

        if (obj.constants != null) {
          delete obj.grant
          delete obj.revoke
          delete obj.remove
          delete obj.promote
          delete obj.addLearner
          delete obj.fold
          delete obj.clock
          delete obj.open
          delete obj.init
        }

        if (obj.revoke != null) {
          delete obj.grant
          delete obj.constants
          delete obj.remove
          delete obj.promote
          delete obj.addLearner
          delete obj.fold
          delete obj.clock
          delete obj.open
          delete obj.init
        }

        if (obj.remove != null) {
          delete obj.grant
          delete obj.constants
          delete obj.revoke
          delete obj.promote
          delete obj.addLearner
          delete obj.fold
          delete obj.clock
          delete obj.open
          delete obj.init
        }

        if (obj.promote != null) {
          delete obj.grant
          delete obj.constants
          delete obj.revoke
          delete obj.remove
          delete obj.addLearner
          delete obj.fold
          delete obj.clock
          delete obj.open
          delete obj.init
        }

        if (obj.addLearner != null) {
          delete obj.grant
          delete obj.constants
          delete obj.revoke
          delete obj.remove
          delete obj.promote
          delete obj.fold
          delete obj.clock
          delete obj.open
          delete obj.init
        }

        if (obj.fold != null) {
          delete obj.grant
          delete obj.constants
          delete obj.revoke
          delete obj.remove
          delete obj.promote
          delete obj.addLearner
          delete obj.clock
          delete obj.open
          delete obj.init
        }

        if (obj.clock != null) {
          delete obj.grant
          delete obj.constants
          delete obj.revoke
          delete obj.remove
          delete obj.promote
          delete obj.addLearner
          delete obj.fold
          delete obj.open
          delete obj.init
        }

        if (obj.open != null) {
          delete obj.grant
          delete obj.constants
          delete obj.revoke
          delete obj.remove
          delete obj.promote
          delete obj.addLearner
          delete obj.fold
          delete obj.clock
          delete obj.init
        }

        if (obj.init != null) {
          delete obj.grant
          delete obj.constants
          delete obj.revoke
          delete obj.remove
          delete obj.promote
          delete obj.addLearner
          delete obj.fold
          delete obj.clock
          delete obj.open
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield * Init.codec().stream(reader, reader.uint32(), `${prefix}.init`, {
                limits: opts.limits?.init
              })

              break
            }
            case 3: {
              yield * Open.codec().stream(reader, reader.uint32(), `${prefix}.open`, {
                limits: opts.limits?.open
              })

              break
            }
            case 4: {
              yield * Clock.codec().stream(reader, reader.uint32(), `${prefix}.clock`, {
                limits: opts.limits?.clock
              })

              break
            }
            case 5: {
              yield * Fold.codec().stream(reader, reader.uint32(), `${prefix}.fold`, {
                limits: opts.limits?.fold
              })

              break
            }
            case 6: {
              yield * AddLearner.codec().stream(reader, reader.uint32(), `${prefix}.addLearner`, {
                limits: opts.limits?.addLearner
              })

              break
            }
            case 7: {
              yield * Promote.codec().stream(reader, reader.uint32(), `${prefix}.promote`, {
                limits: opts.limits?.promote
              })

              break
            }
            case 8: {
              yield * Remove.codec().stream(reader, reader.uint32(), `${prefix}.remove`, {
                limits: opts.limits?.remove
              })

              break
            }
            case 9: {
              yield * Revoke.codec().stream(reader, reader.uint32(), `${prefix}.revoke`, {
                limits: opts.limits?.revoke
              })

              break
            }
            case 10: {
              yield * Constants.codec().stream(reader, reader.uint32(), `${prefix}.constants`, {
                limits: opts.limits?.constants
              })

              break
            }
            case 11: {
              yield * Grant.codec().stream(reader, reader.uint32(), `${prefix}.grant`, {
                limits: opts.limits?.grant
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

  export interface ControlOperationVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface ControlOperationInitMemberFieldEvent {
    field: '$.init.member'
    value: string
  }

  export interface ControlOperationInitKeyFieldEvent {
    field: '$.init.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOperationInitWrappedFieldEvent {
    field: '$.init.wrapped'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOperationOpenIncarnationFieldEvent {
    field: '$.open.incarnation'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOperationOpenExpectedFieldEvent {
    field: '$.open.expected'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOperationClockMemberFieldEvent {
    field: '$.clock.member'
    value: string
  }

  export interface ControlOperationClockReadingMsFieldEvent {
    field: '$.clock.readingMs'
    value: number
  }

  export interface ControlOperationFoldRunsStreamFieldEvent {
    field: '$.fold.runs[].stream'
    value: string
    index: number
  }

  export interface ControlOperationFoldRunsBatchesSequenceFieldEvent {
    field: '$.fold.runs[].batches[].sequence'
    value: number
    index: number
  }

  export interface ControlOperationFoldRunsBatchesEpochFieldEvent {
    field: '$.fold.runs[].batches[].epoch'
    value: number
    index: number
  }

  export interface ControlOperationFoldRunsBatchesSealedFieldEvent {
    field: '$.fold.runs[].batches[].sealed'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ControlOperationFoldRunsBatchesSignatureFieldEvent {
    field: '$.fold.runs[].batches[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ControlOperationAddLearnerMemberFieldEvent {
    field: '$.addLearner.member'
    value: string
  }

  export interface ControlOperationAddLearnerKeyFieldEvent {
    field: '$.addLearner.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOperationAddLearnerKeyedFieldEvent {
    field: '$.addLearner.keyed'
    value: boolean
  }

  export interface ControlOperationPromoteMemberFieldEvent {
    field: '$.promote.member'
    value: string
  }

  export interface ControlOperationRemoveMemberFieldEvent {
    field: '$.remove.member'
    value: string
  }

  export interface ControlOperationRemoveCutoffsStreamFieldEvent {
    field: '$.remove.cutoffs[].stream'
    value: string
    index: number
  }

  export interface ControlOperationRemoveCutoffsSequenceFieldEvent {
    field: '$.remove.cutoffs[].sequence'
    value: number
    index: number
  }

  export interface ControlOperationRevokeKeyFieldEvent {
    field: '$.revoke.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOperationRevokeCutoffsStreamFieldEvent {
    field: '$.revoke.cutoffs[].stream'
    value: string
    index: number
  }

  export interface ControlOperationRevokeCutoffsSequenceFieldEvent {
    field: '$.revoke.cutoffs[].sequence'
    value: number
    index: number
  }

  export interface ControlOperationConstantsDriftMaxMsFieldEvent {
    field: '$.constants.driftMaxMs'
    value: number
  }

  export interface ControlOperationConstantsEventualBacklogBytesMaxFieldEvent {
    field: '$.constants.eventualBacklogBytesMax'
    value: number
  }

  export interface ControlOperationConstantsFoldBytesMaxFieldEvent {
    field: '$.constants.foldBytesMax'
    value: number
  }

  export interface ControlOperationConstantsSessionResultsMaxFieldEvent {
    field: '$.constants.sessionResultsMax'
    value: number
  }

  export interface ControlOperationConstantsIdempotencyRecordsPerWriterMaxFieldEvent {
    field: '$.constants.idempotencyRecordsPerWriterMax'
    value: number
  }

  export interface ControlOperationConstantsIdempotencyWindowMsFieldEvent {
    field: '$.constants.idempotencyWindowMs'
    value: number
  }

  export interface ControlOperationConstantsApplyProtocolVersionFieldEvent {
    field: '$.constants.applyProtocolVersion'
    value: number
  }

  export interface ControlOperationGrantEpochFieldEvent {
    field: '$.grant.epoch'
    value: number
  }

  export interface ControlOperationGrantRecipientFieldEvent {
    field: '$.grant.recipient'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOperationGrantWrappedFieldEvent {
    field: '$.grant.wrapped'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ControlOperation>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ControlOperation.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ControlOperation>): ControlOperation {
    return decodeMessage(buf, ControlOperation.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ControlOperation>): Generator<ControlOperationVersionFieldEvent | ControlOperationInitMemberFieldEvent | ControlOperationInitKeyFieldEvent | ControlOperationInitWrappedFieldEvent | ControlOperationOpenIncarnationFieldEvent | ControlOperationOpenExpectedFieldEvent | ControlOperationClockMemberFieldEvent | ControlOperationClockReadingMsFieldEvent | ControlOperationFoldRunsStreamFieldEvent | ControlOperationFoldRunsBatchesSequenceFieldEvent | ControlOperationFoldRunsBatchesEpochFieldEvent | ControlOperationFoldRunsBatchesSealedFieldEvent | ControlOperationFoldRunsBatchesSignatureFieldEvent | ControlOperationAddLearnerMemberFieldEvent | ControlOperationAddLearnerKeyFieldEvent | ControlOperationAddLearnerKeyedFieldEvent | ControlOperationPromoteMemberFieldEvent | ControlOperationRemoveMemberFieldEvent | ControlOperationRemoveCutoffsStreamFieldEvent | ControlOperationRemoveCutoffsSequenceFieldEvent | ControlOperationRevokeKeyFieldEvent | ControlOperationRevokeCutoffsStreamFieldEvent | ControlOperationRevokeCutoffsSequenceFieldEvent | ControlOperationConstantsDriftMaxMsFieldEvent | ControlOperationConstantsEventualBacklogBytesMaxFieldEvent | ControlOperationConstantsFoldBytesMaxFieldEvent | ControlOperationConstantsSessionResultsMaxFieldEvent | ControlOperationConstantsIdempotencyRecordsPerWriterMaxFieldEvent | ControlOperationConstantsIdempotencyWindowMsFieldEvent | ControlOperationConstantsApplyProtocolVersionFieldEvent | ControlOperationGrantEpochFieldEvent | ControlOperationGrantRecipientFieldEvent | ControlOperationGrantWrappedFieldEvent> {
    return streamMessage(buf, ControlOperation.codec(), opts)
  }
}

export interface EventualBatchPayload {
  version: number
  deltas: Uint8Array<ArrayBuffer>[]
}

export namespace EventualBatchPayload {
  let _codec: Codec<EventualBatchPayload>

  export const codec = (): Codec<EventualBatchPayload> => {
    if (_codec == null) {
      _codec = message<EventualBatchPayload>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.deltas != null && obj.deltas.length > 0) {
          for (const value of obj.deltas) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          deltas: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              if (opts.limits?.deltas != null && obj.deltas.length === opts.limits.deltas) {
                throw new MaxLengthError('Decode error - repeated field "deltas" had too many elements')
              }

              obj.deltas.push(reader.bytes())
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
          deltas: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              if (opts.limits?.deltas != null && obj.deltas === opts.limits.deltas) {
                throw new MaxLengthError('Streaming decode error - repeated field "deltas" had too many elements')
              }

              yield {
                field: `${prefix}.deltas[]`,
                index: obj.deltas,
                value: reader.bytes()
              }

              obj.deltas++

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

  export interface EventualBatchPayloadVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface EventualBatchPayloadDeltasFieldEvent {
    field: '$.deltas[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<EventualBatchPayload>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, EventualBatchPayload.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<EventualBatchPayload>): EventualBatchPayload {
    return decodeMessage(buf, EventualBatchPayload.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<EventualBatchPayload>): Generator<EventualBatchPayloadVersionFieldEvent | EventualBatchPayloadDeltasFieldEvent> {
    return streamMessage(buf, EventualBatchPayload.codec(), opts)
  }
}

export interface StrongPayload {
  version: number
  stampWallMs: number
  stampLogical: number
  operations: DataOperation[]
}

export namespace StrongPayload {
  let _codec: Codec<StrongPayload>

  export const codec = (): Codec<StrongPayload> => {
    if (_codec == null) {
      _codec = message<StrongPayload>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.stampWallMs != null && obj.stampWallMs !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.stampWallMs)
        }

        if ((obj.stampLogical != null && obj.stampLogical !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.stampLogical)
        }

        if (obj.operations != null && obj.operations.length > 0) {
          for (const value of obj.operations) {
            w.uint32(34)
            DataOperation.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          stampWallMs: 0,
          stampLogical: 0,
          operations: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.stampWallMs = reader.uint64Number()
              break
            }
            case 3: {
              obj.stampLogical = reader.uint64Number()
              break
            }
            case 4: {
              if (opts.limits?.operations != null && obj.operations.length === opts.limits.operations) {
                throw new MaxLengthError('Decode error - repeated field "operations" had too many elements')
              }

              obj.operations.push(DataOperation.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.operations$
              }))
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
          operations: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.stampWallMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.stampLogical`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              if (opts.limits?.operations != null && obj.operations === opts.limits.operations) {
                throw new MaxLengthError('Streaming decode error - repeated field "operations" had too many elements')
              }

              for (const evt of DataOperation.codec().stream(reader, reader.uint32(), `${prefix}.operations[]`, {
                limits: opts.limits?.operations$
              })) {
                yield {
                  ...evt,
                  index: obj.operations
                }
              }

              obj.operations++

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

  export interface StrongPayloadVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface StrongPayloadStampWallMsFieldEvent {
    field: '$.stampWallMs'
    value: number
  }

  export interface StrongPayloadStampLogicalFieldEvent {
    field: '$.stampLogical'
    value: number
  }

  export interface StrongPayloadOperationsCollectionKindFieldEvent {
    field: '$.operations[].collectionKind'
    value: CollectionKind
    index: number
  }

  export interface StrongPayloadOperationsCollectionFieldEvent {
    field: '$.operations[].collection'
    value: string
    index: number
  }

  export interface StrongPayloadOperationsDeclareWritesFieldEvent {
    field: '$.operations[].declare.writes'
    value: WritesAllowed
    index: number
  }

  export interface StrongPayloadOperationsDeclareWritersListedFieldEvent {
    field: '$.operations[].declare.writersListed'
    value: boolean
    index: number
  }

  export interface StrongPayloadOperationsDeclareWritersFieldEvent {
    field: '$.operations[].declare.writers[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface StrongPayloadOperationsMapSetValueFieldEvent {
    field: '$.operations[].mapSetValue'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface StrongPayloadOperationsMapDeleteFieldEvent {
    field: '$.operations[].mapDelete'
    value: boolean
    index: number
  }

  export interface StrongPayloadOperationsCompareAndSetExpectedPresentFieldEvent {
    field: '$.operations[].compareAndSet.expectedPresent'
    value: boolean
    index: number
  }

  export interface StrongPayloadOperationsCompareAndSetExpectedFieldEvent {
    field: '$.operations[].compareAndSet.expected'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface StrongPayloadOperationsCompareAndSetNextFieldEvent {
    field: '$.operations[].compareAndSet.next'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface StrongPayloadOperationsInsertIfAbsentFieldEvent {
    field: '$.operations[].insertIfAbsent'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface StrongPayloadOperationsIncrementByFieldEvent {
    field: '$.operations[].increment.by'
    value: number
    index: number
  }

  export interface StrongPayloadOperationsIncrementMinFieldEvent {
    field: '$.operations[].increment.min'
    value: number
    index: number
  }

  export interface StrongPayloadOperationsIncrementMaxFieldEvent {
    field: '$.operations[].increment.max'
    value: number
    index: number
  }

  export interface StrongPayloadOperationsSetAddFieldEvent {
    field: '$.operations[].setAdd'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface StrongPayloadOperationsSetDeleteFieldEvent {
    field: '$.operations[].setDelete'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface StrongPayloadOperationsRegisterSetFieldEvent {
    field: '$.operations[].registerSet'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface StrongPayloadOperationsKeyFieldEvent {
    field: '$.operations[].key'
    value: string
    index: number
  }

  export interface StrongPayloadOperationsIdempotencyKeyFieldEvent {
    field: '$.operations[].idempotencyKey'
    value: string
    index: number
  }

  export interface StrongPayloadOperationsOperationHashFieldEvent {
    field: '$.operations[].operationHash'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<StrongPayload>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, StrongPayload.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StrongPayload>): StrongPayload {
    return decodeMessage(buf, StrongPayload.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StrongPayload>): Generator<StrongPayloadVersionFieldEvent | StrongPayloadStampWallMsFieldEvent | StrongPayloadStampLogicalFieldEvent | StrongPayloadOperationsCollectionKindFieldEvent | StrongPayloadOperationsCollectionFieldEvent | StrongPayloadOperationsDeclareWritesFieldEvent | StrongPayloadOperationsDeclareWritersListedFieldEvent | StrongPayloadOperationsDeclareWritersFieldEvent | StrongPayloadOperationsMapSetValueFieldEvent | StrongPayloadOperationsMapDeleteFieldEvent | StrongPayloadOperationsCompareAndSetExpectedPresentFieldEvent | StrongPayloadOperationsCompareAndSetExpectedFieldEvent | StrongPayloadOperationsCompareAndSetNextFieldEvent | StrongPayloadOperationsInsertIfAbsentFieldEvent | StrongPayloadOperationsIncrementByFieldEvent | StrongPayloadOperationsIncrementMinFieldEvent | StrongPayloadOperationsIncrementMaxFieldEvent | StrongPayloadOperationsSetAddFieldEvent | StrongPayloadOperationsSetDeleteFieldEvent | StrongPayloadOperationsRegisterSetFieldEvent | StrongPayloadOperationsKeyFieldEvent | StrongPayloadOperationsIdempotencyKeyFieldEvent | StrongPayloadOperationsOperationHashFieldEvent> {
    return streamMessage(buf, StrongPayload.codec(), opts)
  }
}

export enum CollectionKind {
  COLLECTION_MAP = 'COLLECTION_MAP',
  COLLECTION_SET = 'COLLECTION_SET',
  COLLECTION_REGISTER = 'COLLECTION_REGISTER'
}

enum __CollectionKindValues {
  COLLECTION_MAP = 0,
  COLLECTION_SET = 1,
  COLLECTION_REGISTER = 2
}

export namespace CollectionKind {
  export const codec = (): Codec<CollectionKind> => {
    return enumeration<CollectionKind>(__CollectionKindValues)
  }
}

export enum WritesAllowed {
  WRITES_BOTH = 'WRITES_BOTH',
  WRITES_STRONG = 'WRITES_STRONG',
  WRITES_EVENTUAL = 'WRITES_EVENTUAL'
}

enum __WritesAllowedValues {
  WRITES_BOTH = 0,
  WRITES_STRONG = 1,
  WRITES_EVENTUAL = 2
}

export namespace WritesAllowed {
  export const codec = (): Codec<WritesAllowed> => {
    return enumeration<WritesAllowed>(__WritesAllowedValues)
  }
}

export interface Declare {
  writes: WritesAllowed
  writersListed: boolean
  writers: Uint8Array<ArrayBuffer>[]
}

export namespace Declare {
  let _codec: Codec<Declare>

  export const codec = (): Codec<Declare> => {
    if (_codec == null) {
      _codec = message<Declare>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.writes != null && __WritesAllowedValues[obj.writes] !== 0) {
          w.uint32(8)
          WritesAllowed.codec().encode(obj.writes, w)
        }

        if ((obj.writersListed != null && obj.writersListed !== false)) {
          w.uint32(16)
          w.bool(obj.writersListed)
        }

        if (obj.writers != null && obj.writers.length > 0) {
          for (const value of obj.writers) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          writes: WritesAllowed.WRITES_BOTH,
          writersListed: false,
          writers: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.writes = WritesAllowed.codec().decode(reader)
              break
            }
            case 2: {
              obj.writersListed = reader.bool()
              break
            }
            case 3: {
              if (opts.limits?.writers != null && obj.writers.length === opts.limits.writers) {
                throw new MaxLengthError('Decode error - repeated field "writers" had too many elements')
              }

              obj.writers.push(reader.bytes())
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
          writers: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.writes`,
                value: WritesAllowed.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.writersListed`,
                value: reader.bool()
              }
              break
            }
            case 3: {
              if (opts.limits?.writers != null && obj.writers === opts.limits.writers) {
                throw new MaxLengthError('Streaming decode error - repeated field "writers" had too many elements')
              }

              yield {
                field: `${prefix}.writers[]`,
                index: obj.writers,
                value: reader.bytes()
              }

              obj.writers++

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

  export interface DeclareWritesFieldEvent {
    field: '$.writes'
    value: WritesAllowed
  }

  export interface DeclareWritersListedFieldEvent {
    field: '$.writersListed'
    value: boolean
  }

  export interface DeclareWritersFieldEvent {
    field: '$.writers[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Declare>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Declare.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Declare>): Declare {
    return decodeMessage(buf, Declare.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Declare>): Generator<DeclareWritesFieldEvent | DeclareWritersListedFieldEvent | DeclareWritersFieldEvent> {
    return streamMessage(buf, Declare.codec(), opts)
  }
}

export interface CompareAndSet {
  expectedPresent: boolean
  expected: Uint8Array<ArrayBuffer>
  next: Uint8Array<ArrayBuffer>
}

export namespace CompareAndSet {
  let _codec: Codec<CompareAndSet>

  export const codec = (): Codec<CompareAndSet> => {
    if (_codec == null) {
      _codec = message<CompareAndSet>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.expectedPresent != null && obj.expectedPresent !== false)) {
          w.uint32(8)
          w.bool(obj.expectedPresent)
        }

        if ((obj.expected != null && obj.expected.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.expected)
        }

        if ((obj.next != null && obj.next.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.next)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          expectedPresent: false,
          expected: uint8ArrayAlloc(0),
          next: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.expectedPresent = reader.bool()
              break
            }
            case 2: {
              obj.expected = reader.bytes()
              break
            }
            case 3: {
              obj.next = reader.bytes()
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
                field: `${prefix}.expectedPresent`,
                value: reader.bool()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.expected`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.next`,
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

  export interface CompareAndSetExpectedPresentFieldEvent {
    field: '$.expectedPresent'
    value: boolean
  }

  export interface CompareAndSetExpectedFieldEvent {
    field: '$.expected'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CompareAndSetNextFieldEvent {
    field: '$.next'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<CompareAndSet>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CompareAndSet.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CompareAndSet>): CompareAndSet {
    return decodeMessage(buf, CompareAndSet.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CompareAndSet>): Generator<CompareAndSetExpectedPresentFieldEvent | CompareAndSetExpectedFieldEvent | CompareAndSetNextFieldEvent> {
    return streamMessage(buf, CompareAndSet.codec(), opts)
  }
}

export interface Increment {
  by: number
  min?: number
  max?: number
}

export namespace Increment {
  let _codec: Codec<Increment>

  export const codec = (): Codec<Increment> => {
    if (_codec == null) {
      _codec = message<Increment>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.by != null && obj.by !== 0)) {
          w.uint32(9)
          w.double(obj.by)
        }

        if (obj.min != null) {
          w.uint32(17)
          w.double(obj.min)
        }

        if (obj.max != null) {
          w.uint32(25)
          w.double(obj.max)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          by: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.by = reader.double()
              break
            }
            case 2: {
              obj.min = reader.double()
              break
            }
            case 3: {
              obj.max = reader.double()
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
                field: `${prefix}.by`,
                value: reader.double()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.min`,
                value: reader.double()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.max`,
                value: reader.double()
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

  export interface IncrementByFieldEvent {
    field: '$.by'
    value: number
  }

  export interface IncrementMinFieldEvent {
    field: '$.min'
    value: number
  }

  export interface IncrementMaxFieldEvent {
    field: '$.max'
    value: number
  }

  export function encode (obj: Partial<Increment>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Increment.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Increment>): Increment {
    return decodeMessage(buf, Increment.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Increment>): Generator<IncrementByFieldEvent | IncrementMinFieldEvent | IncrementMaxFieldEvent> {
    return streamMessage(buf, Increment.codec(), opts)
  }
}

export interface DataOperation {
  collectionKind: CollectionKind
  collection: string
  declare?: Declare
  mapSetValue?: Uint8Array<ArrayBuffer>
  mapDelete?: boolean
  compareAndSet?: CompareAndSet
  insertIfAbsent?: Uint8Array<ArrayBuffer>
  increment?: Increment
  setAdd?: Uint8Array<ArrayBuffer>
  setDelete?: Uint8Array<ArrayBuffer>
  registerSet?: Uint8Array<ArrayBuffer>
  key: string
  idempotencyKey: string
  operationHash: Uint8Array<ArrayBuffer>
}

export namespace DataOperation {
  let _codec: Codec<DataOperation>

  export const codec = (): Codec<DataOperation> => {
    if (_codec == null) {
      _codec = message<DataOperation>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.registerSet != null) {
          obj.setDelete = undefined
          obj.setAdd = undefined
          obj.increment = undefined
          obj.insertIfAbsent = undefined
          obj.compareAndSet = undefined
          obj.mapDelete = undefined
          obj.mapSetValue = undefined
          obj.declare = undefined
        }

        if (obj.setDelete != null) {
          obj.registerSet = undefined
          obj.setAdd = undefined
          obj.increment = undefined
          obj.insertIfAbsent = undefined
          obj.compareAndSet = undefined
          obj.mapDelete = undefined
          obj.mapSetValue = undefined
          obj.declare = undefined
        }

        if (obj.setAdd != null) {
          obj.registerSet = undefined
          obj.setDelete = undefined
          obj.increment = undefined
          obj.insertIfAbsent = undefined
          obj.compareAndSet = undefined
          obj.mapDelete = undefined
          obj.mapSetValue = undefined
          obj.declare = undefined
        }

        if (obj.increment != null) {
          obj.registerSet = undefined
          obj.setDelete = undefined
          obj.setAdd = undefined
          obj.insertIfAbsent = undefined
          obj.compareAndSet = undefined
          obj.mapDelete = undefined
          obj.mapSetValue = undefined
          obj.declare = undefined
        }

        if (obj.insertIfAbsent != null) {
          obj.registerSet = undefined
          obj.setDelete = undefined
          obj.setAdd = undefined
          obj.increment = undefined
          obj.compareAndSet = undefined
          obj.mapDelete = undefined
          obj.mapSetValue = undefined
          obj.declare = undefined
        }

        if (obj.compareAndSet != null) {
          obj.registerSet = undefined
          obj.setDelete = undefined
          obj.setAdd = undefined
          obj.increment = undefined
          obj.insertIfAbsent = undefined
          obj.mapDelete = undefined
          obj.mapSetValue = undefined
          obj.declare = undefined
        }

        if (obj.mapDelete != null) {
          obj.registerSet = undefined
          obj.setDelete = undefined
          obj.setAdd = undefined
          obj.increment = undefined
          obj.insertIfAbsent = undefined
          obj.compareAndSet = undefined
          obj.mapSetValue = undefined
          obj.declare = undefined
        }

        if (obj.mapSetValue != null) {
          obj.registerSet = undefined
          obj.setDelete = undefined
          obj.setAdd = undefined
          obj.increment = undefined
          obj.insertIfAbsent = undefined
          obj.compareAndSet = undefined
          obj.mapDelete = undefined
          obj.declare = undefined
        }

        if (obj.declare != null) {
          obj.registerSet = undefined
          obj.setDelete = undefined
          obj.setAdd = undefined
          obj.increment = undefined
          obj.insertIfAbsent = undefined
          obj.compareAndSet = undefined
          obj.mapDelete = undefined
          obj.mapSetValue = undefined
        }

        if (obj.collectionKind != null && __CollectionKindValues[obj.collectionKind] !== 0) {
          w.uint32(8)
          CollectionKind.codec().encode(obj.collectionKind, w)
        }

        if ((obj.collection != null && obj.collection !== '')) {
          w.uint32(18)
          w.string(obj.collection)
        }

        if (obj.declare != null) {
          w.uint32(26)
          Declare.codec().encode(obj.declare, w)
        }

        if (obj.mapSetValue != null) {
          w.uint32(34)
          w.bytes(obj.mapSetValue)
        }

        if (obj.mapDelete != null) {
          w.uint32(40)
          w.bool(obj.mapDelete)
        }

        if (obj.compareAndSet != null) {
          w.uint32(50)
          CompareAndSet.codec().encode(obj.compareAndSet, w)
        }

        if (obj.insertIfAbsent != null) {
          w.uint32(58)
          w.bytes(obj.insertIfAbsent)
        }

        if (obj.increment != null) {
          w.uint32(66)
          Increment.codec().encode(obj.increment, w)
        }

        if (obj.setAdd != null) {
          w.uint32(74)
          w.bytes(obj.setAdd)
        }

        if (obj.setDelete != null) {
          w.uint32(82)
          w.bytes(obj.setDelete)
        }

        if (obj.registerSet != null) {
          w.uint32(90)
          w.bytes(obj.registerSet)
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(98)
          w.string(obj.key)
        }

        if ((obj.idempotencyKey != null && obj.idempotencyKey !== '')) {
          w.uint32(106)
          w.string(obj.idempotencyKey)
        }

        if ((obj.operationHash != null && obj.operationHash.byteLength > 0)) {
          w.uint32(114)
          w.bytes(obj.operationHash)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          collectionKind: CollectionKind.COLLECTION_MAP,
          collection: '',
          key: '',
          idempotencyKey: '',
          operationHash: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.collectionKind = CollectionKind.codec().decode(reader)
              break
            }
            case 2: {
              obj.collection = reader.string()
              break
            }
            case 3: {
              obj.declare = Declare.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.declare
              })
              break
            }
            case 4: {
              obj.mapSetValue = reader.bytes()
              break
            }
            case 5: {
              obj.mapDelete = reader.bool()
              break
            }
            case 6: {
              obj.compareAndSet = CompareAndSet.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.compareAndSet
              })
              break
            }
            case 7: {
              obj.insertIfAbsent = reader.bytes()
              break
            }
            case 8: {
              obj.increment = Increment.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.increment
              })
              break
            }
            case 9: {
              obj.setAdd = reader.bytes()
              break
            }
            case 10: {
              obj.setDelete = reader.bytes()
              break
            }
            case 11: {
              obj.registerSet = reader.bytes()
              break
            }
            case 12: {
              obj.key = reader.string()
              break
            }
            case 13: {
              obj.idempotencyKey = reader.string()
              break
            }
            case 14: {
              obj.operationHash = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.registerSet != null) {
          delete obj.setDelete
          delete obj.setAdd
          delete obj.increment
          delete obj.insertIfAbsent
          delete obj.compareAndSet
          delete obj.mapDelete
          delete obj.mapSetValue
          delete obj.declare
        }

        if (obj.setDelete != null) {
          delete obj.registerSet
          delete obj.setAdd
          delete obj.increment
          delete obj.insertIfAbsent
          delete obj.compareAndSet
          delete obj.mapDelete
          delete obj.mapSetValue
          delete obj.declare
        }

        if (obj.setAdd != null) {
          delete obj.registerSet
          delete obj.setDelete
          delete obj.increment
          delete obj.insertIfAbsent
          delete obj.compareAndSet
          delete obj.mapDelete
          delete obj.mapSetValue
          delete obj.declare
        }

        if (obj.increment != null) {
          delete obj.registerSet
          delete obj.setDelete
          delete obj.setAdd
          delete obj.insertIfAbsent
          delete obj.compareAndSet
          delete obj.mapDelete
          delete obj.mapSetValue
          delete obj.declare
        }

        if (obj.insertIfAbsent != null) {
          delete obj.registerSet
          delete obj.setDelete
          delete obj.setAdd
          delete obj.increment
          delete obj.compareAndSet
          delete obj.mapDelete
          delete obj.mapSetValue
          delete obj.declare
        }

        if (obj.compareAndSet != null) {
          delete obj.registerSet
          delete obj.setDelete
          delete obj.setAdd
          delete obj.increment
          delete obj.insertIfAbsent
          delete obj.mapDelete
          delete obj.mapSetValue
          delete obj.declare
        }

        if (obj.mapDelete != null) {
          delete obj.registerSet
          delete obj.setDelete
          delete obj.setAdd
          delete obj.increment
          delete obj.insertIfAbsent
          delete obj.compareAndSet
          delete obj.mapSetValue
          delete obj.declare
        }

        if (obj.mapSetValue != null) {
          delete obj.registerSet
          delete obj.setDelete
          delete obj.setAdd
          delete obj.increment
          delete obj.insertIfAbsent
          delete obj.compareAndSet
          delete obj.mapDelete
          delete obj.declare
        }

        if (obj.declare != null) {
          delete obj.registerSet
          delete obj.setDelete
          delete obj.setAdd
          delete obj.increment
          delete obj.insertIfAbsent
          delete obj.compareAndSet
          delete obj.mapDelete
          delete obj.mapSetValue
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.collectionKind`,
                value: CollectionKind.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.collection`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield * Declare.codec().stream(reader, reader.uint32(), `${prefix}.declare`, {
                limits: opts.limits?.declare
              })

              break
            }
            case 4: {
              yield {
                field: `${prefix}.mapSetValue`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.mapDelete`,
                value: reader.bool()
              }
              break
            }
            case 6: {
              yield * CompareAndSet.codec().stream(reader, reader.uint32(), `${prefix}.compareAndSet`, {
                limits: opts.limits?.compareAndSet
              })

              break
            }
            case 7: {
              yield {
                field: `${prefix}.insertIfAbsent`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield * Increment.codec().stream(reader, reader.uint32(), `${prefix}.increment`, {
                limits: opts.limits?.increment
              })

              break
            }
            case 9: {
              yield {
                field: `${prefix}.setAdd`,
                value: reader.bytes()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.setDelete`,
                value: reader.bytes()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.registerSet`,
                value: reader.bytes()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.idempotencyKey`,
                value: reader.string()
              }
              break
            }
            case 14: {
              yield {
                field: `${prefix}.operationHash`,
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

  export interface DataOperationCollectionKindFieldEvent {
    field: '$.collectionKind'
    value: CollectionKind
  }

  export interface DataOperationCollectionFieldEvent {
    field: '$.collection'
    value: string
  }

  export interface DataOperationDeclareWritesFieldEvent {
    field: '$.declare.writes'
    value: WritesAllowed
  }

  export interface DataOperationDeclareWritersListedFieldEvent {
    field: '$.declare.writersListed'
    value: boolean
  }

  export interface DataOperationDeclareWritersFieldEvent {
    field: '$.declare.writers[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface DataOperationMapSetValueFieldEvent {
    field: '$.mapSetValue'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DataOperationMapDeleteFieldEvent {
    field: '$.mapDelete'
    value: boolean
  }

  export interface DataOperationCompareAndSetExpectedPresentFieldEvent {
    field: '$.compareAndSet.expectedPresent'
    value: boolean
  }

  export interface DataOperationCompareAndSetExpectedFieldEvent {
    field: '$.compareAndSet.expected'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DataOperationCompareAndSetNextFieldEvent {
    field: '$.compareAndSet.next'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DataOperationInsertIfAbsentFieldEvent {
    field: '$.insertIfAbsent'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DataOperationIncrementByFieldEvent {
    field: '$.increment.by'
    value: number
  }

  export interface DataOperationIncrementMinFieldEvent {
    field: '$.increment.min'
    value: number
  }

  export interface DataOperationIncrementMaxFieldEvent {
    field: '$.increment.max'
    value: number
  }

  export interface DataOperationSetAddFieldEvent {
    field: '$.setAdd'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DataOperationSetDeleteFieldEvent {
    field: '$.setDelete'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DataOperationRegisterSetFieldEvent {
    field: '$.registerSet'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DataOperationKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface DataOperationIdempotencyKeyFieldEvent {
    field: '$.idempotencyKey'
    value: string
  }

  export interface DataOperationOperationHashFieldEvent {
    field: '$.operationHash'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<DataOperation>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DataOperation.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DataOperation>): DataOperation {
    return decodeMessage(buf, DataOperation.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DataOperation>): Generator<DataOperationCollectionKindFieldEvent | DataOperationCollectionFieldEvent | DataOperationDeclareWritesFieldEvent | DataOperationDeclareWritersListedFieldEvent | DataOperationDeclareWritersFieldEvent | DataOperationMapSetValueFieldEvent | DataOperationMapDeleteFieldEvent | DataOperationCompareAndSetExpectedPresentFieldEvent | DataOperationCompareAndSetExpectedFieldEvent | DataOperationCompareAndSetNextFieldEvent | DataOperationInsertIfAbsentFieldEvent | DataOperationIncrementByFieldEvent | DataOperationIncrementMinFieldEvent | DataOperationIncrementMaxFieldEvent | DataOperationSetAddFieldEvent | DataOperationSetDeleteFieldEvent | DataOperationRegisterSetFieldEvent | DataOperationKeyFieldEvent | DataOperationIdempotencyKeyFieldEvent | DataOperationOperationHashFieldEvent> {
    return streamMessage(buf, DataOperation.codec(), opts)
  }
}

export interface StrongBatchHeader {
  key: Uint8Array<ArrayBuffer>
  incarnation: Uint8Array<ArrayBuffer>
  sequence: number
  floor: number
  epoch: number
}

export namespace StrongBatchHeader {
  let _codec: Codec<StrongBatchHeader>

  export const codec = (): Codec<StrongBatchHeader> => {
    if (_codec == null) {
      _codec = message<StrongBatchHeader>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.key)
        }

        if ((obj.incarnation != null && obj.incarnation.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.incarnation)
        }

        if ((obj.sequence != null && obj.sequence !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.sequence)
        }

        if ((obj.floor != null && obj.floor !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.floor)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.epoch)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: uint8ArrayAlloc(0),
          incarnation: uint8ArrayAlloc(0),
          sequence: 0,
          floor: 0,
          epoch: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.bytes()
              break
            }
            case 2: {
              obj.incarnation = reader.bytes()
              break
            }
            case 3: {
              obj.sequence = reader.uint64Number()
              break
            }
            case 4: {
              obj.floor = reader.uint64Number()
              break
            }
            case 5: {
              obj.epoch = reader.uint64Number()
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
                field: `${prefix}.key`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.incarnation`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.sequence`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.floor`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.epoch`,
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

  export interface StrongBatchHeaderKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StrongBatchHeaderIncarnationFieldEvent {
    field: '$.incarnation'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StrongBatchHeaderSequenceFieldEvent {
    field: '$.sequence'
    value: number
  }

  export interface StrongBatchHeaderFloorFieldEvent {
    field: '$.floor'
    value: number
  }

  export interface StrongBatchHeaderEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export function encode (obj: Partial<StrongBatchHeader>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, StrongBatchHeader.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StrongBatchHeader>): StrongBatchHeader {
    return decodeMessage(buf, StrongBatchHeader.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StrongBatchHeader>): Generator<StrongBatchHeaderKeyFieldEvent | StrongBatchHeaderIncarnationFieldEvent | StrongBatchHeaderSequenceFieldEvent | StrongBatchHeaderFloorFieldEvent | StrongBatchHeaderEpochFieldEvent> {
    return streamMessage(buf, StrongBatchHeader.codec(), opts)
  }
}

export interface SignedControl {
  signer: Uint8Array<ArrayBuffer>
  operation: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedControl {
  let _codec: Codec<SignedControl>

  export const codec = (): Codec<SignedControl> => {
    if (_codec == null) {
      _codec = message<SignedControl>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.signer != null && obj.signer.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.signer)
        }

        if ((obj.operation != null && obj.operation.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.operation)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          signer: uint8ArrayAlloc(0),
          operation: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.signer = reader.bytes()
              break
            }
            case 2: {
              obj.operation = reader.bytes()
              break
            }
            case 3: {
              obj.signature = reader.bytes()
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
                field: `${prefix}.signer`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.operation`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.signature`,
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

  export interface SignedControlSignerFieldEvent {
    field: '$.signer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedControlOperationFieldEvent {
    field: '$.operation'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedControlSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedControl>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedControl.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedControl>): SignedControl {
    return decodeMessage(buf, SignedControl.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedControl>): Generator<SignedControlSignerFieldEvent | SignedControlOperationFieldEvent | SignedControlSignatureFieldEvent> {
    return streamMessage(buf, SignedControl.codec(), opts)
  }
}

export interface SealedStrongBatch {
  header: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
  sealed: Uint8Array<ArrayBuffer>
}

export namespace SealedStrongBatch {
  let _codec: Codec<SealedStrongBatch>

  export const codec = (): Codec<SealedStrongBatch> => {
    if (_codec == null) {
      _codec = message<SealedStrongBatch>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.header != null && obj.header.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.header)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if ((obj.sealed != null && obj.sealed.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.sealed)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          header: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0),
          sealed: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.header = reader.bytes()
              break
            }
            case 2: {
              obj.signature = reader.bytes()
              break
            }
            case 3: {
              obj.sealed = reader.bytes()
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
                field: `${prefix}.header`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.sealed`,
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

  export interface SealedStrongBatchHeaderFieldEvent {
    field: '$.header'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SealedStrongBatchSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SealedStrongBatchSealedFieldEvent {
    field: '$.sealed'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SealedStrongBatch>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SealedStrongBatch.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SealedStrongBatch>): SealedStrongBatch {
    return decodeMessage(buf, SealedStrongBatch.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SealedStrongBatch>): Generator<SealedStrongBatchHeaderFieldEvent | SealedStrongBatchSignatureFieldEvent | SealedStrongBatchSealedFieldEvent> {
    return streamMessage(buf, SealedStrongBatch.codec(), opts)
  }
}

export interface LogItem {
  control?: SignedControl
  strong?: SealedStrongBatch
}

export namespace LogItem {
  let _codec: Codec<LogItem>

  export const codec = (): Codec<LogItem> => {
    if (_codec == null) {
      _codec = message<LogItem>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.strong != null) {
          obj.control = undefined
        }

        if (obj.control != null) {
          obj.strong = undefined
        }

        if (obj.control != null) {
          w.uint32(10)
          SignedControl.codec().encode(obj.control, w)
        }

        if (obj.strong != null) {
          w.uint32(18)
          SealedStrongBatch.codec().encode(obj.strong, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.control = SignedControl.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.control
              })
              break
            }
            case 2: {
              obj.strong = SealedStrongBatch.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.strong
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.strong != null) {
          delete obj.control
        }

        if (obj.control != null) {
          delete obj.strong
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * SignedControl.codec().stream(reader, reader.uint32(), `${prefix}.control`, {
                limits: opts.limits?.control
              })

              break
            }
            case 2: {
              yield * SealedStrongBatch.codec().stream(reader, reader.uint32(), `${prefix}.strong`, {
                limits: opts.limits?.strong
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

  export interface LogItemControlSignerFieldEvent {
    field: '$.control.signer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LogItemControlOperationFieldEvent {
    field: '$.control.operation'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LogItemControlSignatureFieldEvent {
    field: '$.control.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LogItemStrongHeaderFieldEvent {
    field: '$.strong.header'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LogItemStrongSignatureFieldEvent {
    field: '$.strong.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LogItemStrongSealedFieldEvent {
    field: '$.strong.sealed'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<LogItem>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LogItem.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LogItem>): LogItem {
    return decodeMessage(buf, LogItem.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LogItem>): Generator<LogItemControlSignerFieldEvent | LogItemControlOperationFieldEvent | LogItemControlSignatureFieldEvent | LogItemStrongHeaderFieldEvent | LogItemStrongSignatureFieldEvent | LogItemStrongSealedFieldEvent> {
    return streamMessage(buf, LogItem.codec(), opts)
  }
}

export interface LogEntry {
  version: number
  items: LogItem[]
}

export namespace LogEntry {
  let _codec: Codec<LogEntry>

  export const codec = (): Codec<LogEntry> => {
    if (_codec == null) {
      _codec = message<LogEntry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.items != null && obj.items.length > 0) {
          for (const value of obj.items) {
            w.uint32(18)
            LogItem.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          items: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              if (opts.limits?.items != null && obj.items.length === opts.limits.items) {
                throw new MaxLengthError('Decode error - repeated field "items" had too many elements')
              }

              obj.items.push(LogItem.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.items$
              }))
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
          items: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              if (opts.limits?.items != null && obj.items === opts.limits.items) {
                throw new MaxLengthError('Streaming decode error - repeated field "items" had too many elements')
              }

              for (const evt of LogItem.codec().stream(reader, reader.uint32(), `${prefix}.items[]`, {
                limits: opts.limits?.items$
              })) {
                yield {
                  ...evt,
                  index: obj.items
                }
              }

              obj.items++

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

  export interface LogEntryVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface LogEntryItemsControlSignerFieldEvent {
    field: '$.items[].control.signer'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface LogEntryItemsControlOperationFieldEvent {
    field: '$.items[].control.operation'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface LogEntryItemsControlSignatureFieldEvent {
    field: '$.items[].control.signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface LogEntryItemsStrongHeaderFieldEvent {
    field: '$.items[].strong.header'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface LogEntryItemsStrongSignatureFieldEvent {
    field: '$.items[].strong.signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface LogEntryItemsStrongSealedFieldEvent {
    field: '$.items[].strong.sealed'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<LogEntry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LogEntry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LogEntry>): LogEntry {
    return decodeMessage(buf, LogEntry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LogEntry>): Generator<LogEntryVersionFieldEvent | LogEntryItemsControlSignerFieldEvent | LogEntryItemsControlOperationFieldEvent | LogEntryItemsControlSignatureFieldEvent | LogEntryItemsStrongHeaderFieldEvent | LogEntryItemsStrongSignatureFieldEvent | LogEntryItemsStrongSealedFieldEvent> {
    return streamMessage(buf, LogEntry.codec(), opts)
  }
}

export interface SnapshotMember {
  id: string
  key: string
  keyed: boolean
  voter: boolean
}

export namespace SnapshotMember {
  let _codec: Codec<SnapshotMember>

  export const codec = (): Codec<SnapshotMember> => {
    if (_codec == null) {
      _codec = message<SnapshotMember>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(10)
          w.string(obj.id)
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(18)
          w.string(obj.key)
        }

        if ((obj.keyed != null && obj.keyed !== false)) {
          w.uint32(24)
          w.bool(obj.keyed)
        }

        if ((obj.voter != null && obj.voter !== false)) {
          w.uint32(32)
          w.bool(obj.voter)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: '',
          key: '',
          keyed: false,
          voter: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.string()
              break
            }
            case 2: {
              obj.key = reader.string()
              break
            }
            case 3: {
              obj.keyed = reader.bool()
              break
            }
            case 4: {
              obj.voter = reader.bool()
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
                field: `${prefix}.id`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.keyed`,
                value: reader.bool()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.voter`,
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

  export interface SnapshotMemberIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface SnapshotMemberKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface SnapshotMemberKeyedFieldEvent {
    field: '$.keyed'
    value: boolean
  }

  export interface SnapshotMemberVoterFieldEvent {
    field: '$.voter'
    value: boolean
  }

  export function encode (obj: Partial<SnapshotMember>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SnapshotMember.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotMember>): SnapshotMember {
    return decodeMessage(buf, SnapshotMember.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotMember>): Generator<SnapshotMemberIdFieldEvent | SnapshotMemberKeyFieldEvent | SnapshotMemberKeyedFieldEvent | SnapshotMemberVoterFieldEvent> {
    return streamMessage(buf, SnapshotMember.codec(), opts)
  }
}

export interface SnapshotWriter {
  key: string
  admittedAtIndex: number
  ended: boolean
  endedAtIndex: number
  revoked: boolean
}

export namespace SnapshotWriter {
  let _codec: Codec<SnapshotWriter>

  export const codec = (): Codec<SnapshotWriter> => {
    if (_codec == null) {
      _codec = message<SnapshotWriter>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if ((obj.admittedAtIndex != null && obj.admittedAtIndex !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.admittedAtIndex)
        }

        if ((obj.ended != null && obj.ended !== false)) {
          w.uint32(24)
          w.bool(obj.ended)
        }

        if ((obj.endedAtIndex != null && obj.endedAtIndex !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.endedAtIndex)
        }

        if ((obj.revoked != null && obj.revoked !== false)) {
          w.uint32(40)
          w.bool(obj.revoked)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: '',
          admittedAtIndex: 0,
          ended: false,
          endedAtIndex: 0,
          revoked: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.admittedAtIndex = reader.uint64Number()
              break
            }
            case 3: {
              obj.ended = reader.bool()
              break
            }
            case 4: {
              obj.endedAtIndex = reader.uint64Number()
              break
            }
            case 5: {
              obj.revoked = reader.bool()
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
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.admittedAtIndex`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.ended`,
                value: reader.bool()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.endedAtIndex`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.revoked`,
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

  export interface SnapshotWriterKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface SnapshotWriterAdmittedAtIndexFieldEvent {
    field: '$.admittedAtIndex'
    value: number
  }

  export interface SnapshotWriterEndedFieldEvent {
    field: '$.ended'
    value: boolean
  }

  export interface SnapshotWriterEndedAtIndexFieldEvent {
    field: '$.endedAtIndex'
    value: number
  }

  export interface SnapshotWriterRevokedFieldEvent {
    field: '$.revoked'
    value: boolean
  }

  export function encode (obj: Partial<SnapshotWriter>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SnapshotWriter.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotWriter>): SnapshotWriter {
    return decodeMessage(buf, SnapshotWriter.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotWriter>): Generator<SnapshotWriterKeyFieldEvent | SnapshotWriterAdmittedAtIndexFieldEvent | SnapshotWriterEndedFieldEvent | SnapshotWriterEndedAtIndexFieldEvent | SnapshotWriterRevokedFieldEvent> {
    return streamMessage(buf, SnapshotWriter.codec(), opts)
  }
}

export interface SnapshotIncarnation {
  key: string
  incarnation: string
}

export namespace SnapshotIncarnation {
  let _codec: Codec<SnapshotIncarnation>

  export const codec = (): Codec<SnapshotIncarnation> => {
    if (_codec == null) {
      _codec = message<SnapshotIncarnation>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if ((obj.incarnation != null && obj.incarnation !== '')) {
          w.uint32(18)
          w.string(obj.incarnation)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: '',
          incarnation: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.incarnation = reader.string()
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
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.incarnation`,
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

  export interface SnapshotIncarnationKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface SnapshotIncarnationIncarnationFieldEvent {
    field: '$.incarnation'
    value: string
  }

  export function encode (obj: Partial<SnapshotIncarnation>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SnapshotIncarnation.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotIncarnation>): SnapshotIncarnation {
    return decodeMessage(buf, SnapshotIncarnation.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotIncarnation>): Generator<SnapshotIncarnationKeyFieldEvent | SnapshotIncarnationIncarnationFieldEvent> {
    return streamMessage(buf, SnapshotIncarnation.codec(), opts)
  }
}

export interface SnapshotReading {
  member: string
  readingMs: number
}

export namespace SnapshotReading {
  let _codec: Codec<SnapshotReading>

  export const codec = (): Codec<SnapshotReading> => {
    if (_codec == null) {
      _codec = message<SnapshotReading>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.member != null && obj.member !== '')) {
          w.uint32(10)
          w.string(obj.member)
        }

        if ((obj.readingMs != null && obj.readingMs !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.readingMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          member: '',
          readingMs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.member = reader.string()
              break
            }
            case 2: {
              obj.readingMs = reader.uint64Number()
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
                field: `${prefix}.member`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.readingMs`,
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

  export interface SnapshotReadingMemberFieldEvent {
    field: '$.member'
    value: string
  }

  export interface SnapshotReadingReadingMsFieldEvent {
    field: '$.readingMs'
    value: number
  }

  export function encode (obj: Partial<SnapshotReading>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SnapshotReading.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotReading>): SnapshotReading {
    return decodeMessage(buf, SnapshotReading.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotReading>): Generator<SnapshotReadingMemberFieldEvent | SnapshotReadingReadingMsFieldEvent> {
    return streamMessage(buf, SnapshotReading.codec(), opts)
  }
}

export interface SnapshotPosition {
  stream: string
  position: number
}

export namespace SnapshotPosition {
  let _codec: Codec<SnapshotPosition>

  export const codec = (): Codec<SnapshotPosition> => {
    if (_codec == null) {
      _codec = message<SnapshotPosition>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.stream != null && obj.stream !== '')) {
          w.uint32(10)
          w.string(obj.stream)
        }

        if ((obj.position != null && obj.position !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.position)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          stream: '',
          position: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.stream = reader.string()
              break
            }
            case 2: {
              obj.position = reader.uint64Number()
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
                field: `${prefix}.stream`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.position`,
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

  export interface SnapshotPositionStreamFieldEvent {
    field: '$.stream'
    value: string
  }

  export interface SnapshotPositionPositionFieldEvent {
    field: '$.position'
    value: number
  }

  export function encode (obj: Partial<SnapshotPosition>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SnapshotPosition.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotPosition>): SnapshotPosition {
    return decodeMessage(buf, SnapshotPosition.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotPosition>): Generator<SnapshotPositionStreamFieldEvent | SnapshotPositionPositionFieldEvent> {
    return streamMessage(buf, SnapshotPosition.codec(), opts)
  }
}

export interface PublicSnapshot {
  version: number
  appliedIndex: number
  members: SnapshotMember[]
  everStoreIds: string[]
  writers: SnapshotWriter[]
  endedKeys: string[]
  incarnations: SnapshotIncarnation[]
  tMs: number
  readings: SnapshotReading[]
  highWaters: SnapshotPosition[]
  cutoffs: SnapshotPosition[]
  epochs: number[]
  constants?: Constants
  wraps: SnapshotWrap[]
}

export namespace PublicSnapshot {
  let _codec: Codec<PublicSnapshot>

  export const codec = (): Codec<PublicSnapshot> => {
    if (_codec == null) {
      _codec = message<PublicSnapshot>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.appliedIndex != null && obj.appliedIndex !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.appliedIndex)
        }

        if (obj.members != null && obj.members.length > 0) {
          for (const value of obj.members) {
            w.uint32(26)
            SnapshotMember.codec().encode(value, w)
          }
        }

        if (obj.everStoreIds != null && obj.everStoreIds.length > 0) {
          for (const value of obj.everStoreIds) {
            w.uint32(34)
            w.string(value)
          }
        }

        if (obj.writers != null && obj.writers.length > 0) {
          for (const value of obj.writers) {
            w.uint32(42)
            SnapshotWriter.codec().encode(value, w)
          }
        }

        if (obj.endedKeys != null && obj.endedKeys.length > 0) {
          for (const value of obj.endedKeys) {
            w.uint32(50)
            w.string(value)
          }
        }

        if (obj.incarnations != null && obj.incarnations.length > 0) {
          for (const value of obj.incarnations) {
            w.uint32(58)
            SnapshotIncarnation.codec().encode(value, w)
          }
        }

        if ((obj.tMs != null && obj.tMs !== 0)) {
          w.uint32(64)
          w.uint64Number(obj.tMs)
        }

        if (obj.readings != null && obj.readings.length > 0) {
          for (const value of obj.readings) {
            w.uint32(74)
            SnapshotReading.codec().encode(value, w)
          }
        }

        if (obj.highWaters != null && obj.highWaters.length > 0) {
          for (const value of obj.highWaters) {
            w.uint32(82)
            SnapshotPosition.codec().encode(value, w)
          }
        }

        if (obj.cutoffs != null && obj.cutoffs.length > 0) {
          for (const value of obj.cutoffs) {
            w.uint32(90)
            SnapshotPosition.codec().encode(value, w)
          }
        }

        if (obj.epochs != null && obj.epochs.length > 0) {
          for (const value of obj.epochs) {
            w.uint32(96)
            w.uint64Number(value)
          }
        }

        if (obj.constants != null) {
          w.uint32(106)
          Constants.codec().encode(obj.constants, w)
        }

        if (obj.wraps != null && obj.wraps.length > 0) {
          for (const value of obj.wraps) {
            w.uint32(114)
            SnapshotWrap.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          appliedIndex: 0,
          members: [],
          everStoreIds: [],
          writers: [],
          endedKeys: [],
          incarnations: [],
          tMs: 0,
          readings: [],
          highWaters: [],
          cutoffs: [],
          epochs: [],
          wraps: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.appliedIndex = reader.uint64Number()
              break
            }
            case 3: {
              if (opts.limits?.members != null && obj.members.length === opts.limits.members) {
                throw new MaxLengthError('Decode error - repeated field "members" had too many elements')
              }

              obj.members.push(SnapshotMember.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.members$
              }))
              break
            }
            case 4: {
              if (opts.limits?.everStoreIds != null && obj.everStoreIds.length === opts.limits.everStoreIds) {
                throw new MaxLengthError('Decode error - repeated field "everStoreIds" had too many elements')
              }

              obj.everStoreIds.push(reader.string())
              break
            }
            case 5: {
              if (opts.limits?.writers != null && obj.writers.length === opts.limits.writers) {
                throw new MaxLengthError('Decode error - repeated field "writers" had too many elements')
              }

              obj.writers.push(SnapshotWriter.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.writers$
              }))
              break
            }
            case 6: {
              if (opts.limits?.endedKeys != null && obj.endedKeys.length === opts.limits.endedKeys) {
                throw new MaxLengthError('Decode error - repeated field "endedKeys" had too many elements')
              }

              obj.endedKeys.push(reader.string())
              break
            }
            case 7: {
              if (opts.limits?.incarnations != null && obj.incarnations.length === opts.limits.incarnations) {
                throw new MaxLengthError('Decode error - repeated field "incarnations" had too many elements')
              }

              obj.incarnations.push(SnapshotIncarnation.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.incarnations$
              }))
              break
            }
            case 8: {
              obj.tMs = reader.uint64Number()
              break
            }
            case 9: {
              if (opts.limits?.readings != null && obj.readings.length === opts.limits.readings) {
                throw new MaxLengthError('Decode error - repeated field "readings" had too many elements')
              }

              obj.readings.push(SnapshotReading.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.readings$
              }))
              break
            }
            case 10: {
              if (opts.limits?.highWaters != null && obj.highWaters.length === opts.limits.highWaters) {
                throw new MaxLengthError('Decode error - repeated field "highWaters" had too many elements')
              }

              obj.highWaters.push(SnapshotPosition.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.highWaters$
              }))
              break
            }
            case 11: {
              if (opts.limits?.cutoffs != null && obj.cutoffs.length === opts.limits.cutoffs) {
                throw new MaxLengthError('Decode error - repeated field "cutoffs" had too many elements')
              }

              obj.cutoffs.push(SnapshotPosition.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.cutoffs$
              }))
              break
            }
            case 12: {
              if (opts.limits?.epochs != null && obj.epochs.length === opts.limits.epochs) {
                throw new MaxLengthError('Decode error - repeated field "epochs" had too many elements')
              }

              obj.epochs.push(reader.uint64Number())
              break
            }
            case 13: {
              obj.constants = Constants.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.constants
              })
              break
            }
            case 14: {
              if (opts.limits?.wraps != null && obj.wraps.length === opts.limits.wraps) {
                throw new MaxLengthError('Decode error - repeated field "wraps" had too many elements')
              }

              obj.wraps.push(SnapshotWrap.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.wraps$
              }))
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
          members: 0,
          everStoreIds: 0,
          writers: 0,
          endedKeys: 0,
          incarnations: 0,
          readings: 0,
          highWaters: 0,
          cutoffs: 0,
          epochs: 0,
          wraps: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.appliedIndex`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              if (opts.limits?.members != null && obj.members === opts.limits.members) {
                throw new MaxLengthError('Streaming decode error - repeated field "members" had too many elements')
              }

              for (const evt of SnapshotMember.codec().stream(reader, reader.uint32(), `${prefix}.members[]`, {
                limits: opts.limits?.members$
              })) {
                yield {
                  ...evt,
                  index: obj.members
                }
              }

              obj.members++

              break
            }
            case 4: {
              if (opts.limits?.everStoreIds != null && obj.everStoreIds === opts.limits.everStoreIds) {
                throw new MaxLengthError('Streaming decode error - repeated field "everStoreIds" had too many elements')
              }

              yield {
                field: `${prefix}.everStoreIds[]`,
                index: obj.everStoreIds,
                value: reader.string()
              }

              obj.everStoreIds++

              break
            }
            case 5: {
              if (opts.limits?.writers != null && obj.writers === opts.limits.writers) {
                throw new MaxLengthError('Streaming decode error - repeated field "writers" had too many elements')
              }

              for (const evt of SnapshotWriter.codec().stream(reader, reader.uint32(), `${prefix}.writers[]`, {
                limits: opts.limits?.writers$
              })) {
                yield {
                  ...evt,
                  index: obj.writers
                }
              }

              obj.writers++

              break
            }
            case 6: {
              if (opts.limits?.endedKeys != null && obj.endedKeys === opts.limits.endedKeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "endedKeys" had too many elements')
              }

              yield {
                field: `${prefix}.endedKeys[]`,
                index: obj.endedKeys,
                value: reader.string()
              }

              obj.endedKeys++

              break
            }
            case 7: {
              if (opts.limits?.incarnations != null && obj.incarnations === opts.limits.incarnations) {
                throw new MaxLengthError('Streaming decode error - repeated field "incarnations" had too many elements')
              }

              for (const evt of SnapshotIncarnation.codec().stream(reader, reader.uint32(), `${prefix}.incarnations[]`, {
                limits: opts.limits?.incarnations$
              })) {
                yield {
                  ...evt,
                  index: obj.incarnations
                }
              }

              obj.incarnations++

              break
            }
            case 8: {
              yield {
                field: `${prefix}.tMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 9: {
              if (opts.limits?.readings != null && obj.readings === opts.limits.readings) {
                throw new MaxLengthError('Streaming decode error - repeated field "readings" had too many elements')
              }

              for (const evt of SnapshotReading.codec().stream(reader, reader.uint32(), `${prefix}.readings[]`, {
                limits: opts.limits?.readings$
              })) {
                yield {
                  ...evt,
                  index: obj.readings
                }
              }

              obj.readings++

              break
            }
            case 10: {
              if (opts.limits?.highWaters != null && obj.highWaters === opts.limits.highWaters) {
                throw new MaxLengthError('Streaming decode error - repeated field "highWaters" had too many elements')
              }

              for (const evt of SnapshotPosition.codec().stream(reader, reader.uint32(), `${prefix}.highWaters[]`, {
                limits: opts.limits?.highWaters$
              })) {
                yield {
                  ...evt,
                  index: obj.highWaters
                }
              }

              obj.highWaters++

              break
            }
            case 11: {
              if (opts.limits?.cutoffs != null && obj.cutoffs === opts.limits.cutoffs) {
                throw new MaxLengthError('Streaming decode error - repeated field "cutoffs" had too many elements')
              }

              for (const evt of SnapshotPosition.codec().stream(reader, reader.uint32(), `${prefix}.cutoffs[]`, {
                limits: opts.limits?.cutoffs$
              })) {
                yield {
                  ...evt,
                  index: obj.cutoffs
                }
              }

              obj.cutoffs++

              break
            }
            case 12: {
              if (opts.limits?.epochs != null && obj.epochs === opts.limits.epochs) {
                throw new MaxLengthError('Streaming decode error - repeated field "epochs" had too many elements')
              }

              yield {
                field: `${prefix}.epochs[]`,
                index: obj.epochs,
                value: reader.uint64Number()
              }

              obj.epochs++

              break
            }
            case 13: {
              yield * Constants.codec().stream(reader, reader.uint32(), `${prefix}.constants`, {
                limits: opts.limits?.constants
              })

              break
            }
            case 14: {
              if (opts.limits?.wraps != null && obj.wraps === opts.limits.wraps) {
                throw new MaxLengthError('Streaming decode error - repeated field "wraps" had too many elements')
              }

              for (const evt of SnapshotWrap.codec().stream(reader, reader.uint32(), `${prefix}.wraps[]`, {
                limits: opts.limits?.wraps$
              })) {
                yield {
                  ...evt,
                  index: obj.wraps
                }
              }

              obj.wraps++

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

  export interface PublicSnapshotVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface PublicSnapshotAppliedIndexFieldEvent {
    field: '$.appliedIndex'
    value: number
  }

  export interface PublicSnapshotMembersIdFieldEvent {
    field: '$.members[].id'
    value: string
    index: number
  }

  export interface PublicSnapshotMembersKeyFieldEvent {
    field: '$.members[].key'
    value: string
    index: number
  }

  export interface PublicSnapshotMembersKeyedFieldEvent {
    field: '$.members[].keyed'
    value: boolean
    index: number
  }

  export interface PublicSnapshotMembersVoterFieldEvent {
    field: '$.members[].voter'
    value: boolean
    index: number
  }

  export interface PublicSnapshotEverStoreIdsFieldEvent {
    field: '$.everStoreIds[]'
    index: number
    value: string
  }

  export interface PublicSnapshotWritersKeyFieldEvent {
    field: '$.writers[].key'
    value: string
    index: number
  }

  export interface PublicSnapshotWritersAdmittedAtIndexFieldEvent {
    field: '$.writers[].admittedAtIndex'
    value: number
    index: number
  }

  export interface PublicSnapshotWritersEndedFieldEvent {
    field: '$.writers[].ended'
    value: boolean
    index: number
  }

  export interface PublicSnapshotWritersEndedAtIndexFieldEvent {
    field: '$.writers[].endedAtIndex'
    value: number
    index: number
  }

  export interface PublicSnapshotWritersRevokedFieldEvent {
    field: '$.writers[].revoked'
    value: boolean
    index: number
  }

  export interface PublicSnapshotEndedKeysFieldEvent {
    field: '$.endedKeys[]'
    index: number
    value: string
  }

  export interface PublicSnapshotIncarnationsKeyFieldEvent {
    field: '$.incarnations[].key'
    value: string
    index: number
  }

  export interface PublicSnapshotIncarnationsIncarnationFieldEvent {
    field: '$.incarnations[].incarnation'
    value: string
    index: number
  }

  export interface PublicSnapshotTMsFieldEvent {
    field: '$.tMs'
    value: number
  }

  export interface PublicSnapshotReadingsMemberFieldEvent {
    field: '$.readings[].member'
    value: string
    index: number
  }

  export interface PublicSnapshotReadingsReadingMsFieldEvent {
    field: '$.readings[].readingMs'
    value: number
    index: number
  }

  export interface PublicSnapshotHighWatersStreamFieldEvent {
    field: '$.highWaters[].stream'
    value: string
    index: number
  }

  export interface PublicSnapshotHighWatersPositionFieldEvent {
    field: '$.highWaters[].position'
    value: number
    index: number
  }

  export interface PublicSnapshotCutoffsStreamFieldEvent {
    field: '$.cutoffs[].stream'
    value: string
    index: number
  }

  export interface PublicSnapshotCutoffsPositionFieldEvent {
    field: '$.cutoffs[].position'
    value: number
    index: number
  }

  export interface PublicSnapshotEpochsFieldEvent {
    field: '$.epochs[]'
    index: number
    value: number
  }

  export interface PublicSnapshotConstantsDriftMaxMsFieldEvent {
    field: '$.constants.driftMaxMs'
    value: number
  }

  export interface PublicSnapshotConstantsEventualBacklogBytesMaxFieldEvent {
    field: '$.constants.eventualBacklogBytesMax'
    value: number
  }

  export interface PublicSnapshotConstantsFoldBytesMaxFieldEvent {
    field: '$.constants.foldBytesMax'
    value: number
  }

  export interface PublicSnapshotConstantsSessionResultsMaxFieldEvent {
    field: '$.constants.sessionResultsMax'
    value: number
  }

  export interface PublicSnapshotConstantsIdempotencyRecordsPerWriterMaxFieldEvent {
    field: '$.constants.idempotencyRecordsPerWriterMax'
    value: number
  }

  export interface PublicSnapshotConstantsIdempotencyWindowMsFieldEvent {
    field: '$.constants.idempotencyWindowMs'
    value: number
  }

  export interface PublicSnapshotConstantsApplyProtocolVersionFieldEvent {
    field: '$.constants.applyProtocolVersion'
    value: number
  }

  export interface PublicSnapshotWrapsEpochFieldEvent {
    field: '$.wraps[].epoch'
    value: number
    index: number
  }

  export interface PublicSnapshotWrapsRecipientFieldEvent {
    field: '$.wraps[].recipient'
    value: string
    index: number
  }

  export interface PublicSnapshotWrapsWrappedFieldEvent {
    field: '$.wraps[].wrapped'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<PublicSnapshot>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PublicSnapshot.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PublicSnapshot>): PublicSnapshot {
    return decodeMessage(buf, PublicSnapshot.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PublicSnapshot>): Generator<PublicSnapshotVersionFieldEvent | PublicSnapshotAppliedIndexFieldEvent | PublicSnapshotMembersIdFieldEvent | PublicSnapshotMembersKeyFieldEvent | PublicSnapshotMembersKeyedFieldEvent | PublicSnapshotMembersVoterFieldEvent | PublicSnapshotEverStoreIdsFieldEvent | PublicSnapshotWritersKeyFieldEvent | PublicSnapshotWritersAdmittedAtIndexFieldEvent | PublicSnapshotWritersEndedFieldEvent | PublicSnapshotWritersEndedAtIndexFieldEvent | PublicSnapshotWritersRevokedFieldEvent | PublicSnapshotEndedKeysFieldEvent | PublicSnapshotIncarnationsKeyFieldEvent | PublicSnapshotIncarnationsIncarnationFieldEvent | PublicSnapshotTMsFieldEvent | PublicSnapshotReadingsMemberFieldEvent | PublicSnapshotReadingsReadingMsFieldEvent | PublicSnapshotHighWatersStreamFieldEvent | PublicSnapshotHighWatersPositionFieldEvent | PublicSnapshotCutoffsStreamFieldEvent | PublicSnapshotCutoffsPositionFieldEvent | PublicSnapshotEpochsFieldEvent | PublicSnapshotConstantsDriftMaxMsFieldEvent | PublicSnapshotConstantsEventualBacklogBytesMaxFieldEvent | PublicSnapshotConstantsFoldBytesMaxFieldEvent | PublicSnapshotConstantsSessionResultsMaxFieldEvent | PublicSnapshotConstantsIdempotencyRecordsPerWriterMaxFieldEvent | PublicSnapshotConstantsIdempotencyWindowMsFieldEvent | PublicSnapshotConstantsApplyProtocolVersionFieldEvent | PublicSnapshotWrapsEpochFieldEvent | PublicSnapshotWrapsRecipientFieldEvent | PublicSnapshotWrapsWrappedFieldEvent> {
    return streamMessage(buf, PublicSnapshot.codec(), opts)
  }
}

export interface SnapshotWrap {
  epoch: number
  recipient: string
  wrapped: Uint8Array<ArrayBuffer>
}

export namespace SnapshotWrap {
  let _codec: Codec<SnapshotWrap>

  export const codec = (): Codec<SnapshotWrap> => {
    if (_codec == null) {
      _codec = message<SnapshotWrap>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.epoch)
        }

        if ((obj.recipient != null && obj.recipient !== '')) {
          w.uint32(18)
          w.string(obj.recipient)
        }

        if ((obj.wrapped != null && obj.wrapped.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.wrapped)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          epoch: 0,
          recipient: '',
          wrapped: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.epoch = reader.uint64Number()
              break
            }
            case 2: {
              obj.recipient = reader.string()
              break
            }
            case 3: {
              obj.wrapped = reader.bytes()
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
                field: `${prefix}.epoch`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.recipient`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.wrapped`,
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

  export interface SnapshotWrapEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface SnapshotWrapRecipientFieldEvent {
    field: '$.recipient'
    value: string
  }

  export interface SnapshotWrapWrappedFieldEvent {
    field: '$.wrapped'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SnapshotWrap>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SnapshotWrap.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotWrap>): SnapshotWrap {
    return decodeMessage(buf, SnapshotWrap.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotWrap>): Generator<SnapshotWrapEpochFieldEvent | SnapshotWrapRecipientFieldEvent | SnapshotWrapWrappedFieldEvent> {
    return streamMessage(buf, SnapshotWrap.codec(), opts)
  }
}

export interface SnapshotResult {
  applied: boolean
  wallMs: number
  logical: number
  fencingToken: bigint
  replayed: boolean
  reason: string
  counter?: number
}

export namespace SnapshotResult {
  let _codec: Codec<SnapshotResult>

  export const codec = (): Codec<SnapshotResult> => {
    if (_codec == null) {
      _codec = message<SnapshotResult>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.applied != null && obj.applied !== false)) {
          w.uint32(8)
          w.bool(obj.applied)
        }

        if ((obj.wallMs != null && obj.wallMs !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.wallMs)
        }

        if ((obj.logical != null && obj.logical !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.logical)
        }

        if ((obj.fencingToken != null && obj.fencingToken !== 0n)) {
          w.uint32(32)
          w.uint64(obj.fencingToken)
        }

        if ((obj.replayed != null && obj.replayed !== false)) {
          w.uint32(40)
          w.bool(obj.replayed)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(50)
          w.string(obj.reason)
        }

        if (obj.counter != null) {
          w.uint32(57)
          w.double(obj.counter)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          applied: false,
          wallMs: 0,
          logical: 0,
          fencingToken: 0n,
          replayed: false,
          reason: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.applied = reader.bool()
              break
            }
            case 2: {
              obj.wallMs = reader.uint64Number()
              break
            }
            case 3: {
              obj.logical = reader.uint64Number()
              break
            }
            case 4: {
              obj.fencingToken = reader.uint64()
              break
            }
            case 5: {
              obj.replayed = reader.bool()
              break
            }
            case 6: {
              obj.reason = reader.string()
              break
            }
            case 7: {
              obj.counter = reader.double()
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
                field: `${prefix}.applied`,
                value: reader.bool()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.wallMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.logical`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.fencingToken`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.replayed`,
                value: reader.bool()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.reason`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.counter`,
                value: reader.double()
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

  export interface SnapshotResultAppliedFieldEvent {
    field: '$.applied'
    value: boolean
  }

  export interface SnapshotResultWallMsFieldEvent {
    field: '$.wallMs'
    value: number
  }

  export interface SnapshotResultLogicalFieldEvent {
    field: '$.logical'
    value: number
  }

  export interface SnapshotResultFencingTokenFieldEvent {
    field: '$.fencingToken'
    value: bigint
  }

  export interface SnapshotResultReplayedFieldEvent {
    field: '$.replayed'
    value: boolean
  }

  export interface SnapshotResultReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export interface SnapshotResultCounterFieldEvent {
    field: '$.counter'
    value: number
  }

  export function encode (obj: Partial<SnapshotResult>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SnapshotResult.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotResult>): SnapshotResult {
    return decodeMessage(buf, SnapshotResult.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotResult>): Generator<SnapshotResultAppliedFieldEvent | SnapshotResultWallMsFieldEvent | SnapshotResultLogicalFieldEvent | SnapshotResultFencingTokenFieldEvent | SnapshotResultReplayedFieldEvent | SnapshotResultReasonFieldEvent | SnapshotResultCounterFieldEvent> {
    return streamMessage(buf, SnapshotResult.codec(), opts)
  }
}

export interface SnapshotSessionBatch {
  sequence: number
  results: SnapshotResult[]
}

export namespace SnapshotSessionBatch {
  let _codec: Codec<SnapshotSessionBatch>

  export const codec = (): Codec<SnapshotSessionBatch> => {
    if (_codec == null) {
      _codec = message<SnapshotSessionBatch>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.sequence != null && obj.sequence !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.sequence)
        }

        if (obj.results != null && obj.results.length > 0) {
          for (const value of obj.results) {
            w.uint32(18)
            SnapshotResult.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          sequence: 0,
          results: []
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
              if (opts.limits?.results != null && obj.results.length === opts.limits.results) {
                throw new MaxLengthError('Decode error - repeated field "results" had too many elements')
              }

              obj.results.push(SnapshotResult.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.results$
              }))
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
          results: 0
        }

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
              if (opts.limits?.results != null && obj.results === opts.limits.results) {
                throw new MaxLengthError('Streaming decode error - repeated field "results" had too many elements')
              }

              for (const evt of SnapshotResult.codec().stream(reader, reader.uint32(), `${prefix}.results[]`, {
                limits: opts.limits?.results$
              })) {
                yield {
                  ...evt,
                  index: obj.results
                }
              }

              obj.results++

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

  export interface SnapshotSessionBatchSequenceFieldEvent {
    field: '$.sequence'
    value: number
  }

  export interface SnapshotSessionBatchResultsAppliedFieldEvent {
    field: '$.results[].applied'
    value: boolean
    index: number
  }

  export interface SnapshotSessionBatchResultsWallMsFieldEvent {
    field: '$.results[].wallMs'
    value: number
    index: number
  }

  export interface SnapshotSessionBatchResultsLogicalFieldEvent {
    field: '$.results[].logical'
    value: number
    index: number
  }

  export interface SnapshotSessionBatchResultsFencingTokenFieldEvent {
    field: '$.results[].fencingToken'
    value: bigint
    index: number
  }

  export interface SnapshotSessionBatchResultsReplayedFieldEvent {
    field: '$.results[].replayed'
    value: boolean
    index: number
  }

  export interface SnapshotSessionBatchResultsReasonFieldEvent {
    field: '$.results[].reason'
    value: string
    index: number
  }

  export interface SnapshotSessionBatchResultsCounterFieldEvent {
    field: '$.results[].counter'
    value: number
    index: number
  }

  export function encode (obj: Partial<SnapshotSessionBatch>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SnapshotSessionBatch.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotSessionBatch>): SnapshotSessionBatch {
    return decodeMessage(buf, SnapshotSessionBatch.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotSessionBatch>): Generator<SnapshotSessionBatchSequenceFieldEvent | SnapshotSessionBatchResultsAppliedFieldEvent | SnapshotSessionBatchResultsWallMsFieldEvent | SnapshotSessionBatchResultsLogicalFieldEvent | SnapshotSessionBatchResultsFencingTokenFieldEvent | SnapshotSessionBatchResultsReplayedFieldEvent | SnapshotSessionBatchResultsReasonFieldEvent | SnapshotSessionBatchResultsCounterFieldEvent> {
    return streamMessage(buf, SnapshotSessionBatch.codec(), opts)
  }
}

export interface SnapshotSession {
  key: string
  incarnation: string
  floor: number
  applied: SnapshotSessionBatch[]
}

export namespace SnapshotSession {
  let _codec: Codec<SnapshotSession>

  export const codec = (): Codec<SnapshotSession> => {
    if (_codec == null) {
      _codec = message<SnapshotSession>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if ((obj.incarnation != null && obj.incarnation !== '')) {
          w.uint32(18)
          w.string(obj.incarnation)
        }

        if ((obj.floor != null && obj.floor !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.floor)
        }

        if (obj.applied != null && obj.applied.length > 0) {
          for (const value of obj.applied) {
            w.uint32(34)
            SnapshotSessionBatch.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: '',
          incarnation: '',
          floor: 0,
          applied: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.incarnation = reader.string()
              break
            }
            case 3: {
              obj.floor = reader.uint64Number()
              break
            }
            case 4: {
              if (opts.limits?.applied != null && obj.applied.length === opts.limits.applied) {
                throw new MaxLengthError('Decode error - repeated field "applied" had too many elements')
              }

              obj.applied.push(SnapshotSessionBatch.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.applied$
              }))
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
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.incarnation`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.floor`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              if (opts.limits?.applied != null && obj.applied === opts.limits.applied) {
                throw new MaxLengthError('Streaming decode error - repeated field "applied" had too many elements')
              }

              for (const evt of SnapshotSessionBatch.codec().stream(reader, reader.uint32(), `${prefix}.applied[]`, {
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

  export interface SnapshotSessionKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface SnapshotSessionIncarnationFieldEvent {
    field: '$.incarnation'
    value: string
  }

  export interface SnapshotSessionFloorFieldEvent {
    field: '$.floor'
    value: number
  }

  export interface SnapshotSessionAppliedSequenceFieldEvent {
    field: '$.applied[].sequence'
    value: number
    index: number
  }

  export interface SnapshotSessionAppliedResultsAppliedFieldEvent {
    field: '$.applied[].results[].applied'
    value: boolean
    index: number
  }

  export interface SnapshotSessionAppliedResultsWallMsFieldEvent {
    field: '$.applied[].results[].wallMs'
    value: number
    index: number
  }

  export interface SnapshotSessionAppliedResultsLogicalFieldEvent {
    field: '$.applied[].results[].logical'
    value: number
    index: number
  }

  export interface SnapshotSessionAppliedResultsFencingTokenFieldEvent {
    field: '$.applied[].results[].fencingToken'
    value: bigint
    index: number
  }

  export interface SnapshotSessionAppliedResultsReplayedFieldEvent {
    field: '$.applied[].results[].replayed'
    value: boolean
    index: number
  }

  export interface SnapshotSessionAppliedResultsReasonFieldEvent {
    field: '$.applied[].results[].reason'
    value: string
    index: number
  }

  export interface SnapshotSessionAppliedResultsCounterFieldEvent {
    field: '$.applied[].results[].counter'
    value: number
    index: number
  }

  export function encode (obj: Partial<SnapshotSession>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SnapshotSession.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotSession>): SnapshotSession {
    return decodeMessage(buf, SnapshotSession.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotSession>): Generator<SnapshotSessionKeyFieldEvent | SnapshotSessionIncarnationFieldEvent | SnapshotSessionFloorFieldEvent | SnapshotSessionAppliedSequenceFieldEvent | SnapshotSessionAppliedResultsAppliedFieldEvent | SnapshotSessionAppliedResultsWallMsFieldEvent | SnapshotSessionAppliedResultsLogicalFieldEvent | SnapshotSessionAppliedResultsFencingTokenFieldEvent | SnapshotSessionAppliedResultsReplayedFieldEvent | SnapshotSessionAppliedResultsReasonFieldEvent | SnapshotSessionAppliedResultsCounterFieldEvent> {
    return streamMessage(buf, SnapshotSession.codec(), opts)
  }
}

export interface SnapshotIdempotencyRecord {
  idempotencyKey: string
  operationHash: string
  result?: SnapshotResult
  writtenAtMs: number
}

export namespace SnapshotIdempotencyRecord {
  let _codec: Codec<SnapshotIdempotencyRecord>

  export const codec = (): Codec<SnapshotIdempotencyRecord> => {
    if (_codec == null) {
      _codec = message<SnapshotIdempotencyRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.idempotencyKey != null && obj.idempotencyKey !== '')) {
          w.uint32(10)
          w.string(obj.idempotencyKey)
        }

        if ((obj.operationHash != null && obj.operationHash !== '')) {
          w.uint32(18)
          w.string(obj.operationHash)
        }

        if (obj.result != null) {
          w.uint32(26)
          SnapshotResult.codec().encode(obj.result, w)
        }

        if ((obj.writtenAtMs != null && obj.writtenAtMs !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.writtenAtMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          idempotencyKey: '',
          operationHash: '',
          writtenAtMs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.idempotencyKey = reader.string()
              break
            }
            case 2: {
              obj.operationHash = reader.string()
              break
            }
            case 3: {
              obj.result = SnapshotResult.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.result
              })
              break
            }
            case 4: {
              obj.writtenAtMs = reader.uint64Number()
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
                field: `${prefix}.idempotencyKey`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.operationHash`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield * SnapshotResult.codec().stream(reader, reader.uint32(), `${prefix}.result`, {
                limits: opts.limits?.result
              })

              break
            }
            case 4: {
              yield {
                field: `${prefix}.writtenAtMs`,
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

  export interface SnapshotIdempotencyRecordIdempotencyKeyFieldEvent {
    field: '$.idempotencyKey'
    value: string
  }

  export interface SnapshotIdempotencyRecordOperationHashFieldEvent {
    field: '$.operationHash'
    value: string
  }

  export interface SnapshotIdempotencyRecordResultAppliedFieldEvent {
    field: '$.result.applied'
    value: boolean
  }

  export interface SnapshotIdempotencyRecordResultWallMsFieldEvent {
    field: '$.result.wallMs'
    value: number
  }

  export interface SnapshotIdempotencyRecordResultLogicalFieldEvent {
    field: '$.result.logical'
    value: number
  }

  export interface SnapshotIdempotencyRecordResultFencingTokenFieldEvent {
    field: '$.result.fencingToken'
    value: bigint
  }

  export interface SnapshotIdempotencyRecordResultReplayedFieldEvent {
    field: '$.result.replayed'
    value: boolean
  }

  export interface SnapshotIdempotencyRecordResultReasonFieldEvent {
    field: '$.result.reason'
    value: string
  }

  export interface SnapshotIdempotencyRecordResultCounterFieldEvent {
    field: '$.result.counter'
    value: number
  }

  export interface SnapshotIdempotencyRecordWrittenAtMsFieldEvent {
    field: '$.writtenAtMs'
    value: number
  }

  export function encode (obj: Partial<SnapshotIdempotencyRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SnapshotIdempotencyRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotIdempotencyRecord>): SnapshotIdempotencyRecord {
    return decodeMessage(buf, SnapshotIdempotencyRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotIdempotencyRecord>): Generator<SnapshotIdempotencyRecordIdempotencyKeyFieldEvent | SnapshotIdempotencyRecordOperationHashFieldEvent | SnapshotIdempotencyRecordResultAppliedFieldEvent | SnapshotIdempotencyRecordResultWallMsFieldEvent | SnapshotIdempotencyRecordResultLogicalFieldEvent | SnapshotIdempotencyRecordResultFencingTokenFieldEvent | SnapshotIdempotencyRecordResultReplayedFieldEvent | SnapshotIdempotencyRecordResultReasonFieldEvent | SnapshotIdempotencyRecordResultCounterFieldEvent | SnapshotIdempotencyRecordWrittenAtMsFieldEvent> {
    return streamMessage(buf, SnapshotIdempotencyRecord.codec(), opts)
  }
}

export interface SnapshotIdempotencyWriter {
  key: string
  records: SnapshotIdempotencyRecord[]
}

export namespace SnapshotIdempotencyWriter {
  let _codec: Codec<SnapshotIdempotencyWriter>

  export const codec = (): Codec<SnapshotIdempotencyWriter> => {
    if (_codec == null) {
      _codec = message<SnapshotIdempotencyWriter>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if (obj.records != null && obj.records.length > 0) {
          for (const value of obj.records) {
            w.uint32(18)
            SnapshotIdempotencyRecord.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: '',
          records: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              if (opts.limits?.records != null && obj.records.length === opts.limits.records) {
                throw new MaxLengthError('Decode error - repeated field "records" had too many elements')
              }

              obj.records.push(SnapshotIdempotencyRecord.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.records$
              }))
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
          records: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              if (opts.limits?.records != null && obj.records === opts.limits.records) {
                throw new MaxLengthError('Streaming decode error - repeated field "records" had too many elements')
              }

              for (const evt of SnapshotIdempotencyRecord.codec().stream(reader, reader.uint32(), `${prefix}.records[]`, {
                limits: opts.limits?.records$
              })) {
                yield {
                  ...evt,
                  index: obj.records
                }
              }

              obj.records++

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

  export interface SnapshotIdempotencyWriterKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface SnapshotIdempotencyWriterRecordsIdempotencyKeyFieldEvent {
    field: '$.records[].idempotencyKey'
    value: string
    index: number
  }

  export interface SnapshotIdempotencyWriterRecordsOperationHashFieldEvent {
    field: '$.records[].operationHash'
    value: string
    index: number
  }

  export interface SnapshotIdempotencyWriterRecordsResultAppliedFieldEvent {
    field: '$.records[].result.applied'
    value: boolean
    index: number
  }

  export interface SnapshotIdempotencyWriterRecordsResultWallMsFieldEvent {
    field: '$.records[].result.wallMs'
    value: number
    index: number
  }

  export interface SnapshotIdempotencyWriterRecordsResultLogicalFieldEvent {
    field: '$.records[].result.logical'
    value: number
    index: number
  }

  export interface SnapshotIdempotencyWriterRecordsResultFencingTokenFieldEvent {
    field: '$.records[].result.fencingToken'
    value: bigint
    index: number
  }

  export interface SnapshotIdempotencyWriterRecordsResultReplayedFieldEvent {
    field: '$.records[].result.replayed'
    value: boolean
    index: number
  }

  export interface SnapshotIdempotencyWriterRecordsResultReasonFieldEvent {
    field: '$.records[].result.reason'
    value: string
    index: number
  }

  export interface SnapshotIdempotencyWriterRecordsResultCounterFieldEvent {
    field: '$.records[].result.counter'
    value: number
    index: number
  }

  export interface SnapshotIdempotencyWriterRecordsWrittenAtMsFieldEvent {
    field: '$.records[].writtenAtMs'
    value: number
    index: number
  }

  export function encode (obj: Partial<SnapshotIdempotencyWriter>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SnapshotIdempotencyWriter.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotIdempotencyWriter>): SnapshotIdempotencyWriter {
    return decodeMessage(buf, SnapshotIdempotencyWriter.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotIdempotencyWriter>): Generator<SnapshotIdempotencyWriterKeyFieldEvent | SnapshotIdempotencyWriterRecordsIdempotencyKeyFieldEvent | SnapshotIdempotencyWriterRecordsOperationHashFieldEvent | SnapshotIdempotencyWriterRecordsResultAppliedFieldEvent | SnapshotIdempotencyWriterRecordsResultWallMsFieldEvent | SnapshotIdempotencyWriterRecordsResultLogicalFieldEvent | SnapshotIdempotencyWriterRecordsResultFencingTokenFieldEvent | SnapshotIdempotencyWriterRecordsResultReplayedFieldEvent | SnapshotIdempotencyWriterRecordsResultReasonFieldEvent | SnapshotIdempotencyWriterRecordsResultCounterFieldEvent | SnapshotIdempotencyWriterRecordsWrittenAtMsFieldEvent> {
    return streamMessage(buf, SnapshotIdempotencyWriter.codec(), opts)
  }
}

export interface SnapshotDeclaration {
  name: string
  writes: WritesAllowed
  writersListed: boolean
  writers: string[]
}

export namespace SnapshotDeclaration {
  let _codec: Codec<SnapshotDeclaration>

  export const codec = (): Codec<SnapshotDeclaration> => {
    if (_codec == null) {
      _codec = message<SnapshotDeclaration>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(10)
          w.string(obj.name)
        }

        if (obj.writes != null && __WritesAllowedValues[obj.writes] !== 0) {
          w.uint32(16)
          WritesAllowed.codec().encode(obj.writes, w)
        }

        if ((obj.writersListed != null && obj.writersListed !== false)) {
          w.uint32(24)
          w.bool(obj.writersListed)
        }

        if (obj.writers != null && obj.writers.length > 0) {
          for (const value of obj.writers) {
            w.uint32(34)
            w.string(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          name: '',
          writes: WritesAllowed.WRITES_BOTH,
          writersListed: false,
          writers: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.name = reader.string()
              break
            }
            case 2: {
              obj.writes = WritesAllowed.codec().decode(reader)
              break
            }
            case 3: {
              obj.writersListed = reader.bool()
              break
            }
            case 4: {
              if (opts.limits?.writers != null && obj.writers.length === opts.limits.writers) {
                throw new MaxLengthError('Decode error - repeated field "writers" had too many elements')
              }

              obj.writers.push(reader.string())
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
          writers: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.writes`,
                value: WritesAllowed.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.writersListed`,
                value: reader.bool()
              }
              break
            }
            case 4: {
              if (opts.limits?.writers != null && obj.writers === opts.limits.writers) {
                throw new MaxLengthError('Streaming decode error - repeated field "writers" had too many elements')
              }

              yield {
                field: `${prefix}.writers[]`,
                index: obj.writers,
                value: reader.string()
              }

              obj.writers++

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

  export interface SnapshotDeclarationNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface SnapshotDeclarationWritesFieldEvent {
    field: '$.writes'
    value: WritesAllowed
  }

  export interface SnapshotDeclarationWritersListedFieldEvent {
    field: '$.writersListed'
    value: boolean
  }

  export interface SnapshotDeclarationWritersFieldEvent {
    field: '$.writers[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<SnapshotDeclaration>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SnapshotDeclaration.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotDeclaration>): SnapshotDeclaration {
    return decodeMessage(buf, SnapshotDeclaration.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotDeclaration>): Generator<SnapshotDeclarationNameFieldEvent | SnapshotDeclarationWritesFieldEvent | SnapshotDeclarationWritersListedFieldEvent | SnapshotDeclarationWritersFieldEvent> {
    return streamMessage(buf, SnapshotDeclaration.codec(), opts)
  }
}

export interface SnapshotRemoval {
  collection: string
  element: Uint8Array<ArrayBuffer>
  node: string
  ranges: number[]
}

export namespace SnapshotRemoval {
  let _codec: Codec<SnapshotRemoval>

  export const codec = (): Codec<SnapshotRemoval> => {
    if (_codec == null) {
      _codec = message<SnapshotRemoval>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.collection != null && obj.collection !== '')) {
          w.uint32(10)
          w.string(obj.collection)
        }

        if ((obj.element != null && obj.element.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.element)
        }

        if ((obj.node != null && obj.node !== '')) {
          w.uint32(26)
          w.string(obj.node)
        }

        if (obj.ranges != null && obj.ranges.length > 0) {
          for (const value of obj.ranges) {
            w.uint32(32)
            w.uint64Number(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          collection: '',
          element: uint8ArrayAlloc(0),
          node: '',
          ranges: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.collection = reader.string()
              break
            }
            case 2: {
              obj.element = reader.bytes()
              break
            }
            case 3: {
              obj.node = reader.string()
              break
            }
            case 4: {
              if (opts.limits?.ranges != null && obj.ranges.length === opts.limits.ranges) {
                throw new MaxLengthError('Decode error - repeated field "ranges" had too many elements')
              }

              obj.ranges.push(reader.uint64Number())
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
          ranges: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.collection`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.element`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.node`,
                value: reader.string()
              }
              break
            }
            case 4: {
              if (opts.limits?.ranges != null && obj.ranges === opts.limits.ranges) {
                throw new MaxLengthError('Streaming decode error - repeated field "ranges" had too many elements')
              }

              yield {
                field: `${prefix}.ranges[]`,
                index: obj.ranges,
                value: reader.uint64Number()
              }

              obj.ranges++

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

  export interface SnapshotRemovalCollectionFieldEvent {
    field: '$.collection'
    value: string
  }

  export interface SnapshotRemovalElementFieldEvent {
    field: '$.element'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SnapshotRemovalNodeFieldEvent {
    field: '$.node'
    value: string
  }

  export interface SnapshotRemovalRangesFieldEvent {
    field: '$.ranges[]'
    index: number
    value: number
  }

  export function encode (obj: Partial<SnapshotRemoval>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SnapshotRemoval.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotRemoval>): SnapshotRemoval {
    return decodeMessage(buf, SnapshotRemoval.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotRemoval>): Generator<SnapshotRemovalCollectionFieldEvent | SnapshotRemovalElementFieldEvent | SnapshotRemovalNodeFieldEvent | SnapshotRemovalRangesFieldEvent> {
    return streamMessage(buf, SnapshotRemoval.codec(), opts)
  }
}

export interface DataSnapshot {
  version: number
  appliedIndex: number
  replicaState: Uint8Array<ArrayBuffer>
  removals: SnapshotRemoval[]
  strongClockWallMs: number
  strongClockLogical: number
  strongCount: number
  sessions: SnapshotSession[]
  idempotency: SnapshotIdempotencyWriter[]
  collections: SnapshotDeclaration[]
}

export namespace DataSnapshot {
  let _codec: Codec<DataSnapshot>

  export const codec = (): Codec<DataSnapshot> => {
    if (_codec == null) {
      _codec = message<DataSnapshot>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.appliedIndex != null && obj.appliedIndex !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.appliedIndex)
        }

        if ((obj.replicaState != null && obj.replicaState.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.replicaState)
        }

        if (obj.removals != null && obj.removals.length > 0) {
          for (const value of obj.removals) {
            w.uint32(34)
            SnapshotRemoval.codec().encode(value, w)
          }
        }

        if ((obj.strongClockWallMs != null && obj.strongClockWallMs !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.strongClockWallMs)
        }

        if ((obj.strongClockLogical != null && obj.strongClockLogical !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.strongClockLogical)
        }

        if ((obj.strongCount != null && obj.strongCount !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.strongCount)
        }

        if (obj.sessions != null && obj.sessions.length > 0) {
          for (const value of obj.sessions) {
            w.uint32(66)
            SnapshotSession.codec().encode(value, w)
          }
        }

        if (obj.idempotency != null && obj.idempotency.length > 0) {
          for (const value of obj.idempotency) {
            w.uint32(74)
            SnapshotIdempotencyWriter.codec().encode(value, w)
          }
        }

        if (obj.collections != null && obj.collections.length > 0) {
          for (const value of obj.collections) {
            w.uint32(82)
            SnapshotDeclaration.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          appliedIndex: 0,
          replicaState: uint8ArrayAlloc(0),
          removals: [],
          strongClockWallMs: 0,
          strongClockLogical: 0,
          strongCount: 0,
          sessions: [],
          idempotency: [],
          collections: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.appliedIndex = reader.uint64Number()
              break
            }
            case 3: {
              obj.replicaState = reader.bytes()
              break
            }
            case 4: {
              if (opts.limits?.removals != null && obj.removals.length === opts.limits.removals) {
                throw new MaxLengthError('Decode error - repeated field "removals" had too many elements')
              }

              obj.removals.push(SnapshotRemoval.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.removals$
              }))
              break
            }
            case 5: {
              obj.strongClockWallMs = reader.uint64Number()
              break
            }
            case 6: {
              obj.strongClockLogical = reader.uint64Number()
              break
            }
            case 7: {
              obj.strongCount = reader.uint64Number()
              break
            }
            case 8: {
              if (opts.limits?.sessions != null && obj.sessions.length === opts.limits.sessions) {
                throw new MaxLengthError('Decode error - repeated field "sessions" had too many elements')
              }

              obj.sessions.push(SnapshotSession.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.sessions$
              }))
              break
            }
            case 9: {
              if (opts.limits?.idempotency != null && obj.idempotency.length === opts.limits.idempotency) {
                throw new MaxLengthError('Decode error - repeated field "idempotency" had too many elements')
              }

              obj.idempotency.push(SnapshotIdempotencyWriter.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.idempotency$
              }))
              break
            }
            case 10: {
              if (opts.limits?.collections != null && obj.collections.length === opts.limits.collections) {
                throw new MaxLengthError('Decode error - repeated field "collections" had too many elements')
              }

              obj.collections.push(SnapshotDeclaration.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.collections$
              }))
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
          removals: 0,
          sessions: 0,
          idempotency: 0,
          collections: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.appliedIndex`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.replicaState`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              if (opts.limits?.removals != null && obj.removals === opts.limits.removals) {
                throw new MaxLengthError('Streaming decode error - repeated field "removals" had too many elements')
              }

              for (const evt of SnapshotRemoval.codec().stream(reader, reader.uint32(), `${prefix}.removals[]`, {
                limits: opts.limits?.removals$
              })) {
                yield {
                  ...evt,
                  index: obj.removals
                }
              }

              obj.removals++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.strongClockWallMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.strongClockLogical`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.strongCount`,
                value: reader.uint64Number()
              }
              break
            }
            case 8: {
              if (opts.limits?.sessions != null && obj.sessions === opts.limits.sessions) {
                throw new MaxLengthError('Streaming decode error - repeated field "sessions" had too many elements')
              }

              for (const evt of SnapshotSession.codec().stream(reader, reader.uint32(), `${prefix}.sessions[]`, {
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
            case 9: {
              if (opts.limits?.idempotency != null && obj.idempotency === opts.limits.idempotency) {
                throw new MaxLengthError('Streaming decode error - repeated field "idempotency" had too many elements')
              }

              for (const evt of SnapshotIdempotencyWriter.codec().stream(reader, reader.uint32(), `${prefix}.idempotency[]`, {
                limits: opts.limits?.idempotency$
              })) {
                yield {
                  ...evt,
                  index: obj.idempotency
                }
              }

              obj.idempotency++

              break
            }
            case 10: {
              if (opts.limits?.collections != null && obj.collections === opts.limits.collections) {
                throw new MaxLengthError('Streaming decode error - repeated field "collections" had too many elements')
              }

              for (const evt of SnapshotDeclaration.codec().stream(reader, reader.uint32(), `${prefix}.collections[]`, {
                limits: opts.limits?.collections$
              })) {
                yield {
                  ...evt,
                  index: obj.collections
                }
              }

              obj.collections++

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

  export interface DataSnapshotVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface DataSnapshotAppliedIndexFieldEvent {
    field: '$.appliedIndex'
    value: number
  }

  export interface DataSnapshotReplicaStateFieldEvent {
    field: '$.replicaState'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DataSnapshotRemovalsCollectionFieldEvent {
    field: '$.removals[].collection'
    value: string
    index: number
  }

  export interface DataSnapshotRemovalsElementFieldEvent {
    field: '$.removals[].element'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DataSnapshotRemovalsNodeFieldEvent {
    field: '$.removals[].node'
    value: string
    index: number
  }

  export interface DataSnapshotRemovalsRangesFieldEvent {
    field: '$.removals[].ranges[]'
    index: number
    value: number
  }

  export interface DataSnapshotStrongClockWallMsFieldEvent {
    field: '$.strongClockWallMs'
    value: number
  }

  export interface DataSnapshotStrongClockLogicalFieldEvent {
    field: '$.strongClockLogical'
    value: number
  }

  export interface DataSnapshotStrongCountFieldEvent {
    field: '$.strongCount'
    value: number
  }

  export interface DataSnapshotSessionsKeyFieldEvent {
    field: '$.sessions[].key'
    value: string
    index: number
  }

  export interface DataSnapshotSessionsIncarnationFieldEvent {
    field: '$.sessions[].incarnation'
    value: string
    index: number
  }

  export interface DataSnapshotSessionsFloorFieldEvent {
    field: '$.sessions[].floor'
    value: number
    index: number
  }

  export interface DataSnapshotSessionsAppliedSequenceFieldEvent {
    field: '$.sessions[].applied[].sequence'
    value: number
    index: number
  }

  export interface DataSnapshotSessionsAppliedResultsAppliedFieldEvent {
    field: '$.sessions[].applied[].results[].applied'
    value: boolean
    index: number
  }

  export interface DataSnapshotSessionsAppliedResultsWallMsFieldEvent {
    field: '$.sessions[].applied[].results[].wallMs'
    value: number
    index: number
  }

  export interface DataSnapshotSessionsAppliedResultsLogicalFieldEvent {
    field: '$.sessions[].applied[].results[].logical'
    value: number
    index: number
  }

  export interface DataSnapshotSessionsAppliedResultsFencingTokenFieldEvent {
    field: '$.sessions[].applied[].results[].fencingToken'
    value: bigint
    index: number
  }

  export interface DataSnapshotSessionsAppliedResultsReplayedFieldEvent {
    field: '$.sessions[].applied[].results[].replayed'
    value: boolean
    index: number
  }

  export interface DataSnapshotSessionsAppliedResultsReasonFieldEvent {
    field: '$.sessions[].applied[].results[].reason'
    value: string
    index: number
  }

  export interface DataSnapshotSessionsAppliedResultsCounterFieldEvent {
    field: '$.sessions[].applied[].results[].counter'
    value: number
    index: number
  }

  export interface DataSnapshotIdempotencyKeyFieldEvent {
    field: '$.idempotency[].key'
    value: string
    index: number
  }

  export interface DataSnapshotIdempotencyRecordsIdempotencyKeyFieldEvent {
    field: '$.idempotency[].records[].idempotencyKey'
    value: string
    index: number
  }

  export interface DataSnapshotIdempotencyRecordsOperationHashFieldEvent {
    field: '$.idempotency[].records[].operationHash'
    value: string
    index: number
  }

  export interface DataSnapshotIdempotencyRecordsResultAppliedFieldEvent {
    field: '$.idempotency[].records[].result.applied'
    value: boolean
    index: number
  }

  export interface DataSnapshotIdempotencyRecordsResultWallMsFieldEvent {
    field: '$.idempotency[].records[].result.wallMs'
    value: number
    index: number
  }

  export interface DataSnapshotIdempotencyRecordsResultLogicalFieldEvent {
    field: '$.idempotency[].records[].result.logical'
    value: number
    index: number
  }

  export interface DataSnapshotIdempotencyRecordsResultFencingTokenFieldEvent {
    field: '$.idempotency[].records[].result.fencingToken'
    value: bigint
    index: number
  }

  export interface DataSnapshotIdempotencyRecordsResultReplayedFieldEvent {
    field: '$.idempotency[].records[].result.replayed'
    value: boolean
    index: number
  }

  export interface DataSnapshotIdempotencyRecordsResultReasonFieldEvent {
    field: '$.idempotency[].records[].result.reason'
    value: string
    index: number
  }

  export interface DataSnapshotIdempotencyRecordsResultCounterFieldEvent {
    field: '$.idempotency[].records[].result.counter'
    value: number
    index: number
  }

  export interface DataSnapshotIdempotencyRecordsWrittenAtMsFieldEvent {
    field: '$.idempotency[].records[].writtenAtMs'
    value: number
    index: number
  }

  export interface DataSnapshotCollectionsNameFieldEvent {
    field: '$.collections[].name'
    value: string
    index: number
  }

  export interface DataSnapshotCollectionsWritesFieldEvent {
    field: '$.collections[].writes'
    value: WritesAllowed
    index: number
  }

  export interface DataSnapshotCollectionsWritersListedFieldEvent {
    field: '$.collections[].writersListed'
    value: boolean
    index: number
  }

  export interface DataSnapshotCollectionsWritersFieldEvent {
    field: '$.collections[].writers[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<DataSnapshot>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DataSnapshot.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DataSnapshot>): DataSnapshot {
    return decodeMessage(buf, DataSnapshot.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DataSnapshot>): Generator<DataSnapshotVersionFieldEvent | DataSnapshotAppliedIndexFieldEvent | DataSnapshotReplicaStateFieldEvent | DataSnapshotRemovalsCollectionFieldEvent | DataSnapshotRemovalsElementFieldEvent | DataSnapshotRemovalsNodeFieldEvent | DataSnapshotRemovalsRangesFieldEvent | DataSnapshotStrongClockWallMsFieldEvent | DataSnapshotStrongClockLogicalFieldEvent | DataSnapshotStrongCountFieldEvent | DataSnapshotSessionsKeyFieldEvent | DataSnapshotSessionsIncarnationFieldEvent | DataSnapshotSessionsFloorFieldEvent | DataSnapshotSessionsAppliedSequenceFieldEvent | DataSnapshotSessionsAppliedResultsAppliedFieldEvent | DataSnapshotSessionsAppliedResultsWallMsFieldEvent | DataSnapshotSessionsAppliedResultsLogicalFieldEvent | DataSnapshotSessionsAppliedResultsFencingTokenFieldEvent | DataSnapshotSessionsAppliedResultsReplayedFieldEvent | DataSnapshotSessionsAppliedResultsReasonFieldEvent | DataSnapshotSessionsAppliedResultsCounterFieldEvent | DataSnapshotIdempotencyKeyFieldEvent | DataSnapshotIdempotencyRecordsIdempotencyKeyFieldEvent | DataSnapshotIdempotencyRecordsOperationHashFieldEvent | DataSnapshotIdempotencyRecordsResultAppliedFieldEvent | DataSnapshotIdempotencyRecordsResultWallMsFieldEvent | DataSnapshotIdempotencyRecordsResultLogicalFieldEvent | DataSnapshotIdempotencyRecordsResultFencingTokenFieldEvent | DataSnapshotIdempotencyRecordsResultReplayedFieldEvent | DataSnapshotIdempotencyRecordsResultReasonFieldEvent | DataSnapshotIdempotencyRecordsResultCounterFieldEvent | DataSnapshotIdempotencyRecordsWrittenAtMsFieldEvent | DataSnapshotCollectionsNameFieldEvent | DataSnapshotCollectionsWritesFieldEvent | DataSnapshotCollectionsWritersListedFieldEvent | DataSnapshotCollectionsWritersFieldEvent> {
    return streamMessage(buf, DataSnapshot.codec(), opts)
  }
}
