// Runs in Node: the error type the image I/O layer raises for bad files, paths and export options.
import { CodedError, type ErrorCode } from '../contract/errors'

/** A user-facing I/O error: the message is one clear line naming the file, shown without a stack trace. */
export class IoError extends CodedError {
  override readonly name = 'IoError'

  /** `code` defaults to `unreadable`, the reason of most failed reads. */
  constructor(message: string, code: ErrorCode = 'unreadable') {
    super(message, code)
  }
}
