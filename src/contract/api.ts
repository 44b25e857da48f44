// The one typed contract between the renderer and the outside world (Electron main via preload, or serve mode).
// Plain types only: imported by electron/, src/api, src/host, src/serve and the renderer alike.
import type { BitDepth, Channels, FilterSpec, Recipe } from '../engine/types'
import type { Histogram } from '../engine/histogram'
import type { InspectResult } from '../engine/inspect'
import type { ErrorCode, WireError } from './errors'
import type { ExportFormat } from './formats'

export type { ExportFormat } from './formats'
export { ABORT_ERROR } from './errors'

/** What the renderer knows about the open image (pixels stay in the engine host). */
export interface ImageInfo {
  /** Display name (file name). */
  readonly name: string
  /** Absolute path when opened from disk (Electron, serve --open); absent for uploads. */
  readonly path?: string
  readonly width: number
  readonly height: number
  readonly channels: Channels
  readonly depth: BitDepth
  /** Source format as sharp reports it: png, jpeg, tiff, webp, gif, heif... */
  readonly format: string
  /** Notes to show the user, e.g. "GIF has 12 frames; only the first is used". */
  readonly notes: readonly string[]
}

/** A kernel read from a Photoshop Custom filter file: its name (the file's, without extension), weights, scale, offset. */
export interface AcfKernel {
  readonly name: string
  readonly rows: readonly (readonly number[])[]
  readonly divisor: number
  readonly offset: number
}

/** A display-ready 8-bit RGBA raster (preview, thumbnail). */
export interface Raster {
  readonly width: number
  readonly height: number
  /** width*height*4 bytes, straight (not premultiplied) alpha. */
  readonly rgba: Uint8Array
}

/** A bundled sample photo. */
export interface SampleInfo {
  readonly id: string
  readonly name: string
}

/**
 * A rectangle of the full-resolution filter result, in its pixel coordinates (valid/full output modes make the
 * result smaller or larger than the source; the result is centred on the source when shown).
 */
export interface PreviewRegion {
  /** Left column. */
  readonly x: number
  /** Top row. */
  readonly y: number
  readonly width: number
  readonly height: number
}

/**
 * A window of the whole filter result area-averaged to `width` x `height` (never larger than the result): the
 * size the viewer shows it at, in device pixels, below 100 % zoom. Only the grid pixels in `window` are computed;
 * windows of one grid meet without seams, and each pixel is drawn as one device pixel.
 */
export interface PreviewGrid {
  readonly width: number
  readonly height: number
  /** The part wanted, in grid pixels. */
  readonly window: PreviewRegion
}

/** A kernel learnt from an example by `image:learn`. */
export interface LearnedExample {
  /** AFTER's name. */
  readonly name: string
  /** Kernel side K. */
  readonly size: number
  /** One kernel shared by the colour channels ('all'), or one per channel ('red', 'green', 'blue' or 'grey'). */
  readonly kernels: readonly {
    readonly channel: string
    readonly rows: readonly (readonly number[])[]
    /** In levels of the open image's depth. */
    readonly offset: number
    readonly rms: number
    /** The open image has too little detail in some direction: some weights rest on the ridge, not on the images. */
    readonly poorlyDetermined: boolean
  }[]
  /** rms residual over the fitted samples, in levels of the open image's depth (`depth`). */
  readonly rms: number
  readonly depth: BitDepth
  /** Window positions fitted, of `validWindows` (fewer when sampled). */
  readonly windows: number
  readonly validWindows: number
  /** Samples left out because AFTER is clipped there (0 or its maximum). */
  readonly clippedSamples: number
  /** |AFTER - prediction| as a grey picture, shrunk to fit 512 px keeping each block's largest error. */
  readonly residual: Raster
  /** The error shown as white in `residual`, in levels. */
  readonly residualWhite: number
  /** rms over every valid window, clipped samples included. */
  readonly residualRms: number
}

