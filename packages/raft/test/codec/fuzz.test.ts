import { SeededRandom } from '@tandem/base'
import { describe, expect, it } from 'vitest'
import {
  decodeConfChange,
  decodeEntry,
  decodeHardState,
  decodeMessage,
  decodeSnapshot,
  encodeConfChange,
  encodeMessage,
  MalformedMessageError,
} from '../../src/codec/index.js'
import { ConfChangeTransition, ConfChangeType, EntryType, MessageType } from '../../src/core/types.js'
import type { WireMessage } from '../../src/model/wire-message.js'

const seed = Number(process.env.TANDEM_SEED ?? 20261122)

function randomBytes(random: SeededRandom, length: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = random.nextInt(256)
  return out
}

function sampleMessages(random: SeededRandom): Uint8Array[] {
  const samples: Uint8Array[] = []
  const confState = {
    voters: ['a', 'b', 'c'],
    learners: ['d'],
    votersOutgoing: [],
    learnersNext: [],
    autoLeave: false,
  }
  for (let i = 0; i < 200; i++) {
    const type = random.nextInt(19) as WireMessage['type']
    const index = random.nextInt(1000)
    const entryCount = random.nextInt(4)
    const message: WireMessage = {
      type,
      from: 'node-a',
      to: 'node-b',
      term: random.nextInt(100),
      logTerm: random.nextInt(100),
      index,
      entries: Array.from({ length: entryCount }, (_, k) => ({
        term: 5,
        index: index + 1 + k,
        type: EntryType.Normal,
        data: randomBytes(random, random.nextInt(20)),
      })),
      commit: random.nextInt(1000),
      snapshot:
        type === MessageType.Snap && random.nextInt(2) === 0
          ? { metadata: { index, term: 3, confState }, data: randomBytes(random, 16) }
          : null,
      reject: random.nextInt(2) === 0,
      rejectHint: random.nextInt(50),
      rejectHintTerm: random.nextInt(50),
      context: randomBytes(random, random.nextInt(4)),
    }
    samples.push(encodeMessage(message))
  }
  samples.push(
    encodeConfChange({
      transition: ConfChangeTransition.JointImplicit,
      changes: [
        { type: ConfChangeType.AddLearner, nodeId: 'z' },
        { type: ConfChangeType.RemoveNode, nodeId: 'a' },
      ],
      context: new Uint8Array([1, 2]),
    }),
  )
  return samples
}

function mutate(random: SeededRandom, source: Uint8Array): Uint8Array {
  const out = Array.from(source)
  const steps = 1 + random.nextInt(4)
  for (let step = 0; step < steps; step++) {
    const at = out.length === 0 ? 0 : random.nextInt(out.length)
    switch (random.nextInt(6)) {
      case 0:
        if (out.length > 0) out[at] = (out[at] as number) ^ (1 << random.nextInt(8))
        break
      case 1:
        if (out.length > 0) out[at] = random.nextInt(256)
        break
      case 2:
        out.splice(at, random.nextInt(8))
        break
      case 3:
        out.splice(at, 0, ...randomBytes(random, 1 + random.nextInt(8)))
        break
      case 4:
        out.length = random.nextInt(out.length + 1)
        break
      default:
        // Interesting varints: huge lengths and values, group starts.
        out.splice(
          at,
          0,
          ...([
            [0xff, 0xff, 0xff, 0xff, 0x0f],
            [0x0b],
            [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
          ][random.nextInt(3)] as number[]),
        )
    }
  }
  return new Uint8Array(out)
}

describe('decoder fuzzing', () => {
  it('answers 120,000 mutated and random inputs with a value or a MalformedMessageError', () => {
    const random = new SeededRandom(seed)
    const samples = sampleMessages(random)
    const decoders = [decodeMessage, decodeConfChange, decodeEntry, decodeHardState, decodeSnapshot]
    let decoded = 0
    let rejected = 0
    for (let i = 0; i < 120_000; i++) {
      const input =
        i % 4 === 3
          ? randomBytes(random, random.nextInt(64))
          : mutate(random, samples[random.nextInt(samples.length)] as Uint8Array)
      // Most inputs go to the message decoder; every fifth to one of the others.
      const decode =
        i % 5 === 0 ? (decoders[random.nextInt(decoders.length)] as typeof decodeMessage) : decodeMessage
      try {
        const value = decode(input)
        // Whatever decodes must be a well-formed value the encoder accepts again.
        if (decode === decodeMessage) encodeMessage(value)
        decoded++
      } catch (error) {
        if (!(error instanceof MalformedMessageError)) {
          throw new Error(
            `seed ${seed}, input ${i}: ${String(error)} for bytes ${Buffer.from(input).toString('hex')}`,
          )
        }
        rejected++
      }
    }
    expect(decoded + rejected, `seed ${seed}`).toBe(120_000)
    // Both outcomes must occur, or the fuzzer is not reaching the interesting cases.
    expect(decoded, `seed ${seed}`).toBeGreaterThan(1000)
    expect(rejected, `seed ${seed}`).toBeGreaterThan(1000)
  })

  it('rejects deeply nested groups without overflowing into a crash', () => {
    const nested = new Uint8Array(200_000).fill(0x0b)
    expect(() => decodeMessage(nested)).toThrow(MalformedMessageError)
  })
})
