import { describe } from 'vitest'
import { swarmSeedRange } from './swarm-suite.js'

// Seeds 251–500 of the 1,000 the suite runs; split over four files so vitest runs them in parallel.
describe('swarm seeds 251–500', () => {
  swarmSeedRange(251, 250)
})
