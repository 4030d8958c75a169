/**
 * A block device whose mutating operations take simulated time. It sits on `@tandem/wal`'s
 * fault-injecting `MemoryDevice`: every write, truncate, sync, create, rename and remove waits an
 * exponentially distributed latency on the simulator's scheduler, so disk completions interleave
 * with timers and packets deterministically. Once the node crashes, operations never complete.
 */

import type { SeededRandom } from '@tandem/base'
import type { BlockDevice, DeviceFile } from '@tandem/wal/pure'
import type { Scheduler } from '../world/scheduler.js'
import type { DiskLatency } from './crashable-log-storage.js'

/** Options of {@link LatencyDevice}. */
export interface LatencyDeviceOptions {
  readonly inner: BlockDevice
  readonly scheduler: Scheduler
  readonly random: SeededRandom
  readonly latency: DiskLatency
  readonly label: string
}

/** A {@link BlockDevice} with simulated latency in front of another. */
export class LatencyDevice implements BlockDevice {
  private readonly options: LatencyDeviceOptions
  private crashed = false

  constructor(options: LatencyDeviceOptions) {
    this.options = options
  }

  /** The node crashed: operations in flight and later ones never complete. */
  crash(): void {
    this.crashed = true
  }

  /** Waits the simulated latency of one operation; never resolves after a crash. */
  async delay(): Promise<void> {
    if (this.crashed) return new Promise<void>(() => {})
    const { latency, random, scheduler, label } = this.options
    const ms = latency.minMs + random.exponential(latency.meanMs - latency.minMs)
    await new Promise<void>((resolve) => scheduler.schedule(ms, `${label} disk io`, resolve))
    if (this.crashed) return new Promise<void>(() => {})
  }

  async open(name: string, options: { readonly create: boolean }): Promise<DeviceFile> {
    if (options.create) await this.delay()
    const file = await this.options.inner.open(name, options)
    return new LatencyFile(this, file)
  }

  list(): Promise<readonly string[]> {
    return this.options.inner.list()
  }

  async remove(name: string): Promise<void> {
    await this.delay()
    return this.options.inner.remove(name)
  }

  async rename(from: string, to: string): Promise<void> {
    await this.delay()
    return this.options.inner.rename(from, to)
  }

  async syncDirectory(): Promise<void> {
    await this.delay()
    return this.options.inner.syncDirectory()
  }
}

class LatencyFile implements DeviceFile {
  readonly name: string
  private readonly device: LatencyDevice
  private readonly inner: DeviceFile

  constructor(device: LatencyDevice, inner: DeviceFile) {
    this.device = device
    this.inner = inner
    this.name = inner.name
  }

  size(): Promise<number> {
    return this.inner.size()
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return this.inner.read(offset, length)
  }

  async write(offset: number, bytes: Uint8Array): Promise<void> {
    await this.device.delay()
    return this.inner.write(offset, bytes)
  }

  async sync(): Promise<void> {
    await this.device.delay()
    return this.inner.sync()
  }

  async truncate(size: number): Promise<void> {
    await this.device.delay()
    return this.inner.truncate(size)
  }

  close(): Promise<void> {
    return this.inner.close()
  }
}
