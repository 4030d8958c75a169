import { describe } from 'vitest'
import { swarmSeedRange } from './swarm-suite.js'

// Seeds 1–250 of the 1,000 the suite runs; split over four files so vitest runs them in parallel.
describe('swarm seeds 1–250', () => {
  swarmSeedRange(1, 250)
})
