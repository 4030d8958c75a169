import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { NodeKeyError } from '../src/errors.js'
import { loadOrCreateNodeIdentity, NODE_KEY_FILE } from '../src/identity.js'
import { Fixture, TCP_ONLY } from './helpers.js'

const dirs: string[] = []
const fixture = new Fixture()
afterEach(async () => {
  await fixture.cleanup()
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-identity-'))
  dirs.push(dir)
  return dir
}

describe('node identity', () => {
  it('creates an Ed25519 key once, with mode 0600, and loads the same one afterwards', async () => {
    const dir = join(await freshDir(), 'nested', 'data')
    const first = await loadOrCreateNodeIdentity(dir)
    expect(first.created).toBe(true)
    expect(first.privateKey.type).toBe('Ed25519')
    expect(first.nodeId).toMatch(/^12D3KooW/)
    const mode = (await stat(join(dir, NODE_KEY_FILE))).mode & 0o777
    expect(mode).toBe(0o600)
    const second = await loadOrCreateNodeIdentity(dir)
    expect(second.created).toBe(false)
    expect(second.nodeId).toBe(first.nodeId)
  })

  it('gives the node its persisted identity as peer id', async () => {
    const dataDir = await fixture.dataDir()
    const { nodeId } = await loadOrCreateNodeIdentity(dataDir)
    const node = await fixture.node({ dataDir, members: [nodeId], listen: TCP_ONLY })
    expect(node.nodeId).toBe(nodeId)
    expect(node.libp2p.peerId.toString()).toBe(nodeId)
  })

  it('takes a given key as its identity and leaves the data directory without a key file', async () => {
    const privateKey = await generateKeyPair('Ed25519')
    const dataDir = join(await fixture.dataDir(), 'fresh')
    const nodeId = peerIdFromPrivateKey(privateKey).toString()
    const node = await fixture.node({ dataDir, privateKey, members: [nodeId], listen: TCP_ONLY })
    expect(node.nodeId).toBe(nodeId)
    expect(node.libp2p.peerId.toString()).toBe(nodeId)
    expect(node.multiaddrs().every((address) => address.endsWith(`/p2p/${nodeId}`))).toBe(true)
    await expect(stat(join(dataDir, NODE_KEY_FILE))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('refuses a key that is not Ed25519', async () => {
    const privateKey = await generateKeyPair('secp256k1')
    const dataDir = await fixture.dataDir()
    await expect(
      fixture.node({ dataDir, privateKey: privateKey as never, members: [], listen: TCP_ONLY }),
    ).rejects.toThrow(/Ed25519/)
  })

  it('refuses a key file that others may read', async () => {
    const dir = await freshDir()
    await loadOrCreateNodeIdentity(dir)
    await chmod(join(dir, NODE_KEY_FILE), 0o644)
    await expect(loadOrCreateNodeIdentity(dir)).rejects.toBeInstanceOf(NodeKeyError)
  })

  it.each([
    ['empty', new Uint8Array(0)],
    ['garbage', Uint8Array.of(1, 2, 3, 4, 5)],
    ['oversized', new Uint8Array(5000)],
  ])('refuses a %s key file with a typed error', async (_name, bytes) => {
    const dir = await freshDir()
    await writeFile(join(dir, NODE_KEY_FILE), bytes, { mode: 0o600 })
    await expect(loadOrCreateNodeIdentity(dir)).rejects.toMatchObject({ code: 'TRANSPORT_NODE_KEY_INVALID' })
    // The bad file is left for the operator, never replaced by a new identity.
    expect(Buffer.from(await readFile(join(dir, NODE_KEY_FILE))).equals(Buffer.from(bytes))).toBe(true)
  })

  it('agrees on one key when two processes start at once', async () => {
    const dir = await freshDir()
    const results = await Promise.all([loadOrCreateNodeIdentity(dir), loadOrCreateNodeIdentity(dir)])
    expect(results[0].nodeId).toBe(results[1].nodeId)
    expect(results.filter((result) => result.created).length).toBe(1)
  })
})
