/**
 * Where a framed reader may pause its stream to slow an honest sender down, and above how many held
 * bytes. A pause only helps where the muxer turns it into flow control: yamux stops granting
 * window while a stream is paused, and the bytes the sender may still send are at most the
 * stream's window, which the host caps at the stream's read buffer (libp2p resets a paused stream
 * whose buffer passes that limit). QUIC in libp2p keeps reading a paused stream into that buffer,
 * so there a pause would turn a slow consumer into a reset: the reader never pauses on QUIC.
 */

/** The multiplexer protocol of yamux, as libp2p reports it on a connection. */
const YAMUX_PROTOCOL = '/yamux/1.0.0'

/**
 * The largest receive window of a yamux stream, and its read buffer: after a pause at most this
 * many bytes still arrive, and they fit the buffer. (yamux's own maximum is 16 MiB, past libp2p's
 * 4 MiB buffer.) It also bounds a stream's throughput to this much per round trip.
 */
export const STREAM_WINDOW_BYTES_MAX = 4 * 1024 * 1024

/**
 * Bytes held above which a reader on a connection muxed by `multiplexer` pauses its stream, given
 * the peer's budget on the protocol: half the budget, so that the window still in flight after the
 * pause fits in the other half; never on a muxer without flow control, or when the budget is too
 * small for that (then the budget alone bounds the peer, as before).
 */
export function pauseAboveBytes(multiplexer: string | undefined, budgetBytesMax: number): number {
  if (multiplexer !== YAMUX_PROTOCOL) return Number.POSITIVE_INFINITY
  if (!(budgetBytesMax >= 4 * STREAM_WINDOW_BYTES_MAX)) return Number.POSITIVE_INFINITY
  return budgetBytesMax / 2
}
