// Row tasks: pure jobs over ranges of output rows that the engine's executors run in bands on all their threads,
// besides planned filters (a layer's input and composite, ...). A task is plain data (numbers, strings, typed
// arrays, SharedArrayBuffers) so it can be posted to worker threads as it is; each band writes only its own rows.
// A new kind of task is one more member of the RowTask union and one more case in runRowTask. Pure: no node:*.
import type { Kernels } from './backend'
import { layerCompositeRows, type LayerCompositeIO, type LayerCompositeJob } from './layer-composite'
import { layerFusedRows, type LayerFusedIO, type LayerFusedJob } from './layer-fused'
import { layerInputRows, type LayerInputJob } from './layer-input'
import { downscaleBufferRows, type DownscaleJob } from '../downscale'

/** Every kind of row task; `kind` says which function runs its rows. */
export type RowTask =
  /** A layer's filter input (Y, one channel, linear light) as f32 rows: layer-input.ts. */
  | {
      readonly kind: 'layer-input'
      readonly job: LayerInputJob
      readonly src: ArrayBufferLike
      readonly srcOffset: number
      readonly dst: ArrayBufferLike
    }
  /** A layer's composite (the filtered layer rebuilt, blended, weighed by opacity x mask, stored): layer-composite.ts. */
  | { readonly kind: 'layer-composite'; readonly job: LayerCompositeJob; readonly io: LayerCompositeIO }
  /** A layer on Y or one channel of an 8-bit RGB photo, input, kernel and composite in one pass: layer-fused.ts. */
  | { readonly kind: 'layer-fused'; readonly job: LayerFusedJob; readonly io: LayerFusedIO }
  /** A window of an image area-averaged to a grid (the viewer's exact previews): engine/downscale.ts. */
  | { readonly kind: 'downscale'; readonly job: DownscaleJob; readonly src: ArrayBufferLike; readonly srcOffset: number; readonly dst: ArrayBufferLike }

/**
 * Computes rows [r0, r1) of `task` on the calling thread. `kernels`: a kernel set of that thread that row tasks may
 * use freely (its memory is their scratch, so not the instance whose BandRunner keeps a plan's scratch there).
 */
export function runRowTask(task: RowTask, r0: number, r1: number, kernels: Kernels): void {
  switch (task.kind) {
    case 'layer-input':
      layerInputRows(task.job, task.src, task.srcOffset, task.dst, r0, r1, kernels)
      return
    case 'layer-composite':
      layerCompositeRows(task.job, task.io, r0, r1, kernels)
      return
    case 'layer-fused':
      layerFusedRows(task.job, task.io, r0, r1, kernels)
      return
    case 'downscale':
      downscaleBufferRows(task.job, task.src, task.srcOffset, task.dst, r0, r1)
      return
  }
}

/**
 * Splits `rows` into about `threads * 4` bands of whole rows (at least `minRows` each), so threads that finish
 * early take more. Row tasks compute each row on its own, so the split never changes a result.
 */
export function rowBands(rows: number, threads: number, minRows = 16): [number, number][] {
  const count = Math.max(1, Math.min(threads * 4, Math.floor(rows / minRows)))
  const bands: [number, number][] = []
  for (let b = 0; b < count; b++) {
    const r0 = Math.floor((b * rows) / count)
    const r1 = Math.floor(((b + 1) * rows) / count)
    if (r1 > r0) bands.push([r0, r1])
  }
  return bands
}
