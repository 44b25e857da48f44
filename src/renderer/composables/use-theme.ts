// Runs in the renderer. Applies the theme choice to the page and follows the system's colour scheme.
import { onBeforeUnmount, onMounted, watch } from 'vue'
import { useViewStore } from '../stores/view'

/** Keeps `<html data-theme>` on the user's choice (absent for "system") and the view store told of the OS scheme. */
export function useTheme(): void {
  const view = useViewStore()
  let media: MediaQueryList | null = null

  function onScheme(e: MediaQueryListEvent | MediaQueryList): void {
    view.setSystemDark(e.matches)
  }

  watch(
    () => view.theme,
    (t) => {
      if (t === 'system') delete document.documentElement.dataset.theme
      else document.documentElement.dataset.theme = t
    },
    { immediate: true }
  )

  onMounted(() => {
    media = window.matchMedia('(prefers-color-scheme: dark)')
    onScheme(media)
    media.addEventListener('change', onScheme)
  })
  onBeforeUnmount(() => {
    media?.removeEventListener('change', onScheme)
  })
}
