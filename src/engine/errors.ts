// Errors the engine raises for bad input. Their messages are one line, meant for the user as-is.

/** A user-facing error: the message is one clear line, shown without a stack trace. */
export class EngineError extends Error {
  override readonly name = 'EngineError'
}

/** Thrown when a run is cancelled through its `signal`; `name` is 'AbortError' like the platform's. */
export class AbortError extends Error {
  override readonly name = 'AbortError'

  constructor(message = 'the operation was aborted') {
    super(message)
  }
}
