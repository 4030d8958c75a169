/**
 * UTF-8 text to bytes and back, through the platform's TextEncoder/TextDecoder (present in every
 * runtime Tandem supports), typed structurally so the pure packages compile without DOM or Node
 * type libraries. Decoding is strict: invalid UTF-8 from the network or the disk throws a
 * `TypeError` instead of turning into replacement characters silently.
 */

interface TextCodecs {
  readonly TextEncoder: new () => {
    encode(input: string): Uint8Array
    encodeInto(input: string, target: Uint8Array): { read: number; written: number }
  }
  readonly TextDecoder: new (
    label: string,
    options: { fatal: boolean },
  ) => {
    decode(input: Uint8Array): string
  }
}

const codecs = globalThis as unknown as TextCodecs
const encoder = new codecs.TextEncoder()
const decoder = new codecs.TextDecoder('utf-8', { fatal: true })

/** Encodes a string as UTF-8. */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text)
}

/** Decodes UTF-8 bytes; throws a `TypeError` on invalid UTF-8. */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}

/**
 * Encodes `text` as UTF-8 into `target` (lone surrogates become U+FFFD) without allocating; returns
 * the UTF-16 units read and the bytes written, which stop short when `target` is too small.
 *
 * @example
 * ```ts
 * const target = new Uint8Array(3 * text.length)
 * const { written } = utf8EncodeInto(text, target)
 * ```
 */
export function utf8EncodeInto(text: string, target: Uint8Array): { read: number; written: number } {
  return encoder.encodeInto(text, target)
}
