// Runs in the renderer. How the image is shown: zoom, pan, fit, before/after split, hovered and pinned pixels, theme.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

/** A point in CSS pixels of the viewer (pan offsets, cursor positions). */
export interface Point {
  readonly x: number
  readonly y: number
}

/** A width and height in pixels. */
export interface Size {
  readonly width: number
  readonly height: number
}

/** A pixel of the full-resolution source image. */
export interface PixelPos {
  readonly row: number
  readonly col: number
}

/** A rectangle in source pixel coordinates. */
export interface PixelRect {
  readonly top: number
  readonly left: number
  readonly width: number
  readonly height: number
}

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

/** The user's theme choice; `system` follows `prefers-color-scheme`. */
export type ThemePreference = 'system' | 'light' | 'dark'

/** Smallest zoom (1 screen pixel shows 64 x 64 image pixels). */
export const MIN_ZOOM = 1 / 64
/** Largest zoom (one image pixel covers 64 x 64 screen pixels: enough to read single pixels of a 7x7 image). */
export const MAX_ZOOM = 64
/** Zoom levels the zoom-in / zoom-out commands step through. */
export const ZOOM_STEPS: readonly number[] = [
  1 / 64, 1 / 48, 1 / 32, 1 / 24, 1 / 16, 1 / 12, 1 / 8, 1 / 6, 1 / 4, 1 / 3, 1 / 2, 2 / 3, 1, 1.5, 2, 3, 4, 6, 8, 12, 16,
  24, 32, 48, 64
]
/** Empty space kept around the image when fitting it to the window, in CSS pixels. */
export const FIT_MARGIN = 16

const THEME_KEY = 'kernel-studio.theme'

/** `zoom` limited to {@link MIN_ZOOM}..{@link MAX_ZOOM}. */
export function clampZoom(zoom: number): number {
  if (!Number.isFinite(zoom)) return 1
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom))
}

/**
 * The zoom that shows the whole image in the viewport. Images that would be enlarged are shown at 100% when they
 * fit less than twice over, else at a whole-number zoom, so enlarged pixels stay crisp squares.
 */
export function fitZoom(image: Size, viewport: Size, margin: number = FIT_MARGIN): number {
  if (image.width <= 0 || image.height <= 0) return 1
  const w = Math.max(1, viewport.width - 2 * margin)
  const h = Math.max(1, viewport.height - 2 * margin)
  const s = Math.min(w / image.width, h / image.height)
  if (s >= 2) return clampZoom(Math.floor(s))
  if (s >= 1) return 1
  return clampZoom(s)
}

/** The next zoom step above (`direction` 1) or below (-1) `zoom`. */
export function stepZoom(zoom: number, direction: 1 | -1): number {
  const eps = 1e-6
  if (direction > 0) return ZOOM_STEPS.find((z) => z > zoom + eps) ?? MAX_ZOOM
  for (let i = ZOOM_STEPS.length - 1; i >= 0; i--) if (ZOOM_STEPS[i] < zoom - eps) return ZOOM_STEPS[i]
  return MIN_ZOOM
}

/** Pan that centres the image in the viewport at `zoom` (whole CSS pixels, so 100% lands on the pixel grid). */
export function centredPan(image: Size, viewport: Size, zoom: number): Point {
  return {
    x: Math.round((viewport.width - image.width * zoom) / 2),
    y: Math.round((viewport.height - image.height * zoom) / 2)
  }
}

/** Pan after changing zoom so that the image point under `anchor` (viewer CSS pixels) stays under it. */
export function zoomAroundPan(pan: Point, zoom: number, nextZoom: number, anchor: Point): Point {
  const ix = (anchor.x - pan.x) / zoom
  const iy = (anchor.y - pan.y) / zoom
  return { x: anchor.x - ix * nextZoom, y: anchor.y - iy * nextZoom }
}

/**
 * Pan limited so at least `keep` CSS pixels of the image (or all of it, if smaller) stay inside the viewport:
 * the image can never be lost off-screen.
 */
export function clampPan(pan: Point, image: Size, viewport: Size, zoom: number, keep = 48): Point {
  const w = image.width * zoom
  const h = image.height * zoom
  const kx = Math.min(keep, w)
  const ky = Math.min(keep, h)
  return {
    x: Math.min(viewport.width - kx, Math.max(kx - w, pan.x)),
    y: Math.min(viewport.height - ky, Math.max(ky - h, pan.y))
  }
}

/** The source pixel under a viewer point, or null outside the image. */
export function pixelAt(point: Point, pan: Point, zoom: number, image: Size): PixelPos | null {
  const col = Math.floor((point.x - pan.x) / zoom)
  const row = Math.floor((point.y - pan.y) / zoom)
  if (col < 0 || row < 0 || col >= image.width || row >= image.height) return null
  return { row, col }
}

/** Zoom as the percentage users read: `100%`, `33.3%`, `6400%`. */
export function formatZoom(zoom: number): string {
  const pct = zoom * 100
  const digits = pct >= 10 ? 0 : 1
  return `${Number(pct.toFixed(digits))}%`
}

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
    setSystemDark
  }
})
