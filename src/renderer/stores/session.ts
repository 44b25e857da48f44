// Runs in the renderer. This window's or tab's document session: whether it has changes not yet exported or saved
// as a recipe (the title's marker, the question before leaving), and whether the saved session has been restored.
import { defineStore } from 'pinia'
import { ref } from 'vue'

/** The session store; use-document-session.ts keeps it and the saved copy in step. */
export const useSessionStore = defineStore('session', () => {
  /** Edits since the image was opened, exported or its recipe saved. */
  const modified = ref(false)
  /** The saved session has been restored (or there was none): changes are saved from now on. */
  const restored = ref(false)

  /** Marks the stack as changed. */
  function markModified(): void {
    modified.value = true
  }

  /** Marks the work as kept (exported, recipe saved) or as new (another image opened with an empty stack). */
  function markKept(): void {
    modified.value = false
  }

  return { modified, restored, markModified, markKept }
})
