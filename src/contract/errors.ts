// Runs anywhere (Node, the engine host, the browser): the error codes callers branch on, and the one-line form
// errors travel in. Codes are the protocol; messages are wording for people and may change.
import type { AbortError, EngineErrorCode } from '../engine/errors'

/** Every error code, with what it means. Callers branch on the code, never on the message. */
export const ERROR_CODES = {
  /** The output file exists and replacing it was not asked for (`--force`, or the app's "Replace"). */
  exists: 'the file exists',
  /** An input file is missing, empty, a folder, or not readable. */
  unreadable: 'cannot read the file',
  /** The output cannot be written: folder missing or read-only, permission denied, disk full. */
  unwritable: 'cannot write the file',
  /** A file name or file kind Kernel Studio does not read or write. */
  'unsupported-format': 'unsupported format',
  /** The file is truncated, corrupt, or not an image at all. */
  corrupt: 'the file is corrupt',
  /** Over a limit: pixel count, recipe file size, request body. */
  'too-large': 'too large',
  /** A kernel that is not a valid kernel (even size, bad number, zero divisor...). */
  'bad-kernel': 'invalid kernel',
  /** A recipe or gallery file that does not follow the recipe format. */
  'bad-recipe': 'invalid recipe',
  /** A filter, preset parameter or export setting out of range (quality, depth, opacity, unknown preset...). */
  'bad-options': 'invalid options',
  /** A call that does not follow the API contract (missing or wrongly typed fields, unknown channel). */
  'bad-request': 'invalid request',
  /** The call needs an open image and there is none. */
  'no-image': 'no image is open',
  /** Cancelled: a newer request replaced it, or the user stopped it. */
  aborted: 'cancelled',
  /** The engine host process died while working on the call. */
  'host-crashed': 'the engine stopped',
  /** Anything else: a bug, reported as such. */
  internal: 'unexpected failure'
} as const

/** An error code of {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES

type AssertNever<T extends never> = T
/** Compile-time proof that the engine's error codes are codes of this table. */
export type EngineCodesKnown = AssertNever<Exclude<EngineErrorCode | AbortError['code'], ErrorCode>>

/** True when `value` is one of the {@link ERROR_CODES}. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value)
}

/** An error whose message is one line meant for people as-is, with a {@link ErrorCode} for programs. */
export class CodedError extends Error {
  /** What went wrong, for code that branches on it. */
  readonly code: ErrorCode

  constructor(message: string, code: ErrorCode) {
    super(message)
    this.code = code
  }
}

/** Name of the error a cancelled call rejects with (the platform's own name for it, so DOM aborts match too). */
export const ABORT_ERROR = 'AbortError'

/**
 * The code of anything thrown: its own `code` when that is one of ours (a {@link CodedError}, or one rebuilt from
 * a reply), `aborted` for an AbortError, else `internal`. Node's `ENOENT`-style codes are not ours: `internal`.
 */
export function errorCode(err: unknown): ErrorCode {
  if (typeof err === 'object' && err !== null) {
    const code = (err as { code?: unknown }).code
    if (isErrorCode(code)) return code
    if ((err as { name?: unknown }).name === ABORT_ERROR) return 'aborted'
  }
  return 'internal'
}

/** First non-empty line of a message, trimmed (libvips and Node messages can span several lines). */
export function firstLine(message: string): string {
  return message.split(/\r?\n/).find((line) => line.trim() !== '')?.trim() ?? message.trim()
}

/** An error as it crosses a process or network boundary: the name survives (AbortError), the message is one line. */
export interface WireError {
  readonly name: string
  readonly message: string
  readonly code: ErrorCode
}

/** Anything thrown, as the {@link WireError} a reply carries. */
export function toWireError(err: unknown): WireError {
  const name = err instanceof Error ? err.name : 'Error'
  const text = err instanceof Error ? err.message : String(err)
  return { name, message: firstLine(text) || 'unknown error', code: errorCode(err) }
}

/** The Error a {@link WireError} stands for on the receiving side: same name, message and code. */
export function fromWireError(wire: { name: string; message: string; code?: unknown }): CodedError {
  const err = new CodedError(wire.message, isErrorCode(wire.code) ? wire.code : 'internal')
  err.name = wire.name
  return err
}
