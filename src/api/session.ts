// Runs in Node (serve mode, tests) and Electron main: the image one document (window or browser tab) has open, as
// the API handlers share it. Remembers where it came from, so it is opened again after the engine host restarts
// or after the host dropped it to stay within its memory cap.
import { basename, dirname, resolve } from 'node:path'
import type { ImageInfo } from '../contract/api'
import { errorCode } from '../contract/errors'
import type { HostClient, RequestOptions } from '../host/client'
import type { HostRequestBody, HostResults } from '../host/protocol'
import type { RecentFiles } from './recent-files'

/** Where the open image came from: a file, or uploaded bytes. */
interface ImageSource {
  readonly name: string
  readonly path?: string
  readonly bytes?: Uint8Array
  /** The file is an upload serve mode streamed to its temporary folder: its path is nobody's business. */
  readonly upload?: boolean
}

/** The host's answer for `source`, without the temporary path of an upload. */
function shown(info: ImageInfo, source: ImageSource | null): ImageInfo {
  if (!source?.upload) return info
  const { path: _temporary, ...rest } = info
  return rest
}

/** A host request about a document, without the document (the session adds its own). */
type DocumentBody = Exclude<HostRequestBody, { type: 'cancel' }>

/** One document's open image: opened through the host, opened there again when the host lost it. */
export class ImageSession {
  private source: ImageSource | null = null
  private info: ImageInfo | null = null
  /** The folder of the user's file the image came from (null for samples and uploads): relative paths go there. */
  private imageFolder: string | null = null

  /**
   * @param host the engine host
   * @param doc the document's id (every request to the host carries it)
   * @param recent the recent files list, which images opened from a path join
   * @param onOpenedPath called after an image is opened from a path (Electron adds it to the OS recent documents)
   * @param initialImage the image the document starts with (`serve --open`), opened when it is first asked for
   */
  constructor(
    readonly host: HostClient,
    readonly doc: string,
    private readonly recent: RecentFiles,
    private readonly onOpenedPath?: (path: string) => void,
    private initialImage?: string
  ) {}

  /** Opens the image again in the host (after a restart), if there is one; resolves either way. */
  reopen(): Promise<void> {
    const source = this.source
    if (!source) return Promise.resolve()
    return this.host
      .request({ type: 'open', doc: this.doc, name: source.name, path: source.path, bytes: source.bytes })
      .then((info) => void (this.info = shown(info, source)))
      .catch(() => {
        this.info = null
      })
  }

  /**
   * Sends `body` about this document. When the host has no image for it although one was opened (the host
   * restarted, or dropped its pixels to stay within its memory cap), opens it again from its file or bytes and
   * sends the request once more.
   */
  async request<T extends DocumentBody['type']>(body: Extract<DocumentBody, { type: T }>, options: RequestOptions = {}): Promise<HostResults[T]> {
    const send = (): Promise<HostResults[T]> => this.host.request({ ...body, doc: this.doc } as Extract<HostRequestBody, { type: T }>, options)
    try {
      return await send()
    } catch (err) {
      if (errorCode(err) !== 'no-image' || !this.source) throw err
      await this.open(this.source)
      return send()
    }
  }

  /** Opens `source` in the host and makes it the current image. */
  private async open(source: ImageSource): Promise<ImageInfo> {
    const info = shown(await this.host.request({ type: 'open', doc: this.doc, name: source.name, path: source.path, bytes: source.bytes }), source)
    this.source = source.path !== undefined ? { name: info.name, path: source.path, upload: source.upload } : source
    this.info = info
    return info
  }

  /** Opens a bundled sample (not a recent file). */
  async openSample(path: string): Promise<ImageInfo> {
    const info = await this.open({ name: basename(path), path })
    this.imageFolder = null
    return info
  }

  /** Opens a file the user chose; it joins the recent files. */
  async openPath(path: string): Promise<ImageInfo> {
    const absolute = resolve(path)
    const info = await this.open({ name: basename(absolute), path: absolute })
    this.imageFolder = dirname(absolute)
    await this.recent.add(absolute)
    this.onOpenedPath?.(absolute)
    return info
  }

  /** Opens uploaded bytes (a private copy is kept: the transport's buffer may be reused, and a restart re-opens it). */
  async openBytes(name: string, bytes: Uint8Array): Promise<ImageInfo> {
    const info = await this.open({ name: basename(name), bytes: new Uint8Array(bytes) })
    this.imageFolder = null
    return info
  }

  /** Opens a file serve mode received as an upload (kept until the next upload; its path is not shown). */
  async openUpload(name: string, file: string): Promise<ImageInfo> {
    const info = await this.open({ name: basename(name), path: file, upload: true })
    this.imageFolder = null
    return info
  }

  /** The folder of the file the user opened (where relative save paths go), or null (a sample, an upload). */
  get folder(): string | null {
    return this.imageFolder
  }

  /** The open image as the host knows it (asked again: after a restart it may have none). */
  async current(): Promise<ImageInfo | null> {
    const initial = this.initialImage
    this.initialImage = undefined
    if (initial !== undefined && !this.source) return this.openPath(initial)
    let info = await this.host.request({ type: 'current', doc: this.doc })
    // Dropped by the host (memory cap) but not by the user: open it again.
    if (!info && this.source) info = await this.open(this.source)
    this.info = info && shown(info, this.source)
    return this.info
  }

  /** The open image, asking the host only when nothing is known yet. */
  async known(): Promise<ImageInfo | null> {
    return this.info ?? (await this.current())
  }

  /** The open image's name as last known, without asking the host. */
  get name(): string | null {
    return this.info?.name ?? null
  }
}
