// Runs in the renderer: this window's or tab's document id, which every call about the document carries. Electron
// names it in the page's address (one per window, restored with the window); in a browser tab it is kept in
// sessionStorage, which is per tab and survives a reload, so a reload finds its document again.

const KEY = 'kernel-studio.document'
const VALID = /^[A-Za-z0-9_-]{1,64}$/

let cached: string | null = null

/** A new random id (crypto.randomUUID needs a secure context; 127.0.0.1 is one, but not every test runtime). */
function newId(): string {
  const bytes = new Uint8Array(12)
  globalThis.crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** This window's or tab's document id (made on first use). */
export function documentId(): string {
  if (cached) return cached
  let id: string | null = null
  try {
    const named = new URLSearchParams(globalThis.location?.search ?? '').get('doc')
    if (named && VALID.test(named)) id = named
    const kept = globalThis.sessionStorage?.getItem(KEY) ?? null
    if (!id && kept && VALID.test(kept)) id = kept
    id ??= newId()
    globalThis.sessionStorage?.setItem(KEY, id)
  } catch {
    // Storage refused (privacy settings): this page load still gets a document of its own.
    id ??= newId()
  }
  cached = id
  return id
}
