import { describe } from 'vitest'
import { crdtSwarmSeedRange } from './crdt-swarm-suite.js'

// CRDT seeds 501–1,000 of the 1,000 the suite runs.
describe('crdt swarm seeds 501–1000', () => {
  crdtSwarmSeedRange(501, 500)
})
