import { describe } from 'vitest'
import { swarmSeedRange } from './swarm-suite.js'

// Seeds 501–750 of the 1,000 the suite runs; split over four files so vitest runs them in parallel.
describe('swarm seeds 501–750', () => {
  swarmSeedRange(501, 250)
})
