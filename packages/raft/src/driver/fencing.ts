/**
 * Fencing tokens. A strong write's token folds its `(term, index)` into one bigint, term in the
 * high 64 bits: log order is lexicographic in (term, index), so a later write always carries a
 * larger token, and a resource that remembers the largest token it has seen can refuse a stale
 * writer (a deposed leader's client).
 */

/** The fencing token of the entry at `index` created in `term`. */
export function fencingToken(term: number, index: number): bigint {
  return (BigInt(term) << 64n) | BigInt(index)
}

/** The `(term, index)` a fencing token was made from. */
export function fencingTokenParts(token: bigint): { readonly term: number; readonly index: number } {
  return { term: Number(token >> 64n), index: Number(token & 0xffff_ffff_ffff_ffffn) }
}
