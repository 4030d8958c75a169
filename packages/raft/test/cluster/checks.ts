import type { Cluster, Member } from './harness.js'

/** An acknowledged proposal: the command and the index its outcome reported. */
export interface Acknowledged {
  command: string
  index: number
}

/**
 * Safety: every node applied the same commands in the same order (each history is a prefix of the
 * longest), at increasing indexes with increasing fencing tokens, and no command twice. Returns a
 * description of the first violation, or null.
 */
export function checkSameOrder(cluster: Cluster, members: Member[]): string | null {
  let longest: Member | null = null
  for (const member of members) {
    if (longest === null || member.stateMachine.history.length > longest.stateMachine.history.length)
      longest = member
  }
  if (longest === null) return null
  const reference = longest.stateMachine.history
  for (const member of members) {
    const history = member.stateMachine.history
    const seen = new Set<string>()
    for (let i = 0; i < history.length; i++) {
      const mine = history[i]
      const theirs = reference[i]
      if (mine === undefined || theirs === undefined)
        return `seed ${cluster.seed}: missing history entry ${i}`
      if (mine.index !== theirs.index || mine.command !== theirs.command) {
        return `seed ${cluster.seed}: ${member.node.id} applied ${mine.command}@${mine.index} where ${longest.node.id} applied ${theirs.command}@${theirs.index}`
      }
      if (seen.has(mine.command))
        return `seed ${cluster.seed}: ${member.node.id} applied ${mine.command} twice`
      seen.add(mine.command)
      const previous = history[i - 1]
      if (previous !== undefined && (previous.index >= mine.index || previous.token >= mine.token)) {
        return `seed ${cluster.seed}: ${member.node.id} indexes or fencing tokens not increasing at ${mine.index}`
      }
    }
  }
  return null
}

/** Durability: every acknowledged command is in every given node's history, at its reported index. */
export function checkAcknowledged(
  cluster: Cluster,
  members: Member[],
  acknowledged: Acknowledged[],
): string | null {
  for (const member of members) {
    const byCommand = new Map(member.stateMachine.history.map((entry) => [entry.command, entry.index]))
    for (const ack of acknowledged) {
      const index = byCommand.get(ack.command)
      if (index === undefined)
        return `seed ${cluster.seed}: acknowledged ${ack.command} missing on ${member.node.id}`
      if (index !== ack.index) {
        return `seed ${cluster.seed}: ${ack.command} acknowledged at ${ack.index} but applied at ${index} on ${member.node.id}`
      }
    }
  }
  return null
}
