// Types window.api for the renderer: the object electron/preload/index.ts exposes (absent in serve mode).
import type { ApiClient } from '../../src/contract/api'

declare global {
  interface Window {
    /** The typed API (Electron only; services/client.ts falls back to the serve-mode client without it). */
    readonly api?: ApiClient
  }
}

export {}
