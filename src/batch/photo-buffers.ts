// Runs in Node: the memory a batch decodes photos into and filters them into, reused from photo to photo. New
// memory costs a page fault per 4 KiB on first touch (20-40 ms per 36 MB here, 140 ms on a loaded VM), which
// a batch would otherwise pay twice for every photo. SharedArrayBuffers, so the engine's worker threads read
// and write them in place.
import type { BitDepth } from '../engine/types'

/** Samples of a photo: a view of a buffer from {@link PhotoBuffers.take}. */
export type PhotoSamples = Uint8Array | Uint16Array

/**
 * SharedArrayBuffers handed out as views of exactly the samples asked for and given back when done; a returned
 * buffer serves any later photo it is large enough for (the smallest that fits). Keeps at most `keep` free
 * buffers (the largest), so memory stays bounded by the photos in flight whatever the number of files.
 */
export class PhotoBuffers {
  private readonly free: SharedArrayBuffer[] = []

  /** @param keep Free buffers kept for reuse at most. */
  constructor(private readonly keep: number) {}

  /** A view of `samples` samples of `depth` bits, in a reused buffer where one fits, else in a new one. */
  take(samples: number, depth: BitDepth): PhotoSamples {
    const bytes = samples * (depth / 8)
    let best = -1
    this.free.forEach((buffer, i) => {
      if (buffer.byteLength >= bytes && (best < 0 || buffer.byteLength < this.free[best].byteLength)) best = i
    })
    const buffer = best >= 0 ? this.free.splice(best, 1)[0] : new SharedArrayBuffer(bytes)
    return depth === 16 ? new Uint16Array(buffer, 0, samples) : new Uint8Array(buffer, 0, samples)
  }

  /** Takes back the buffer of a view from {@link take} (other views are ignored); it must no longer be in use. */
  give(samples: PhotoSamples): void {
    const buffer = samples.buffer
    if (!(buffer instanceof SharedArrayBuffer) || this.free.includes(buffer)) return
    this.free.push(buffer)
    this.free.sort((a, b) => b.byteLength - a.byteLength)
    this.free.length = Math.min(this.free.length, this.keep)
  }
}
