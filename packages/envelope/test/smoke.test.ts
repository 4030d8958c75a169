import { describe, expect, it } from 'vitest'
import { Opener } from '../src/open.js'
import { ReplayGuard } from '../src/replay.js'
import { Sealer } from '../src/seal.js'
import { Verifier } from '../src/verify.js'
import { entries, memberRing, replicaRing, seededSource, signingKeyA, streamId } from './helpers.js'

describe('smoke', () => {
  it('seals and opens a batch', () => {
    const sealer = new Sealer({ keyRing: memberRing(), signingKey: signingKeyA, random: seededSource(1) })
    const batch = entries(5, (i) => i * 10)
    const sealed = sealer.sealBatch(streamId, batch)
    const opener = new Opener({ keyRing: memberRing(), replayGuard: new ReplayGuard() })
    const opened = opener.openBatch(streamId, sealed)
    expect(opened.map((e) => e.payload)).toEqual(batch.map((e) => e.payload))
    const alone = new Opener({ keyRing: memberRing() })
    for (let i = 0; i < sealed.length; i++) expect(alone.open(streamId, sealed[i] as Uint8Array).payload).toEqual(batch[i]?.payload)
    const verifier = new Verifier({ keyRing: replicaRing() })
    expect(verifier.verifyBatch(streamId, sealed).length).toBe(5)
  })
})
