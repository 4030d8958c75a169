/**
 * The node's identity: one Ed25519 libp2p key, created on first start and kept in the data
 * directory. The peer id derived from it is the node id everywhere in Tandem.
 */
import { randomBytes } from 'node:crypto'
import { constants as fsConstants } from 'node:fs'
import { chmod, link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { Ed25519PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { NodeKeyError } from './errors.js'
import { syncDirectory } from './sync-directory.js'

/** File name of the node key inside the data directory. */
export const NODE_KEY_FILE = 'node.key'

/** The bytes of a protobuf-encoded Ed25519 private key are small; anything larger is not ours. */
const NODE_KEY_FILE_BYTES_MAX = 1024

/** The loaded identity: the private key libp2p needs and the peer id string Raft uses as node id. */
export interface NodeIdentity {
  readonly privateKey: Ed25519PrivateKey
  readonly nodeId: string
  /** Whether the key was created by this call (first start) rather than loaded. */
  readonly created: boolean
}

/**
 * Loads the node key from `dataDir`, or creates it (mode 0600, inside a 0700 directory) when absent.
 * Refuses a key file that group or others may read, as ssh does, rather than using a leaked key.
 */
export async function loadOrCreateNodeIdentity(dataDir: string): Promise<NodeIdentity> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const path = join(dataDir, NODE_KEY_FILE)
  const existing = await readKeyFile(path)
  if (existing !== null) {
    return { privateKey: existing, nodeId: peerIdFromPrivateKey(existing).toString(), created: false }
  }
  const privateKey = await generateKeyPair('Ed25519')
  const written = await writeKeyFileExclusively(path, privateKeyToProtobuf(privateKey))
  if (!written) {
    // Another process created the key between our read and our write: use theirs.
    const theirs = await readKeyFile(path)
    if (theirs === null) throw new NodeKeyError(`node key file ${path} vanished while being created`)
    return { privateKey: theirs, nodeId: peerIdFromPrivateKey(theirs).toString(), created: false }
  }
  return { privateKey, nodeId: peerIdFromPrivateKey(privateKey).toString(), created: true }
}

async function readKeyFile(path: string): Promise<Ed25519PrivateKey | null> {
  let mode: number
  try {
    mode = (await stat(path)).mode
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new NodeKeyError(`cannot read node key file ${path}`, { cause: error })
  }
  if ((mode & 0o077) !== 0) {
    throw new NodeKeyError(
      `node key file ${path} has mode ${(mode & 0o777).toString(8)}; it must be readable by its owner only (0600)`,
    )
  }
  const bytes = await readFile(path)
  if (bytes.byteLength === 0 || bytes.byteLength > NODE_KEY_FILE_BYTES_MAX) {
    throw new NodeKeyError(`node key file ${path} has an invalid size of ${bytes.byteLength} bytes`)
  }
  let key: ReturnType<typeof privateKeyFromProtobuf>
  try {
    key = privateKeyFromProtobuf(bytes)
  } catch (error) {
    throw new NodeKeyError(`node key file ${path} does not hold a libp2p private key`, { cause: error })
  }
  if (key.type !== 'Ed25519') {
    throw new NodeKeyError(`node key file ${path} holds a ${key.type} key; Tandem nodes use Ed25519`)
  }
  return key
}

/**
 * Writes the key to a private temporary file, syncs it, then hard-links it into place: the final
 * name either does not exist or holds a complete key, and an existing key is never overwritten.
 */
async function writeKeyFileExclusively(path: string, bytes: Uint8Array): Promise<boolean> {
  const temporaryPath = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  const handle = await open(
    temporaryPath,
    fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY,
    0o600,
  )
  try {
    await handle.writeFile(bytes)
    await handle.sync()
  } finally {
    await handle.close()
  }
  // The process umask may have narrowed the mode further; make it exactly 0600.
  await chmod(temporaryPath, 0o600)
  try {
    await link(temporaryPath, path)
    await syncDirectory(dirname(path))
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw new NodeKeyError(`cannot create node key file ${path}`, { cause: error })
  } finally {
    await unlink(temporaryPath)
  }
}
