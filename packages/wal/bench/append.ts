// Durable appends: @tandem/wal (sync always) beside a raw write+fdatasync loop and SQLite
// (node:sqlite, WAL journal, synchronous=FULL), each at the same batch size. Each system is a
// runner that can run for a slice of time and resume; the bench alternates short slices of the
// three so that the load of a shared machine falls on all of them alike.
import { open, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { FileDevice, nodeCrc32, openWal } from '@tandem/wal'
import { type AppendRun, quantile } from './stats.ts'

const FRAME_HEADER_BYTES = 24

function payload(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = (seed * 31 + i) & 0xff
  return bytes
}

/** A system under test: runs appends for a slice of time, accumulating counts and latencies. */
export interface AppendRunner {
  run(sliceMs: number): Promise<void>
  result(): AppendRun
  close(): Promise<void>
}

/** Accumulates records, time and per-record latencies over all slices. */
class Tally {
  count = 0
  elapsedMs = 0
  readonly latencies: number[] = []
  result(batchMean: number): AppendRun {
    return {
      opsPerSecond: (this.count * 1000) / this.elapsedMs,
      p50Ms: quantile(this.latencies, 0.5),
      p99Ms: quantile(this.latencies, 0.99),
      batchMean,
    }
  }
}

/** `appenders` concurrent loops, each awaiting one durable append at a time. */
export async function walRunner(directory: string, appenders: number, size: number): Promise<AppendRunner> {
  const wal = await openWal({
    device: await FileDevice.open(directory),
    checksum: nodeCrc32,
    syncMode: 'always',
  })
  const record = { type: 1, payload: payload(size, appenders) }
  // Warm-up: the segment exists and the code paths are compiled before measuring.
  await Promise.all(Array.from({ length: appenders }, () => wal.append([record])))
  const tally = new Tally()
  let batches = 0
  let records = 0
  return {
    async run(sliceMs) {
      const before = wal.stats().groupCommit
      const start = performance.now()
      const deadline = start + sliceMs
      const loop = async () => {
        while (performance.now() < deadline) {
          const began = performance.now()
          await wal.append([record])
          tally.latencies.push(performance.now() - began)
          tally.count++
        }
      }
      await Promise.all(Array.from({ length: appenders }, loop))
      tally.elapsedMs += performance.now() - start
      const after = wal.stats().groupCommit
      batches += after.batches - before.batches
      records += after.meanRecords * after.batches - before.meanRecords * before.batches
    },
    result: () => tally.result(records / batches),
    async close() {
      await wal.close()
      await rm(directory, { recursive: true, force: true })
    },
  }
}

/**
 * The raw loop: one write of `batch` framed records (as many bytes as the WAL writes) and one
 * fdatasync, repeated. Every record of a batch waits for the whole write+sync: that is its latency.
 */
export async function rawRunner(directory: string, batch: number, size: number): Promise<AppendRunner> {
  const handle = await open(join(directory, 'raw.log'), 'w')
  const bytes = payload(batch * (size + FRAME_HEADER_BYTES), batch)
  let position = 0
  await handle.write(bytes, 0, bytes.length, position)
  await handle.datasync()
  position += bytes.length
  const tally = new Tally()
  return {
    async run(sliceMs) {
      const start = performance.now()
      const deadline = start + sliceMs
      while (performance.now() < deadline) {
        const began = performance.now()
        await handle.write(bytes, 0, bytes.length, position)
        await handle.datasync()
        position += bytes.length
        const latency = performance.now() - began
        for (let i = 0; i < batch; i++) tally.latencies.push(latency)
        tally.count += batch
      }
      tally.elapsedMs += performance.now() - start
    },
    result: () => tally.result(batch),
    async close() {
      await handle.close()
      await rm(directory, { recursive: true, force: true })
    },
  }
}

/** SQLite: transactions of `batch` inserts, WAL journal mode, synchronous=FULL. */
export async function sqliteRunner(directory: string, batch: number, size: number): Promise<AppendRunner> {
  const database = new DatabaseSync(join(directory, 'bench.sqlite'))
  database.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;')
  database.exec('CREATE TABLE log (id INTEGER PRIMARY KEY, type INTEGER NOT NULL, payload BLOB NOT NULL)')
  const insert = database.prepare('INSERT INTO log (type, payload) VALUES (?, ?)')
  const record = payload(size, batch)
  const transaction = () => {
    database.exec('BEGIN')
    for (let i = 0; i < batch; i++) insert.run(1, record)
    database.exec('COMMIT')
  }
  transaction()
  const tally = new Tally()
  return {
    async run(sliceMs) {
      const start = performance.now()
      const deadline = start + sliceMs
      while (performance.now() < deadline) {
        const began = performance.now()
        transaction()
        const latency = performance.now() - began
        for (let i = 0; i < batch; i++) tally.latencies.push(latency)
        tally.count += batch
        // node:sqlite is synchronous: yield so the event loop runs as it does for the others.
        await new Promise((resolve) => setImmediate(resolve))
      }
      tally.elapsedMs += performance.now() - start
    },
    result: () => tally.result(batch),
    async close() {
      database.close()
      await rm(directory, { recursive: true, force: true })
    },
  }
}
