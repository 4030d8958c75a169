// OR-Set: 100,000 adds of distinct elements, then 90,000 removes; encoded size of the final state
// against the 10,000 live elements encoded alone (each as the value codec writes it: tag, length,
// UTF-8), and against Yjs and Loro maps used as sets (element → true).
import { varintLength } from '@tandem/base'
import { Replica } from '@tandem/crdt'
import { LoroDoc } from 'loro-crdt'
import * as Y from 'yjs'

export const ADDS = 100_000
export const REMOVES = 90_000

const element = (index: number): string => `element-${index}`

export function orSetBytes(): Record<'tandem' | 'liveAlone' | 'yjs' | 'loro', number> {
  let wallMs = 1_700_000_000_000
  const replica = new Replica({ node: '12D3KooWOrSetBenchmarkNode', now: () => wallMs++ })
  const set = replica.set<string>('set')
  for (let index = 0; index < ADDS; index++) set.add(element(index))
  for (let index = 0; index < REMOVES; index++) set.delete(element(index))
  if (set.size !== ADDS - REMOVES) throw new Error('OR-Set lost elements')
  const tandem = replica.encodeState().length

  let liveAlone = 0
  for (const value of set.values()) {
    const utf8 = new TextEncoder().encode(value).length
    liveAlone += 1 + varintLength(utf8) + utf8
  }

  const ydoc = new Y.Doc()
  const ymap = ydoc.getMap<boolean>('set')
  for (let index = 0; index < ADDS; index++) ymap.set(element(index), true)
  for (let index = 0; index < REMOVES; index++) ymap.delete(element(index))
  const yjs = Y.encodeStateAsUpdate(ydoc).length

  const loroDoc = new LoroDoc()
  const loroMap = loroDoc.getMap('set')
  for (let index = 0; index < ADDS; index++) loroMap.set(element(index), true)
  loroDoc.commit()
  for (let index = 0; index < REMOVES; index++) loroMap.delete(element(index))
  loroDoc.commit()
  const loro = loroDoc.export({ mode: 'snapshot' }).length

  return { tandem, liveAlone, yjs, loro }
}