/** Result of a preview request. */
export interface PreviewResult {
  /** Echo of the request id, so a late answer to an older request can be dropped. */
  readonly requestId: number
  /**
   * The filtered image scaled to fit maxWidth x maxHeight; with `region`, that part of the full-resolution result,
   * scaled down to fit maxWidth x maxHeight if it is larger.
   */
  readonly image: Raster
  /** Scale of the preview relative to the full-size result (1 = every pixel). */
  readonly scale: number
  /**
   * True: the full-resolution result area-averaged down (what the export looks like at this zoom). False: an
   * approximate frame (the stack run on a downscaled source), asked for while a slider moves.
   */
  readonly exact: boolean
  /**
   * The part of the result `image` shows, when the request asked for a region (clipped to the result), or, with
   * `grid`, the result pixels the window reads.
   */
  readonly region?: PreviewRegion
  /** With a `grid` request: the grid, its window clipped to it (`image` is that window, one pixel per grid pixel). */
  readonly grid?: PreviewGrid
  /** Full size of the result (valid/full modes change it). */
  readonly resultWidth: number
  readonly resultHeight: number
  /** Milliseconds the engine took. */
  readonly ms: number
}

/** Export request; `path` absent in serve mode means "send the bytes back for download". */
export interface ExportRequest {
  readonly filters: readonly FilterSpec[]
  readonly format: ExportFormat
  /** 1..100, lossy formats only. */
  readonly quality?: number
  /** 16 only for png and tiff. */
  readonly depth?: BitDepth
  readonly path?: string
  /** Overwrite an existing file (the UI asks the user first). */
  readonly force?: boolean
}

/** Export result: where the file went, or its bytes for a browser download. */
export interface ExportResult {
  readonly path?: string
  readonly fileName: string
  readonly bytes?: Uint8Array
  readonly width: number
  readonly height: number
  /** Things the user should know, e.g. "JPEG has no alpha channel: transparency was flattened onto white". */
  readonly notes?: readonly string[]
}

/** A layer of a saved document: the renderer's stable id and its recipe-shaped filter. */
export interface DocumentLayer {
  readonly id: string
  readonly spec: FilterSpec
}

/**
 * One document's session as the renderer saves it while it changes (`document:save`) and restores it after a
 * reload, a restart or a crash (`document:load`): which image, the stack, its undo history and the view.
 */
export interface DocumentState {
  readonly version: 1
  /** Where the image came from (an upload can be re-opened only while serve mode still has it). */
  readonly source:
    | { readonly kind: 'sample'; readonly id: string }
    | { readonly kind: 'path'; readonly path: string }
    | { readonly kind: 'upload'; readonly name: string }
    | null
  /** The image's file name, for titles before it is open again. */
  readonly name: string | null
  readonly layers: readonly DocumentLayer[]
  readonly selectedId: string | null
  /** Undo steps (oldest first) and redo steps. */
  readonly past: readonly (readonly DocumentLayer[])[]
  readonly future: readonly (readonly DocumentLayer[])[]
  readonly view: { readonly zoom: number; readonly pan: { readonly x: number; readonly y: number }; readonly fit: boolean; readonly split: number | null }
  /** Changes since the image was opened, exported or its recipe saved. */
  readonly modified: boolean
}

/**
 * What a call about one document carries: each browser tab (serve mode) and each Electron window has its own
 * document (image, stack, history, view) and names it in every such call; absent, the default document.
 */
export interface DocumentScoped {
  /** The document's id: 1-64 letters, digits, `_` or `-`, made by the window or tab. */
  readonly doc?: string
}

/** Settings of a batch export ("Batch export..."): the same meaning as `kernel-studio batch`'s flags. */
export interface BatchSettings {
  /** Output name template: `{name}`, `{ext}`, `{dir}`, `{index}`, `{index:N}`. @default '{name}.{ext}' */
  readonly name?: string
  /** Output format. @default each input's own */
  readonly format?: ExportFormat
  /** 1..100, lossy formats only. */
  readonly quality?: number
  /** 16 only for png and tiff. */
  readonly depth?: BitDepth
  /** Outputs that exist: stop before writing anything, skip them (resume), or overwrite them. @default 'refuse' */
  readonly existing?: 'refuse' | 'skip' | 'overwrite'
}

