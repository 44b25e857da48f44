// Runs in the engine host: giving messages that arrived meanwhile their turn.

/** Lets messages that arrived meanwhile run first, so a burst of previews collapses to the newest. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
