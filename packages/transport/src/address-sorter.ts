/**
 * Dial order: QUIC v1 first (one round trip to a secure, multiplexed connection, no head-of-line
 * blocking), TCP second as the fallback. libp2p's default sorter puts TCP first, hence this one.
 * libp2p dials a peer's addresses one after the other, so a failed QUIC dial falls back to TCP.
 */
import type { Address } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** Lower ranks are dialed first. */
export function transportRank(address: Multiaddr): number {
  const text = address.toString()
  if (text.includes('/quic-v1')) return 0
  if (text.includes('/tcp/')) return 1
  return 2
}

/** A libp2p `AddressSorter` that dials QUIC before TCP, then certified addresses first. */
export function quicFirstAddressSorter(a: Address, b: Address): -1 | 0 | 1 {
  const byTransport = transportRank(a.multiaddr) - transportRank(b.multiaddr)
  if (byTransport !== 0) return byTransport < 0 ? -1 : 1
  if (a.isCertified !== b.isCertified) return a.isCertified ? -1 : 1
  return 0
}
