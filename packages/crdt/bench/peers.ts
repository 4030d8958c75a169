// Adapters that give Tandem and each peer library the same small surface, so that one workload
// template (bench/map-workloads.ts) drives them all identically.
import * as Automerge from '@automerge/automerge'
import { SeededRandom } from '@tandem/base'
import { decodeDelta, encodeDelta, Replica, type Value } from '@tandem/crdt'
import { LoroDoc } from 'loro-crdt'
import * as Y from 'yjs'

export interface MapPeer {
  readonly name: string
  /** Creates client `index`, lets it set `key` to `value`, and returns the update it emits. */
  clientSet(index: number, key: string, value: Value): Uint8Array
  /** A fresh document (the receiver). */
  newDoc(): unknown
  /** Applies every update to `doc`, as one batch of remote updates. */
  applyAll(doc: unknown, updates: readonly Uint8Array[]): unknown
  encode(doc: unknown): Uint8Array
  load(bytes: Uint8Array): unknown
  get(doc: unknown, key: string): unknown
}

const BASE_MS = 1_700_000_000_000
const RECEIVER_NOW = (): number => BASE_MS + 1_000_000

/** Deterministic peer-id-shaped node ids ("12D3KooW" + 44 base58 characters, like libp2p Ed25519 ids). */
export function peerIds(count: number, seed: number): string[] {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
  const random = new SeededRandom(seed)
  const ids: string[] = []
  for (let index = 0; index < count; index++) {
    let id = '12D3KooW'
    for (let char = 0; char < 44; char++) id += alphabet[random.nextInt(58)]
    ids.push(id)
  }
  return ids
}

/** Deterministic numeric node ids of 32 bits, the width Yjs uses for client ids. */
export function numericIds(count: number, seed: number): string[] {
  const random = new SeededRandom(seed)
  const ids: string[] = []
  for (let index = 0; index < count; index++) ids.push(String(random.nextUint32()))
  return ids
}

export function tandemPeer(name: string, ids: readonly string[]): MapPeer {
  return {
    name,
    clientSet(index, key, value) {
      const replica = new Replica({ node: ids[index] as string, now: () => BASE_MS + index })
      return encodeDelta(replica.map('map').set(key, value))
    },
    newDoc: () => new Replica({ node: 'receiver', now: RECEIVER_NOW }),
    applyAll(doc, updates) {
      const replica = doc as Replica
      for (const update of updates) replica.apply(decodeDelta(update))
      return replica
    },
    encode: (doc) => (doc as Replica).encodeState(),
    load(bytes) {
      const replica = new Replica({ node: 'loader', now: RECEIVER_NOW })
      replica.apply(decodeDelta(bytes))
      return replica
    },
    get: (doc, key) => (doc as Replica).map('map').get(key),
  }
}

export const yjsPeer: MapPeer = {
  name: 'yjs',
  clientSet(_index, key, value) {
    const doc = new Y.Doc()
    let update: Uint8Array | undefined
    doc.on('update', (bytes: Uint8Array) => {
      update = bytes
    })
    doc.getMap('map').set(key, value)
    return update as Uint8Array
  },
  newDoc: () => new Y.Doc(),
  applyAll(doc, updates) {
    const target = doc as Y.Doc
    target.transact(() => {
      for (const update of updates) Y.applyUpdate(target, update)
    })
    return target
  },
  encode: (doc) => Y.encodeStateAsUpdate(doc as Y.Doc),
  load(bytes) {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, bytes)
    return doc
  },
  get: (doc, key) => (doc as Y.Doc).getMap('map').get(key),
}

export const loroPeer: MapPeer = {
  name: 'loro',
  clientSet(index, key, value) {
    const doc = new LoroDoc()
    doc.setPeerId(BigInt(index + 1))
    let update: Uint8Array | undefined
    doc.subscribeLocalUpdates((bytes) => {
      update = bytes
    })
    doc.getMap('map').set(key, value as never)
    doc.commit()
    return update as Uint8Array
  },
  newDoc: () => new LoroDoc(),
  // One batch import: Loro's own API for applying many updates (importing one by one costs
  // seconds per thousand updates here, far from Loro's published figures).
  applyAll(doc, updates) {
    const target = doc as LoroDoc
    target.importBatch(updates as Uint8Array[])
    return target
  },
  encode: (doc) => (doc as LoroDoc).export({ mode: 'snapshot' }),
  load(bytes) {
    const doc = new LoroDoc()
    doc.import(bytes)
    return doc
  },
  get: (doc, key) => (doc as LoroDoc).getMap('map').get(key),
}

type AutomergeDoc = Automerge.Doc<Record<string, unknown>>

export const automergePeer: MapPeer = {
  name: 'automerge',
  clientSet(_index, key, value) {
    const doc = Automerge.change(Automerge.init<Record<string, unknown>>(), (draft) => {
      draft[key] = value
    })
    return Automerge.getLastLocalChange(doc) as Uint8Array
  },
  newDoc: () => Automerge.init<Record<string, unknown>>(),
  // One applyChanges call with every change (Automerge's batch API; change by change is far slower).
  applyAll(doc, updates) {
    const [target] = Automerge.applyChanges(doc as AutomergeDoc, updates as Uint8Array[])
    return target
  },
  encode: (doc) => Automerge.save(doc as AutomergeDoc),
  load: (bytes) => Automerge.load(bytes),
  get: (doc, key) => (doc as AutomergeDoc)[key],
}
