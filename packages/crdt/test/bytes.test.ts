/**
 * The codec's string encoding: long strings go through TextEncoder/TextDecoder, short ones through
 * JavaScript loops, and both must give the same canonical bytes — encodings are compared across
 * nodes byte for byte, so a platform encoder may not change a single one.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ByteReader, ByteWriter, encodeUtf8 } from '../src/codec/bytes.js'
import { MalformedInputError } from '../src/errors.js'

/** The reference encoding: varint byte length, then {@link encodeUtf8}'s bytes. */
function reference(value: string): Uint8Array {
  const utf8 = encodeUtf8(value)
  const prefix: number[] = []
  let length = utf8.length
  while (length >= 0x80) {
    prefix.push((length & 0x7f) | 0x80)
    length = Math.floor(length / 0x80)
  }
  prefix.push(length)
  return Uint8Array.from([...prefix, ...utf8])
}

const strings = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }), // any code point, surrogate pairs included
  fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
    maxLength: 300,
  }), // lone surrogates too
  fc.string({ unit: 'grapheme-ascii', minLength: 20, maxLength: 20_000 }),
  fc.nat({ max: 300 }).map((length) => 'é'.repeat(length)), // byte length crosses a prefix size
)

describe('ByteWriter.string / ByteReader.string', () => {
  it('writes exactly the reference bytes for any string, after other fields, and reads back its UTF-8 form', () => {
    fc.assert(
      fc.property(fc.nat({ max: 300 }), strings, (before, value) => {
        const writer = new ByteWriter(16)
        for (let i = 0; i < before; i++) writer.byte(i & 0xff)
        writer.string(value)
        writer.byte(0xab)
        const bytes = writer.finish()
        const expected = reference(value)
        expect(bytes.subarray(before, before + expected.length)).toEqual(expected)
        expect(bytes.length).toBe(before + expected.length + 1)
        const reader = new ByteReader(bytes, 1 << 20)
        reader.position = before
        expect(reader.string()).toBe(new TextDecoder().decode(encodeUtf8(value)))
        expect(reader.byte()).toBe(0xab)
      }),
      { numRuns: 2_000, seed: 20261207 },
    )
  })

  it('writes the reference bytes wherever a long string ends in the buffer, whatever its prefix grows to', () => {
    for (let before = 0; before < 300; before++) {
      for (const value of [
        'é'.repeat(64),
        'é'.repeat(100),
        `${'a'.repeat(120)}é`,
        'a'.repeat(200),
        '€'.repeat(50),
      ]) {
        const writer = new ByteWriter(64)
        for (let i = 0; i < before; i++) writer.byte(7)
        writer.string(value)
        expect(writer.finish().subarray(before)).toEqual(reference(value))
      }
    }
  })

  it('keeps a leading U+FEFF and refuses invalid UTF-8 in long strings as in short ones', () => {
    const bom = `\uFEFF${'a'.repeat(100)}`
    const writer = new ByteWriter()
    writer.string(bom)
    expect(new ByteReader(writer.finish(), 1 << 20).string()).toBe(bom)
    for (const bad of [
      [0xc0, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe2, 0x82],
    ]) {
      for (const padding of [0, 100]) {
        const body = [...Array(padding).fill(0x61), ...bad]
        const bytes = Uint8Array.from([body.length, ...body])
        expect(() => new ByteReader(bytes, 1 << 20).string()).toThrow(MalformedInputError)
      }
    }
  })
})
