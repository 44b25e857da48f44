// Runs in the renderer. Keyboard shortcuts and Electron menu commands, mapped to one set of app commands.
import { onScopeDispose } from 'vue'
import { api } from '../services/client'
import { MENU_COMMANDS, commandForKey, type AppCommand } from '../model/command-for-key'

export type { AppCommand } from '../model/command-for-key'

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
 * True when Ctrl/Cmd+Z belongs to the focused text field (its own typing undo) rather than to the stack.
 * A field that marks itself `data-undo="stack"` (a kernel cell whose edit is committed) hands undo to the stack;
 * it switches to `data-undo="field"` while the user is typing in it.
 */
export function fieldOwnsUndo(target: EventTarget | null): boolean {
  if (!isTypingTarget(target)) return false
  return (target as HTMLElement).dataset.undo !== 'stack'
}

/**
 * Runs `run(command)` for shortcuts and for Electron menu commands. In Electron the menu's accelerators already
 * send the menu commands, so those keys are left to the menu. Keys already handled (defaultPrevented) are ignored.
 */
export function useShortcuts(run: (command: AppCommand) => void, isElectron: () => boolean): void {
  function onKey(e: KeyboardEvent): void {
    if (e.defaultPrevented || e.isComposing) return
    const typing = isTypingTarget(e.target)
    let command = commandForKey(e, typing)
    if (!command && typing && !fieldOwnsUndo(e.target)) {
      // A committed kernel cell: undo/redo go to the stack, every other key still belongs to the field.
      const asApp = commandForKey(e, false)
      if (asApp === 'undo' || asApp === 'redo') command = asApp
    }
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
