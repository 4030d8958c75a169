import type { Incarnation, StreamId, WriterKey } from '../src/core/ids.js'
import { streamId } from '../src/core/ids.js'

/** A writer key made of one repeated hex digit. */
export const key = (digit: string): WriterKey => digit.repeat(64) as WriterKey
/** An incarnation made of one repeated hex digit. */
export const incarnation = (digit: string): Incarnation => digit.repeat(32) as Incarnation
/** Stream n = 0 of (key digit, incarnation digit). */
export const stream = (keyDigit: string, incarnationDigit: string): StreamId =>
  streamId(key(keyDigit), incarnation(incarnationDigit), 0)
