/** Size limits every decoder enforces on untrusted input. Exceeding one throws InputTooLargeError. */
export interface DecodeLimits {
  /** Total input size; default 64 MiB. */
  readonly bytesMax?: number
  /** Node ids in one message; default 1,000,000. */
  readonly nodesMax?: number
  /** Ranges per node in a causal context; default 1,000,000. */
  readonly rangesPerNodeMax?: number
  /** Collections in one delta; default 100,000. */
  readonly collectionsMax?: number
  /** Entries plus set elements in one delta; default 10,000,000. */
  readonly entriesMax?: number
  /** Bytes of one string or byte array; default 16 MiB. */
  readonly stringBytesMax?: number
}

export const DEFAULT_LIMITS: Required<DecodeLimits> = {
  bytesMax: 64 * 1024 * 1024,
  nodesMax: 1_000_000,
  rangesPerNodeMax: 1_000_000,
  collectionsMax: 100_000,
  entriesMax: 10_000_000,
  stringBytesMax: 16 * 1024 * 1024,
}

export function resolveLimits(limits: DecodeLimits | undefined): Required<DecodeLimits> {
  return limits === undefined ? DEFAULT_LIMITS : { ...DEFAULT_LIMITS, ...limits }
}
