// Runs in the renderer. Keyboard shortcuts and Electron menu commands, mapped to one set of app commands.
import { onScopeDispose } from 'vue'
import type { MenuCommand } from '../../api/contract'
import { api } from '../services/client'

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

/** True when keyboard input belongs to a text field, select or editable element rather than to the app. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true
  if (target instanceof HTMLInputElement) {
    return !['button', 'checkbox', 'radio', 'range', 'color', 'file', 'submit', 'reset'].includes(target.type)
  }
  return false
}

/**
 * Runs `run(command)` for shortcuts and for Electron menu commands. In Electron the menu's accelerators already
 * send the menu commands, so those keys are left to the menu. Keys already handled (defaultPrevented) are ignored.
 */
export function useShortcuts(run: (command: AppCommand) => void, isElectron: () => boolean): void {
  function onKey(e: KeyboardEvent): void {
    if (e.defaultPrevented || e.isComposing) return
    const command = commandForKey(e, isTypingTarget(e.target))
    if (!command) return
    if (isElectron() && MENU_COMMANDS.includes(command)) return
    // An open modal dialog owns the keyboard (it handles Escape itself).
    if (command !== 'escape' && document.querySelector('[aria-modal="true"]')) return
    e.preventDefault()
    run(command)
  }
  window.addEventListener('keydown', onKey)
  const off = api.on('menu:command', ({ command }) => run(command))
  onScopeDispose(() => {
    window.removeEventListener('keydown', onKey)
    off()
  })
}