/** One file of a batch that failed, with its error code and a one-line message. */
export interface BatchFailureInfo {
  readonly input: string
  readonly output: string
  readonly code: ErrorCode
  readonly message: string
}

/** Progress of a batch export (`batch:progress`), sent at its start, after each file and at its end. */
export interface BatchProgress {
  /** The run (`batch:start`'s answer). */
  readonly run: string
  /** The document that started it (other windows and tabs ignore it). */
  readonly doc?: string
  /** Files finished (written, skipped or failed) of `total`. */
  readonly done: number
  readonly total: number
  readonly written: number
  readonly skipped: number
  readonly failed: number
  readonly elapsedMs: number
  readonly megapixelsPerSecond: number
  /** Estimated time left, ms, once a file has been processed. */
  readonly etaMs?: number
  /** The file that just finished. */
  readonly file?: { readonly input: string; readonly output: string; readonly status: 'done' | 'skipped' | 'failed'; readonly message?: string }
  /** The run is over: every file finished, it was cancelled, or it stopped on an error (`error`). */
  readonly end?: { readonly cancelled: boolean; readonly failures: readonly BatchFailureInfo[]; readonly error?: string }
}

/**
 * Every call the renderer can make: channel -> request/response.
 * Electron registers each with ipcMain.handle; serve mode maps them to HTTP/WebSocket; preload exposes them as
 * named functions on window.api.
 */
