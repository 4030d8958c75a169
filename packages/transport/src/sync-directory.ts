import { open } from 'node:fs/promises'

/** Makes a rename or link inside `directory` durable (the new name survives a crash). */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
