/**
 * The `data` of a snapshot RaftNode takes: the deduplication sessions beside the application's
 * state, in the protobuf `DriverSnapshot` (see `proto/raft.proto`).
 */

import { rethrowInvariant } from '@tandem/base'
import { DEFAULT_DECODE_LIMITS } from '../codec/limits.js'
import * as pb from '../proto/raft.js'
import { SnapshotFormatError } from './errors.js'

const SNAPSHOT_DATA_VERSION = 1

/** Joins the sessions and the application's state into one snapshot payload. */
export function encodeSnapshotData(sessions: pb.ClientSession[], state: Uint8Array): Uint8Array {
  return pb.DriverSnapshot.encode({
    wireVersion: SNAPSHOT_DATA_VERSION,
    sessions,
    state: state as Uint8Array<ArrayBuffer>,
  })
}

/** Splits a snapshot payload; throws {@link SnapshotFormatError} on anything malformed. */
export function decodeSnapshotData(
  data: Uint8Array,
  limits: { readonly sessionsMax: number; readonly sequencesPerSessionMax: number },
): { readonly sessions: pb.ClientSession[]; readonly state: Uint8Array } {
  // The founding snapshot (index 0) carries no data: no sessions, empty state.
  if (data.length === 0) return { sessions: [], state: data }
  let decoded: pb.DriverSnapshot
  try {
    decoded = pb.DriverSnapshot.decode(data, {
      limits: { sessions: limits.sessionsMax, sessions$: { applied: limits.sequencesPerSessionMax } },
    })
  } catch (caught) {
    const error = rethrowInvariant(caught)
    throw new SnapshotFormatError('snapshot data is not a valid DriverSnapshot', { cause: error })
  }
  if (decoded.wireVersion !== SNAPSHOT_DATA_VERSION)
    throw new SnapshotFormatError('unknown snapshot data version')
  for (const session of decoded.sessions) {
    if (session.clientId.length > DEFAULT_DECODE_LIMITS.nodeIdLengthMax) {
      throw new SnapshotFormatError('client id too long')
    }
  }
  return { sessions: decoded.sessions, state: decoded.state }
}
