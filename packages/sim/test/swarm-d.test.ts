import { describe } from 'vitest'
import { swarmSeedRange } from './swarm-suite.js'

// Seeds 751–1000 of the 1,000 the suite runs; split over four files so vitest runs them in parallel.
describe('swarm seeds 751–1000', () => {
  swarmSeedRange(751, 250)
})
