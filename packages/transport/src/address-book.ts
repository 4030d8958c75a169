/**
 * The persisted address book: the last known multiaddrs of each member, so that a restarted node
 * can find its cluster again without a bootstrap service. Stored as a small versioned JSON file
 * (not a hot path) written atomically: temporary file, fsync, rename.
 */
import { open, readFile, rename } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { AddressBookError } from './errors.js'
import { syncDirectory } from './sync-directory.js'

/** File name of the address book inside the data directory. */
export const ADDRESS_BOOK_FILE = 'address-book.json'
const FORMAT_VERSION = 1
const FILE_BYTES_MAX = 1024 * 1024
const PEERS_MAX = 1024
const ADDRESSES_PER_PEER_MAX = 16
const ADDRESS_CHARS_MAX = 512

/** Peer id → multiaddr strings (without the `/p2p/<id>` suffix). */
export type AddressBookEntries = ReadonlyMap<string, readonly string[]>

/** Reads and writes `address-book.json` in a data directory. */
export class AddressBook {
  readonly #path: string
  readonly #entries = new Map<string, readonly string[]>()
  #writing: Promise<void> = Promise.resolve()

  private constructor(path: string) {
    this.#path = path
  }

  /** Opens the address book of `dataDir` (empty when the file does not exist yet). */
  static async open(dataDir: string): Promise<AddressBook> {
    const book = new AddressBook(join(dataDir, ADDRESS_BOOK_FILE))
    await book.#load()
    return book
  }

  get entries(): AddressBookEntries {
    return this.#entries
  }

  addresses(peer: string): readonly string[] {
    return this.#entries.get(peer) ?? []
  }

  /**
   * Records the addresses of `peer` (replacing older ones) and persists the book when it changed.
   * Addresses that do not parse, and any beyond the per-peer bound, are ignored.
   */
  async set(peer: string, addresses: readonly string[]): Promise<void> {
    const cleaned = [...new Set(addresses.filter(isUsableAddress))].slice(0, ADDRESSES_PER_PEER_MAX)
    const previous = this.#entries.get(peer)
    if (previous !== undefined && sameList(previous, cleaned)) return
    if (previous === undefined && this.#entries.size >= PEERS_MAX) return
    this.#entries.set(peer, cleaned)
    await this.#persist()
  }

  /** Forgets peers that are not in `keep` (for example after a membership change). */
  async retainOnly(keep: ReadonlySet<string>): Promise<void> {
    let changed = false
    for (const peer of [...this.#entries.keys()]) {
      if (!keep.has(peer)) {
        this.#entries.delete(peer)
        changed = true
      }
    }
    if (changed) await this.#persist()
  }

  /** Resolves once every write started so far is durable. */
  flushed(): Promise<void> {
    return this.#writing
  }

  async #load(): Promise<void> {
    let text: string
    try {
      const bytes = await readFile(this.#path)
      if (bytes.byteLength > FILE_BYTES_MAX) {
        throw new AddressBookError(`${this.#path} is larger than ${FILE_BYTES_MAX} bytes`)
      }
      text = bytes.toString('utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      if (error instanceof AddressBookError) throw error
      throw new AddressBookError(`cannot read ${this.#path}`, { cause: error })
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      throw new AddressBookError(`${this.#path} is not valid JSON`, { cause: error })
    }
    if (typeof parsed !== 'object' || parsed === null)
      throw new AddressBookError(`${this.#path}: not an object`)
    const record = parsed as { version?: unknown; peers?: unknown }
    if (record.version !== FORMAT_VERSION) {
      throw new AddressBookError(`${this.#path}: unsupported version ${String(record.version)}`)
    }
    if (typeof record.peers !== 'object' || record.peers === null || Array.isArray(record.peers)) {
      throw new AddressBookError(`${this.#path}: "peers" must be an object`)
    }
    for (const [peer, addresses] of Object.entries(record.peers)) {
      if (this.#entries.size >= PEERS_MAX) break
      if (!Array.isArray(addresses) || !addresses.every((a) => typeof a === 'string')) {
        throw new AddressBookError(`${this.#path}: addresses of ${peer} must be a list of strings`)
      }
      this.#entries.set(peer, addresses.filter(isUsableAddress).slice(0, ADDRESSES_PER_PEER_MAX))
    }
  }

  #persist(): Promise<void> {
    // Writes are chained so that the file on disk always ends with the newest content.
    this.#writing = this.#writing.then(() => this.#writeFile())
    return this.#writing
  }

  async #writeFile(): Promise<void> {
    const peers: Record<string, readonly string[]> = {}
    for (const [peer, addresses] of this.#entries) peers[peer] = addresses
    const bytes = Buffer.from(`${JSON.stringify({ version: FORMAT_VERSION, peers }, null, 2)}\n`)
    const temporaryPath = `${this.#path}.tmp`
    const handle = await open(temporaryPath, 'w', 0o600)
    try {
      await handle.writeFile(bytes)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temporaryPath, this.#path)
    await syncDirectory(dirname(this.#path))
  }
}

function isUsableAddress(address: string): boolean {
  if (address.length === 0 || address.length > ADDRESS_CHARS_MAX) return false
  try {
    multiaddr(address)
    return true
  } catch {
    return false
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index])
}
