// Runs in Node (CLI): user-facing errors and the one-line report every failure ends in.
import { CommanderError } from 'commander'
import { CodedError, errorCode, firstLine, type ErrorCode } from '../contract/errors'

/** A user-facing error from the command line itself (bad flag values, missing filters). */
export class CliError extends CodedError {
  override readonly name = 'CliError'

  /** `code` defaults to `bad-options`: a flag value the command cannot take. */
  constructor(message: string, code: ErrorCode = 'bad-options') {
    super(message, code)
  }
}

/** Program name used as the prefix of every message. */
export const PROGRAM = 'kernel-studio'

/** Exit code of every failure (usage and input errors alike; 0 is success, help and --version). */
export const EXIT_FAILURE = 1

/** True for errors whose message is meant for the user as-is: every coded error but `internal` and `aborted`. */
export function isUserError(err: unknown): err is Error {
  const code = errorCode(err)
  return err instanceof Error && code !== 'internal' && code !== 'aborted'
}

/** What the CLI adds to a message with this code: the flag that gets past it. */
const HINTS: Partial<Record<ErrorCode, string>> = { exists: ' (use --force to overwrite)' }

/**
 * Prints one line for `err` on stderr and returns the exit code. Commander has already printed its own usage
 * errors (and help), so those only give their exit code. Unexpected errors still get one line, with a hint to
 * report them; the stack trace is shown only with KERNEL_STUDIO_DEBUG=1.
 */
export function reportError(err: unknown, write: (line: string) => void = (line) => process.stderr.write(line)): number {
  if (err instanceof CommanderError) return err.exitCode
  if (isUserError(err)) {
    write(`${PROGRAM}: error: ${firstLine(err.message)}${HINTS[errorCode(err)] ?? ''}\n`)
    return EXIT_FAILURE
  }
  if (errorCode(err) === 'aborted') {
    write(`${PROGRAM}: error: cancelled\n`)
    return EXIT_FAILURE
  }
  const message = err instanceof Error ? `${err.name}: ${firstLine(err.message)}` : String(err)
  write(`${PROGRAM}: error: unexpected failure (${message}); please report this as a bug\n`)
  if (process.env.KERNEL_STUDIO_DEBUG === '1' && err instanceof Error && err.stack) write(`${err.stack}\n`)
  return EXIT_FAILURE
}

/** Prints a note (something the user should know, not an error) on stderr. */
export function printNote(note: string): void {
  process.stderr.write(`note: ${note}\n`)
}
