// Runs in the renderer. Files dragged from the desktop onto the window: the drop target state and the dropped files.
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

/**
 * Accepts files dropped anywhere on the window for as long as the calling component is mounted, and passes them to
 * `onDrop`. The returned flag is true while files are dragged over the window (to show a drop target).
 */
export function useFileDrop(onDrop: (files: File[]) => void): Ref<boolean> {
  const active = ref(false)
  // dragenter/dragleave fire for every element crossed; the window is left when they balance out.
  let depth = 0

  function hasFiles(e: DragEvent): boolean {
    return [...(e.dataTransfer?.types ?? [])].includes('Files')
  }

  function onDragEnter(e: DragEvent): void {
    if (!hasFiles(e)) return
    e.preventDefault()
    depth += 1
    active.value = true
  }

  function onDragOver(e: DragEvent): void {
    if (!hasFiles(e)) return
    e.preventDefault()
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'
  }

  function onDragLeave(e: DragEvent): void {
    if (!hasFiles(e)) return
    depth = Math.max(0, depth - 1)
    if (depth === 0) active.value = false
  }

  function onDropEvent(e: DragEvent): void {
    if (!hasFiles(e)) return
    e.preventDefault()
    depth = 0
    active.value = false
    const files = [...(e.dataTransfer?.files ?? [])]
    if (files.length > 0) onDrop(files)
  }

  onMounted(() => {
    window.addEventListener('dragenter', onDragEnter)
    window.addEventListener('dragover', onDragOver)
    window.addEventListener('dragleave', onDragLeave)
    window.addEventListener('drop', onDropEvent)
  })
  onBeforeUnmount(() => {
    window.removeEventListener('dragenter', onDragEnter)
    window.removeEventListener('dragover', onDragOver)
    window.removeEventListener('dragleave', onDragLeave)
    window.removeEventListener('drop', onDropEvent)
  })
  return active
}
