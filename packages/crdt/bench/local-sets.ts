// 100,000 local sets over 10,000 keys on one document (key i mod 10,000, value i), no listeners.
// Tandem returns a delta per set; Yjs runs one implicit transaction per set; Loro buffers operations
// until commit(), which is included in the measured time.
import { Replica } from '@tandem/crdt'
import { LoroDoc } from 'loro-crdt'
import * as Y from 'yjs'
import { medianMs } from './measure.ts'

export const SETS = 100_000
export const KEYS = 10_000

const keys = Array.from({ length: KEYS }, (_, index) => `key-${index}`)

export function localSetsOpsPerSecond(runs: number): Record<'tandem' | 'yjs' | 'loro', number> {
  let wallMs = 1_700_000_000_000
  const tandemMs = medianMs(
    runs,
    () => new Replica({ node: '12D3KooWLocalSetsBenchmarkNode', now: () => wallMs++ }).map<number>('map'),
    (map) => {
      const target = map as ReturnType<Replica['map']>
      for (let index = 0; index < SETS; index++) target.set(keys[index % KEYS] as string, index)
    },
  )
  const yjsMs = medianMs(
    runs,
    () => new Y.Doc().getMap('map'),
    (map) => {
      const target = map as Y.Map<number>
      for (let index = 0; index < SETS; index++) target.set(keys[index % KEYS] as string, index)
    },
  )
  const loroMs = medianMs(
    runs,
    () => new LoroDoc(),
    (doc) => {
      const target = doc as LoroDoc
      const map = target.getMap('map')
      for (let index = 0; index < SETS; index++) map.set(keys[index % KEYS] as string, index)
      target.commit()
    },
  )
  const perSecond = (ms: number): number => (SETS / ms) * 1000
  return { tandem: perSecond(tandemMs), yjs: perSecond(yjsMs), loro: perSecond(loroMs) }
}
