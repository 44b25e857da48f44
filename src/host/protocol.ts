// The engine host's one message protocol, shared by the host (child process / utility process) and its clients.
// Messages are structured-clone values: typed arrays travel as copies (transferring them through Electron's
// MessagePortMain is broken: electron/electron#34905, #37565).
import type { ExportFormat, ImageInfo, LearnedExample, PreviewGrid, PreviewRegion, PreviewResult, Raster } from '../contract/api'
import type { WireError } from '../contract/errors'
import type { Histogram } from '../engine/histogram'
import type { InspectResult } from '../engine/inspect'
import type { BitDepth, FilterSpec } from '../engine/types'

/** The document of requests that name none (the CLI's and tests' single document). */
export const DEFAULT_DOCUMENT = 'default'

/** Open an image from a path (read by the host) or from bytes (uploads). */
export interface OpenRequest {
  readonly type: 'open'
  /** The document (window or tab) it is about; absent: the default document. */
  readonly doc?: string
  /** Display name of the image. */
  readonly name: string
  readonly path?: string
  readonly bytes?: Uint8Array
}

/** The open image's info, or null. */
export interface CurrentRequest {
  readonly type: 'current'
  /** The document (window or tab) it is about; absent: the default document. */
  readonly doc?: string
}

/**
 * A filtered preview: `region` (result coordinates; default the whole result) of the exact full-resolution result,
 * area-averaged down to fit maxWidth x maxHeight when larger. `approximate` (whole result only): the stack run on
 * a screen-sized proxy instead, quick but wrong in scale (kernels act too wide), for frames while a slider moves.
 */
export interface PreviewRequest {
  readonly type: 'preview'
  /** The document (window or tab) it is about; absent: the default document. */
  readonly doc?: string
  readonly requestId: number
  readonly filters: readonly FilterSpec[]
  readonly maxWidth: number
  readonly maxHeight: number
  readonly region?: PreviewRegion
  readonly grid?: PreviewGrid
  readonly approximate?: boolean
}

/** One small preview per filter, each applied alone to a thumbnail-sized proxy. */
export interface ThumbnailsRequest {
  readonly type: 'thumbnails'
  /** The document (window or tab) it is about; absent: the default document. */
  readonly doc?: string
  readonly filters: readonly FilterSpec[]
  readonly size: number
}

/** Explain one output pixel of filter `index` (its input is the stack's result before it). */
export interface InspectRequest {
  readonly type: 'inspect'
  /** The document (window or tab) it is about; absent: the default document. */
  readonly doc?: string
  readonly filters: readonly FilterSpec[]
  readonly index: number
  readonly row: number
  readonly col: number
}

/** Sample values at (row, col) of the source, or of the full-resolution result of `filters`. */
export interface PixelRequest {
  readonly type: 'pixel'
  /** The document (window or tab) it is about; absent: the default document. */
  readonly doc?: string
  readonly row: number
  readonly col: number
  readonly filters?: readonly FilterSpec[]
}

/** Histograms of the source and of the full-resolution result of `filters`. */
export interface HistogramRequest {
  readonly type: 'histogram'
  /** The document (window or tab) it is about; absent: the default document. */
  readonly doc?: string
  readonly filters: readonly FilterSpec[]
}

/** Learn the kernel that turns the open image into `bytes` (an encoded image of the same size). */
export interface LearnRequest {
  readonly type: 'learn'
  /** The document (window or tab) it is about; absent: the default document. */
  readonly doc?: string
  /** AFTER's name, for messages. */
  readonly name: string
  readonly bytes: Uint8Array
  readonly size: number
  readonly perChannel: boolean
}

/** Apply the stack at full resolution and encode the result; reports progress. */
export interface EncodeRequest {
  readonly type: 'export'
  /** The document (window or tab) it is about; absent: the default document. */
  readonly doc?: string
  readonly filters: readonly FilterSpec[]
  readonly format: ExportFormat
  readonly quality?: number
  readonly depth?: BitDepth
}

/** Abort the request with id `target` (it then fails with an AbortError). */
export interface CancelRequest {
  readonly type: 'cancel'
  readonly target: number
}

/** Every request, without its id. */
export type HostRequestBody =
  | OpenRequest
  | CurrentRequest
  | PreviewRequest
  | ThumbnailsRequest
  | InspectRequest
  | PixelRequest
  | HistogramRequest
  | LearnRequest
  | EncodeRequest
  | CancelRequest

/** A request as sent: `{ id, type, ... }`. */
export type HostRequest = HostRequestBody & { readonly id: number }

/** The bytes of an export. */
export interface EncodeResult {
  readonly bytes: Uint8Array
  readonly width: number
  readonly height: number
  readonly depth: BitDepth
  /** Things the user should know, e.g. that JPEG flattened the alpha channel. */
  readonly notes: readonly string[]
}

/** What each request type answers. */
export interface HostResults {
  open: ImageInfo
  current: ImageInfo | null
  preview: PreviewResult
  thumbnails: (Raster | null)[]
  inspect: InspectResult
  pixel: { values: number[] }
  histogram: { before: Histogram; after: Histogram }
  learn: LearnedExample
  export: EncodeResult
  cancel: { cancelled: boolean }
}

/** The reply to request `id`. */
export type HostReply =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: WireError }

/** Progress of export `id`, 0..1. */
export interface HostProgress {
  readonly event: 'progress'
  readonly id: number
  readonly job: 'export'
  readonly fraction: number
}

/** Sent once when the host is ready for requests. */
export interface HostReady {
  readonly event: 'ready'
  readonly pid: number
}

/** Anything the host sends. */
export type HostMessage = HostReply | HostProgress | HostReady
