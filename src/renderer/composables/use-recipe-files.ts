// Runs in the renderer. Saving the stack as a recipe file and loading one into it, through the API.
import { api } from '../services/client'
import { download } from '../services/download'
import { useSessionStore } from '../stores/session'
import { useStackStore } from '../stores/stack'
import { useStatusStore } from '../stores/status'

/** Recipe file actions; failures land in the error banner. */
export interface RecipeFiles {
  /** Saves the stack as a recipe: a save dialog (Electron) or a download (serve mode). Resolves false on cancel or failure. */
  saveRecipe(): Promise<boolean>
  /**
   * Loads a recipe into the stack (one undo step): from a picked file's bytes, or (Electron, no file) through the
   * open dialog. Resolves false on cancel or failure.
   */
  openRecipe(file?: File): Promise<boolean>
}

/** The recipe file actions for the current Pinia. */
export function useRecipeFiles(): RecipeFiles {
  const stack = useStackStore()
  const status = useStatusStore()

  async function saveRecipe(): Promise<boolean> {
    try {
      const res = await api['recipe:save']({ recipe: stack.toRecipe() })
      if (res?.bytes) download(res.bytes, res.fileName, 'application/json')
      if (res !== null) useSessionStore().markKept()
      return res !== null
    } catch (err) {
      status.reportError(err)
      return false
    }
  }

  async function openRecipe(file?: File): Promise<boolean> {
    try {
      const req = file ? { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } : {}
      const recipe = await api['recipe:open'](req)
      if (!recipe) return false
      stack.loadRecipe(recipe)
      status.dismissError()
      return true
    } catch (err) {
      status.reportError(err)
      return false
    }
  }

  return { saveRecipe, openRecipe }
}
