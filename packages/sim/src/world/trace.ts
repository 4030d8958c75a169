/**
 * The trace of a run: one line per thing that happened, stamped with virtual time. A run always
 * folds its lines into a hash (so two runs of a seed can be compared cheaply); with `keepLines`
 * it also keeps them for printing or for a byte-by-byte comparison.
 */
export class Trace {
  private readonly kept: string[] | null
  private hash = 0x811c9dc5
  private count = 0
  private readonly sink: ((line: string) => void) | null

  constructor(options: { readonly keepLines: boolean; readonly sink?: (line: string) => void }) {
    this.kept = options.keepLines ? [] : null
    this.sink = options.sink ?? null
  }

  /** Records one line at virtual time `timeMs`. */
  record(timeMs: number, text: string): void {
    const line = `${formatTime(timeMs)} ${text}`
    for (let i = 0; i < line.length; i++) this.hash = Math.imul(this.hash ^ line.charCodeAt(i), 0x01000193)
    this.hash = Math.imul(this.hash ^ 10, 0x01000193)
    this.count++
    this.kept?.push(line)
    this.sink?.(line)
  }

  /** The lines kept so far (empty unless `keepLines`). */
  get lines(): readonly string[] {
    return this.kept ?? []
  }

  /** How many lines were recorded. */
  get lineCount(): number {
    return this.count
  }

  /** FNV-1a over every line recorded, as 8 hex digits. */
  get digest(): string {
    return (this.hash >>> 0).toString(16).padStart(8, '0')
  }
}

/** Virtual time as `t=000123.456` (milliseconds, fixed width so traces line up). */
export function formatTime(timeMs: number): string {
  const whole = Math.floor(timeMs)
  const fraction = Math.round((timeMs - whole) * 1000)
  return `t=${String(whole).padStart(6, '0')}.${String(Math.min(fraction, 999)).padStart(3, '0')}`
}
