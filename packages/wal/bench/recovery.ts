// Recovery of a large log: opening @tandem/wal (scan of every segment, both checksums of every
// record, offset index) beside a raw sequential read of the same files.
import { open, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { FileDevice, nodeCrc32, openWal } from '@tandem/wal'

const RECORD_BYTES = 1024
const BATCH_RECORDS = 4096

/** Writes a log of about `totalBytes` of 1 KiB records (sync mode none: speed of setup only). */
export async function writeLog(directory: string, totalBytes: number): Promise<number> {
  const wal = await openWal({
    device: await FileDevice.open(directory),
    checksum: nodeCrc32,
    syncMode: 'none',
  })
  const payload = new Uint8Array(RECORD_BYTES).map((_, i) => i & 0xff)
  const batch = Array.from({ length: BATCH_RECORDS }, () => ({ type: 1, payload }))
  const batches = Math.ceil(totalBytes / ((RECORD_BYTES + 24) * BATCH_RECORDS))
  for (let i = 0; i < batches; i++) await wal.append(batch)
  await wal.close()
  return batches * BATCH_RECORDS
}

/** Time to open (recover) the log, in ms; checks the record count. */
export async function timeRecovery(directory: string, expectedRecords: number): Promise<number> {
  const start = performance.now()
  const wal = await openWal({ device: await FileDevice.open(directory), checksum: nodeCrc32 })
  const elapsed = performance.now() - start
  if (wal.lastIndex !== expectedRecords)
    throw new Error(`recovered ${wal.lastIndex} records, expected ${expectedRecords}`)
  await wal.close()
  return elapsed
}

/** Time to read every file of the directory sequentially, whole file per read like the WAL does. */
export async function timeRawRead(directory: string): Promise<{ ms: number; bytes: number }> {
  const start = performance.now()
  let bytes = 0
  for (const name of (await readdir(directory)).sort()) {
    const handle = await open(join(directory, name), 'r')
    const size = (await handle.stat()).size
    const buffer = new Uint8Array(size)
    let filled = 0
    while (filled < size) {
      const { bytesRead } = await handle.read(buffer, filled, size - filled, filled)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    bytes += filled
    await handle.close()
  }
  return { ms: performance.now() - start, bytes }
}

export async function removeLog(directory: string): Promise<void> {
  await rm(directory, { recursive: true, force: true })
}
