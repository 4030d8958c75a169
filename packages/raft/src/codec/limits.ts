/** Bounds a decoder enforces on untrusted bytes, so that no input can exhaust memory or time. */
export interface DecodeLimits {
  /** The largest encoded message accepted. */
  readonly messageBytesMax: number
  /** The most entries one message may carry. */
  readonly entriesMax: number
  /** The most members one configuration list (voters, learners, ...) may hold. */
  readonly membersMax: number
  /** The most steps one configuration change may hold. */
  readonly confChangesMax: number
  /** The longest node id accepted, in UTF-16 code units. */
  readonly nodeIdLengthMax: number
}

/** 64 MiB per message, 100,000 entries, 1,024 members, 1,024 changes, node ids up to 256 characters. */
export const DEFAULT_DECODE_LIMITS: DecodeLimits = Object.freeze({
  messageBytesMax: 64 * 1024 * 1024,
  entriesMax: 100_000,
  membersMax: 1024,
  confChangesMax: 1024,
  nodeIdLengthMax: 256,
})

/** Fills the unset fields of `partial` from {@link DEFAULT_DECODE_LIMITS}. */
export function resolveDecodeLimits(partial: Partial<DecodeLimits> | undefined): DecodeLimits {
  if (partial === undefined) return DEFAULT_DECODE_LIMITS
  return { ...DEFAULT_DECODE_LIMITS, ...partial }
}
