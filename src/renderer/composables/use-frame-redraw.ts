// Runs in the renderer: redraws a canvas overlay at most once per animation frame, whenever one of its sources
// changes or the window is resized, and stops with the component.
import { onBeforeUnmount, onMounted, watch, type WatchSource } from 'vue'

/** Calls `draw` on the next frame after any of `sources` changes (and once when mounted); returns the scheduler. */
export function useFrameRedraw(draw: () => void, sources: WatchSource[]): () => void {
  let frame = 0
  const run = (): void => {
    frame = 0
    draw()
  }
  const schedule = (): void => {
    if (frame === 0) frame = requestAnimationFrame(run)
  }
  watch(sources, schedule)
  onMounted(() => {
    window.addEventListener('resize', schedule)
    schedule()
  })
  onBeforeUnmount(() => {
    window.removeEventListener('resize', schedule)
    if (frame) cancelAnimationFrame(frame)
  })
  return schedule
}
