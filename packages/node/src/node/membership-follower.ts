/**
 * Keeps the transport's admission in step with the committed configuration (design.md, "Joining":
 * admission follows the AddLearner): after every applied entry, the peers of C's members become
 * the host's members — new ones are linked, removed ones hung up on. Until C holds a member (a
 * joiner still catching up), the members it was told to dial stay admitted.
 */

import { multiaddr } from '@multiformats/multiaddr'
import type { Logger } from '@tandem/base'
import type { TransportHost } from '@tandem/transport'
import type { NodeCore } from '../compose/node-core.js'
import { peerIdOf } from '../core/ids.js'
import { NodeStartError } from './errors.js'

/** The peer id a `/p2p/` multiaddr names; a typed error when it names none. */
export function peerIdOfAddress(address: string): string {
  let peer: string | undefined
  try {
    peer = multiaddr(address)
      .getComponents()
      .findLast((component) => component.name === 'p2p')?.value
  } catch (error) {
    throw new NodeStartError(`not a multiaddr: ${address}`, { cause: error })
  }
  if (peer === undefined) throw new NodeStartError(`the address ${address} names no peer (/p2p/<peer id>)`)
  return peer
}

/** Options of {@link MembershipFollower}. */
export interface MembershipFollowerOptions {
  readonly host: TransportHost
  readonly core: NodeCore
  /** This node's peer id (always admitted). */
  readonly self: string
  /** Peers admitted until C lists members of its own (a joiner's join addresses). */
  readonly bootstrapPeers: readonly string[]
  readonly logger: Logger
}

/** Follows C's membership into the host's admission; updates never overlap. */
export class MembershipFollower {
  readonly #options: MembershipFollowerOptions
  #applied = ''
  #running: Promise<void> | null = null
  #again = false

  constructor(options: MembershipFollowerOptions) {
    this.#options = options
  }

  /** Called after each applied entry: cheap unless the member list changed. */
  follow(): void {
    const wanted = this.#wanted()
    if (wanted.join(',') === this.#applied) return
    if (this.#running !== null) {
      this.#again = true
      return
    }
    this.#running = this.#apply(wanted).finally(() => {
      this.#running = null
      if (this.#again) {
        this.#again = false
        this.follow()
      }
    })
  }

  /** Resolves once no update is running. */
  async settled(): Promise<void> {
    while (this.#running !== null) await this.#running
  }

  #wanted(): string[] {
    const members = this.#options.core.committed.public.membership.members()
    const peers = new Set<string>([this.#options.self])
    if (members.length === 0) for (const peer of this.#options.bootstrapPeers) peers.add(peer)
    for (const member of members) peers.add(peerIdOf(member.id))
    return [...peers].sort()
  }

  async #apply(wanted: string[]): Promise<void> {
    try {
      await this.#options.host.setMembers(wanted)
      this.#applied = wanted.join(',')
      this.#options.logger.info('transport admission follows the committed configuration', {
        members: wanted.length,
      })
    } catch (error) {
      this.#options.logger.warn('updating the transport admission failed', { error: String(error) })
    }
  }
}
