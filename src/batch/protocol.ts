// Runs anywhere: the messages between the app (serve mode, Electron main) and a batch process, the child that
// runs one batch for the app's "Batch export" so that the engine host, the window and the previews stay free.
import type { WireError } from '../contract/errors'
import type { FilterSpec } from '../engine/types'
import type { BatchEvent } from './events'
import type { BatchRequest } from './plan'

/** What the app sends a batch process. */
export type BatchCommand =
  /** Plan and run one batch (a process runs one, then exits). */
  | { readonly type: 'start'; readonly request: BatchRequest; readonly filters: readonly FilterSpec[]; readonly jobs?: number }
  /** Stop the run: no new file starts, the file being written is finished or dropped. */
  | { readonly type: 'cancel' }

/** What a batch process sends back. */
export type BatchReply =
  /** The process is listening. */
  | { readonly type: 'ready' }
  /** The batch could not start (a bad template, outputs that exist...): nothing was written. */
  | { readonly type: 'refused'; readonly error: WireError }
  /** An event of the run, in order; the last is its `end`. */
  | { readonly type: 'event'; readonly event: BatchEvent }
  /** The run stopped on an error of its own (not a file's): the files finished so far stay. */
  | { readonly type: 'failed'; readonly error: WireError }
