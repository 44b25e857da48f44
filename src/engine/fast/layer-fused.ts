// Fast paths: a layer that filters the luminance Y (or one channel) of an 8-bit RGB photo, in one pass per band of
// output rows. For its rows [r0, r1) a band makes Y of the source rows the kernel reaches (its padded rows, with
// the filter's border), filters Y there (separable terms as two 1-D passes, other kernels directly) and
// composites each output row into the destination: the image is read and written once, Y and filtered Y stay in
// the kernels' memory (no f32 image of either), and the kernel runs only on the pixels the mask lets the layer
// change. Every output sample is computed from the same padded rows by the same operations (the plan's own
// passes, as band.ts runs them) wherever its band and its row's span start, so the result is the same bytes as
// making Y, running the plan and compositing one after another (layer-run.ts), on either kernel set and any
// number of threads.
import { alignUp, BLOCK_SLACK, FinishMode, SampleKind, type Kernels } from './backend'
import type { LayerCompositeJob } from './layer-composite'
import { isRgb8Composite, kernelBlendCode, rgb8RowParts, rgb8Rows, rgb8RowSpan } from './layer-rgb8'
import type { FilterPlan } from './plan'

/** A fused layer: the kernel's plan on Y (or one channel) and the composite; plain data. */
export interface LayerFusedJob {
  readonly plan: FilterPlan
  readonly composite: LayerCompositeJob
}

/** The source photo (8-bit RGB) and where the result goes. */
export interface LayerFusedIO {
  readonly src: ArrayBufferLike
  readonly srcOffset: number
  readonly dst: ArrayBufferLike
  readonly dstOffset: number
}

/**
 * True when {@link layerFusedRows} computes the layer: 8-bit RGB in and out, Y or one channel in stored values, a
 * blend mode of the kernels, the plan a row method in f32 (separable or direct) with a plain finish (no stretch,
 * no alpha, no opacity of its own), and the backdrop of output row r the whole source row under the kernel centre
 * (output mode `same`), so a band's padded rows hold it.
 */
export function fusesLayer(plan: FilterPlan, job: LayerCompositeJob): boolean {
  return (
    isRgb8Composite(job) &&
    !job.linear &&
    job.select !== 'rgb' &&
    job.filteredChannels === 1 &&
    kernelBlendCode(job.blend) >= 0 &&
    (plan.method === 'separable' || plan.method === 'direct') &&
    plan.precision === 'f32' &&
    plan.stage === 'final' &&
    plan.channels === 1 &&
    plan.srcKind === SampleKind.F32 &&
    plan.dstKind === SampleKind.F32 &&
    !plan.hasAlpha &&
    !plan.fillAlpha &&
    plan.opacity === 1 &&
    plan.scale === 1 &&
    plan.finishMode <= FinishMode.Shift &&
    plan.outWidth === job.srcWidth &&
    plan.outHeight === job.srcHeight &&
    job.alignedCols.every((sc, x) => sc === x) &&
    job.alignedRows.every((sr, r) => sr >= 0 && sr === plan.rows[r + plan.centreY]) &&
    wholeRowRun(plan) >= 0
  )
}

/**
 * Index in plan.segs of the padded rows' run over the whole source row (in mode `same` there is one: the border
 * runs around it never continue it), or -1.
 */
function wholeRowRun(plan: FilterPlan): number {
  const segs = plan.segs
  for (let g = 0; g < segs.length; g += 3) if (segs[g + 1] === 0 && segs[g + 2] === plan.srcWidth) return g
  return -1
}

