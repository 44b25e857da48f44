// Runs in Node: the `kernel-studio` command line entry point (bin/kernel-studio.js imports the built file).
import { reportError } from './errors'
import { createProgram } from './program'

/** Parses `argv` (as process.argv), runs the command and returns the exit code; never throws. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await createProgram().parseAsync([...argv])
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (err) {
    return reportError(err)
  }
}

// Even a bug gets one line, not a stack trace (KERNEL_STUDIO_DEBUG=1 shows it).
process.on('uncaughtException', (err) => process.exit(reportError(err)))
// A closed pipe (`kernel-studio presets | head`) is not an error worth a message.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0)
})

void main(process.argv).then((code) => {
  process.exitCode = code
})
