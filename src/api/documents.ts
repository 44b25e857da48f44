// Runs in Node (serve mode, tests) and Electron main: one ImageSession per document (a browser tab or an Electron
// window names its document in every call), all sharing one engine host.
import type { ApiEvent, ApiEvents } from '../contract/api'
import type { HostClient } from '../host/client'
import { DEFAULT_DOCUMENT } from '../host/protocol'
import type { RecentFiles } from './recent-files'
import { ImageSession } from './session'

/** The documents' sessions by id, created on first use. */
export class DocumentSessions {
  private readonly sessions = new Map<string, ImageSession>()

  /**
   * @param host the engine host every document lives in
   * @param emit pushes `host:restarted` once the documents' images are open again in a new host
   * @param recent the recent files list
   * @param onOpenedPath called after an image is opened from a path (Electron adds it to the OS recent documents)
   * @param initialImage the image every new document starts with (`serve --open`), instead of none
   */
  constructor(
    readonly host: HostClient,
    emit: <E extends ApiEvent>(event: E, payload: ApiEvents[E]) => void,
    private readonly recent: RecentFiles,
    private readonly onOpenedPath?: (path: string) => void,
    private readonly initialImage?: string
  ) {
    host.onRestarted(() => {
      // Every open is sent before the work that was pending when the host died is sent again (HostClient).
      void Promise.all([...this.sessions.values()].map((s) => s.reopen())).finally(() => emit('host:restarted', {}))
    })
  }

  /** The session of document `doc` (absent: the default document, as for the CLI and tests). */
  get(doc: string | undefined): ImageSession {
    const id = doc ?? DEFAULT_DOCUMENT
    let session = this.sessions.get(id)
    if (!session) {
      session = new ImageSession(this.host, id, this.recent, this.onOpenedPath, this.initialImage)
      this.sessions.set(id, session)
    }
    return session
  }
}
