/**
 * The key RaftNode matches proposals by when its built-in sessions are off (raft README, "Built-in
 * sessions off"): a function of the command's bytes, so every copy of a re-sent proposal carries the
 * same key. It is a hash of the bytes — the core never proposes the same bytes twice while the first
 * is pending (a strong batch has a fresh sequence, a clock entry a fresh reading, a fold or an open
 * is not proposed again while one is in flight) — and it is only a match key, never trusted: C
 * verifies and deduplicates what applies.
 */

/** Two independent 32-bit FNV-1a variants and the length, as hex. */
export function commandKeyOf(command: Uint8Array): string {
  let a = 0x811c9dc5
  let b = 0x01000193 ^ command.length
  for (let i = 0; i < command.length; i++) {
    const byte = command[i] as number
    a = Math.imul(a ^ byte, 0x01000193) >>> 0
    b = Math.imul(b ^ ((byte + i) & 0xff), 0x5bd1e995) >>> 0
  }
  return `${command.length.toString(16)}.${a.toString(16)}.${b.toString(16)}`
}
