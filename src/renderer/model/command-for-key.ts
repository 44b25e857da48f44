// Runs in the renderer (and in unit tests under Node): which app command a key press means. Pure: no DOM, no API.
import type { MenuCommand } from '../../contract/api'

/** Everything a shortcut or menu item can ask the app to do. */
export type AppCommand = MenuCommand | 'toggle-split' | 'escape'

/** The key facts {@link commandForKey} looks at (a KeyboardEvent has them all). */
export interface KeyInput {
  readonly key: string
  readonly ctrlKey: boolean
  readonly metaKey: boolean
  readonly shiftKey: boolean
  readonly altKey: boolean
}

/** Commands the Electron menu already delivers through its accelerators (so keys must not fire them twice). */
export const MENU_COMMANDS: readonly AppCommand[] = [
  'open',
  'export',
  'batch-export',
  'save-recipe',
  'open-recipe',
  'undo',
  'redo',
  'zoom-in',
  'zoom-out',
  'zoom-fit',
  'zoom-100'
]

/**
 * The command for a key press, or null. `typing` is true when focus is in a text field: then only
 * shortcuts with Ctrl/Cmd count (except undo/redo, which the field handles itself), so typing "0" or "-"
 * edits the field instead of zooming.
 */
export function commandForKey(e: KeyInput, typing: boolean): AppCommand | null {
  const mod = e.ctrlKey || e.metaKey
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key
  if (e.altKey) return null
  if (mod) {
    switch (key) {
      case 'o':
        return e.shiftKey ? 'open-recipe' : 'open'
      case 'e':
        return e.shiftKey ? 'export' : null
      case 'b':
        return e.shiftKey ? 'batch-export' : null
      case 's':
        return 'save-recipe'
      case 'z':
        if (typing) return null
        return e.shiftKey ? 'redo' : 'undo'
      case 'y':
        return typing ? null : 'redo'
      case '=':
      case '+':
        return 'zoom-in'
      case '-':
      case '_':
        return 'zoom-out'
      case '0':
        return 'zoom-fit'
      case '1':
        return 'zoom-100'
      default:
        return null
    }
  }
  if (key === 'Escape') return 'escape'
  if (typing) return null
  switch (key) {
    case '=':
    case '+':
      return 'zoom-in'
    case '-':
      return 'zoom-out'
    case '0':
      return 'zoom-fit'
    case '1':
      return 'zoom-100'
    case '\\':
      return 'toggle-split'
    default:
      return null
  }
}
