import { execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The built CLI (`pnpm test` builds every package before vitest runs). */
export const cliPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js')

/** What one CLI run printed and how it exited. */
export interface CliRun {
  readonly status: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs the CLI in a fresh Node process with `args` and waits for it. */
export function runCli(args: readonly string[]): CliRun {
  try {
    const stdout = execFileSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', stdio: 'pipe' })
    return { status: 0, stdout, stderr: '' }
  } catch (error) {
    const failed = error as { status: number; stdout: string; stderr: string }
    return { status: failed.status, stdout: failed.stdout, stderr: failed.stderr }
  }
}
