// Runs in Node (serve mode, tests) and Electron main: what every group of API handlers is given.
import type { ApiEvent, ApiEvents, ExportFormat } from '../contract/api'
import type { RecentFiles } from './recent-files'
import type { DocumentSessions } from './documents'

/** Native dialogs (Electron); each resolves to null when the user cancels. */
export interface Dialogs {
  openImage(): Promise<string | null>
  saveImage(defaultName: string, format: ExportFormat): Promise<string | null>
  openRecipe(): Promise<string | null>
  saveRecipe(defaultName: string): Promise<string | null>
  /** Photoshop Custom filter files (.acf) for the kernel editor. */
  openAcf?(): Promise<string | null>
  saveAcf?(defaultName: string): Promise<string | null>
  /** Batch export's pickers: image files, a folder of them, or the output folder. */
  chooseBatch?(what: 'files' | 'folder' | 'output'): Promise<string[] | null>
}

/** The state and services the handlers share. */
export interface HandlerContext {
  /** Where the UI runs. */
  readonly shell: 'electron' | 'serve'
  /** Each document's open image (one per window or tab), and the engine host they live in. */
  readonly documents: DocumentSessions
  /** Pushes an event to the renderer(s). */
  readonly emit: <E extends ApiEvent>(event: E, payload: ApiEvents[E]) => void
  /** Native dialogs; without them, calls lacking a path answer with bytes (serve mode downloads). */
  readonly dialogs?: Dialogs
  /** The bundled sample photos. */
  readonly samplesDir: string
  /** Folder for recent files and the personal gallery; null keeps them in memory only. */
  readonly dataDir: string | null
  readonly recent: RecentFiles
  /** Serve mode's upload folder: `image:upload` may name a file in it instead of carrying bytes. */
  readonly uploadDir: string | null
}
