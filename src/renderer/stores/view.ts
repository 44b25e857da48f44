// Runs in the renderer. How the image is shown: zoom, pan, fit, before/after split, hovered and pinned pixels, theme.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { SIDE_PANELS, type SidePanel } from '../model/side-panels'
import {
  centredPan,
  clampPan,
  clampZoom,
  fitZoom,
  formatZoom,
  stepZoom,
  zoomAroundPan,
  type PixelPos,
  type PixelRect,
  type Point,
  type Size
} from '../model/view-geometry'

/** The user's theme choice; `system` follows `prefers-color-scheme`. */
export type ThemePreference = 'system' | 'light' | 'dark'

const THEME_KEY = 'kernel-studio.theme'

function readTheme(): ThemePreference {
  try {
    const v = globalThis.localStorage?.getItem(THEME_KEY)
    return v === 'light' || v === 'dark' ? v : 'system'
  } catch {
    return 'system'
  }
}

/** The view store: everything about how the document is displayed, nothing about its pixels. */
export const useViewStore = defineStore('view', () => {
  /** Screen pixels per image pixel (CSS pixels; the canvas multiplies by devicePixelRatio). */
  const zoom = ref(1)
  /** Keep the whole image fitted to the viewport (re-fits when the window or image size changes). */
  const fit = ref(true)
  /** Position of the image's top-left corner in the viewer, CSS pixels. */
  const pan = ref<Point>({ x: 0, y: 0 })
  /** Before/after divider position across the viewer, 0..1; null when the split view is off. */
  const split = ref<number | null>(null)
  /** Source pixel under the cursor. */
  const hover = ref<PixelPos | null>(null)
  /** Clicked pixel (for Explain). */
  const pinned = ref<PixelPos | null>(null)
  /** Rectangle the viewer outlines, in source pixels (the Explain panel's kernel window). */
  const highlight = ref<PixelRect | null>(null)
  /** The user's theme choice. */
  const theme = ref<ThemePreference>(readTheme())
  /** Whether the OS asks for a dark theme (set from `prefers-color-scheme`). */
  const systemDark = ref(false)
  /** The side panel shown on the right (Stack, Kernel or Explain). */
  const panel = ref<SidePanel>('stack')
  /** The viewer's size in CSS pixels. */
  const viewport = ref<Size>({ width: 0, height: 0 })
  /** The displayed image's full-resolution size. */
  const imageSize = ref<Size>({ width: 0, height: 0 })

  /** The theme in effect: `light` or `dark`. */
  const effectiveTheme = computed<'light' | 'dark'>(() =>
    theme.value === 'system' ? (systemDark.value ? 'dark' : 'light') : theme.value
  )
  /** Zoom as a percentage label. */
  const zoomLabel = computed(() => formatZoom(zoom.value))

  function hasImage(): boolean {
    return imageSize.value.width > 0 && imageSize.value.height > 0
  }

  function applyFit(): void {
    zoom.value = fitZoom(imageSize.value, viewport.value)
    pan.value = centredPan(imageSize.value, viewport.value, zoom.value)
  }

  function centre(): Point {
    return { x: viewport.value.width / 2, y: viewport.value.height / 2 }
  }

  /** Records the viewer's size; keeps a fitted image fitted, otherwise keeps the view centre where it was. */
  function setViewport(width: number, height: number): void {
    const old = viewport.value
    viewport.value = { width, height }
    if (fit.value) applyFit()
    else if (old.width > 0 && old.height > 0) {
      pan.value = { x: pan.value.x + (width - old.width) / 2, y: pan.value.y + (height - old.height) / 2 }
    }
  }

  /**
   * Records the image size. A new size (another image) is fitted; the same size (same image re-filtered) keeps
   * the user's zoom and pan.
   */
  function setImageSize(width: number, height: number, refit = false): void {
    const same = imageSize.value.width === width && imageSize.value.height === height
    imageSize.value = { width, height }
    if (!same || refit) {
      fit.value = true
      hover.value = null
      pinned.value = null
      highlight.value = null
    }
    if (fit.value) applyFit()
  }

  /** Fits the whole image in the window. */
  function fitToWindow(): void {
    fit.value = true
    applyFit()
  }

  /**
   * Zooms to `value`, keeping the image point under `anchor` still (default: the viewer's centre).
   * A fitted view that was centred stays centred when the image becomes smaller than the viewer.
   */
  function zoomTo(value: number, anchor: Point = centre()): void {
    const next = clampZoom(value)
    fit.value = false
    if (!hasImage()) {
      zoom.value = next
      return
    }
    const moved = zoomAroundPan(pan.value, zoom.value, next, anchor)
    zoom.value = next
    pan.value = clampPan(moved, imageSize.value, viewport.value, next)
    // When the whole image fits, centring it reads better than leaving it wherever the anchor put it.
    if (imageSize.value.width * next <= viewport.value.width && imageSize.value.height * next <= viewport.value.height) {
      pan.value = centredPan(imageSize.value, viewport.value, next)
    }
  }

  /** Multiplies the zoom by `factor` around `anchor` (wheel and pinch). */
  function zoomBy(factor: number, anchor?: Point): void {
    zoomTo(zoom.value * factor, anchor)
  }

  /** One zoom step in. */
  function zoomIn(anchor?: Point): void {
    zoomTo(stepZoom(zoom.value, 1), anchor)
  }

  /** One zoom step out. */
  function zoomOut(anchor?: Point): void {
    zoomTo(stepZoom(zoom.value, -1), anchor)
  }

  /** 100%: one image pixel per CSS pixel, around `anchor` (default centre), snapped to whole pixels. */
  function actualSize(anchor?: Point): void {
    zoomTo(1, anchor)
    pan.value = { x: Math.round(pan.value.x), y: Math.round(pan.value.y) }
  }

  /** Moves the image by (dx, dy) CSS pixels. */
  function panBy(dx: number, dy: number): void {
    if (!hasImage()) return
    fit.value = false
    pan.value = clampPan({ x: pan.value.x + dx, y: pan.value.y + dy }, imageSize.value, viewport.value, zoom.value)
  }

  /** Sets the before/after divider (clamped to 0..1), or turns the split off with null. */
  function setSplit(value: number | null): void {
    split.value = value === null || !Number.isFinite(value) ? null : Math.min(1, Math.max(0, value))
  }

  /** Turns the before/after split on (divider in the middle) or off. */
  function toggleSplit(): void {
    split.value = split.value === null ? 0.5 : null
  }

  /** Sets the hovered pixel (null when the cursor leaves the image). */
  function setHover(pos: PixelPos | null): void {
    const old = hover.value
    if (old === pos || (old && pos && old.row === pos.row && old.col === pos.col)) return
    hover.value = pos
  }

  /** Pins a pixel for Explain (null unpins). */
  function setPinned(pos: PixelPos | null): void {
    pinned.value = pos
  }

  /** Sets the outlined rectangle (null removes it). */
  function setHighlight(rect: PixelRect | null): void {
    highlight.value = rect
  }

  /** Shows a side panel (ignores names that are not panels, e.g. from an old menu). */
  function setPanel(value: SidePanel): void {
    if (SIDE_PANELS.some((p) => p.id === value)) panel.value = value
  }

  /** Chooses the theme and remembers the choice between launches. */
  function setTheme(value: ThemePreference): void {
    theme.value = value
    try {
      if (value === 'system') globalThis.localStorage?.removeItem(THEME_KEY)
      else globalThis.localStorage?.setItem(THEME_KEY, value)
    } catch {
      // Storage can be unavailable (private windows, tests): the choice then lasts for this session only.
    }
  }

  /** Cycles system -> light -> dark -> system. */
  function cycleTheme(): void {
    setTheme(theme.value === 'system' ? 'light' : theme.value === 'light' ? 'dark' : 'system')
  }

  /** Records the OS colour scheme. */
  function setSystemDark(dark: boolean): void {
    systemDark.value = dark
  }

  /** Puts back a saved document's view (zoom and pan, or fitted; the before/after split). */
  function restoreView(saved: { zoom: number; pan: Point; fit: boolean; split: number | null }): void {
    split.value = saved.split === null ? null : Math.min(1, Math.max(0, saved.split))
    if (saved.fit || !hasImage()) {
      fitToWindow()
      return
    }
    fit.value = false
    zoom.value = clampZoom(saved.zoom)
    pan.value = clampPan(saved.pan, imageSize.value, viewport.value, zoom.value)
  }

  return {
    zoom,
    fit,
    pan,
    split,
    hover,
    pinned,
    highlight,
    theme,
    systemDark,
    panel,
    viewport,
    imageSize,
    effectiveTheme,
    zoomLabel,
    setViewport,
    setImageSize,
    fitToWindow,
    zoomTo,
    zoomBy,
    zoomIn,
    zoomOut,
    actualSize,
    panBy,
    setSplit,
    toggleSplit,
    setHover,
    setPinned,
    setHighlight,
    setPanel,
    setTheme,
    cycleTheme,
    setSystemDark,
    restoreView
  }
})
