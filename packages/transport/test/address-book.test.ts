import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ADDRESS_BOOK_FILE, AddressBook } from '../src/address-book.js'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-book-'))
  dirs.push(dir)
  return dir
}

describe('address book', () => {
  it('persists addresses atomically and reloads them', async () => {
    const dir = await freshDir()
    const book = await AddressBook.open(dir)
    await book.set('peer-a', [
      '/ip4/127.0.0.1/tcp/4001',
      '/ip4/127.0.0.1/udp/4001/quic-v1',
      'not a multiaddr',
    ])
    await book.set('peer-b', ['/ip4/10.0.0.2/tcp/4001'])
    await book.flushed()
    expect((await stat(join(dir, ADDRESS_BOOK_FILE))).mode & 0o777).toBe(0o600)
    const reopened = await AddressBook.open(dir)
    expect(reopened.addresses('peer-a')).toEqual([
      '/ip4/127.0.0.1/tcp/4001',
      '/ip4/127.0.0.1/udp/4001/quic-v1',
    ])
    await reopened.retainOnly(new Set(['peer-b']))
    expect([...(await AddressBook.open(dir)).entries.keys()]).toEqual(['peer-b'])
  })

  it('keeps the newest content when writes overlap', async () => {
    const dir = await freshDir()
    const book = await AddressBook.open(dir)
    await Promise.all([1, 2, 3, 4, 5].map((port) => book.set('peer', [`/ip4/127.0.0.1/tcp/${port}`])))
    const stored = JSON.parse(await readFile(join(dir, ADDRESS_BOOK_FILE), 'utf8'))
    expect(stored.peers.peer).toEqual(['/ip4/127.0.0.1/tcp/5'])
  })

  it.each([
    ['not JSON', '{'],
    ['a wrong version', '{"version":2,"peers":{}}'],
    ['peers that are not an object', '{"version":1,"peers":[]}'],
    ['addresses that are not strings', '{"version":1,"peers":{"p":[1]}}'],
  ])('refuses a file with %s, with a typed error', async (_what, text) => {
    const dir = await freshDir()
    await writeFile(join(dir, ADDRESS_BOOK_FILE), text)
    await expect(AddressBook.open(dir)).rejects.toMatchObject({ code: 'TRANSPORT_ADDRESS_BOOK_INVALID' })
  })

  it('is not polluted by a __proto__ key', async () => {
    const dir = await freshDir()
    await writeFile(
      join(dir, ADDRESS_BOOK_FILE),
      '{"version":1,"peers":{"__proto__":["/ip4/1.2.3.4/tcp/1"]}}',
    )
    const book = await AddressBook.open(dir)
    expect(({} as Record<string, unknown>).length).toBeUndefined()
    expect(book.addresses('__proto__')).toEqual(['/ip4/1.2.3.4/tcp/1'])
  })
})
