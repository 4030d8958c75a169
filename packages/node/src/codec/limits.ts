/** Bounds the node's operation decoders enforce on untrusted bytes. */
export interface OperationDecodeLimits {
  /** The largest Raft entry accepted. */
  readonly entryBytesMax: number
  /** The most items one Raft entry may carry. */
  readonly entryItemsMax: number
  /** The largest encoded operation accepted. */
  readonly operationBytesMax: number
  /** The most runs one fold may carry. */
  readonly foldRunsMax: number
  /** The most batches one fold run may carry. */
  readonly runBatchesMax: number
  /** The most cutoffs one removal or revocation may list. */
  readonly cutoffsMax: number
  /** The longest member or stream id accepted, in characters. */
  readonly idLengthMax: number
}

/** Entries and operations up to 64 MiB, 4,096 items per entry, 4,096 runs, 65,536 batches per run, 65,536 cutoffs, ids up to 256 characters. */
export const defaultOperationDecodeLimits: OperationDecodeLimits = Object.freeze({
  entryBytesMax: 64 * 1024 * 1024,
  entryItemsMax: 4096,
  operationBytesMax: 64 * 1024 * 1024,
  foldRunsMax: 4096,
  runBatchesMax: 65_536,
  cutoffsMax: 65_536,
  idLengthMax: 256,
})
