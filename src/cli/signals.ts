// Runs in Node (CLI): how a command ends on Ctrl-C or SIGTERM: at once, without leaving temp files.

/**
 * On SIGINT or SIGTERM: runs the process's exit hooks (the atomic writer removes its temp file there), then
 * ends by the signal itself, so the parent sees "killed by SIGINT/SIGTERM" (a shell's 130/143). process.exit is
 * not used: it waits for the decoder's threads, which can take a minute on a large image.
 */
export function stopOnSignals(): void {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143]
  ] as const) {
    process.once(signal, () => {
      process.exitCode = code
      process.emit('exit', code)
      process.removeAllListeners(signal)
      process.kill(process.pid, signal)
    })
  }
}
