// Timing helpers: one warm-up run, then the median of several measured runs.

export function medianMs(runs: number, setup: () => unknown, body: (input: unknown) => void): number {
  body(setup())
  const samples: number[] = []
  for (let run = 0; run < runs; run++) {
    const input = setup()
    const start = performance.now()
    body(input)
    samples.push(performance.now() - start)
  }
  samples.sort((left, right) => left - right)
  return samples[Math.floor(samples.length / 2)] as number
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
