// Runs in Electron's main process: recent files, in the app's data folder and in the OS's recent documents.
import { app } from 'electron'
import { RecentFiles } from '../../src/api/recent-files'

/** The recent files list (the same file the API handlers write to through `dataDir`). */
export function setupRecent(): { files: RecentFiles; remember(path: string): void } {
  const files = new RecentFiles(app.getPath('userData'))
  return {
    files,
    remember(path: string) {
      app.addRecentDocument(path)
    }
  }
}
