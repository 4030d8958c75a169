import { describe } from 'vitest'
import { swarmSeedRange } from './swarm-suite.js'

// Seeds that once failed in long runs, kept so the bugs they found stay fixed.
// 59197 and 60728: a restarted node came back with the membership of a stale commit index (the WAL
// adapter wrote commit lazily, even past a conf change), and the surviving quorum could not elect.
describe('regression seeds from long runs', () => {
  swarmSeedRange(59197, 1)
  swarmSeedRange(60728, 1)
})
