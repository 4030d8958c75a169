import { describe, expect, it } from 'vitest'
import { parseCliArguments, UsageError, usage } from '../src/cli-arguments.js'

const refusal = (argv: readonly string[]): string => {
  try {
    parseCliArguments(argv)
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).code).toBe('SIM_USAGE')
    return (error as UsageError).message
  }
  throw new Error(`accepted ${argv.join(' ')}`)
}

describe('the command line', () => {
  it('defaults to one Raft seed from 1 with nothing overridden', () => {
    expect(parseCliArguments([])).toEqual({
      mode: 'raft',
      replicas: undefined,
      crdtBug: null,
      nodeBug: null,
      nodeSealing: 'null',
      seed: null,
      seeds: 1,
      from: 1,
      overrides: {},
      trace: false,
      digest: false,
      injectBug: null,
    })
  })

  it('reads every Raft flag, in either spelling of a value', () => {
    const args = parseCliArguments([
      '--seeds',
      '250',
      '--from=5000',
      '--nodes',
      '7',
      '--safety-ms',
      '1500',
      '--prevote',
      'swarm',
      '--inject-bug',
      'lost-acks',
      '--digest',
    ])
    expect(args).toMatchObject({ mode: 'raft', seeds: 250, from: 5000, digest: true, injectBug: 'lost-acks' })
    expect(args.overrides).toEqual({ nodes: 7, safetyPhaseMs: 1500, preVote: 'swarm' })
    expect(parseCliArguments(['--seed', '0', '--trace'])).toMatchObject({ seed: 0, trace: true })
  })

  it('reads the CRDT flags, and --safety-ms there too', () => {
    const args = parseCliArguments(['--mode', 'crdt', '--replicas', '9', '--inject-bug', 'no-anti-entropy'])
    expect(args).toMatchObject({ mode: 'crdt', replicas: 9, crdtBug: 'no-anti-entropy', injectBug: null })
    expect(parseCliArguments(['--mode', 'crdt', '--safety-ms', '800']).overrides).toEqual({
      safetyPhaseMs: 800,
    })
  })

  it('lets a repeated flag take its last value', () => {
    expect(parseCliArguments(['--seed', '3', '--seed', '4']).seed).toBe(4)
  })

  it('refuses bad values, naming the flag and what it needs', () => {
    expect(refusal(['--seed', '1.5'])).toBe('--seed needs an integer ≥ 0, got 1.5')
    expect(refusal(['--seed=-1'])).toBe('--seed needs an integer ≥ 0, got -1')
    expect(refusal(['--seeds', '0'])).toBe('--seeds needs an integer ≥ 1, got 0')
    expect(refusal(['--from', 'x'])).toBe('--from needs an integer ≥ 0, got x')
    expect(refusal(['--safety-ms', '0'])).toBe('--safety-ms needs an integer ≥ 1, got 0')
    expect(refusal(['--nodes', '4'])).toBe('--nodes must be 1, 3, 5 or 7')
    expect(refusal(['--mode', 'crdt', '--replicas', '12'])).toBe('--replicas must be 2 to 9')
    expect(refusal(['--mode', 'crdt', '--replicas', '1'])).toBe('--replicas needs an integer ≥ 2, got 1')
    expect(refusal(['--prevote', 'maybe'])).toBe('--prevote needs on, off or swarm')
    expect(refusal(['--mode', 'paxos'])).toBe('--mode needs raft, crdt or node')
    expect(refusal(['--inject-bug', 'typo'])).toMatch(/^--inject-bug needs stale-reads/)
  })

  it('refuses unknown flags, stray words and a flag without its value', () => {
    expect(refusal(['--bogus'])).toMatch(/--bogus/)
    expect(refusal(['extra'])).toMatch(/extra/)
    expect(refusal(['--seed'])).toMatch(/--seed/)
    expect(refusal(['--seed', '--trace'])).toMatch(/--seed/)
  })

  it('refuses the flags of the other mode', () => {
    expect(refusal(['--replicas', '3'])).toBe('--replicas and the crdt bugs need --mode crdt')
    expect(refusal(['--inject-bug', 'forgetful-restart'])).toBe(
      '--replicas and the crdt bugs need --mode crdt',
    )
    expect(refusal(['--mode', 'crdt', '--nodes', '3'])).toBe(
      '--nodes, --prevote and the raft bugs need --mode raft',
    )
    expect(refusal(['--mode', 'crdt', '--prevote', 'off'])).toBe(
      '--nodes, --prevote and the raft bugs need --mode raft',
    )
    expect(refusal(['--mode', 'crdt', '--inject-bug', 'stale-reads'])).toBe(
      '--nodes, --prevote and the raft bugs need --mode raft',
    )
  })

  it('reads the node mode, which takes seeds, --trace and --digest only', () => {
    const args = parseCliArguments(['--mode', 'node', '--seeds', '50', '--from', '7', '--digest'])
    expect([args.mode, args.seeds, args.from, args.digest]).toEqual(['node', 50, 7, true])
    const only =
      '--mode node takes --seed, --seeds, --from, --trace, --digest, --sealing and --inject-bug stale-reads|skipped-entries only'
    expect(parseCliArguments(['--mode', 'node', '--inject-bug', 'skipped-entries']).nodeBug).toBe(
      'skipped-entries',
    )
    expect(refusal(['--mode', 'node', '--nodes', '3'])).toBe(only)
    expect(refusal(['--mode', 'node', '--replicas', '3'])).toBe(only)
    expect(refusal(['--mode', 'node', '--inject-bug', 'lost-acks'])).toBe(only)
    expect(parseCliArguments(['--mode', 'node']).nodeSealing).toBe('null')
    expect(parseCliArguments(['--mode', 'node', '--sealing', 'pure']).nodeSealing).toBe('pure')
    expect(refusal(['--mode', 'node', '--sealing', 'native'])).toBe('--sealing needs null or pure')
    expect(refusal(['--sealing', 'pure'])).toBe('--sealing needs --mode node')
    expect(usage).toContain('--mode node')
  })

  it('answers --help and -h with an empty refusal, so only the usage is printed', () => {
    expect(refusal(['--help'])).toBe('')
    expect(refusal(['-h'])).toBe('')
    expect(usage).toContain('--digest')
    expect(usage).toContain('14 linearizability')
  })
})