export interface ApiMap {
  /** Product version, where the UI runs, the bundled samples, recent files. */
  'app:info': { req: Record<string, never>; res: { version: string; shell: 'electron' | 'serve'; samples: readonly SampleInfo[]; recent: readonly string[] } }
  /** Open from a path (Electron dialog when path and sample are absent; null when cancelled). */
  'image:open': { req: DocumentScoped & { path?: string; sample?: string }; res: ImageInfo | null }
  /**
   * Open from bytes (browser file picker, drag-and-drop in serve mode). Serve mode's client streams the bytes as
   * the body of `POST /api/image:upload?name=`; the server writes them to its upload folder and names that `file`
   * instead. A `file` outside that folder (and any `file` under Electron) is refused.
   */
  'image:upload': { req: DocumentScoped & { name: string; bytes?: Uint8Array; file?: string }; res: ImageInfo }
  /** The current image, if any (after a reload or a host restart). */
  'image:current': { req: DocumentScoped; res: ImageInfo | null }
  /**
   * Filtered preview; a newer request cancels older ones (those reject with an error named AbortError).
   * `region` (default: the whole result) of the full-resolution result, exact (the stack runs on just the source
   * pixels it depends on), area-averaged down to fit maxWidth x maxHeight when larger, as the source is for the
   * unfiltered side. `grid` (instead of `region`): a window of the whole result area-averaged to the grid's size
   * (see PreviewGrid), from only the full-resolution pixels it reads. `approximate` (whole result only): quick
   * frames while a slider moves, computed on a downscaled source (kernels then act too wide: the UI labels them).
   */
  'image:preview': {
    req: DocumentScoped & {
      requestId: number
      filters: readonly FilterSpec[]
      maxWidth: number
      maxHeight: number
      region?: PreviewRegion
      grid?: PreviewGrid
      approximate?: boolean
    }
    res: PreviewResult
  }
  /**
   * Small previews of the current image under each filter (preset gallery cards), each fitting size x size.
   * A filter that fails (bad parameters) gives `null` in its slot instead of failing the whole call.
   * A newer call cancels an older one (it rejects with an AbortError).
   */
  'image:thumbnails': { req: DocumentScoped & { filters: readonly FilterSpec[]; size: number }; res: readonly (Raster | null)[] }
  /** "Explain this pixel": the window, products and sum at one output pixel of filter `index` of the stack. */
  'image:inspect': { req: DocumentScoped & { filters: readonly FilterSpec[]; index: number; row: number; col: number }; res: InspectResult }
  /**
   * Sample values at (row, col) in the image's own depth (status bar): of the source, or of the full-resolution
   * result of the stack `filtered` when given (valid/full modes: coordinates of that result).
   */
  'image:pixel': { req: DocumentScoped & { row: number; col: number; filtered?: readonly FilterSpec[] }; res: { values: readonly number[] } }
  /** Histograms of the source (before) and of the full-resolution result of `filters` (after), 256 bins each. */
  'image:histogram': { req: DocumentScoped & { filters: readonly FilterSpec[] }; res: { before: Histogram; after: Histogram } }
  /**
   * Learn the K x K kernel (and offset) that turns the open image (BEFORE) into `bytes`, an encoded image of the same
   * size (AFTER, made in any tool): least squares over the valid windows, engine/learn.ts.
   */
  'image:learn': { req: DocumentScoped & { name: string; bytes: Uint8Array; size: number; perChannel?: boolean }; res: LearnedExample }
  'image:export': { req: DocumentScoped & ExportRequest; res: ExportResult | null }
  /** Save a recipe: to `path`, via a save dialog (Electron), or back as bytes for download (serve). */
  'recipe:save': { req: DocumentScoped & { recipe: Recipe; path?: string; force?: boolean }; res: { path?: string; fileName: string; bytes?: Uint8Array } | null }
  /** Load a recipe from a path, dialog, or uploaded bytes; validated with the engine's schema. */
  'recipe:open': { req: { path?: string; name?: string; bytes?: Uint8Array }; res: Recipe | null }
  /** Keeps this document's session (DocumentState) in the data folder, replacing the one saved before. */
  'document:save': { req: DocumentScoped & { state: DocumentState }; res: { saved: boolean } }
  /** This document's saved session, or null. */
  'document:load': { req: DocumentScoped; res: DocumentState | null }
  /**
   * Batch export, Electron: shows the system picker for the inputs (`files` or a `folder`) or the `output` folder;
   * main keeps the choice for this document's next `batch:start` and answers the paths to show (null: cancelled).
   */
  'batch:choose': { req: DocumentScoped & { what: 'files' | 'folder' | 'output' }; res: { paths: readonly string[] } | null }
  /**
   * Batch export: the stack applied to every image of `inputs` (files and folders, walked recursively) into
   * `outDir`, in a process of its own; serve mode names full paths on the serving computer, Electron uses the
   * pickers' choice (`batch:choose`). Answers once the batch is planned (a bad template or existing outputs
   * fail here, before anything is written); `batch:progress` events follow until its end.
   */
  'batch:start': {
    req: DocumentScoped & BatchSettings & { filters: readonly FilterSpec[]; inputs?: readonly string[]; outDir?: string }
    res: { run: string; total: number; existing: number }
  }
  /** Stops a batch: no new file starts, a file being written is finished or dropped; its end event follows. */
  'batch:cancel': { req: { run: string }; res: { cancelled: boolean } }
  /** Open a Photoshop Custom filter (.acf): from a path, the open dialog (Electron) or uploaded bytes. */
  'kernel:open-acf': { req: { path?: string; name?: string; bytes?: Uint8Array }; res: AcfKernel | null }
  /** Save a kernel (at most 5x5, whole numbers) as .acf: to `path`, via a save dialog (Electron), or as bytes (serve). */
  'kernel:save-acf': {
    req: { rows: readonly (readonly number[])[]; divisor: number; offset: number; name?: string; path?: string; force?: boolean }
    res: { path?: string; fileName: string; bytes?: Uint8Array } | null
  }
  /** The personal kernel gallery (custom kernels saved by the user), persisted between launches. */
  'gallery:load': { req: Record<string, never>; res: readonly FilterSpec[] }
  /** Replace the personal kernel gallery; each entry is validated like a recipe filter. */
  'gallery:save': { req: { items: readonly FilterSpec[] }; res: { count: number } }
}

/** A channel name of the contract. */
export type Channel = keyof ApiMap

/** The API object the renderer uses: one named async function per channel. */
export type Api = { [C in Channel]: (req: ApiMap[C]['req']) => Promise<ApiMap[C]['res']> }

