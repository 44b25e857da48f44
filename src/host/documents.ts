// Runs in the engine host: the open documents, one per window or browser tab, within a memory cap. Over the cap,
// caches go first (least recently used document first), then the decoded sources of documents not in use: those
// are only pixels decoded from a file or upload the API side still knows, so it opens them again when asked
// (a request for an evicted document fails with code `no-image`, and the API re-opens and retries). A user's work
// (stack, history, view) never lives here.
import { CodedError } from '../contract/errors'
import type { OpenDocument } from './document'

/** Default cap on what the documents hold (sources and caches), bytes; KERNEL_STUDIO_HOST_MEMORY_MB overrides. */
export const DEFAULT_MEMORY_CAP = 2048 * 1024 * 1024

/** The cap from KERNEL_STUDIO_HOST_MEMORY_MB when it is a positive number, else {@link DEFAULT_MEMORY_CAP}. */
export function memoryCapFromEnv(env: Record<string, string | undefined> = process.env): number {
  const mb = Number(env.KERNEL_STUDIO_HOST_MEMORY_MB)
  return Number.isFinite(mb) && mb > 0 ? mb * 1024 * 1024 : DEFAULT_MEMORY_CAP
}

/** Open documents by id, most recently used last. */
export class Documents {
  private readonly docs = new Map<string, OpenDocument>()

  /** @param cap bytes the documents may hold before caches and idle sources are dropped */
  constructor(private readonly cap: number = DEFAULT_MEMORY_CAP) {}

  /** The document `id`, marked as the most recently used; a `no-image` error when none is open (or it was evicted). */
  get(id: string): OpenDocument {
    const doc = this.docs.get(id)
    if (!doc) throw new CodedError('no image is open', 'no-image')
    this.docs.delete(id)
    this.docs.set(id, doc)
    return doc
  }

  /** The document `id` if open, without marking it used. */
  peek(id: string): OpenDocument | undefined {
    return this.docs.get(id)
  }

  /** Makes `doc` the document `id` (closing the one it replaces) and keeps within the cap. */
  set(id: string, doc: OpenDocument): void {
    this.docs.get(id)?.close()
    this.docs.delete(id)
    this.docs.set(id, doc)
    this.trim(id)
  }

  /** Ids of the open documents, least recently used first. */
  ids(): string[] {
    return [...this.docs.keys()]
  }

  /** Bytes held: every source and cache. */
  bytes(): number {
    let total = 0
    for (const doc of this.docs.values()) total += doc.sourceBytes + doc.cacheBytes()
    return total
  }

  /**
   * Keeps within the cap, sparing `inUse` as long as anything else can go: caches of other documents (least
   * recently used first), then its own caches, then the sources of other documents.
   */
  trim(inUse?: string): void {
    let total = this.bytes()
    if (total <= this.cap) return
    const others = [...this.docs.entries()].filter(([id]) => id !== inUse)
    for (const [, doc] of others) {
      if (total <= this.cap) return
      total -= doc.cacheBytes()
      doc.dropCaches()
    }
    const current = inUse === undefined ? undefined : this.docs.get(inUse)
    if (current && total > this.cap) {
      total -= current.cacheBytes()
      current.dropCaches()
    }
    for (const [id, doc] of others) {
      if (total <= this.cap) return
      total -= doc.sourceBytes
      doc.close()
      this.docs.delete(id)
    }
  }

  /** Closes every document. */
  clear(): void {
    for (const doc of this.docs.values()) doc.close()
    this.docs.clear()
  }
}
