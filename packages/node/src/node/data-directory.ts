/**
 * A node's data directory (design.md, "Identities" and "Start"): the node key (its libp2p identity
 * and its writer key), the storeId drawn when the directory was created, and the cluster record
 * written by `init` or `join` before anything else happens. An empty directory has neither a
 * storeId nor a cluster record; a wiped directory gets a new storeId, so a wiped voter can never
 * vote under its old member id.
 *
 * Layout: `node.key` (0600), `store.id`, `cluster.json`, `raft/` (the Raft WAL), `streams/` (the
 * delta streams), `addresses.json` (the transport's address book).
 */
import { randomBytes } from 'node:crypto'
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Ed25519PrivateKey } from '@libp2p/interface'
import { loadOrCreateNodeIdentity } from '@tandem/transport'
import { type MemberId, memberId, type WriterKey } from '../core/ids.js'
import { DataDirectoryError } from './errors.js'

/** File of the storeId (16 lowercase hex characters). */
const STORE_ID_FILE = 'store.id'
/** File of the cluster record. */
const CLUSTER_FILE = 'cluster.json'
/** Neither file is ever larger; a larger one is not ours. */
const SMALL_FILE_BYTES_MAX = 64 * 1024

/** What `init` or `join` wrote: the cluster this directory belongs to. */
export interface ClusterRecord {
  /** The cluster id (hex), bound into every signature and data key. */
  readonly clusterId: string
  /** How this directory entered the cluster. */
  readonly origin: 'init' | 'join'
  /** For a joiner: the addresses of the members it was told to dial. */
  readonly joinAddresses: readonly string[]
}

/** A node's data directory, opened. */
export interface DataDirectory {
  readonly path: string
  readonly privateKey: Ed25519PrivateKey
  readonly peerId: string
  readonly storeId: string
  readonly memberId: MemberId
  /** The writer key: the Ed25519 public key, 64 hex characters. */
  readonly key: WriterKey
  /** The 32-byte Ed25519 seed the sealing signs and unwraps with. */
  readonly signingSeed: Uint8Array
  /** The cluster record, or `null` for a directory that never ran `init` or `join`. */
  readonly cluster: ClusterRecord | null
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}

/**
 * Opens (creating what is missing) the key and the storeId of `path`, and reads its cluster record.
 * Creating a storeId is durable before it is used: a crash never leaves two ids for one directory.
 *
 * @example
 * ```ts
 * const directory = await openDataDirectory('./data/n2')
 * console.log(directory.memberId) // what an operator passes to `cluster.addLearner`
 * ```
 */
export async function openDataDirectory(path: string): Promise<DataDirectory> {
  await mkdir(path, { recursive: true, mode: 0o700 })
  const { privateKey, nodeId } = await loadOrCreateNodeIdentity(path)
  let storeId = await readSmallFile(join(path, STORE_ID_FILE))
  if (storeId === null) {
    storeId = hex(randomBytes(8))
    await writeFileDurably(path, STORE_ID_FILE, storeId)
  }
  if (!/^[0-9a-f]{16}$/.test(storeId))
    throw new DataDirectoryError(`${join(path, STORE_ID_FILE)} does not hold a storeId`)
  const raw = privateKey.raw
  const cluster = await readClusterRecord(path)
  return {
    path,
    privateKey,
    peerId: nodeId,
    storeId,
    memberId: memberId(nodeId, storeId),
    key: hex(privateKey.publicKey.raw) as WriterKey,
    signingSeed: raw.slice(0, 32),
    cluster,
  }
}

/** Writes the cluster record (once: `init` or `join` on an empty directory). */
export async function writeClusterRecord(path: string, record: ClusterRecord): Promise<void> {
  await writeFileDurably(path, CLUSTER_FILE, `${JSON.stringify(record)}\n`)
}

async function readClusterRecord(path: string): Promise<ClusterRecord | null> {
  const text = await readSmallFile(join(path, CLUSTER_FILE))
  if (text === null) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new DataDirectoryError(`${join(path, CLUSTER_FILE)} is not JSON`, { cause: error })
  }
  const record = parsed as Partial<ClusterRecord>
  if (
    typeof record.clusterId !== 'string' ||
    !/^[0-9a-f]{2,512}$/.test(record.clusterId) ||
    (record.origin !== 'init' && record.origin !== 'join') ||
    !Array.isArray(record.joinAddresses) ||
    !record.joinAddresses.every((address) => typeof address === 'string')
  )
    throw new DataDirectoryError(`${join(path, CLUSTER_FILE)} is not a cluster record`)
  return { clusterId: record.clusterId, origin: record.origin, joinAddresses: record.joinAddresses }
}

async function readSmallFile(file: string): Promise<string | null> {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new DataDirectoryError(`cannot read ${file}`, { cause: error })
  }
  if (bytes.byteLength > SMALL_FILE_BYTES_MAX)
    throw new DataDirectoryError(
      `${file} is ${bytes.byteLength} bytes, more than any Tandem file of its kind`,
    )
  return bytes.toString('utf8').trim()
}

/** Writes `name` in `directory` through a temporary file, fsynced, renamed, and the directory fsynced. */
async function writeFileDurably(directory: string, name: string, text: string): Promise<void> {
  const target = join(directory, name)
  const temporary = `${target}.tmp`
  const handle = await open(temporary, 'w', 0o600)
  try {
    await handle.writeFile(text)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await rename(temporary, target)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw error
  }
  const directoryHandle = await open(directory, 'r')
  try {
    await directoryHandle.sync()
  } finally {
    await directoryHandle.close()
  }
}

/** The identity of a data directory, as an operator needs it before the node first starts. */
export interface NodeIdentityInfo {
  /** `<peer id>/<storeId>`: what `cluster.addLearner` takes. */
  readonly memberId: MemberId
  readonly peerId: string
  /** The writer key (what collection `writers` lists). */
  readonly key: WriterKey
}

/**
 * The member id, peer id and writer key of the node on `dataDir`, creating its key and storeId if
 * the directory is new (etcd's "member add" needs the new member's name before it starts).
 *
 * @example
 * ```ts
 * const { memberId } = await nodeIdentity('./data/n2')
 * const join = await first.cluster.addLearner(memberId)
 * const second = await createNode({ dataDir: './data/n2', join })
 * ```
 */
export async function nodeIdentity(dataDir: string): Promise<NodeIdentityInfo> {
  const directory = await openDataDirectory(dataDir)
  return { memberId: directory.memberId, peerId: directory.peerId, key: directory.key }
}
