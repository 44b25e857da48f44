// Runs in Electron's main process: native open/save dialogs for images and recipes, and batch export's pickers.
import { dialog, type FileFilter, type OpenDialogOptions } from 'electron'
import type { ExportFormat } from '../../src/contract/api'
import type { Dialogs } from '../../src/api/handlers'
import { OUTPUT_FORMATS } from '../../src/contract/formats'
import { focusedWindow } from './window'

const IMAGE_FILTER: FileFilter = {
  name: 'Images',
  extensions: ['png', 'jpg', 'jpeg', 'tif', 'tiff', 'webp', 'avif', 'gif', 'heic', 'heif']
}
const RECIPE_FILTER: FileFilter = { name: 'Kernel Studio recipes', extensions: ['json'] }
const ACF_FILTER: FileFilter = { name: 'Photoshop Custom filters', extensions: ['acf'] }

async function pickFile(title: string, filters: FileFilter[]): Promise<string | null> {
  const win = focusedWindow()
  const options = { title, properties: ['openFile' as const], filters: [...filters, { name: 'All files', extensions: ['*'] }] }
  const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
  return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0]
}

async function saveFile(title: string, defaultPath: string, filters: FileFilter[]): Promise<string | null> {
  const win = focusedWindow()
  // The OS dialog asks before replacing an existing file, so the handler may overwrite what it returns.
  const options = { title, defaultPath, filters, properties: ['showOverwriteConfirmation' as const, 'createDirectory' as const] }
  const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options)
  return result.canceled || !result.filePath ? null : result.filePath
}

/** The dialogs the API handlers use in the desktop app. */
export function createDialogs(): Dialogs {
  return {
    openImage: () => pickFile('Open image', [IMAGE_FILTER]),
    saveImage(defaultName: string, format: ExportFormat) {
      const spec = OUTPUT_FORMATS.find((f) => f.id === format)
      const extensions = spec ? spec.extensions.map((e) => e.slice(1)) : [format]
      return saveFile('Export image', defaultName, [{ name: spec?.label ?? format, extensions }])
    },
    openRecipe: () => pickFile('Open recipe', [RECIPE_FILTER]),
    async chooseBatch(what) {
      const win = focusedWindow()
      const options: OpenDialogOptions =
        what === 'files'
          ? { title: 'Photos to export', properties: ['openFile', 'multiSelections'], filters: [IMAGE_FILTER] }
          : { title: what === 'folder' ? 'Folder of photos to export' : 'Output folder', properties: ['openDirectory', 'createDirectory'] }
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
      return result.canceled || result.filePaths.length === 0 ? null : result.filePaths
    },
    saveRecipe: (defaultName: string) => saveFile('Save recipe', defaultName, [RECIPE_FILTER]),
    openAcf: () => pickFile('Open Photoshop Custom filter', [ACF_FILTER]),
    saveAcf: (defaultName: string) => saveFile('Save as Photoshop Custom filter', defaultName, [ACF_FILTER])
  }
}
