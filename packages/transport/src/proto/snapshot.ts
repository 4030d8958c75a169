import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Offer {
  wireVersion: number
  transferId: string
  totalBytes: number
  chunkBytes: number
  chunkCount: number
  sha256: Uint8Array<ArrayBuffer>
  metadata: Uint8Array<ArrayBuffer>
}

export namespace Offer {
  let _codec: Codec<Offer>

  export const codec = (): Codec<Offer> => {
    if (_codec == null) {
      _codec = message<Offer>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.wireVersion != null && obj.wireVersion !== 0)) {
          w.uint32(8)
          w.uint32(obj.wireVersion)
        }

        if ((obj.transferId != null && obj.transferId !== '')) {
          w.uint32(18)
          w.string(obj.transferId)
        }

        if ((obj.totalBytes != null && obj.totalBytes !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.totalBytes)
        }

        if ((obj.chunkBytes != null && obj.chunkBytes !== 0)) {
          w.uint32(32)
          w.uint32(obj.chunkBytes)
        }

        if ((obj.chunkCount != null && obj.chunkCount !== 0)) {
          w.uint32(40)
          w.uint32(obj.chunkCount)
        }

        if ((obj.sha256 != null && obj.sha256.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.sha256)
        }

        if ((obj.metadata != null && obj.metadata.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.metadata)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          wireVersion: 0,
          transferId: '',
          totalBytes: 0,
          chunkBytes: 0,
          chunkCount: 0,
          sha256: uint8ArrayAlloc(0),
          metadata: uint8ArrayAlloc(0)
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
              obj.transferId = reader.string()
              break
            }
            case 3: {
              obj.totalBytes = reader.uint64Number()
              break
            }
            case 4: {
              obj.chunkBytes = reader.uint32()
              break
            }
            case 5: {
              obj.chunkCount = reader.uint32()
              break
            }
            case 6: {
              obj.sha256 = reader.bytes()
              break
            }
            case 7: {
              obj.metadata = reader.bytes()
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
                field: `${prefix}.wireVersion`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.transferId`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.totalBytes`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.chunkBytes`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.chunkCount`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.sha256`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.metadata`,
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

  export interface OfferWireVersionFieldEvent {
    field: '$.wireVersion'
    value: number
  }

  export interface OfferTransferIdFieldEvent {
    field: '$.transferId'
    value: string
  }

  export interface OfferTotalBytesFieldEvent {
    field: '$.totalBytes'
    value: number
  }

  export interface OfferChunkBytesFieldEvent {
    field: '$.chunkBytes'
    value: number
  }

  export interface OfferChunkCountFieldEvent {
    field: '$.chunkCount'
    value: number
  }

  export interface OfferSha256FieldEvent {
    field: '$.sha256'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OfferMetadataFieldEvent {
    field: '$.metadata'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Offer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Offer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Offer>): Offer {
    return decodeMessage(buf, Offer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Offer>): Generator<OfferWireVersionFieldEvent | OfferTransferIdFieldEvent | OfferTotalBytesFieldEvent | OfferChunkBytesFieldEvent | OfferChunkCountFieldEvent | OfferSha256FieldEvent | OfferMetadataFieldEvent> {
    return streamMessage(buf, Offer.codec(), opts)
  }
}

export interface Accept {
  resumeFromChunk: number
  windowChunks: number
}

export namespace Accept {
  let _codec: Codec<Accept>

  export const codec = (): Codec<Accept> => {
    if (_codec == null) {
      _codec = message<Accept>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.resumeFromChunk != null && obj.resumeFromChunk !== 0)) {
          w.uint32(8)
          w.uint32(obj.resumeFromChunk)
        }

        if ((obj.windowChunks != null && obj.windowChunks !== 0)) {
          w.uint32(16)
          w.uint32(obj.windowChunks)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          resumeFromChunk: 0,
          windowChunks: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.resumeFromChunk = reader.uint32()
              break
            }
            case 2: {
              obj.windowChunks = reader.uint32()
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
                field: `${prefix}.resumeFromChunk`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.windowChunks`,
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

  export interface AcceptResumeFromChunkFieldEvent {
    field: '$.resumeFromChunk'
    value: number
  }

  export interface AcceptWindowChunksFieldEvent {
    field: '$.windowChunks'
    value: number
  }

  export function encode (obj: Partial<Accept>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Accept.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Accept>): Accept {
    return decodeMessage(buf, Accept.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Accept>): Generator<AcceptResumeFromChunkFieldEvent | AcceptWindowChunksFieldEvent> {
    return streamMessage(buf, Accept.codec(), opts)
  }
}

export interface Chunk {
  index: number
  crc32: number
  data: Uint8Array<ArrayBuffer>
}

export namespace Chunk {
  let _codec: Codec<Chunk>

  export const codec = (): Codec<Chunk> => {
    if (_codec == null) {
      _codec = message<Chunk>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.index != null && obj.index !== 0)) {
          w.uint32(8)
          w.uint32(obj.index)
        }

        if ((obj.crc32 != null && obj.crc32 !== 0)) {
          w.uint32(16)
          w.uint32(obj.crc32)
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.data)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          index: 0,
          crc32: 0,
          data: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.index = reader.uint32()
              break
            }
            case 2: {
              obj.crc32 = reader.uint32()
              break
            }
            case 3: {
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
                field: `${prefix}.index`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.crc32`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
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

  export interface ChunkIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export interface ChunkCrc32FieldEvent {
    field: '$.crc32'
    value: number
  }

  export interface ChunkDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Chunk>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Chunk.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Chunk>): Chunk {
    return decodeMessage(buf, Chunk.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Chunk>): Generator<ChunkIndexFieldEvent | ChunkCrc32FieldEvent | ChunkDataFieldEvent> {
    return streamMessage(buf, Chunk.codec(), opts)
  }
}

export interface Ack {
  nextChunk: number
}

export namespace Ack {
  let _codec: Codec<Ack>

  export const codec = (): Codec<Ack> => {
    if (_codec == null) {
      _codec = message<Ack>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.nextChunk != null && obj.nextChunk !== 0)) {
          w.uint32(8)
          w.uint32(obj.nextChunk)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          nextChunk: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.nextChunk = reader.uint32()
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
                field: `${prefix}.nextChunk`,
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

  export interface AckNextChunkFieldEvent {
    field: '$.nextChunk'
    value: number
  }

  export function encode (obj: Partial<Ack>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Ack.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Ack>): Ack {
    return decodeMessage(buf, Ack.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Ack>): Generator<AckNextChunkFieldEvent> {
    return streamMessage(buf, Ack.codec(), opts)
  }
}

export interface Done {
  error: string
  busy: boolean
}

export namespace Done {
  let _codec: Codec<Done>

  export const codec = (): Codec<Done> => {
    if (_codec == null) {
      _codec = message<Done>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.error != null && obj.error !== '')) {
          w.uint32(10)
          w.string(obj.error)
        }

        if ((obj.busy != null && obj.busy !== false)) {
          w.uint32(16)
          w.bool(obj.busy)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          error: '',
          busy: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.error = reader.string()
              break
            }
            case 2: {
              obj.busy = reader.bool()
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
                field: `${prefix}.error`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.busy`,
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

  export interface DoneErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export interface DoneBusyFieldEvent {
    field: '$.busy'
    value: boolean
  }

  export function encode (obj: Partial<Done>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Done.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Done>): Done {
    return decodeMessage(buf, Done.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Done>): Generator<DoneErrorFieldEvent | DoneBusyFieldEvent> {
    return streamMessage(buf, Done.codec(), opts)
  }
}

export interface SnapshotFrame {
  offer?: Offer
  accept?: Accept
  chunk?: Chunk
  ack?: Ack
  done?: Done
}

export namespace SnapshotFrame {
  let _codec: Codec<SnapshotFrame>

  export const codec = (): Codec<SnapshotFrame> => {
    if (_codec == null) {
      _codec = message<SnapshotFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.offer != null) {
          w.uint32(10)
          Offer.codec().encode(obj.offer, w)
        }

        if (obj.accept != null) {
          w.uint32(18)
          Accept.codec().encode(obj.accept, w)
        }

        if (obj.chunk != null) {
          w.uint32(26)
          Chunk.codec().encode(obj.chunk, w)
        }

        if (obj.ack != null) {
          w.uint32(34)
          Ack.codec().encode(obj.ack, w)
        }

        if (obj.done != null) {
          w.uint32(42)
          Done.codec().encode(obj.done, w)
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
              obj.offer = Offer.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.offer
              })
              break
            }
            case 2: {
              obj.accept = Accept.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.accept
              })
              break
            }
            case 3: {
              obj.chunk = Chunk.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.chunk
              })
              break
            }
            case 4: {
              obj.ack = Ack.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ack
              })
              break
            }
            case 5: {
              obj.done = Done.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.done
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
              yield * Offer.codec().stream(reader, reader.uint32(), `${prefix}.offer`, {
                limits: opts.limits?.offer
              })

              break
            }
            case 2: {
              yield * Accept.codec().stream(reader, reader.uint32(), `${prefix}.accept`, {
                limits: opts.limits?.accept
              })

              break
            }
            case 3: {
              yield * Chunk.codec().stream(reader, reader.uint32(), `${prefix}.chunk`, {
                limits: opts.limits?.chunk
              })

              break
            }
            case 4: {
              yield * Ack.codec().stream(reader, reader.uint32(), `${prefix}.ack`, {
                limits: opts.limits?.ack
              })

              break
            }
            case 5: {
              yield * Done.codec().stream(reader, reader.uint32(), `${prefix}.done`, {
                limits: opts.limits?.done
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

  export interface SnapshotFrameOfferWireVersionFieldEvent {
    field: '$.offer.wireVersion'
    value: number
  }

  export interface SnapshotFrameOfferTransferIdFieldEvent {
    field: '$.offer.transferId'
    value: string
  }

  export interface SnapshotFrameOfferTotalBytesFieldEvent {
    field: '$.offer.totalBytes'
    value: number
  }

  export interface SnapshotFrameOfferChunkBytesFieldEvent {
    field: '$.offer.chunkBytes'
    value: number
  }

  export interface SnapshotFrameOfferChunkCountFieldEvent {
    field: '$.offer.chunkCount'
    value: number
  }

  export interface SnapshotFrameOfferSha256FieldEvent {
    field: '$.offer.sha256'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SnapshotFrameOfferMetadataFieldEvent {
    field: '$.offer.metadata'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SnapshotFrameAcceptResumeFromChunkFieldEvent {
    field: '$.accept.resumeFromChunk'
    value: number
  }

  export interface SnapshotFrameAcceptWindowChunksFieldEvent {
    field: '$.accept.windowChunks'
    value: number
  }

  export interface SnapshotFrameChunkIndexFieldEvent {
    field: '$.chunk.index'
    value: number
  }

  export interface SnapshotFrameChunkCrc32FieldEvent {
    field: '$.chunk.crc32'
    value: number
  }

  export interface SnapshotFrameChunkDataFieldEvent {
    field: '$.chunk.data'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SnapshotFrameAckNextChunkFieldEvent {
    field: '$.ack.nextChunk'
    value: number
  }

  export interface SnapshotFrameDoneErrorFieldEvent {
    field: '$.done.error'
    value: string
  }

  export interface SnapshotFrameDoneBusyFieldEvent {
    field: '$.done.busy'
    value: boolean
  }

  export function encode (obj: Partial<SnapshotFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SnapshotFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotFrame>): SnapshotFrame {
    return decodeMessage(buf, SnapshotFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotFrame>): Generator<SnapshotFrameOfferWireVersionFieldEvent | SnapshotFrameOfferTransferIdFieldEvent | SnapshotFrameOfferTotalBytesFieldEvent | SnapshotFrameOfferChunkBytesFieldEvent | SnapshotFrameOfferChunkCountFieldEvent | SnapshotFrameOfferSha256FieldEvent | SnapshotFrameOfferMetadataFieldEvent | SnapshotFrameAcceptResumeFromChunkFieldEvent | SnapshotFrameAcceptWindowChunksFieldEvent | SnapshotFrameChunkIndexFieldEvent | SnapshotFrameChunkCrc32FieldEvent | SnapshotFrameChunkDataFieldEvent | SnapshotFrameAckNextChunkFieldEvent | SnapshotFrameDoneErrorFieldEvent | SnapshotFrameDoneBusyFieldEvent> {
    return streamMessage(buf, SnapshotFrame.codec(), opts)
  }
}
