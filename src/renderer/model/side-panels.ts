// Runs in the renderer (pure, unit-tested in Node): the side panels and how the tab list moves between them.

/** The right-hand side panels, in tab order. */
export type SidePanel = 'stack' | 'kernel' | 'explain'

/** The side panels with their tab labels, in tab order. */
export const SIDE_PANELS: readonly { readonly id: SidePanel; readonly label: string }[] = [
  { id: 'stack', label: 'Stack' },
  { id: 'kernel', label: 'Kernel' },
  { id: 'explain', label: 'Explain' }
]

/**
 * The panel a tab-list key selects from `current` (Left/Right wrap around, Home/End go to the ends), or null for
 * keys the tab list does not handle.
 */
export function panelForKey(current: SidePanel, key: string): SidePanel | null {
  const i = SIDE_PANELS.findIndex((p) => p.id === current)
  const n = SIDE_PANELS.length
  switch (key) {
    case 'ArrowRight':
      return SIDE_PANELS[(i + 1) % n].id
    case 'ArrowLeft':
      return SIDE_PANELS[(i - 1 + n) % n].id
    case 'Home':
      return SIDE_PANELS[0].id
    case 'End':
      return SIDE_PANELS[n - 1].id
    default:
      return null
  }
}
