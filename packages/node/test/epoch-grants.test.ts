/**
 * EpochGrants, one node's side of the wrap table: a keyed holder grants the keyed members C shows
 * without an epoch — the leader at once, another holder only after the gap persisted — one entry in
 * flight; a node learns its own rows as they appear; a keyless node grants nothing.
 */
import { seededCryptoRandom } from '@tandem/base'
import { pureCryptoProvider, writerPublicKey } from '@tandem/envelope'
import { toString as bytesToHex } from 'uint8arrays'
import { describe, expect, it } from 'vitest'
import { EpochGrants } from '../src/compose/epoch-grants.js'
import type { ControlOperation } from '../src/core/control.js'
import { memberId, type WriterKey } from '../src/core/ids.js'
import { PublicLayer } from '../src/core/public-layer.js'
import { EpochKeyHolder } from '../src/sealing/epoch-keys.js'
import { SealingKeys } from '../src/sealing/keys.js'

const clusterId = new TextEncoder().encode('grants test')
const seedA = seededCryptoRandom(1)(32)
const seedB = seededCryptoRandom(2)(32)
const keyOf = (seed: Uint8Array) => bytesToHex(writerPublicKey(seed), 'base16') as WriterKey
const memberA = memberId(`12D3KooW${'A'.repeat(44)}`, '1'.repeat(16))
const memberB = memberId(`12D3KooW${'B'.repeat(44)}`, '2'.repeat(16))

function holder(seed: Uint8Array, random = 7): EpochKeyHolder {
  const keys = new SealingKeys({ clusterId, cryptoProvider: pureCryptoProvider })
  return new EpochKeyHolder({ keys, signingKey: seed, random: seededCryptoRandom(random) })
}

/** A's C after init; B admitted keyed. */
function layerWithB(a: EpochKeyHolder): PublicLayer {
  const layer = new PublicLayer({ invalidBatchReason: () => null })
  const wrapped = a.createFirstEpoch()
  layer.apply({ index: 1, signer: a.key, operation: { kind: 'init', member: memberA, key: a.key, wrapped } })
  layer.apply({
    index: 2,
    signer: a.key,
    operation: { kind: 'add-learner', member: memberB, key: keyOf(seedB), keyed: true },
  })
  return layer
}

function host(layer: PublicLayer, key: WriterKey, leading: () => boolean) {
  const proposed: ControlOperation[][] = []
  let settle: () => void = () => {}
  return {
    proposed,
    finish: () => settle(),
    host: {
      key,
      publicLayer: () => layer,
      leading,
      propose: (operations: readonly ControlOperation[]) => {
        proposed.push([...operations])
        return new Promise<void>((resolve) => {
          settle = resolve
        })
      },
      failed: () => {},
    },
  }
}

describe('EpochGrants', () => {
  it('the leader grants a lacking keyed member at once, one entry in flight; the grant opens for it', async () => {
    const a = holder(seedA)
    const layer = layerWithB(a)
    const { host: h, proposed, finish } = host(layer, a.key, () => true)
    const grants = new EpochGrants(h, a, { nullEnvelope: false })
    grants.tick()
    grants.tick()
    expect(proposed).toHaveLength(1)
    const [grant] = proposed[0] as ControlOperation[]
    expect(grant).toMatchObject({ kind: 'grant', epoch: 1, recipient: keyOf(seedB) })
    finish()
    await Promise.resolve()
    await Promise.resolve()
    // Applied: B learns epoch 1 from its row.
    layer.apply({ index: 3, signer: a.key, operation: grant as ControlOperation })
    const b = holder(seedB)
    const bGrants = new EpochGrants(host(layer, keyOf(seedB), () => false).host, b, { nullEnvelope: false })
    expect(bGrants.learn()).toBe(true)
    expect(b.holds(1)).toBe(true)
    expect(bGrants.learn()).toBe(false)
    // Nothing lacks a wrap any more: no further grant.
    grants.tick()
    expect(proposed).toHaveLength(1)
  })

  it('a holder that does not lead grants only after the gap persisted; a keyless node never', () => {
    const a = holder(seedA)
    const layer = layerWithB(a)
    const follower = host(layer, a.key, () => false)
    const grants = new EpochGrants(follower.host, a, { nullEnvelope: false })
    for (let tick = 0; tick < 19; tick++) grants.tick()
    expect(follower.proposed).toHaveLength(0)
    grants.tick()
    expect(follower.proposed).toHaveLength(1)
    const keyless = host(layer, a.key, () => true)
    const none = new EpochGrants(keyless.host, null, { nullEnvelope: false })
    for (let tick = 0; tick < 30; tick++) none.tick()
    expect(keyless.proposed).toHaveLength(0)
    expect(() => none.firstEpochWrap()).toThrow(RangeError)
  })

  it('under the null envelope a node holds what C lists for it, and grants placeholders', () => {
    const a = holder(seedA)
    const layer = layerWithB(a)
    const { host: h, proposed } = host(layer, a.key, () => true)
    const grants = new EpochGrants(h, null, { nullEnvelope: true })
    expect(grants.holds(1)).toBe(true)
    grants.tick()
    expect(proposed[0]?.[0]).toMatchObject({ kind: 'grant', epoch: 1, recipient: keyOf(seedB) })
  })
})
