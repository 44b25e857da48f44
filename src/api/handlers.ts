// Runs in Node (serve mode, tests) and Electron main: one plain async handler per contract channel, gathered from
// one file per concern (images, export, recipes, gallery). Every input is validated there (./validate.ts); all
// file reading and writing happens there or in the engine host, never in the UI.
import { resolve } from 'node:path'
import type { Api, ApiEvent, ApiEvents, ApiMap } from '../contract/api'
import { CodedError } from '../contract/errors'
import type { HostClient } from '../host/client'
import { samplesDir as defaultSamplesDir } from '../io/package-paths'
import type { Dialogs, HandlerContext } from './context'
import { exportHandlers } from './export'
import { galleryHandlers } from './gallery'
import { imageHandlers } from './images'
import { learnHandlers } from './learn'
import { recipeHandlers } from './recipes'
import { acfHandlers } from './acf-files'
import { RecentFiles } from './recent-files'
import { DocumentSessions } from './documents'
import { documentStoreHandlers } from './document-store'
import { batchHandlers } from './batch'
import { BatchRuns, forkBatchProcess } from './batch-runs'

export type { Dialogs } from './context'

/** Options of {@link createHandlers}. */
export interface HandlerOptions {
  /** Where the UI runs. */
  readonly shell: 'electron' | 'serve'
  /** The engine host. */
  readonly host: HostClient
  /** Pushes an event to the renderer(s). */
  readonly emit: <E extends ApiEvent>(event: E, payload: ApiEvents[E]) => void
  /** Native dialogs; without them, calls lacking a path answer with bytes (serve mode downloads). */
  readonly dialogs?: Dialogs
  /** @default resources/samples of the package */
  readonly samplesDir?: string
  /** Folder for recent files and the personal gallery; null keeps them in memory only. @default null */
  readonly dataDir?: string | null
  /** Called after an image is opened from a path (Electron adds it to the OS recent documents). */
  readonly onOpenedPath?: (path: string) => void
  /** The image every new document (window, browser tab) starts with: `serve --open`. */
  readonly initialImage?: string
  /**
   * Serve mode's upload folder: `image:upload` may name a file in it (a body the server streamed to disk)
   * instead of carrying the bytes. Without it, only bytes are accepted.
   */
  readonly uploadDir?: string
  /** Runs the batch exports; the caller ends them on close. @default Node batch processes (out/node/batch.js) */
  readonly batches?: BatchRuns
}

/**
 * Creates the handlers, one per channel of {@link ApiMap}. The same object serves Electron's ipcMain and the
 * serve-mode server. When the host restarts, the last image is opened again before `host:restarted` is emitted,
 * so the renderer only has to re-send its stack.
 */
export function createHandlers(options: HandlerOptions): Api {
  const dataDir = options.dataDir ?? null
  const recent = new RecentFiles(dataDir)
  const ctx: HandlerContext = {
    shell: options.shell,
    documents: new DocumentSessions(options.host, options.emit, recent, options.onOpenedPath, options.initialImage),
    emit: options.emit,
    dialogs: options.dialogs,
    samplesDir: options.samplesDir ?? defaultSamplesDir(),
    dataDir,
    recent,
    uploadDir: options.uploadDir === undefined ? null : resolve(options.uploadDir)
  }
  const batches = options.batches ?? new BatchRuns(() => forkBatchProcess(), (progress) => options.emit('batch:progress', progress))
  return { ...imageHandlers(ctx), ...learnHandlers(ctx), ...exportHandlers(ctx), ...recipeHandlers(ctx), ...acfHandlers(ctx), ...galleryHandlers(ctx), ...documentStoreHandlers(ctx), ...batchHandlers(ctx, batches) }
}

/** Calls the handler of `channel` (for transports that receive the channel name as data). */
export function callHandler(handlers: Api, channel: string, req: unknown): Promise<unknown> {
  if (!Object.prototype.hasOwnProperty.call(handlers, channel)) {
    return Promise.reject(new CodedError(`unknown API call "${channel}"`, 'bad-request'))
  }
  return (handlers[channel as keyof ApiMap] as (r: unknown) => Promise<unknown>)(req)
}
