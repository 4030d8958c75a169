// Small statistics helpers for the benchmark.

/** The `fraction` quantile (0..1) of `samples` (sorted in place). */
export function quantile(samples: number[], fraction: number): number {
  if (samples.length === 0) return Number.NaN
  samples.sort((a, b) => a - b)
  const position = Math.min(samples.length - 1, Math.max(0, Math.ceil(fraction * samples.length) - 1))
  return samples[position] as number
}

/** The median of `values`. */
export function median(values: number[]): number {
  return quantile([...values], 0.5)
}

/** Rounds to `digits` significant decimals for the report. */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

/** One append run: records per second and per-record latency quantiles in milliseconds. */
export interface AppendRun {
  readonly opsPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** Mean records per write+sync (group-commit batch size) where known. */
  readonly batchMean: number
}
