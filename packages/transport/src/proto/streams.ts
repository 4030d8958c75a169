import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface StreamHeld {
  stream: string
  heldThrough: number
}

export namespace StreamHeld {
  let _codec: Codec<StreamHeld>

  export const codec = (): Codec<StreamHeld> => {
    if (_codec == null) {
      _codec = message<StreamHeld>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.stream != null && obj.stream !== '')) {
          w.uint32(10)
          w.string(obj.stream)
        }

        if ((obj.heldThrough != null && obj.heldThrough !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.heldThrough)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          stream: '',
          heldThrough: 0
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
              obj.heldThrough = reader.uint64Number()
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
                field: `${prefix}.heldThrough`,
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

  export interface StreamHeldStreamFieldEvent {
    field: '$.stream'
    value: string
  }

  export interface StreamHeldHeldThroughFieldEvent {
    field: '$.heldThrough'
    value: number
  }

  export function encode (obj: Partial<StreamHeld>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, StreamHeld.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StreamHeld>): StreamHeld {
    return decodeMessage(buf, StreamHeld.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StreamHeld>): Generator<StreamHeldStreamFieldEvent | StreamHeldHeldThroughFieldEvent> {
    return streamMessage(buf, StreamHeld.codec(), opts)
  }
}

export interface Summary {
  wireVersion: number
  streams: StreamHeld[]
}

export namespace Summary {
  let _codec: Codec<Summary>

  export const codec = (): Codec<Summary> => {
    if (_codec == null) {
      _codec = message<Summary>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.wireVersion != null && obj.wireVersion !== 0)) {
          w.uint32(8)
          w.uint32(obj.wireVersion)
        }

        if (obj.streams != null && obj.streams.length > 0) {
          for (const value of obj.streams) {
            w.uint32(18)
            StreamHeld.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          wireVersion: 0,
          streams: []
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
              if (opts.limits?.streams != null && obj.streams.length === opts.limits.streams) {
                throw new MaxLengthError('Decode error - repeated field "streams" had too many elements')
              }

              obj.streams.push(StreamHeld.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.streams$
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
          streams: 0
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
              if (opts.limits?.streams != null && obj.streams === opts.limits.streams) {
                throw new MaxLengthError('Streaming decode error - repeated field "streams" had too many elements')
              }

              for (const evt of StreamHeld.codec().stream(reader, reader.uint32(), `${prefix}.streams[]`, {
                limits: opts.limits?.streams$
              })) {
                yield {
                  ...evt,
                  index: obj.streams
                }
              }

              obj.streams++

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

  export interface SummaryWireVersionFieldEvent {
    field: '$.wireVersion'
    value: number
  }

  export interface SummaryStreamsStreamFieldEvent {
    field: '$.streams[].stream'
    value: string
    index: number
  }

  export interface SummaryStreamsHeldThroughFieldEvent {
    field: '$.streams[].heldThrough'
    value: number
    index: number
  }

  export function encode (obj: Partial<Summary>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Summary.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Summary>): Summary {
    return decodeMessage(buf, Summary.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Summary>): Generator<SummaryWireVersionFieldEvent | SummaryStreamsStreamFieldEvent | SummaryStreamsHeldThroughFieldEvent> {
    return streamMessage(buf, Summary.codec(), opts)
  }
}

export interface Request {
  stream: string
  fromSequence: number
}

export namespace Request {
  let _codec: Codec<Request>

  export const codec = (): Codec<Request> => {
    if (_codec == null) {
      _codec = message<Request>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.stream != null && obj.stream !== '')) {
          w.uint32(10)
          w.string(obj.stream)
        }

        if ((obj.fromSequence != null && obj.fromSequence !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.fromSequence)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          stream: '',
          fromSequence: 0
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
              obj.fromSequence = reader.uint64Number()
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
                field: `${prefix}.fromSequence`,
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

  export interface RequestStreamFieldEvent {
    field: '$.stream'
    value: string
  }

  export interface RequestFromSequenceFieldEvent {
    field: '$.fromSequence'
    value: number
  }

  export function encode (obj: Partial<Request>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Request.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Request>): Request {
    return decodeMessage(buf, Request.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Request>): Generator<RequestStreamFieldEvent | RequestFromSequenceFieldEvent> {
    return streamMessage(buf, Request.codec(), opts)
  }
}

export interface Batch {
  sequence: number
  sealed: Uint8Array<ArrayBuffer>
}

export namespace Batch {
  let _codec: Codec<Batch>

  export const codec = (): Codec<Batch> => {
    if (_codec == null) {
      _codec = message<Batch>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.sequence != null && obj.sequence !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.sequence)
        }

        if ((obj.sealed != null && obj.sealed.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.sealed)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          sequence: 0,
          sealed: uint8ArrayAlloc(0)
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
                field: `${prefix}.sequence`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
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

  export interface BatchSequenceFieldEvent {
    field: '$.sequence'
    value: number
  }

  export interface BatchSealedFieldEvent {
    field: '$.sealed'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Batch>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Batch.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Batch>): Batch {
    return decodeMessage(buf, Batch.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Batch>): Generator<BatchSequenceFieldEvent | BatchSealedFieldEvent> {
    return streamMessage(buf, Batch.codec(), opts)
  }
}

export interface Batches {
  stream: string
  batches: Batch[]
  answer: boolean
}

export namespace Batches {
  let _codec: Codec<Batches>

  export const codec = (): Codec<Batches> => {
    if (_codec == null) {
      _codec = message<Batches>((obj, w, opts = {}) => {
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
            Batch.codec().encode(value, w)
          }
        }

        if ((obj.answer != null && obj.answer !== false)) {
          w.uint32(24)
          w.bool(obj.answer)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          stream: '',
          batches: [],
          answer: false
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

              obj.batches.push(Batch.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.batches$
              }))
              break
            }
            case 3: {
              obj.answer = reader.bool()
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

              for (const evt of Batch.codec().stream(reader, reader.uint32(), `${prefix}.batches[]`, {
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
            case 3: {
              yield {
                field: `${prefix}.answer`,
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

  export interface BatchesStreamFieldEvent {
    field: '$.stream'
    value: string
  }

  export interface BatchesBatchesSequenceFieldEvent {
    field: '$.batches[].sequence'
    value: number
    index: number
  }

  export interface BatchesBatchesSealedFieldEvent {
    field: '$.batches[].sealed'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface BatchesAnswerFieldEvent {
    field: '$.answer'
    value: boolean
  }

  export function encode (obj: Partial<Batches>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Batches.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Batches>): Batches {
    return decodeMessage(buf, Batches.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Batches>): Generator<BatchesStreamFieldEvent | BatchesBatchesSequenceFieldEvent | BatchesBatchesSealedFieldEvent | BatchesAnswerFieldEvent> {
    return streamMessage(buf, Batches.codec(), opts)
  }
}

export interface Folded {
  stream: string
  highWater: number
  index: number
}

export namespace Folded {
  let _codec: Codec<Folded>

  export const codec = (): Codec<Folded> => {
    if (_codec == null) {
      _codec = message<Folded>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.stream != null && obj.stream !== '')) {
          w.uint32(10)
          w.string(obj.stream)
        }

        if ((obj.highWater != null && obj.highWater !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.highWater)
        }

        if ((obj.index != null && obj.index !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.index)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          stream: '',
          highWater: 0,
          index: 0
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
              obj.highWater = reader.uint64Number()
              break
            }
            case 3: {
              obj.index = reader.uint64Number()
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
                field: `${prefix}.highWater`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.index`,
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

  export interface FoldedStreamFieldEvent {
    field: '$.stream'
    value: string
  }

  export interface FoldedHighWaterFieldEvent {
    field: '$.highWater'
    value: number
  }

  export interface FoldedIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export function encode (obj: Partial<Folded>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Folded.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Folded>): Folded {
    return decodeMessage(buf, Folded.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Folded>): Generator<FoldedStreamFieldEvent | FoldedHighWaterFieldEvent | FoldedIndexFieldEvent> {
    return streamMessage(buf, Folded.codec(), opts)
  }
}

export interface StreamsFrame {
  summary?: Summary
  request?: Request
  batches?: Batches
  folded?: Folded
}

export namespace StreamsFrame {
  let _codec: Codec<StreamsFrame>

  export const codec = (): Codec<StreamsFrame> => {
    if (_codec == null) {
      _codec = message<StreamsFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.summary != null) {
          w.uint32(10)
          Summary.codec().encode(obj.summary, w)
        }

        if (obj.request != null) {
          w.uint32(18)
          Request.codec().encode(obj.request, w)
        }

        if (obj.batches != null) {
          w.uint32(26)
          Batches.codec().encode(obj.batches, w)
        }

        if (obj.folded != null) {
          w.uint32(34)
          Folded.codec().encode(obj.folded, w)
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
              obj.summary = Summary.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.summary
              })
              break
            }
            case 2: {
              obj.request = Request.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.request
              })
              break
            }
            case 3: {
              obj.batches = Batches.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.batches
              })
              break
            }
            case 4: {
              obj.folded = Folded.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.folded
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
              yield * Summary.codec().stream(reader, reader.uint32(), `${prefix}.summary`, {
                limits: opts.limits?.summary
              })

              break
            }
            case 2: {
              yield * Request.codec().stream(reader, reader.uint32(), `${prefix}.request`, {
                limits: opts.limits?.request
              })

              break
            }
            case 3: {
              yield * Batches.codec().stream(reader, reader.uint32(), `${prefix}.batches`, {
                limits: opts.limits?.batches
              })

              break
            }
            case 4: {
              yield * Folded.codec().stream(reader, reader.uint32(), `${prefix}.folded`, {
                limits: opts.limits?.folded
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

  export interface StreamsFrameSummaryWireVersionFieldEvent {
    field: '$.summary.wireVersion'
    value: number
  }

  export interface StreamsFrameSummaryStreamsStreamFieldEvent {
    field: '$.summary.streams[].stream'
    value: string
    index: number
  }

  export interface StreamsFrameSummaryStreamsHeldThroughFieldEvent {
    field: '$.summary.streams[].heldThrough'
    value: number
    index: number
  }

  export interface StreamsFrameRequestStreamFieldEvent {
    field: '$.request.stream'
    value: string
  }

  export interface StreamsFrameRequestFromSequenceFieldEvent {
    field: '$.request.fromSequence'
    value: number
  }

  export interface StreamsFrameBatchesStreamFieldEvent {
    field: '$.batches.stream'
    value: string
  }

  export interface StreamsFrameBatchesBatchesSequenceFieldEvent {
    field: '$.batches.batches[].sequence'
    value: number
    index: number
  }

  export interface StreamsFrameBatchesBatchesSealedFieldEvent {
    field: '$.batches.batches[].sealed'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface StreamsFrameBatchesAnswerFieldEvent {
    field: '$.batches.answer'
    value: boolean
  }

  export interface StreamsFrameFoldedStreamFieldEvent {
    field: '$.folded.stream'
    value: string
  }

  export interface StreamsFrameFoldedHighWaterFieldEvent {
    field: '$.folded.highWater'
    value: number
  }

  export interface StreamsFrameFoldedIndexFieldEvent {
    field: '$.folded.index'
    value: number
  }

  export function encode (obj: Partial<StreamsFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, StreamsFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StreamsFrame>): StreamsFrame {
    return decodeMessage(buf, StreamsFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StreamsFrame>): Generator<StreamsFrameSummaryWireVersionFieldEvent | StreamsFrameSummaryStreamsStreamFieldEvent | StreamsFrameSummaryStreamsHeldThroughFieldEvent | StreamsFrameRequestStreamFieldEvent | StreamsFrameRequestFromSequenceFieldEvent | StreamsFrameBatchesStreamFieldEvent | StreamsFrameBatchesBatchesSequenceFieldEvent | StreamsFrameBatchesBatchesSealedFieldEvent | StreamsFrameBatchesAnswerFieldEvent | StreamsFrameFoldedStreamFieldEvent | StreamsFrameFoldedHighWaterFieldEvent | StreamsFrameFoldedIndexFieldEvent> {
    return streamMessage(buf, StreamsFrame.codec(), opts)
  }
}
