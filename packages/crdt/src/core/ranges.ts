/**
 * Sets of sequence numbers (dots of one node) as flat sorted lists of inclusive ranges:
 * `[start1, end1, start2, end2, ...]` with `start <= end` and a gap of at least one number between
 * ranges. A version vector entry "seen 1..n" is `[1, n]`; a causal context that received deltas out
 * of order holds a few more ranges until the gaps fill. All functions are pure except `addDot`.
 */
export type Ranges = number[]

/** Whether `seq` is in the set. */
export function rangesHas(ranges: Ranges, seq: number): boolean {
  const length = ranges.length
  if (length === 2) return seq >= (ranges[0] as number) && seq <= (ranges[1] as number)
  if (length === 0) return false
  // Binary search over range starts.
  let low = 0
  let high = length / 2 - 1
  while (low <= high) {
    const middle = (low + high) >> 1
    const start = ranges[middle * 2] as number
    if (seq < start) high = middle - 1
    else if (seq > (ranges[middle * 2 + 1] as number)) low = middle + 1
    else return true
  }
  return false
}

/** Adds one sequence number in place. The common case (the next number) is O(1). */
export function addDot(ranges: Ranges, seq: number): void {
  const length = ranges.length
  if (length > 0) {
    const lastEnd = ranges[length - 1] as number
    if (seq === lastEnd + 1) {
      ranges[length - 1] = seq
      return
    }
    if (seq > lastEnd + 1) {
      ranges.push(seq, seq)
      return
    }
    if (rangesHas(ranges, seq)) return
  } else {
    ranges.push(seq, seq)
    return
  }
  const merged = rangesUnion(ranges, [seq, seq])
  ranges.length = 0
  for (const bound of merged) ranges.push(bound)
}

/** Union of two range sets. */
export function rangesUnion(left: Ranges, right: Ranges): Ranges {
  if (right.length === 0) return left.slice()
  if (left.length === 0) return right.slice()
  const out: Ranges = []
  let leftIndex = 0
  let rightIndex = 0
  while (leftIndex < left.length || rightIndex < right.length) {
    let start: number
    let end: number
    if (
      rightIndex >= right.length ||
      (leftIndex < left.length && (left[leftIndex] as number) <= (right[rightIndex] as number))
    ) {
      start = left[leftIndex] as number
      end = left[leftIndex + 1] as number
      leftIndex += 2
    } else {
      start = right[rightIndex] as number
      end = right[rightIndex + 1] as number
      rightIndex += 2
    }
    const outLength = out.length
    if (outLength > 0 && start <= (out[outLength - 1] as number) + 1) {
      if (end > (out[outLength - 1] as number)) out[outLength - 1] = end
    } else {
      out.push(start, end)
    }
  }
  return out
}

/** The numbers in `left` that are not in `right`. */
export function rangesSubtract(left: Ranges, right: Ranges): Ranges {
  if (right.length === 0) return left.slice()
  const out: Ranges = []
  let rightIndex = 0
  for (let leftIndex = 0; leftIndex < left.length; leftIndex += 2) {
    let start = left[leftIndex] as number
    const end = left[leftIndex + 1] as number
    while (rightIndex < right.length && (right[rightIndex + 1] as number) < start) rightIndex += 2
    let scan = rightIndex
    while (start <= end) {
      if (scan >= right.length || (right[scan] as number) > end) {
        out.push(start, end)
        break
      }
      const cutStart = right[scan] as number
      const cutEnd = right[scan + 1] as number
      if (cutStart > start) out.push(start, cutStart - 1)
      start = cutEnd + 1
      scan += 2
    }
  }
  return out
}

/** The numbers in both sets. */
export function rangesIntersect(left: Ranges, right: Ranges): Ranges {
  const out: Ranges = []
  let leftIndex = 0
  let rightIndex = 0
  while (leftIndex < left.length && rightIndex < right.length) {
    const start = Math.max(left[leftIndex] as number, right[rightIndex] as number)
    const leftEnd = left[leftIndex + 1] as number
    const rightEnd = right[rightIndex + 1] as number
    const end = Math.min(leftEnd, rightEnd)
    if (start <= end) out.push(start, end)
    if (leftEnd < rightEnd) leftIndex += 2
    else rightIndex += 2
  }
  return out
}

/** Number of sequence numbers in the set. */
export function rangesSize(ranges: Ranges): number {
  let size = 0
  for (let index = 0; index < ranges.length; index += 2) {
    size += (ranges[index + 1] as number) - (ranges[index] as number) + 1
  }
  return size
}

/** Whether every number of `inner` is in `outer`. */
export function rangesCover(outer: Ranges, inner: Ranges): boolean {
  return rangesSubtract(inner, outer).length === 0
}

/** Whether two range sets are equal. */
export function rangesEqual(left: Ranges, right: Ranges): boolean {
  if (left.length !== right.length) return false
  for (let index = 0; index < left.length; index++) if (left[index] !== right[index]) return false
  return true
}

/** Returns a reason when `ranges` is not a well-formed range list (null when it is). */
export function invalidRanges(ranges: readonly number[]): string | null {
  if (ranges.length % 2 !== 0) return 'odd range list'
  let previousEnd = -1
  for (let index = 0; index < ranges.length; index += 2) {
    const start = ranges[index] as number
    const end = ranges[index + 1] as number
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return 'range bound not a safe integer'
    if (start < 1 || end < start) return 'empty or non-positive range'
    if (start <= previousEnd + 1) return 'ranges overlap, touch or are out of order'
    previousEnd = end
  }
  return null
}
