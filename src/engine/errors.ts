// Errors the engine raises for bad input. Their messages are one line, meant for the user as-is; their codes are
// those of src/contract/errors.ts (which imports this file's, so the engine stays the bottom layer).

/** The codes an {@link EngineError} carries. */
export type EngineErrorCode = 'bad-kernel' | 'bad-recipe' | 'bad-options' | 'too-large'

/** A user-facing error: the message is one clear line, shown without a stack trace. */
export class EngineError extends Error {
  override readonly name = 'EngineError'
  /** What was wrong, for callers that branch on it. */
  readonly code: EngineErrorCode

  /** `code` defaults to `bad-options`: a filter, preset parameter or setting the engine cannot take. */
  constructor(message: string, code: EngineErrorCode = 'bad-options') {
    super(message)
    this.code = code
  }
}

/** Thrown when a run is cancelled through its `signal`; `name` is 'AbortError' like the platform's. */
export class AbortError extends Error {
  override readonly name = 'AbortError'
  /** The `aborted` code of src/contract/errors.ts. */
  readonly code = 'aborted'

  constructor(message = 'the operation was aborted') {
    super(message)
  }
}
