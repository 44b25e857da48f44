// Runs in the renderer. The viewer's pointer and keyboard gestures: pan (drag, middle button, space+drag, arrows),
// zoom around the cursor (wheel, trackpad pinch, two-finger pinch, double-click) and click to pin a pixel.
import { computed, onBeforeUnmount, onMounted, ref, type ComputedRef, type Ref } from 'vue'
import { isTypingTarget } from '../../composables/use-shortcuts'
import { pixelAt, type PixelPos, type Point } from '../../model/view-geometry'
import { useDocumentStore } from '../../stores/document'
import { useViewStore } from '../../stores/view'

/** A pointer that moves further than this (CSS pixels) before release pans instead of picking a pixel. */
const CLICK_SLOP = 3

/** The handlers to bind on the viewer element, and the cursor they imply. */
export interface ViewerGestures {
  readonly cursor: ComputedRef<string>
  readonly onPointerDown: (e: PointerEvent) => void
  readonly onPointerMove: (e: PointerEvent) => void
  readonly onPointerUp: (e: PointerEvent) => void
  readonly onPointerLeave: () => void
  readonly onDblClick: (e: MouseEvent) => void
  readonly onKeydown: (e: KeyboardEvent) => void
}

/** Gestures on `root` (the viewer element); the wheel and space-bar listeners live as long as the component. */
export function useViewerGestures(root: Ref<HTMLElement | null>): ViewerGestures {
  const doc = useDocumentStore()
  const view = useViewStore()
  const spaceHeld = ref(false)
  const dragging = ref(false)

  const pointers = new Map<number, Point>()
  let dragStart: Point | null = null
  let moved = false
  let pinchDistance = 0
  let pinchCentre: Point | null = null

  function local(e: { clientX: number; clientY: number }): Point {
    const r = root.value?.getBoundingClientRect()
    return { x: e.clientX - (r?.left ?? 0), y: e.clientY - (r?.top ?? 0) }
  }

  function pixelUnder(p: Point): PixelPos | null {
    const i = doc.info
    return i ? pixelAt(p, view.pan, view.zoom, i) : null
  }

  function onPointerDown(e: PointerEvent): void {
    if (!doc.info || (e.pointerType === 'mouse' && e.button !== 0 && e.button !== 1)) return
    root.value?.focus({ preventScroll: true })
    root.value?.setPointerCapture(e.pointerId)
    const p = local(e)
    pointers.set(e.pointerId, p)
    if (pointers.size === 2) {
      const [a, b] = [...pointers.values()]
      pinchDistance = Math.hypot(a.x - b.x, a.y - b.y)
      pinchCentre = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }
      moved = true
      return
    }
    dragStart = p
    moved = e.button === 1 || spaceHeld.value
    dragging.value = moved
    e.preventDefault()
  }

  function onPointerMove(e: PointerEvent): void {
    const p = local(e)
    if (pointers.has(e.pointerId)) {
      const prev = pointers.get(e.pointerId) as Point
      pointers.set(e.pointerId, p)
      if (pointers.size === 2 && pinchCentre) {
        const [a, b] = [...pointers.values()]
        const dist = Math.hypot(a.x - b.x, a.y - b.y)
        const centre = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }
        view.panBy(centre.x - pinchCentre.x, centre.y - pinchCentre.y)
        if (pinchDistance > 0 && dist > 0) view.zoomBy(dist / pinchDistance, centre)
        pinchDistance = dist
        pinchCentre = centre
        return
      }
      if (dragStart) {
        if (!moved && Math.hypot(p.x - dragStart.x, p.y - dragStart.y) > CLICK_SLOP) {
          moved = true
          dragging.value = true
        }
        if (moved) view.panBy(p.x - prev.x, p.y - prev.y)
      }
    }
    view.setHover(pixelUnder(p))
  }

  function onPointerUp(e: PointerEvent): void {
    const wasDrag = moved
    const start = dragStart
    pointers.delete(e.pointerId)
    if (pointers.size < 2) pinchCentre = null
    if (pointers.size > 0) return
    dragStart = null
    dragging.value = false
    moved = false
    if (!wasDrag && start && e.type === 'pointerup') {
      const px = pixelUnder(local(e))
      const cur = view.pinned
      view.setPinned(px && cur && cur.row === px.row && cur.col === px.col ? null : px)
    }
  }

  function onPointerLeave(): void {
    if (pointers.size === 0) view.setHover(null)
  }

  function onWheel(e: WheelEvent): void {
    if (!doc.info) return
    e.preventDefault()
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1
    const dy = e.deltaY * unit
    // Pinch on a trackpad arrives as ctrl+wheel with small deltas; mouse wheels send large steps.
    const k = e.ctrlKey ? 0.012 : 0.002
    const at = local(e)
    view.zoomBy(Math.exp(-dy * k), at)
    view.setHover(pixelUnder(at))
  }

  function onDblClick(e: MouseEvent): void {
    if (!doc.info) return
    if (view.fit) view.actualSize(local(e))
    else view.fitToWindow()
  }

  function onKeydown(e: KeyboardEvent): void {
    if (!doc.info || e.ctrlKey || e.metaKey || e.altKey) return
    const step = e.shiftKey ? 200 : 40
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [step, 0],
      ArrowRight: [-step, 0],
      ArrowUp: [0, step],
      ArrowDown: [0, -step]
    }
    const m = moves[e.key]
    if (m) {
      e.preventDefault()
      view.panBy(m[0], m[1])
    }
  }

  /** Space held anywhere but in a control turns dragging into panning. */
  function onWindowKey(e: KeyboardEvent): void {
    if (e.key !== ' ' || isTypingTarget(e.target)) return
    const target = e.target as HTMLElement | null
    // Space on a focused button or slider keeps its own meaning.
    if (target && target !== document.body && target !== root.value) return
    if (e.type === 'keydown') {
      e.preventDefault()
      spaceHeld.value = true
    } else spaceHeld.value = false
  }

  function onBlur(): void {
    spaceHeld.value = false
  }

  const cursor = computed(() => {
    if (!doc.info) return 'default'
    if (dragging.value) return 'grabbing'
    if (spaceHeld.value) return 'grab'
    return 'crosshair'
  })

  onMounted(() => {
    // Bound here rather than in the template: only a non-passive listener may stop the page from scrolling.
    root.value?.addEventListener('wheel', onWheel, { passive: false })
    window.addEventListener('keydown', onWindowKey)
    window.addEventListener('keyup', onWindowKey)
    window.addEventListener('blur', onBlur)
  })

  onBeforeUnmount(() => {
    root.value?.removeEventListener('wheel', onWheel)
    window.removeEventListener('keydown', onWindowKey)
    window.removeEventListener('keyup', onWindowKey)
    window.removeEventListener('blur', onBlur)
  })

  return { cursor, onPointerDown, onPointerMove, onPointerUp, onPointerLeave, onDblClick, onKeydown }
}
