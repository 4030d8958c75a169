import { describe } from 'vitest'
import { crdtSwarmSeedRange } from './crdt-swarm-suite.js'

// CRDT seeds 1–500 of the 1,000 the suite runs; split over two files so vitest runs them in parallel.
describe('crdt swarm seeds 1–500', () => {
  crdtSwarmSeedRange(1, 500)
})
