import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { leafHash, MerkleTree, merkleHashByName, proofDepth } from '../src/merkle.js'
import { seededBytes } from './helpers.js'
import { providers } from './providers.js'

// A deliberately naive oracle: RFC 6962 §2.1 Merkle Tree Hash, recursive, with node:crypto SHA-256.
const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256')
  for (const part of parts) h.update(part)
  return new Uint8Array(h.digest())
}
function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return sha(Uint8Array.of(0), leaves[0] as Uint8Array)
  let k = 1
  while (k * 2 < leaves.length) k *= 2
  return sha(Uint8Array.of(1), mth(leaves.slice(0, k)), mth(leaves.slice(k)))
}
// RFC 6962 §2.1.1 audit path, recursive.
function path(m: number, leaves: Uint8Array[]): Uint8Array[] {
  if (leaves.length === 1) return []
  let k = 1
  while (k * 2 < leaves.length) k *= 2
  return m < k
    ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))]
}

// RFC 9162 §2.1.3.2 inclusion-proof verification, step by step as the RFC writes it.
function rfc9162Root(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: Uint8Array[],
): Uint8Array {
  let fn = leafIndex
  let sn = treeSize - 1
  let r = leafHash
  for (const p of proof) {
    if (sn === 0) throw new Error('proof too long')
    if (fn % 2 === 1 || fn === sn) {
      r = sha(Uint8Array.of(1), p, r)
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1
        sn >>= 1
      }
    } else {
      r = sha(Uint8Array.of(1), r, p)
    }
    fn >>= 1
    sn >>= 1
  }
  if (sn !== 0) throw new Error('proof too short')
  return r
}

describe.each(providers)('Merkle tree (RFC 6962 shape), $name provider', (provider) => {
  const merkleSha256 = merkleHashByName(provider, 'sha256')

  it('matches the recursive RFC 6962 oracle: roots and audit paths for 1..70 leaves', () => {
    for (let size = 1; size <= 70; size++) {
      const data = Array.from({ length: size }, (_, i) => seededBytes(size * 1000 + i, i % 50))
      const leaves = new Uint8Array(size * 32)
      data.forEach((d, i) => {
        leaves.set(leafHash(merkleSha256, d), i * 32)
      })
      const tree = new MerkleTree(merkleSha256, leaves, size)
      expect(Buffer.from(tree.root).toString('hex'), `size ${size}`).toBe(
        Buffer.from(mth(data)).toString('hex'),
      )
      for (let index = 0; index < size; index++) {
        const expected = path(index, data)
        expect(proofDepth(index, size), `size ${size} index ${index}`).toBe(expected.length)
        const proof = new Uint8Array(expected.length * 32)
        tree.writeProof(index, new DataView(proof.buffer, proof.byteOffset), 0)
        expect(Buffer.from(proof).toString('hex')).toBe(Buffer.concat(expected).toString('hex'))
        expect(tree.proofEquals(index, new DataView(proof.buffer, proof.byteOffset), 0)).toBe(true)
        const root = rfc9162Root(index, size, leaves.subarray(index * 32, index * 32 + 32), expected)
        expect(Buffer.from(root).equals(Buffer.from(tree.root))).toBe(true)
      }
    }
  })

  it('separates leaves from inner nodes: an inner node presented as a leaf gives another root', () => {
    const data = [Uint8Array.of(1), Uint8Array.of(2)]
    const leaves = new Uint8Array(64)
    data.forEach((d, i) => {
      leaves.set(leafHash(merkleSha256, d), i * 32)
    })
    const root = new MerkleTree(merkleSha256, leaves, 2).root
    // The classic second preimage: the concatenation of the two leaf hashes as a one-leaf tree.
    const forged = leafHash(merkleSha256, leaves)
    expect(Buffer.from(forged).equals(Buffer.from(root))).toBe(false)
  })

  it('proof depth never exceeds ceil(log2 n)', () => {
    for (const size of [1, 2, 3, 1023, 1024, 1025, 65_536]) {
      const ceiling = Math.ceil(Math.log2(size))
      for (const index of [0, size >>> 1, size - 1])
        expect(proofDepth(index, size)).toBeLessThanOrEqual(ceiling)
    }
  })
})
