// Durable appends: @tandem/wal (sync always) beside a raw write+fdatasync loop and SQLite
// (node:sqlite, WAL journal, synchronous=FULL), each at the same batch size.
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

/** `appenders` concurrent loops, each awaiting one durable append at a time, for `runMs`. */
export async function walAppends(
  directory: string,
  appenders: number,
  size: number,
  runMs: number,
): Promise<AppendRun> {
  const wal = await openWal({
    device: await FileDevice.open(directory),
    checksum: nodeCrc32,
    syncMode: 'always',
  })
  const record = { type: 1, payload: payload(size, appenders) }
  // Warm-up: the segment is created and the code paths are compiled before measuring.
  await Promise.all(Array.from({ length: appenders }, () => wal.append([record])))
  const before = wal.stats().groupCommit
  const latencies: number[] = []
  let count = 0
  const start = performance.now()
  const deadline = start + runMs
  const loop = async () => {
    while (performance.now() < deadline) {
      const began = performance.now()
      await wal.append([record])
      latencies.push(performance.now() - began)
      count++
    }
  }
  await Promise.all(Array.from({ length: appenders }, loop))
  const elapsed = performance.now() - start
  const after = wal.stats().groupCommit
  await wal.close()
  await rm(directory, { recursive: true, force: true })
  return {
    opsPerSecond: (count * 1000) / elapsed,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    batchMean:
      (after.meanRecords * after.batches - before.meanRecords * before.batches) /
      (after.batches - before.batches),
  }
}

/**
 * The raw loop: one write of `batch` framed records (the same bytes the WAL writes) and one
 * fdatasync, repeated. Every record of a batch waits for the whole write+sync: that is its latency.
 */
export async function rawAppends(
  directory: string,
  batch: number,
  size: number,
  runMs: number,
): Promise<AppendRun> {
  const path = join(directory, 'raw.log')
  const handle = await open(path, 'w')
  const bytes = payload(batch * (size + FRAME_HEADER_BYTES), batch)
  let position = 0
  await handle.write(bytes, 0, bytes.length, position)
  await handle.datasync()
  position += bytes.length
  const latencies: number[] = []
  let count = 0
  const start = performance.now()
  const deadline = start + runMs
  while (performance.now() < deadline) {
    const began = performance.now()
    await handle.write(bytes, 0, bytes.length, position)
    await handle.datasync()
    position += bytes.length
    const latency = performance.now() - began
    for (let i = 0; i < batch; i++) latencies.push(latency)
    count += batch
  }
  const elapsed = performance.now() - start
  await handle.close()
  await rm(directory, { recursive: true, force: true })
  return {
    opsPerSecond: (count * 1000) / elapsed,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    batchMean: batch,
  }
}

/** SQLite: transactions of `batch` inserts, WAL journal mode, synchronous=FULL. */
export async function sqliteAppends(
  directory: string,
  batch: number,
  size: number,
  runMs: number,
): Promise<AppendRun> {
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
  const latencies: number[] = []
  let count = 0
  const start = performance.now()
  const deadline = start + runMs
  while (performance.now() < deadline) {
    const began = performance.now()
    transaction()
    const latency = performance.now() - began
    for (let i = 0; i < batch; i++) latencies.push(latency)
    count += batch
    // node:sqlite is synchronous: yield so the run behaves like the others in the event loop.
    await new Promise((resolve) => setImmediate(resolve))
  }
  const elapsed = performance.now() - start
  database.close()
  await rm(directory, { recursive: true, force: true })
  return {
    opsPerSecond: (count * 1000) / elapsed,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    batchMean: batch,
  }
}
