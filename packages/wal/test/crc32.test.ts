import { crc32 as zlibCrc32 } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { crc32, nodeCrc32 } from '../src/index.js'

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926)
    expect(crc32(new Uint8Array(0))).toBe(0)
  })

  it('equals zlib.crc32 on any input, whole or continued', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (bytes, cut) => {
        const split = Math.min(cut, bytes.length)
        expect(crc32(bytes)).toBe(zlibCrc32(bytes))
        expect(nodeCrc32(bytes)).toBe(zlibCrc32(bytes))
        expect(crc32(bytes.subarray(split), crc32(bytes.subarray(0, split)))).toBe(zlibCrc32(bytes))
      }),
    )
  })
})
