/**
 * A message as it travels between drivers on the Raft message stream: exactly a core
 * {@link Message}. Below the codec, the core and the driver, so that the codec can encode it without
 * importing the driver. Snapshots do not travel as messages here: they take the driver's
 * `SnapshotTransport`.
 */
import type { Message } from './types.js'

/** A message on the Raft message stream (a core {@link Message}). */
export type WireMessage = Message
