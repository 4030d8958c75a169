import fc from 'fast-check'

// Property tests are seeded so that every run is the same run. fast-check prints the seed and
// counterexample path of a failure; set TANDEM_SEED to replay or to explore another seed.
const seed = Number(process.env.TANDEM_SEED ?? 20261122)
fc.configureGlobal({ seed })
