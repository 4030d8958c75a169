import { type Entry, type Message, MessageType, type NodeId } from './types.js'

/** Message construction shared by the state machine and the RawNode. */

const EMPTY_BYTES = new Uint8Array(0)
const NO_ENTRIES: readonly Entry[] = []

/** The context of a vote request sent on the leader's orders (TimeoutNow): it bypasses the lease check. */
export const CAMPAIGN_TRANSFER_CONTEXT = Uint8Array.from('CampaignTransfer', (char) => char.charCodeAt(0))

/** The fields of a message to send; everything else defaults to zero, empty or `null`. */
export type MessageInit = Partial<Message> & { readonly type: MessageType; readonly to: NodeId }

/** A message with every field at its zero value. */
export const BLANK_MESSAGE: Message = {
  type: MessageType.Hup,
  from: '',
  to: '',
  term: 0,
  logTerm: 0,
  index: 0,
  entries: NO_ENTRIES,
  commit: 0,
  snapshot: null,
  reject: false,
  rejectHint: 0,
  rejectHintTerm: 0,
  context: EMPTY_BYTES,
}

/** Builds a complete message from the fields that matter (`to` defaults to none, for local messages). */
export function makeMessage(init: Partial<Message> & { readonly type: MessageType }): Message {
  return { ...BLANK_MESSAGE, ...init }
}

/** Whether two byte arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Messages that acknowledge durable state, so they may leave only once the batch is persisted. */
export function needsPersist(type: MessageType): boolean {
  return (
    type === MessageType.AppResp ||
    type === MessageType.VoteResp ||
    type === MessageType.PreVoteResp ||
    // A candidate counts its own vote at once, so its request must not be seen before that vote
    // (and the new term) are durable: otherwise a crash could let it vote twice in one term.
    type === MessageType.Vote
  )
}
