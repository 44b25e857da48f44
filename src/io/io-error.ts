// Runs in Node: the error type the image I/O layer raises for bad files, paths and export options.

/** A user-facing I/O error: the message is one clear line naming the file, shown without a stack trace. */
export class IoError extends Error {
  override readonly name = 'IoError'
}

/** First line of an error message (libvips messages can span several lines). */
export function firstLine(message: string): string {
  return message.split(/\r?\n/).find((line) => line.trim() !== '')?.trim() ?? message.trim()
}