/** Writes output rows [r0, r1) of a fused layer (see {@link fusesLayer}); `kernels`: the row-task kernels. */
export function layerFusedRows(job: LayerFusedJob, io: LayerFusedIO, r0: number, r1: number, kernels: Kernels): void {
  const { plan, composite } = job
  const width = plan.outWidth
  const kh = plan.kh
  const padded = width + plan.kw - 1
  const rowBytes = width * 3
  const single = composite.select === 'r' ? 0 : composite.select === 'g' ? 1 : composite.select === 'b' ? 2 : -1
  const src = new Uint8Array(io.src, io.srcOffset, composite.srcHeight * rowBytes)
  const dst = new Uint8Array(io.dst, io.dstOffset, plan.outHeight * rowBytes)

  // The band's memory: a ring of kh source rows (8 bytes more: staged at their source offset's alignment, which
  // makes the copy out of shared memory several times faster) and of their padded Y rows, the passes' rows and
  // the plan's taps; then the composite's row buffers.
  let top = alignUp(kernels.heapBase, 64)
  const alloc = (bytes: number): number => {
    const at = top
    top = alignUp(at + bytes + BLOCK_SLACK, 64)
    return at
  }
  const staging = Array.from({ length: kh }, () => alloc(rowBytes + 8))
  const yRows = Array.from({ length: kh }, () => alloc(padded * 4))
  const slots = alloc(kh * 4)
  const tmp = alloc(padded * 4)
  const sums = alloc(width * 4)
  // The padded row's run over the whole source row: Y is made in place there, the border runs copied from it.
  const segs = plan.segs
  const main = wholeRowRun(plan)
  const terms = plan.terms.map((t) => ({
    colRows: alloc(t.columnRows.length * 4),
    colWeights: alloc(t.columnRows.length * 4),
    colOffsets: alloc(t.columnRows.length * 4),
    colCount: t.columnRows.length,
    rowPtrs: alloc(t.rowOffsets.length * 4),
    rowWeights: alloc(t.rowOffsets.length * 4),
    rowCount: t.rowOffsets.length
  }))
  let maxTaps = plan.taps?.rows.length ?? 0
  for (const t of terms) maxTaps = Math.max(maxTaps, t.colCount)
  const ptrs = alloc(maxTaps * 4)
  const taps = plan.method === 'direct' && plan.taps ? { rows: alloc(plan.taps.rows.length * 4), offsets: alloc(plan.taps.rows.length * 4), weights: alloc(plan.taps.rows.length * 4), count: plan.taps.rows.length } : null
  const rows = rgb8Rows(composite, kernels, top, 1, null)
  const heap = rows.heap
  if (!heap) throw new Error('a fused layer composites in the kernels')

  // The constants, once the memory has its size (views of it are not replaced below).
  const memory = kernels.buffer()
  const u8 = heap.u8
  const f32 = heap.f32
  const i32 = new Int32Array(memory)
  const u32 = new Uint32Array(memory)
  u32.set(yRows, slots >> 2)
  plan.terms.forEach((t, i) => {
    const b = terms[i]
    i32.set(t.columnRows, b.colRows >> 2)
    f32.set(t.columnWeights, b.colWeights >> 2)
    f32.set(t.rowWeights, b.rowWeights >> 2)
  })
  if (taps && plan.taps) {
    i32.set(plan.taps.rows, taps.rows >> 2)
    f32.set(plan.taps.weights, taps.weights >> 2)
  }
  /** Where each ring slot's source row is staged (its padded row p is slot p % kh). */
  const staged = new Int32Array(kh)

  /** Padded row p of Y into its slot: the source row staged, Y of it, the border runs around it. */
  const makeY = (p: number): void => {
    const slot = p % kh
    const y = yRows[slot] >> 2
    const sr = plan.rows[p]
    if (sr < 0) {
      f32.fill(0, y, y + padded)
      return
    }
    const from = io.srcOffset + sr * rowBytes
    const at = staging[slot] + (from & 7)
    u8.set(src.subarray(sr * rowBytes, (sr + 1) * rowBytes), at)
    staged[slot] = at
    // Y of source pixel c is at f32 index base + c.
    const base = y + segs[main]
    if (single >= 0) for (let c = 0, o = at + single; c < width; c++, o += 3) f32[base + c] = u8[o]
    else kernels.lumaRgb8(base << 2, at, width)
    // The border runs, after the main one (whose last SIMD block writes a few values past its end).
    for (let g = 0; g < segs.length; g += 3) {
      if (g === main) continue
      const d = y + segs[g]
      const count = segs[g + 2]
      if (segs[g + 1] < 0) f32.fill(0, d, d + count)
      else f32.copyWithin(d, base + segs[g + 1], base + segs[g + 1] + count)
    }
  }

  const pick = single >= 0 ? single : -1
  // A finish that only clamps to 0..255 is left to compositeRgb8, which clamps the filtered value the same way.
  const finish = plan.divisor !== 1 || plan.offset !== 0 || plan.finishMode !== FinishMode.Clamp
  /** The kernel's passes read from padded column x0 (the taps' offsets moved there), for outputs from x0. */
  let movedTo = -1
  const moveTo = (x0: number): void => {
    if (x0 === movedTo) return
    movedTo = x0
    for (let i = 0; i < terms.length; i++) {
      const { colOffsets, colCount, rowPtrs } = terms[i]
      const rowOffsets = plan.terms[i].rowOffsets
      i32.fill(x0 * 4, colOffsets >> 2, (colOffsets >> 2) + colCount)
      for (let t = 0; t < rowOffsets.length; t++) u32[(rowPtrs >> 2) + t] = tmp + (rowOffsets[t] + x0) * 4
    }
    if (taps && plan.taps) {
      const offsets = plan.taps.offsets
      for (let t = 0; t < offsets.length; t++) i32[(taps.offsets >> 2) + t] = (offsets[t] + x0) * 4
    }
  }

  let next = r0
  for (let r = r0; r < r1; r++) {
    // The pixels the layer changes (the mask, from the backdrop: the source row under the kernel centre); the
    // kernel runs on those alone, and a row it leaves alone is the source row copied.
    const sr = composite.alignedRows[r]
    const span = rgb8RowSpan(rows, r, src, sr * rowBytes)
    const x0 = span.start
    const x1 = span.end
    const d0 = r * rowBytes
    if (x1 === x0) {
      dst.set(src.subarray(sr * rowBytes, (sr + 1) * rowBytes), d0)
      continue
    }
    // Padded rows r .. r + kh - 1 in the ring (those of rows passed over are not made).
    next = Math.max(next, r)
    for (; next < r + kh; next++) makeY(next)
    // The kernel on Y as band.ts runs the plan (the same passes in the same order: every output sample is
    // computed alike whatever the span), into sums from x0.
    moveTo(x0)
    const n = x1 - x0
    const out = sums + x0 * 4
    if (terms.length === 0) f32.fill(0, out >> 2, (out >> 2) + n)
    for (let i = 0; i < terms.length; i++) {
      const t = terms[i]
      kernels.tapPointers(ptrs, slots, kh, r, t.colRows, t.colOffsets, t.colCount)
      kernels.wsum(tmp + x0 * 4, ptrs, t.colWeights, t.colCount, n + plan.kw - 1, 0)
      kernels.wsum(out, t.rowPtrs, t.rowWeights, t.rowCount, n, i > 0 ? 1 : 0)
    }
    if (taps) {
      kernels.tapPointers(ptrs, slots, kh, r, taps.rows, taps.offsets, taps.count)
      kernels.wsum(out, ptrs, taps.weights, taps.count, n, 0)
    }
    if (finish) kernels.finish(out, SampleKind.F32, out, n, 1, plan.divisor, plan.offset, plan.finishMode, plan.p1, plan.p2, plan.max, 1, 0, 1)
    const centre = (r + plan.centreY) % kh
    const back = staged[centre]
    // The whole row is made in the kernels' memory at the destination's alignment, then copied out at once (a
    // copy into shared memory goes word by word only where both sides share their alignment, as in band.ts).
    const row = heap.dst + ((io.dstOffset + d0) & 7)
    // Y of the backdrop is the centre row's, made by lumaRgb8 as compositeRgb8 would make it.
    rgb8RowParts(rows, span, 0, row, back, sums, 1, pick, single >= 0 ? 0 : yRows[centre] + segs[main] * 4)
    // The backdrop's pixels on either side, after the composite (whose last SIMD block writes past x1).
    if (x0 > 0) u8.copyWithin(row, back, back + x0 * 3)
    if (x1 < width) u8.copyWithin(row + x1 * 3, back + x1 * 3, back + rowBytes)
    dst.set(u8.subarray(row, row + rowBytes), d0)
  }
}