/** Events pushed to the renderer (menu commands, export progress, host restart). */
export interface ApiEvents {
  /** A menu item or accelerator: open, export, batch-export, save-recipe, open-recipe, undo, redo, zoom-in, zoom-out, zoom-fit, zoom-100. */
  'menu:command': { command: MenuCommand }
  /** Progress of an export, 0..1. */
  'job:progress': { job: 'export'; fraction: number; /** The document exporting (other windows and tabs ignore it). */ doc?: string }
  /**
   * The engine host crashed and was restarted. The image was opened again in the new host before this event
   * (image:current tells), so the renderer only re-sends its stack (a new preview).
   */
  'host:restarted': Record<string, never>
  /** A file was dropped on the window or opened from the OS (Electron). */
  'image:opened': ImageInfo
  /** Progress of a batch export, file by file, then its end with the failures. */
  'batch:progress': BatchProgress
}

/** An event name of {@link ApiEvents}. */
export type ApiEvent = keyof ApiEvents

/** What `services/client.ts` hands the renderer: every call, plus subscription to pushed events. */
export type ApiClient = Api & {
  /** Subscribes to a pushed event; returns the function that unsubscribes. */
  on<E extends ApiEvent>(event: E, cb: (payload: ApiEvents[E]) => void): () => void
}

/** True for a request with a `doc` field ({@link DocumentScoped}); an empty request (`Record<string, never>`) has every key. */
type IsScoped<R> = string extends keyof R ? false : 'doc' extends keyof R ? true : false
/** Each channel's flag, as its request type says: the table below must agree or it does not compile. */
type ScopedFlags = { readonly [C in Channel]: IsScoped<ApiMap[C]['req']> }

/**
 * Each channel once, with whether it is about one document (the renderer's client and Electron main add the
 * document's id to those). Its key order is {@link CHANNELS}'s; a missing channel does not compile.
 */
const DOCUMENT_SCOPED = {
  'app:info': false,
  'image:open': true,
  'image:upload': true,
  'image:current': true,
  'image:preview': true,
  'image:thumbnails': true,
  'image:inspect': true,
  'image:pixel': true,
  'image:histogram': true,
  'image:learn': true,
  'image:export': true,
  'recipe:save': true,
  'recipe:open': false,
  'kernel:open-acf': false,
  'kernel:save-acf': false,
  'gallery:load': false,
  'gallery:save': false,
  'document:save': true,
  'document:load': true,
  'batch:choose': true,
  'batch:start': true,
  'batch:cancel': false
} as const satisfies ScopedFlags

/** A channel about one document (its request is {@link DocumentScoped}). */
export type DocumentChannel = { [C in Channel]: ScopedFlags[C] extends true ? C : never }[Channel]

/** Every channel name, in a stable order (preload, serve client and IPC registration iterate it). */
export const CHANNELS: readonly Channel[] = Object.keys(DOCUMENT_SCOPED) as Channel[]

/** The channels about one document: the renderer's client adds its document's id to each (DocumentScoped). */
export const DOCUMENT_CHANNELS: readonly DocumentChannel[] = CHANNELS.filter((c): c is DocumentChannel => DOCUMENT_SCOPED[c])

/** Every event name. */
export const EVENTS = ['menu:command', 'job:progress', 'host:restarted', 'image:opened', 'batch:progress'] as const satisfies readonly ApiEvent[]

/** Menu commands sent as `menu:command` (Electron menu and accelerators). */
export type MenuCommand =
  | 'open'
  | 'export'
  | 'batch-export'
  | 'save-recipe'
  | 'open-recipe'
  | 'undo'
  | 'redo'
  | 'zoom-in'
  | 'zoom-out'
  | 'zoom-fit'
  | 'zoom-100'

/** Electron only: the IPC channel main uses to push {@link ApiEvents} to the preload (`(event, payload)`). */
export const IPC_EVENT_CHANNEL = 'api:event'

/** Electron only: what main's ipcMain handlers answer; errors travel as data so their names and codes survive. */
export type IpcReply = { ok: true; res: unknown } | { ok: false; error: WireError }
