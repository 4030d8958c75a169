import { MessageType, type WireMessage } from '@tandem/raft'

/** A Raft heartbeat from `from` to `to` at `term`: the small message the flood tests time. */
export function heartbeat(from: string, to: string, term: number): WireMessage {
  return {
    type: MessageType.Heartbeat,
    from,
    to,
    term,
    logTerm: 0,
    index: 0,
    commit: 0,
    entries: [],
    snapshot: null,
    reject: false,
    rejectHint: 0,
    rejectHintTerm: 0,
    context: new Uint8Array(),
  }
}
