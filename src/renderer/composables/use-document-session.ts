// Runs in the renderer. This window's or tab's document session: restored at startup (the image, the stack with its
// undo history, the view), saved as it changes (document:save), shown in the window title (file name and a
// modified marker), and guarded when leaving with changes that were neither exported nor saved as a recipe.
import { nextTick, onScopeDispose, watch, watchEffect } from 'vue'
import type { DocumentLayer, DocumentState } from '../../contract/api'
import { api } from '../services/client'
import { useDocumentStore } from '../stores/document'
import { useSessionStore } from '../stores/session'
import { useStackStore } from '../stores/stack'
import { useStatusStore } from '../stores/status'
import { useViewStore } from '../stores/view'

/** Quiet time after a change before the session is written (a slider drag is one write). */
export const SAVE_DELAY_MS = 400
/** Undo steps kept in the saved session (the app keeps more while it runs). */
const SAVED_HISTORY = 100

/** The window title: the file name, a bullet while there are unkept changes. */
export function documentTitle(name: string | null, modified: boolean): string {
  return `${modified ? '• ' : ''}${name ?? 'No image'} — Kernel Studio`
}

/**
 * Starts the session for the calling component's scope (App.vue). `start()` restores the saved session (or opens
 * the current image or the first-launch sample) and from then on keeps the saved copy up to date.
 */
export function useDocumentSession(): { start(): Promise<void> } {
  const doc = useDocumentStore()
  const stack = useStackStore()
  const view = useViewStore()
  const session = useSessionStore()
  const status = useStatusStore()
  let timer: ReturnType<typeof setTimeout> | null = null
  /** The source last saved: kept for an upload the server no longer has, so its name is not lost. */
  let savedSource: DocumentState['source'] = null

  function source(): DocumentState['source'] {
    const from = doc.source
    if (from?.kind === 'sample') return { kind: 'sample', id: from.id }
    if (from?.kind === 'path') return { kind: 'path', path: from.path }
    if (from?.kind === 'upload') return { kind: 'upload', name: from.file.name }
    if (doc.info?.path) return { kind: 'path', path: doc.info.path }
    if (doc.info) return { kind: 'upload', name: doc.info.name }
    return savedSource
  }

  function state(): DocumentState {
    const snap = stack.snapshot()
    const layers = (list: readonly { id: string; spec: DocumentLayer['spec'] }[]): DocumentLayer[] => list.map((l) => ({ id: l.id, spec: l.spec }))
    return {
      version: 1,
      source: source(),
      name: doc.info?.name ?? null,
      layers: layers(snap.layers),
      selectedId: snap.selectedId,
      past: snap.past.slice(-SAVED_HISTORY).map(layers),
      future: snap.future.slice(-SAVED_HISTORY).map(layers),
      view: { zoom: view.zoom, pan: { x: view.pan.x, y: view.pan.y }, fit: view.fit, split: view.split },
      modified: session.modified
    }
  }

  function save(): void {
    if (timer !== null) clearTimeout(timer)
    timer = null
    const next = state()
    savedSource = next.source
    api['document:save']({ state: next }).catch((err: unknown) => status.reportError(err))
  }

  function schedule(): void {
    if (!session.restored) return
    if (timer !== null) clearTimeout(timer)
    timer = setTimeout(save, SAVE_DELAY_MS)
  }

  function beforeUnload(e: BeforeUnloadEvent): void {
    // Write what is pending now: the page may be gone before the timer fires.
    if (timer !== null) save()
    if (!session.modified) return
    e.preventDefault()
    // Older browsers want returnValue set to show their "leave site?" question.
    e.returnValue = ''
  }

  async function start(): Promise<void> {
    const saved = await api['document:load']({}).catch((err: unknown) => {
      status.reportError(err)
      return null
    })
    savedSource = saved?.source ?? null
    await doc.init(saved?.source ?? null)
    if (saved) {
      stack.restore(saved)
      // The viewer fits a newly open image first (watchers run before the next render); the saved view then wins.
      await nextTick()
      await nextTick()
      view.restoreView(saved.view)
      session.modified = saved.modified
      if (!doc.info && saved.source?.kind === 'upload') {
        status.setNotice(`${saved.name ?? 'The image'} was uploaded before the server restarted: open it again to go on (the stack and its history are kept).`)
      }
    }
    session.restored = true
    watch(() => stack.layers, () => {
      session.markModified()
      schedule()
    })
    watch(() => [stack.selectedId, stack.past.length, stack.future.length, view.zoom, view.pan.x, view.pan.y, view.fit, view.split, doc.info, session.modified], schedule)
    save()
  }

  watchEffect(() => {
    if (typeof document !== 'undefined') document.title = documentTitle(doc.info?.name ?? null, session.modified)
  })
  if (typeof window !== 'undefined') window.addEventListener('beforeunload', beforeUnload)
  onScopeDispose(() => {
    if (typeof window !== 'undefined') window.removeEventListener('beforeunload', beforeUnload)
    if (timer !== null) clearTimeout(timer)
  })

  return { start }
}
