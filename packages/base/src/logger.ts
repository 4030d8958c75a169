/**
 * Where every package reports what it does. One shape for all of them, so one implementation (pino
 * in the node, a silent one in tests, a recording one in the simulator) serves every package.
 * Fields never carry keys, secrets or payload bytes.
 */

/** Structured fields of one log line. */
export type LogFields = Readonly<Record<string, unknown>>

/** A leveled, structured logger. The message comes first, the fields second. */
export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

/** A logger that discards everything: the default wherever no logger is injected. */
export const silentLogger: Logger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
})

/**
 * The part of a pino logger {@link fromPino} uses. Structural, so this package does not depend on
 * pino: any logger with pino's `(fields, message)` calling convention fits.
 */
export interface PinoLike {
  debug(fields: object, message: string): void
  info(fields: object, message: string): void
  warn(fields: object, message: string): void
  error(fields: object, message: string): void
}

/** Adapts a pino logger (fields first) to {@link Logger} (message first). */
export function fromPino(pino: PinoLike): Logger {
  return {
    debug: (message, fields) => pino.debug(fields ?? {}, message),
    info: (message, fields) => pino.info(fields ?? {}, message),
    warn: (message, fields) => pino.warn(fields ?? {}, message),
    error: (message, fields) => pino.error(fields ?? {}, message),
  }
}

/** One line a {@link RecordingLogger} kept. */
export interface LogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error'
  readonly message: string
  readonly fields: LogFields
}

/**
 * A logger that keeps every line in memory, for tests that assert what was reported (a refusal
 * logged at error level, say) and for scans that no secret reached a log line.
 */
export class RecordingLogger implements Logger {
  readonly records: LogRecord[] = []
  readonly #recordsMax: number

  /** Keeps at most `recordsMax` lines (the oldest are dropped first). */
  constructor(recordsMax = 100_000) {
    this.#recordsMax = recordsMax
  }

  debug(message: string, fields: LogFields = {}): void {
    this.#keep({ level: 'debug', message, fields })
  }
  info(message: string, fields: LogFields = {}): void {
    this.#keep({ level: 'info', message, fields })
  }
  warn(message: string, fields: LogFields = {}): void {
    this.#keep({ level: 'warn', message, fields })
  }
  error(message: string, fields: LogFields = {}): void {
    this.#keep({ level: 'error', message, fields })
  }

  /** The lines kept at `level`. */
  at(level: LogRecord['level']): LogRecord[] {
    return this.records.filter((record) => record.level === level)
  }

  #keep(record: LogRecord): void {
    if (this.records.length >= this.#recordsMax) this.records.shift()
    this.records.push(record)
  }
}
