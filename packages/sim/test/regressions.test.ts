import { describe } from 'vitest'
import { crdtSwarmSeedRange } from './crdt-swarm-suite.js'
import { swarmSeedRange } from './swarm-suite.js'

// Seeds that once failed in long runs, kept so the bugs they found stay fixed.
// 59197 and 60728: a restarted node came back with the membership of a stale commit index (the WAL
// adapter wrote commit lazily, even past a conf change), and the surviving quorum could not elect.
describe('regression seeds from long runs', () => {
  swarmSeedRange(59197, 1)
  swarmSeedRange(60728, 1)
})

// CRDT seed 13807: tombstone collection dropped the replica's greatest stamp, a restart resumed the
// HLC from the saved state onto a slower wall clock, and a later write was stamped below the
// replica's own earlier delete (crdt-semantics).
describe('CRDT regression seeds from long runs', () => {
  crdtSwarmSeedRange(13807, 1)
})
