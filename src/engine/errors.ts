// Errors the engine raises for bad input. Their messages are one line, meant for the user as-is.

/** A user-facing error: the message is one clear line, shown without a stack trace. */
export class EngineError extends Error {
  override readonly name = 'EngineError'
}
