/**
 * The accepting side of a sync protocol (the peer with the larger id): it opens no streams, it only
 * keeps a connection to the peer up so that the other side can open one. Shared by the CRDT sync
 * and delta-stream sync services.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { rethrowInvariant } from '@tandem/base'
import { backoffDelayMs, type Pause } from './backoff.js'
import type { TransportHost } from './transport-host.js'

/** Dials `peer` whenever it has no open connection, with backoff, until `signal` aborts. */
export async function keepConnected(
  host: TransportHost,
  peer: string,
  pause: Pause,
  signal: AbortSignal,
): Promise<void> {
  const peerId = peerIdFromString(peer)
  let failures = 0
  while (!signal.aborted) {
    const connected = host.libp2p.getConnections(peerId).some((connection) => connection.status === 'open')
    if (connected) {
      failures = 0
      await disconnected(host, peer, signal)
      continue
    }
    try {
      await host.libp2p.dial(peerId, { signal })
      failures = 0
    } catch (error) {
      rethrowInvariant(error)
      if (signal.aborted) return
      host.metrics.peer(peer).dialFailures++
      await pause.wait(backoffDelayMs(host.backoff, failures++, host.random), signal)
    }
  }
}

/** Resolves when `peer` disconnects, or when `signal` aborts. */
function disconnected(host: TransportHost, peer: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const libp2p = host.libp2p
    const finish = (): void => {
      libp2p.removeEventListener('peer:disconnect', onDisconnect)
      signal.removeEventListener('abort', finish)
      resolve()
    }
    const onDisconnect = (event: CustomEvent<{ toString(): string }>): void => {
      if (event.detail.toString() === peer) finish()
    }
    libp2p.addEventListener('peer:disconnect', onDisconnect)
    signal.addEventListener('abort', finish, { once: true })
  })
}
